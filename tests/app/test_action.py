"""The Action's job in process: record on main, compare on a pull request, and the job summary and the step
outputs written once, in every ending (recorded, compared, nothing compared, could not run)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from perfgate.app.action import GateOutcome, GateRequest, choose_mode, gate
from perfgate.app.config import Overrides
from perfgate.app.workspace import Workspace
from perfgate.errors import InputError, UsageError
from perfgate.github_env import read_context

from .conftest import BASE, EVENTS, HEAD

NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)
OUTPUTS = ["verdict", "regressions", "report", "junit", "recorded"]


def _outputs(path: Path) -> list[tuple[str, str]]:
    """(key, value) in the order written; a multi-line value keeps its lines."""
    lines, found, i = path.read_text().splitlines(), [], 0
    while i < len(lines):
        key, delimiter = lines[i].split("<<")
        end = lines.index(delimiter, i + 1)
        found.append((key, "\n".join(lines[i + 1 : end])))
        i = end + 1
    return found


def _no_reports(verdict: str) -> list[tuple[str, str]]:
    """Every output, once, in order, for a job that wrote no report."""
    recorded = "true" if verdict == "recorded" else "false"
    return list(zip(OUTPUTS, [verdict, "0", "", "", recorded], strict=True))


def _gate(tmp_path: Path, environ: dict[str, str], *files: str, fail_on: str = "regression") -> GateOutcome:
    """`perfgate gate FILES` with the Action's defaults, a database in tmp_path and no token."""
    workspace = Workspace(tmp_path, NOW, db_url=f"sqlite:///{tmp_path / 'history.db'}")
    request = GateRequest(
        workspace,
        environ=environ,
        files=files,
        mode="auto",
        comment="on-change",
        fail_on=fail_on,
        output_dir=tmp_path / "reports",
        overrides=Overrides(),
    )
    return gate(request)


def _fresh(tmp_path: Path) -> None:
    (tmp_path / "summary.md").unlink(missing_ok=True)
    (tmp_path / "outputs.txt").unlink(missing_ok=True)


def test_a_push_records_and_the_pull_request_is_compared(tmp_path: Path, job_environ: dict[str, str]) -> None:
    push = {**job_environ, "GITHUB_EVENT_NAME": "push", "GITHUB_EVENT_PATH": str(EVENTS / "push.json")}
    recorded = _gate(tmp_path, push, BASE)
    assert recorded.exit_code == 0 and "stored as run 1 (3 series, main@" in recorded.lines[0]
    assert _outputs(tmp_path / "outputs.txt") == _no_reports("recorded")
    assert (tmp_path / "summary.md").read_text().startswith("### perfgate\n\n- ")
    _fresh(tmp_path)
    compared = _gate(tmp_path, job_environ, HEAD)
    assert compared.exit_code == 1 and compared.lines[0].rstrip().endswith("FAIL: 1 regression (test_tokenize)")
    outputs = dict(_outputs(tmp_path / "outputs.txt"))
    assert list(outputs) == OUTPUTS and (outputs["verdict"], outputs["regressions"]) == ("fail", "1")
    assert Path(outputs["report"]).is_file() and Path(outputs["junit"]).is_file()
    assert "no GitHub token was given" in (tmp_path / "summary.md").read_text()
    _fresh(tmp_path)
    waved = _gate(tmp_path, job_environ, HEAD, fail_on="never")
    assert waved.exit_code == 0 and dict(_outputs(tmp_path / "outputs.txt"))["verdict"] == "fail"


def test_nothing_to_compare_with_is_said_not_passed(tmp_path: Path, job_environ: dict[str, str]) -> None:
    outcome = _gate(tmp_path, job_environ, HEAD)
    assert outcome.exit_code == 0 and outcome.lines[0].startswith("perfgate: nothing was compared: ")
    assert _outputs(tmp_path / "outputs.txt") == _no_reports("no-baseline")
    summary = (tmp_path / "summary.md").read_text()
    assert summary.startswith("### :grey_question: perfgate: nothing was compared") and "<!--" not in summary


def test_a_gate_that_cannot_run_says_so_and_raises(tmp_path: Path, job_environ: dict[str, str]) -> None:
    with pytest.raises(InputError, match=r"absent\.json"):
        _gate(tmp_path, job_environ, str(tmp_path / "absent.json"))
    assert _outputs(tmp_path / "outputs.txt") == _no_reports("error")
    assert (tmp_path / "summary.md").read_text().startswith("### perfgate could not run\n\n")


@pytest.mark.parametrize(
    ("event", "payload", "mode", "chosen"),
    [
        ("push", "push.json", "auto", "record"),
        ("pull_request", "pull_request.json", "auto", "compare"),
        ("pull_request", "pull_request.json", "record", "record"),
        ("push", "push.json", "compare", "compare"),
    ],
)
def test_auto_records_a_push_to_the_main_branch_and_compares_the_rest(
    job_environ: dict[str, str], event: str, payload: str, mode: str, chosen: str
) -> None:
    ctx = read_context({**job_environ, "GITHUB_EVENT_NAME": event, "GITHUB_EVENT_PATH": str(EVENTS / payload)})
    assert choose_mode(mode, ctx, "main") == chosen
    if event == "push" and mode == "auto":
        assert choose_mode(mode, ctx, "trunk") == "compare"  # a push to another branch is compared


def test_an_unknown_mode_is_a_usage_error(job_environ: dict[str, str]) -> None:
    with pytest.raises(UsageError, match="mode must be one of auto, record, compare, ab, not 'publish'"):
        choose_mode("publish", read_context(job_environ), "main")


def test_a_pull_request_whose_results_are_main_s_own_is_nothing_measured(
    tmp_path: Path, job_environ: dict[str, str]
) -> None:
    push = {**job_environ, "GITHUB_EVENT_NAME": "push", "GITHUB_EVENT_PATH": str(EVENTS / "push.json")}
    assert _gate(tmp_path, push, BASE).exit_code == 0
    _fresh(tmp_path)
    outcome = _gate(tmp_path, job_environ, BASE)  # a results file restored from main's cache
    assert outcome.exit_code == 0 and "base.json is identical to main@" in outcome.lines[0]
    assert "nothing was measured" in (tmp_path / "summary.md").read_text()  # the comment and summary say so
