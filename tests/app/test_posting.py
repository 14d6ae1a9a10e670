"""What the gate tells GitHub, decided before anything is posted: the comment policy, the check's
conclusion and title, for a failing, a changed, an unchanged report, and for nothing compared."""

from __future__ import annotations

import pytest

from perfgate.app.compare import compare_files
from perfgate.app.config import gate_settings
from perfgate.app.posting import plan
from perfgate.config import Config
from perfgate.gate.report import Report
from perfgate.github_env import GitHubContext, read_context

from .conftest import BASE, HEAD

REPORTS = {
    "failed": (BASE, HEAD),  # test_tokenize regressed
    "improved": (HEAD, BASE),  # test_tokenize got faster, nothing failed
    "unchanged": (BASE, BASE),
}
# policy → the states in which a missing comment is created (an existing one is always updated)
CREATES = {
    "always": {"failed", "improved", "unchanged", "nothing"},
    "on-change": {"failed", "improved", "nothing"},
    "on-regression": {"failed"},
    "never": set[str](),
}


def _report(state: str) -> Report | None:
    if state == "nothing":
        return None
    base, head = REPORTS[state]
    return compare_files([base], [head], gate_settings(Config()))


@pytest.fixture
def ctx(job_environ: dict[str, str]) -> GitHubContext:
    return read_context(job_environ)


@pytest.mark.parametrize("policy", sorted(CREATES))
@pytest.mark.parametrize("state", ["failed", "improved", "unchanged", "nothing"])
def test_the_comment_policy_decides_whether_a_comment_is_created(ctx: GitHubContext, policy: str, state: str) -> None:
    report = _report(state)
    posting = plan(report, "body", ctx, policy, fails=False, pr_number=7, check_name="perfgate", guard_head=True)
    assert posting.create_comment is (state in CREATES[policy])
    assert posting.comment_on == (None if policy == "never" else 7)
    assert (posting.head_sha, posting.details_url) == (ctx.sha, ctx.run_url)


def test_the_check_is_red_when_the_job_fails_and_neutral_when_nothing_was_compared(ctx: GitHubContext) -> None:
    failed = _report("failed")
    red = plan(failed, "b", ctx, "always", fails=True, pr_number=7, check_name="perfgate (api)", guard_head=True)
    assert (red.conclusion, red.title, red.check_name) == ("failure", "1 failing of 3 series", "perfgate (api)")
    # --fail-on never: the same failing report, and a green check
    waved = plan(failed, "b", ctx, "always", fails=False, pr_number=7, check_name="perfgate", guard_head=True)
    assert (waved.conclusion, waved.title) == ("success", "1 failing of 3 series")
    same = plan(_report("unchanged"), "b", ctx, "always", fails=False, pr_number=7, check_name="p", guard_head=True)
    assert (same.conclusion, same.title) == ("success", "3 series, no regression")
    nothing = plan(None, "b", ctx, "always", fails=False, pr_number=None, check_name="p", guard_head=False)
    assert (nothing.conclusion, nothing.title, nothing.comment_on) == ("neutral", "nothing was compared", None)


def test_a_whole_run_slower_than_allowed_is_a_neutral_check_not_a_green_one(ctx: GitHubContext) -> None:
    from ..render.test_run_shift import shifted_report as shifted

    slow = shifted(1.4)
    posting = plan(slow, "body", ctx, "always", fails=False, pr_number=7, check_name="perfgate", guard_head=True)
    assert posting.conclusion == "neutral"
    assert posting.title == "12 series, no regression beyond the whole run's +40.0%"
    clean = plan(shifted(1.0), "b", ctx, "always", fails=False, pr_number=7, check_name="p", guard_head=True)
    assert clean.conclusion == "success"
