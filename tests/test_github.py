"""`perfgate gate` and `perfgate publish` as a workflow step runs them, against a fake GitHub REST server on loopback:
runs recorded on push, pull requests gated (comment, check, job summary, step outputs), forks' reports published."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from perfgate.render.markdown import MARKER
from perfgate.store import Store

from .conftest import DATA, EXAMPLES
from .fake_github import PRIMARY_RATE_LIMIT, FakeGitHub, Fault, exhausted

EVENTS = DATA / "github-events"
HEAD_SHA = "1" * 40
FORK_SHA = "3" * 40


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    server = FakeGitHub().start()
    yield server
    server.stop()


def _ours(fake: FakeGitHub, number: int) -> list[dict[str, object]]:
    return [c for c in fake.comments[number] if str(c["body"]).startswith(MARKER)]


def _step(
    fake: FakeGitHub,
    tmp_path: Path,
    event: str,
    payload: str,
    *args: str,
    token: bool = True,
    sha: str = "2" * 40,
    ref: str = "refs/heads/main",
) -> tuple[subprocess.CompletedProcess[str], Path, Path]:
    summary, outputs = tmp_path / f"summary-{event}.md", tmp_path / f"output-{event}.txt"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "PERFGATE_"))},
        "GITHUB_ACTIONS": "true",
        "GITHUB_EVENT_NAME": event,
        "GITHUB_EVENT_PATH": str(EVENTS / payload),
        "GITHUB_REPOSITORY": fake.full_name,
        "GITHUB_SHA": sha,
        "GITHUB_REF": ref,
        "GITHUB_RUN_ID": "42",
        "GITHUB_RUN_ATTEMPT": "1",
        "GITHUB_API_URL": fake.url,
        "GITHUB_SERVER_URL": "https://github.example",
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_OUTPUT": str(outputs),
        "PERFGATE_DATABASE_URL": f"sqlite:///{tmp_path / 'history.db'}",
    }
    if token:
        env["GITHUB_TOKEN"] = "s3cret-token"
    done = subprocess.run(
        [sys.executable, "-m", "perfgate", *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    return done, summary, outputs


def _outputs(path: Path) -> dict[str, str]:
    lines = path.read_text().splitlines()
    out, i = {}, 0
    while i < len(lines):
        key, delimiter = lines[i].split("<<")
        end = lines.index(delimiter, i + 1)
        out[key] = "\n".join(lines[i + 1 : end])
        i = end + 1
    return out


def test_push_records_then_pull_request_is_gated(fake: FakeGitHub, tmp_path: Path) -> None:
    shutil.copy(EXAMPLES / "pytest-benchmark" / "base.json", tmp_path / "base.json")
    shutil.copy(EXAMPLES / "pytest-benchmark" / "head.json", tmp_path / "head.json")
    recorded, _, _ = _step(fake, tmp_path, "push", "push.json", "gate", "base.json")
    assert recorded.returncode == 0, recorded.stderr
    again, _, _ = _step(fake, tmp_path, "push", "push.json", "gate", "base.json")
    assert "already stored as run 1" in again.stdout  # same run id and attempt: idempotent
    fake.add_pull(7, HEAD_SHA)
    gated, summary, outputs = _step(
        fake, tmp_path, "pull_request", "pull_request.json", "gate", "head.json", sha="9" * 40
    )
    assert gated.returncode == 1, gated.stderr
    assert "FAIL: 1 regression (test_tokenize)" in gated.stdout
    (comment,) = _ours(fake, 7)
    assert "1 regression beyond the allowed change" in str(comment["body"])
    assert fake.check_runs[0]["head_sha"] == HEAD_SHA and fake.check_runs[0]["conclusion"] == "failure"
    assert "details_url" in fake.check_runs[0] and "/actions/runs/42" in fake.check_runs[0]["details_url"]
    assert "1 regression beyond the allowed change" in summary.read_text()
    out = _outputs(outputs)
    assert out["verdict"] == "fail" and out["regressions"] == "1"
    report = json.loads(Path(tmp_path / out["report"]).read_text())
    assert report["origin"]["pr_number"] == 7 and report["origin"]["head_sha"] == HEAD_SHA
    junit = (tmp_path / out["junit"]).read_text()
    assert junit.count("<testcase") == 3 and junit.count("<failure") == 1
    rerun, _, _ = _step(fake, tmp_path, "pull_request", "pull_request.json", "gate", "head.json")
    assert rerun.returncode == 1 and len(_ours(fake, 7)) == 1  # the comment is updated, never duplicated
    assert "s3cret-token" not in gated.stdout + gated.stderr + summary.read_text()
    # Each decision is kept for the weekly digest: PR 7 failed twice, on test_tokenize.
    kept = Store(f"sqlite:///{tmp_path / 'history.db'}").gate_decisions(
        "default", since=datetime(2000, 1, 1, tzinfo=UTC), until=datetime(2100, 1, 1, tzinfo=UTC)
    )
    assert [(d.pr_number, d.verdict, d.series) for d in kept] == [(7, "fail", 3), (7, "fail", 3)]
    assert kept[0].head_commit == HEAD_SHA and kept[0].run_url and kept[0].run_url.endswith("/actions/runs/42")
    assert [f.split(":")[0] for f in kept[0].failing] == ["test_tokenize"]


def test_the_comment_links_failing_rows_to_the_history_site(fake: FakeGitHub, tmp_path: Path) -> None:
    """site_url in perfgate.toml: the failing row's name links to its page, and the footer to the site."""
    from perfgate.site_address import series_url

    site = "https://acme.github.io/shop/"
    (tmp_path / "perfgate.toml").write_text(f'[perfgate]\nsite_url = "{site}"\n', encoding="utf-8")
    shutil.copy(EXAMPLES / "pytest-benchmark" / "base.json", tmp_path / "base.json")
    shutil.copy(EXAMPLES / "pytest-benchmark" / "head.json", tmp_path / "head.json")
    recorded, _, _ = _step(fake, tmp_path, "push", "push.json", "gate", "base.json")
    assert recorded.returncode == 0, recorded.stderr
    fake.add_pull(7, HEAD_SHA)
    gated, _, outputs = _step(fake, tmp_path, "pull_request", "pull_request.json", "gate", "head.json")
    assert gated.returncode == 1, gated.stderr
    body = str(_ours(fake, 7)[0]["body"])
    page = series_url(site, "default", "test_tokenize", "time")
    assert f"**[test_tokenize]({page})**" in body
    assert f"[History]({site})" in body
    assert body.count(site) == 2  # only the failing row is linked, not the passing ones
    report = json.loads((tmp_path / _outputs(outputs)["report"]).read_text())
    assert report["site"] == {"url": site, "pages": [{"name": "test_tokenize", "metric": "time", "url": page}]}


def test_fork_pull_request_degrades_to_the_summary(fake: FakeGitHub, tmp_path: Path) -> None:
    shutil.copy(EXAMPLES / "pytest-benchmark" / "base.json", tmp_path / "base.json")
    shutil.copy(EXAMPLES / "pytest-benchmark" / "head.json", tmp_path / "head.json")
    _step(fake, tmp_path, "push", "push.json", "gate", "base.json")
    fake.add_pull(8, FORK_SHA, fork=True)
    for pattern in (r"/issues/8/comments$", "/check-runs", "/statuses/"):
        fake.faults.append(Fault("POST", pattern, 403, times=10, message="Resource not accessible by integration"))
    gated, summary, _ = _step(fake, tmp_path, "pull_request", "pull_request_fork.json", "gate", "head.json")
    assert gated.returncode == 1  # the verdict does not depend on the API
    assert "token is read-only (a pull request from a fork)" in summary.read_text()
    assert "Traceback" not in gated.stderr


def test_publish_posts_a_fork_report_and_refuses_a_stale_one(fake: FakeGitHub, tmp_path: Path) -> None:
    shutil.copy(EXAMPLES / "pytest-benchmark" / "base.json", tmp_path / "base.json")
    shutil.copy(EXAMPLES / "pytest-benchmark" / "head.json", tmp_path / "head.json")
    _step(fake, tmp_path, "push", "push.json", "gate", "base.json")
    fake.add_pull(8, FORK_SHA, fork=True)
    untrusted = tmp_path / "untrusted"
    _step(
        fake,
        tmp_path,
        "pull_request",
        "pull_request_fork.json",
        "gate",
        "head.json",
        "--output-dir",
        str(untrusted),
        token=False,
    )
    report = untrusted / "perfgate-report.json"
    raw = json.loads(report.read_text())
    raw["series"][0]["name"] = "test_tokenize @maintainers <img src=x>"  # names come from the fork's code
    report.write_text(json.dumps(raw))
    published, _, _ = _step(fake, tmp_path, "workflow_run", "workflow_run_fork.json", "publish", str(report))
    assert published.returncode == 0, published.stderr
    (comment,) = _ours(fake, 8)
    assert "@maintainers" not in str(comment["body"]) and "<img" not in str(comment["body"])
    assert fake.check_runs[-1]["head_sha"] == FORK_SHA
    fake.pulls[8]["head"]["sha"] = "4" * 40  # the author pushed again meanwhile
    stale, _, _ = _step(fake, tmp_path, "workflow_run", "workflow_run_fork.json", "publish", str(report))
    assert "is stale: not posted" in stale.stdout


def test_publish_rejects_a_tampered_report(fake: FakeGitHub, tmp_path: Path) -> None:
    report = tmp_path / "perfgate-report.json"
    report.write_text(json.dumps({"schema_version": 1, "series": "everything"}))
    done, _, _ = _step(fake, tmp_path, "workflow_run", "workflow_run_fork.json", "publish", str(report))
    assert done.returncode == 3 and "perfgate-report.json:settings: expected an object" in done.stderr


def test_a_pull_request_with_no_baseline_gets_a_neutral_check_not_a_green_tick(
    fake: FakeGitHub, tmp_path: Path
) -> None:
    shutil.copy(EXAMPLES / "pytest-benchmark" / "head.json", tmp_path / "head.json")
    fake.add_pull(7, HEAD_SHA)
    gated, summary, outputs = _step(fake, tmp_path, "pull_request", "pull_request.json", "gate", "head.json")
    assert gated.returncode == 0, gated.stderr
    assert fake.check_runs[-1]["conclusion"] == "neutral"
    assert fake.check_runs[-1]["output"]["title"] == "nothing was compared"
    (comment,) = _ours(fake, 7)
    assert "nothing was compared" in str(comment["body"]) and "history input" in str(comment["body"])
    assert "nothing was compared" in summary.read_text()
    assert _outputs(outputs)["verdict"] == "no-baseline"


def test_a_master_repository_records_pushes_to_its_default_branch(fake: FakeGitHub, tmp_path: Path) -> None:
    shutil.copy(EXAMPLES / "pytest-benchmark" / "base.json", tmp_path / "base.json")
    payload = json.loads((EVENTS / "push.json").read_text())
    payload["ref"] = "refs/heads/master"
    payload["repository"]["default_branch"] = "master"
    event = tmp_path / "push-master.json"
    event.write_text(json.dumps(payload))
    done, _, outputs = _step(fake, tmp_path, "push", str(event), "gate", "base.json", ref="refs/heads/master")
    assert done.returncode == 0, done.stderr
    assert _outputs(outputs)["verdict"] == "recorded"


def test_a_failing_comment_does_not_skip_the_check_and_the_reverse(fake: FakeGitHub, tmp_path: Path) -> None:
    shutil.copy(EXAMPLES / "pytest-benchmark" / "base.json", tmp_path / "base.json")
    shutil.copy(EXAMPLES / "pytest-benchmark" / "head.json", tmp_path / "head.json")
    _step(fake, tmp_path, "push", "push.json", "gate", "base.json")
    fake.add_pull(7, HEAD_SHA)
    fake.faults.append(Fault("POST", r"/issues/7/comments$", 422, times=1, message="Validation Failed"))
    gated, summary, _ = _step(fake, tmp_path, "pull_request", "pull_request.json", "gate", "head.json")
    assert gated.returncode == 1 and fake.check_runs and fake.check_runs[-1]["conclusion"] == "failure"
    assert "the PR comment is missing" in summary.read_text()
    fake.faults.append(Fault("POST", "/check-runs", 422, times=5, message="Validation Failed"))
    again, summary, _ = _step(fake, tmp_path, "pull_request", "pull_request.json", "gate", "head.json")
    assert again.returncode == 1 and len(_ours(fake, 7)) == 1 and "the check is missing" in summary.read_text()


def test_a_used_up_rate_limit_gives_up_the_comment_at_once_and_keeps_verdict_and_check(
    fake: FakeGitHub, tmp_path: Path
) -> None:
    shutil.copy(EXAMPLES / "pytest-benchmark" / "base.json", tmp_path / "base.json")
    shutil.copy(EXAMPLES / "pytest-benchmark" / "head.json", tmp_path / "head.json")
    _step(fake, tmp_path, "push", "push.json", "gate", "base.json")
    fake.add_pull(7, HEAD_SHA)
    headers = exhausted(time.time() + 3600)  # reset in an hour; GitHub sends no Retry-After for this limit
    fake.faults.append(Fault("GET", r"/issues/7/comments$", 403, times=50, headers=headers, message=PRIMARY_RATE_LIMIT))
    started = time.monotonic()
    gated, summary, outputs = _step(fake, tmp_path, "pull_request", "pull_request.json", "gate", "head.json")
    assert time.monotonic() - started < 60  # not an hour
    assert gated.returncode == 1 and _outputs(outputs)["verdict"] == "fail"  # the verdict stands
    assert fake.check_runs and fake.check_runs[-1]["conclusion"] == "failure"  # and so does the check
    assert _ours(fake, 7) == [] and len(fake.requests("GET", r"/issues/7/comments$")) == 1  # asked once
    text = summary.read_text()
    assert "the API rate limit is used up" in text and "the PR comment is missing" in text
