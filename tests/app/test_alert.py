"""`perfgate alert` end to end: a stored main-branch history with a known step, the command line, the fake GitHub
REST server (issues, labels, comparisons, pagination, a read-only token) and a webhook endpoint on loopback."""

from __future__ import annotations

import json
import re
import shutil
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from perfgate.app.alert import AlertOutcome, AlertRequest, Hook, alert
from perfgate.app.workspace import Workspace
from perfgate.config import Config, load
from perfgate.errors import ConfigError
from perfgate.gate.policy import Policy
from perfgate.gate.settings import Settings
from perfgate.history import alerts
from perfgate.history.series import History, Point
from perfgate.model import Run, Series
from perfgate.render import alert as words
from perfgate.store import Store
from tests.conftest import Invoke, check_golden
from tests.fake_github import FakeGitHub, Fault
from tests.fake_webhook import FakeWebhook
from tests.weekly import Shape, history, store_history

END = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
STEP = Shape("test_tokenize", step_at=32, step=0.18)
STEADY = [Shape(f"test_steady_{i}", level=0.001 * (i + 1)) for i in range(6)]


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    fake = FakeGitHub().start()
    yield fake
    fake.stop()


@pytest.fixture
def hook() -> Iterator[FakeWebhook]:
    fake = FakeWebhook()
    yield fake
    fake.stop()


def _stored(db: str, runs: list[Run]) -> Store:
    store = Store(db)
    store_history(store, runs, END)
    return store


def _env(github: FakeGitHub, token: str = "ghs_alert") -> dict[str, str]:
    return {"GITHUB_TOKEN": token, "GITHUB_REPOSITORY": github.full_name, "GITHUB_API_URL": github.url}


def _main(github: FakeGitHub, runs: list[Run]) -> None:
    """Main's commits, and the pull request that brought the step (with the commit before it)."""
    github.main_commits = [r.commit for r in runs]
    github.add_merged_pull(7, [runs[31].commit, runs[32].commit], title="Tokenize with a regex", author="alice")


def _db(work: Path) -> str:
    return f"sqlite:///{work / 'history.db'}"


def _at_once(github: FakeGitHub, requests: list[AlertRequest]) -> list[AlertOutcome]:
    """Alert jobs at the same moment, each with its own copy of the history: both list the open issues before
    either opens one (GitHub answers their first POSTs a second late)."""
    github.faults.append(Fault("POST", r"/issues$", status=0, delay=1.0, times=len(requests)))
    outcomes: list[AlertOutcome] = []
    threads = [threading.Thread(target=lambda r=r: outcomes.append(alert(r))) for r in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def _marked(github: FakeGitHub, state: str = "open") -> list[dict[str, Any]]:
    return [i for i in github.issues.values() if i["state"] == state and words.MARKER_PREFIX in str(i["body"])]


def test_a_step_on_main_opens_one_issue_with_its_window_and_pull_request(
    run_cli: Invoke, db_url: str, github: FakeGitHub, monkeypatch: pytest.MonkeyPatch, update_golden: bool
) -> None:
    runs = history([STEP, *STEADY], end=END, runs=40)
    _stored(db_url, runs)
    _main(github, runs)
    for key, value in _env(github).items():
        monkeypatch.setenv(key, value)

    result = run_cli("alert", "--db", db_url)

    assert result.exit_code == 0, result.output
    [issue] = _marked(github)
    assert issue["title"] == f"perfgate: test_tokenize is 18.2% slower since {runs[32].commit[:10]}"
    assert [label["name"] for label in issue["labels"]] == ["perfgate"]
    assert github.labels["perfgate"]["color"] == "d93f0b"  # created before the issue, with its colour
    assert "announced: test_tokenize: 18.2% slower" in result.output
    check_golden("alert/issue.md", str(issue["body"]), update_golden)
    # The store remembers the step with its issue: a job without the issue's marker would not announce it again.
    [step] = Store(db_url).announcements()
    assert (step.name, step.first_bad, step.issue, step.recovered) == (
        "test_tokenize",
        runs[32].commit,
        issue["number"],
        False,
    )


def test_rerunning_keeps_one_issue_and_posts_one_message(
    tmp_path: Path, github: FakeGitHub, hook: FakeWebhook, update_golden: bool
) -> None:
    runs = history([STEP, *STEADY], end=END, runs=40)
    db = f"sqlite:///{tmp_path / 'history.db'}"
    _stored(db, runs)
    _main(github, runs)
    (tmp_path / "perfgate.toml").write_text('[alert]\nwebhooks = ["SLACK_WEBHOOK_URL"]\n', encoding="utf-8")
    request = AlertRequest(Workspace(tmp_path, END, db_url=db), {**_env(github), "SLACK_WEBHOOK_URL": hook.url()})

    first = alert(request)
    again = alert(request)
    # A fresh cache: the store forgot, the issue's marker remembers.
    (tmp_path / "history.db").unlink()
    _stored(db, runs)
    fresh = alert(request)

    assert (first.new, again.new, fresh.new) == (1, 0, 0)
    assert len(_marked(github)) == 1 and len(github.issues) == 1
    assert len(hook.received) == 1  # one message for one step, none on reruns
    message = hook.received[0]
    assert message.content_type == "application/json"
    assert set(message.body) == {"text", "blocks"}  # Slack's incoming-webhook shape
    assert message.body["text"].startswith("perfgate: test_tokenize is 18.2% slower on main in acme/shop")
    assert "#7 Tokenize with a regex" in message.body["blocks"][0]["text"]["text"]
    assert [b["type"] for b in message.body["blocks"]] == ["section", "context"]
    assert "issues/" in message.body["blocks"][1]["elements"][0]["text"]  # the issue's link
    check_golden("alert/slack.json", json.dumps(message.body, indent=2, ensure_ascii=False) + "\n", update_golden)
    assert any("unchanged" in line for line in again.lines)  # nothing new: the issue was not edited
    assert not github.requests("PATCH", r"/issues/\d+$")


def test_recovery_comments_and_closes_the_issue(tmp_path: Path, github: FakeGitHub, hook: FakeWebhook) -> None:
    runs = history([Shape("test_tokenize", step_at=24, step=0.18, back_at=32), *STEADY], end=END, runs=40)
    db = f"sqlite:///{tmp_path / 'history.db'}"
    store = _stored(db, runs[:32])
    github.main_commits = [r.commit for r in runs]
    request = AlertRequest(
        Workspace(tmp_path, END, db_url=db), _env(github), hooks=(Hook(hook.url("/ops"), "generic"),)
    )

    opened = alert(request)
    [issue] = _marked(github)
    store.save_runs(runs[32:], END)
    closed = alert(request)
    again = alert(request)

    assert (opened.new, closed.recovered, again.recovered, again.new) == (1, 1, 0, 0)
    assert issue["state"] == "closed" and issue["state_reason"] == "completed"
    [comment] = github.comments[int(issue["number"])]
    assert comment["body"].startswith(f"Recovered since [`{runs[32].commit[:10]}`]")  # the first run back
    assert "back at the level before the step (10.02ms). Closing." in comment["body"]
    assert [m.body["event"] for m in hook.received] == ["regression", "recovery"]
    assert [a.recovered for a in store.announcements()] == [True]


def test_two_alert_jobs_at_once_keep_one_issue(tmp_path: Path, github: FakeGitHub) -> None:
    """Two jobs, each with its own copy of the history (two caches), both list no issue and both open one: they
    settle on the oldest and close the other as a duplicate."""
    runs = history([STEP, *STEADY], end=END, runs=40)
    _stored(f"sqlite:///{tmp_path / 'a.db'}", runs)
    shutil.copy(tmp_path / "a.db", tmp_path / "b.db")
    _main(github, runs)
    dbs = [f"sqlite:///{tmp_path / name}" for name in ("a.db", "b.db")]

    outcomes = _at_once(github, [AlertRequest(Workspace(tmp_path, END, db_url=db), _env(github)) for db in dbs])

    assert len(outcomes) == 2
    assert len(github.requests("POST", r"/issues$")) == 2  # the race happened
    [kept] = _marked(github)
    [duplicate] = _marked(github, "closed")
    assert kept["number"] < duplicate["number"]
    assert duplicate["state_reason"] == "not_planned"
    assert any(
        c["body"] == f"Duplicate of #{kept['number']} (two alert jobs ran at once)."
        for c in github.comments[int(duplicate["number"])]
    )


def test_two_jobs_on_one_database_announce_a_step_once(db_url: str, tmp_path: Path, hook: FakeWebhook) -> None:
    runs = history([STEP, *STEADY], end=END, runs=40)
    store = _stored(db_url, runs)
    step = alerts.Announced("default", "test_tokenize", "time", runs[32].commit, 0.01)

    assert store.announce(step, last_good=runs[31].commit, after=0.0118, now=END)
    assert not store.announce(step, last_good=runs[31].commit, after=0.0118, now=END)  # the second job's claim
    store.update_announcement(step, issue=12)
    store.update_announcement(step, recovered_at=END)
    assert store.announcements() == [
        alerts.Announced("default", "test_tokenize", "time", runs[32].commit, 0.01, True, 12)
    ]


def test_webhooks_alone_retry_and_warn_without_the_secret(
    run_cli: Invoke, tmp_path: Path, hook: FakeWebhook, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cron job on a team's own server: no GitHub at all. A 500 is retried; a webhook that keeps failing is a
    warning naming its host, never its path; the other webhook still gets the message; a rerun posts nothing."""
    runs = history([STEP, *STEADY], end=END, runs=40)
    db = f"sqlite:///{tmp_path / 'history.db'}"
    _stored(db, runs)
    for key in ("GITHUB_TOKEN", "GITHUB_REPOSITORY", "GITHUB_API_URL"):
        monkeypatch.delenv(key, raising=False)
    broken = FakeWebhook(answers=[(500, {})] * 3)
    hook.answers = [(503, {}), (429, {"Retry-After": "0"})]
    try:
        first = run_cli(
            "alert", "--db", db, "--webhook", broken.url(), "--webhook", hook.url(), "--repository", "acme/shop"
        )
        again = run_cli("alert", "--db", db, "--webhook", hook.url())
    finally:
        broken.stop()

    assert first.exit_code == 0, first.output
    assert len(broken.received) == 3  # three attempts, then a warning
    port = broken.server.server_address[1]
    assert f"warning: webhook 127.0.0.1:{port}: answered 500, after 3 attempts" in first.output
    assert "s3cr3t" not in first.output + again.output
    assert len(hook.received) == 3 and hook.received[-1].body == hook.received[0].body  # 503, 429, then 200
    assert again.exit_code == 0 and len(hook.received) == 3  # the store remembers what was sent


def test_a_token_without_issues_write_exits_3_and_says_what_it_lacks(
    run_cli: Invoke, tmp_path: Path, github: FakeGitHub, hook: FakeWebhook, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs = history([STEP, *STEADY], end=END, runs=40)
    db = f"sqlite:///{tmp_path / 'history.db'}"
    _stored(db, runs)
    _main(github, runs)
    github.read_only_tokens.add("ghs_read_only")
    for key, value in _env(github, "ghs_read_only").items():
        monkeypatch.setenv(key, value)

    result = run_cli("alert", "--db", db, "--webhook", hook.url())
    retried = run_cli("alert", "--db", db)  # the token fixed: the announced step gets its issue, no second message
    github.read_only_tokens.clear()
    fixed = run_cli("alert", "--db", db, "--webhook", hook.url())

    assert result.exit_code == 3, result.output
    assert "Resource not accessible by integration" in result.output
    assert "give the job `permissions: issues: write`" in result.output
    assert len(hook.received) == 1  # the webhook heard of the step all the same
    assert retried.exit_code == 3
    assert fixed.exit_code == 0, fixed.output
    assert "opened the issue of an announced step" in fixed.output
    assert len(_marked(github)) == 1 and len(hook.received) == 1


def test_its_issue_is_found_on_a_later_page(tmp_path: Path, github: FakeGitHub) -> None:
    runs = history([STEP, *STEADY], end=END, runs=40)
    db = f"sqlite:///{tmp_path / 'history.db'}"
    _stored(db, runs)
    _main(github, runs)
    for i in range(130):  # other issues with the same label, by people: more than one page of 100
        github._new_issue({"title": f"slow thing {i}", "body": "please look", "labels": ["perfgate"]}, "octocat")
    request = AlertRequest(Workspace(tmp_path, END, db_url=db), _env(github))

    alert(request)
    (tmp_path / "history.db").unlink()  # only the marker remembers now
    _stored(db, runs)
    again = alert(request)

    assert len(_marked(github)) == 1 and again.new == 0
    pages = [c.query.get("page", ["1"])[0] for c in github.requests("GET", r"/issues$")]
    assert "2" in pages


def test_dry_run_writes_nothing(tmp_path: Path, github: FakeGitHub) -> None:
    runs = history([STEP, *STEADY], end=END, runs=40)
    db = f"sqlite:///{tmp_path / 'history.db'}"
    store = _stored(db, runs)
    _main(github, runs)

    outcome = alert(AlertRequest(Workspace(tmp_path, END, db_url=db), _env(github), dry_run=True))

    assert outcome.lines[0] == f"would open one issue for {runs[32].commit[:10]} (1 series):"
    assert [line.split(":")[0] for line in outcome.lines[1:]] == ["  would announce"]
    assert not [c for c in github.calls if c.method != "GET"]
    assert store.announcements() == []


def test_a_dry_run_says_which_steps_share_an_issue(tmp_path: Path, github: FakeGitHub) -> None:
    runs = history([*PARSE_RENDER, *STEADY], end=END, runs=40)
    db = f"sqlite:///{tmp_path / 'history.db'}"
    _stored(db, runs)
    _main(github, runs)

    outcome = alert(AlertRequest(Workspace(tmp_path, END, db_url=db), _env(github), dry_run=True))

    header, *steps = outcome.lines
    assert header == f"would open one issue for {runs[32].commit[:10]} (2 series):"
    assert [line.split(":")[1].strip() for line in steps] == ["test_parse", "test_render"]  # the largest first
    assert github.issues == {}


def test_a_waiver_closes_the_issue(tmp_path: Path, github: FakeGitHub) -> None:
    runs = history([STEP, *STEADY], end=END, runs=40)
    db = f"sqlite:///{tmp_path / 'history.db'}"
    _stored(db, runs)
    _main(github, runs)
    request = AlertRequest(Workspace(tmp_path, END, db_url=db), _env(github))
    alert(request)
    (tmp_path / "perfgate.toml").write_text(
        '[[waiver]]\nmatch = "test_tokenize"\nuntil = 2026-12-31\nreason = "the regex tokenizer is worth it (#9)"\n',
        encoding="utf-8",
    )

    waived = alert(request)

    [issue] = _marked(github, "closed")
    assert waived.recovered == 1
    [comment] = github.comments[int(issue["number"])]
    assert comment["body"] == (
        "Closed: a waiver in perfgate.toml (line 2) accepts this until 2026-12-31: the regex tokenizer is worth it (&#35;9)"
    )


def test_nothing_to_tell_is_a_usage_error(run_cli: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for key in ("GITHUB_TOKEN", "GITHUB_REPOSITORY"):
        monkeypatch.delenv(key, raising=False)
    result = run_cli("alert")
    assert result.exit_code == 2
    assert "give --webhook URL" in result.output


def test_steady_series_and_one_slow_run_raise_nothing() -> None:
    """A/A: 50 steady series over 60 runs, and one series with a single run 40 % slower: no alert."""
    shapes = [Shape(f"bench_{i}", level=0.001 * (1 + i % 7), run_noise=0.02) for i in range(50)]
    runs = history(shapes, end=END, runs=60, seed=3)
    slow = runs[50]
    runs[50] = replace(slow, series=tuple(_scaled(s, 1.4) if s.name == "bench_0" else s for s in slow.series))
    found = alerts.find(_histories(runs), [], Policy(), Settings(), today=END.date())
    assert found.empty


def _scaled(series: Series, factor: float) -> Series:
    summary = series.summary
    assert summary.median is not None and summary.mean is not None
    return replace(series, summary=replace(summary, median=summary.median * factor, mean=summary.mean * factor))


def _histories(runs: list[Run]) -> list[History]:
    """The runs' series as histories, without a store."""
    points: dict[tuple[str, str], list[Point]] = {}
    first: dict[tuple[str, str], Series] = {}
    for run in runs:
        for series in run.series:
            first.setdefault(series.key, series)
            points.setdefault(series.key, []).append(Point(run.commit, run.recorded_at, series.summary))
    return [
        History("default", s.name, s.metric, s.unit, s.direction, s.kind, tuple(points[k])) for k, s in first.items()
    ]


def test_a_step_found_a_run_later_is_the_same_step() -> None:
    runs = history([STEP], end=END, runs=40)
    [found] = _histories(runs)
    moved = alerts.Announced("default", "test_tokenize", "time", runs[33].commit, 0.01)  # one run off
    result = alerts.find([found], [moved], Policy(), Settings(), today=END.date())
    assert (len(result.new), len(result.ongoing)) == (0, 1)


@pytest.mark.parametrize(
    ("table", "problem"),
    [
        (
            'webhooks = ["https://hooks.slack.com/services/T/B/s3cr3tpath"]',
            "expected the name of an environment variable",
        ),
        ("labels = []", "expected a list of label names"),
        ("runs = 3", "from 6 to 10,000"),
        ("webhook = []", "unknown key; expected labels, webhooks or runs"),
        ('webhooks = [{ env = "X", format = "teams" }]', "format: expected one of slack, generic"),
    ],
)
def test_alert_settings_errors_name_the_line(tmp_path: Path, table: str, problem: str) -> None:
    path = tmp_path / "perfgate.toml"
    path.write_text(f'[perfgate]\nsuite = "api"\n\n[alert]\n{table}\n', encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load(path)
    assert f"{path}:5: alert." in str(raised.value) and problem in str(raised.value)
    assert "s3cr3tpath" not in str(raised.value)


def test_alert_settings_are_read(tmp_path: Path) -> None:
    path = tmp_path / "perfgate.toml"
    path.write_text(
        '[alert]\nlabels = ["perfgate", "performance"]\nruns = 30\n'
        'webhooks = ["SLACK_WEBHOOK_URL", { env = "OPS_HOOK", format = "generic" }]\n',
        encoding="utf-8",
    )
    settings = load(path).alert
    assert settings.labels == ("perfgate", "performance") and settings.runs == 30
    assert [(w.env, w.format) for w in settings.webhooks] == [("SLACK_WEBHOOK_URL", "slack"), ("OPS_HOOK", "generic")]
    assert Config().alert.labels == ("perfgate",)


def test_a_step_older_than_the_runs_looked_at_still_closes_when_back() -> None:
    """The announced step's commit is no longer among the runs (older than [alert] runs, or its run deleted)."""
    runs = history([Shape("test_tokenize", step_at=24, step=0.18, back_at=32)], end=END, runs=40)
    [found] = _histories(runs[30:])  # the step's first bad run (24) is not among these
    announced = alerts.Announced("default", "test_tokenize", "time", runs[24].commit, 0.01)
    [back] = alerts.find([found], [announced], Policy(), Settings(), today=END.date()).recovered
    assert back.why == "recovered" and back.since is not None and back.since.commit == runs[32].commit
    still = _histories(runs[24:32] + runs[26:30])  # worse all along: not closed
    assert not alerts.find(still, [announced], Policy(), Settings(), today=END.date()).recovered


def test_a_step_found_runs_away_while_its_issue_is_open_is_the_same_step() -> None:
    """The detector moved the step by four runs: while the announced step is open, a step up from the same old
    level is that step; a second step on top of it (from a level worse by the allowance) is a new one."""
    runs = history([STEP], end=END, runs=40)
    [found] = _histories(runs)
    moved = alerts.Announced("default", "test_tokenize", "time", runs[28].commit, 0.01)
    result = alerts.find([found], [moved], Policy(), Settings(), today=END.date())
    assert (len(result.new), len(result.ongoing)) == (0, 1)
    two = history([Shape("test_tokenize", step_at=12, step=0.18)], end=END, runs=40)
    on_top = [replace(r, series=tuple(_scaled(s, 1.2) for s in r.series)) if i >= 30 else r for i, r in enumerate(two)]
    first = alerts.Announced("default", "test_tokenize", "time", two[12].commit, 0.01)
    result = alerts.find(_histories(on_top), [first], Policy(), Settings(), today=END.date())
    assert [r.first_bad.commit for r in result.new] == [two[30].commit]


def test_an_update_keeps_the_marker_and_a_steady_size_edits_nothing(tmp_path: Path, github: FakeGitHub) -> None:
    runs = history([STEP, *STEADY], end=END, runs=40)
    db = f"sqlite:///{tmp_path / 'history.db'}"
    store = _stored(db, runs[:36])
    _main(github, runs)
    request = AlertRequest(Workspace(tmp_path, END, db_url=db), _env(github))
    alert(request)
    [issue] = _marked(github)
    marker = str(issue["body"]).split("\n")[0]
    store.save_runs(runs[36:], END)  # four more runs at the same level: the size moves by far less than 2.5%
    alert(request)
    assert not github.requests("PATCH", r"/issues/\d+$")
    assert str(issue["body"]).split("\n")[0] == marker


def test_a_suite_wide_step_is_one_issue_at_once(tmp_path: Path, github: FakeGitHub, hook: FakeWebhook) -> None:
    """Twelve series slowed by one commit: one issue listing all twelve (largest first), one Slack message."""
    shapes = [Shape(f"test_{i:02d}", step_at=32, step=0.10 + 0.01 * i) for i in range(12)]
    runs = history([*shapes, *STEADY], end=END, runs=40)
    db = f"sqlite:///{tmp_path / 'history.db'}"
    store = _stored(db, runs)
    _main(github, runs)
    request = AlertRequest(Workspace(tmp_path, END, db_url=db), _env(github), hooks=(Hook(hook.url()),))

    first = alert(request)
    second = alert(request)

    [issue] = _marked(github)
    assert (first.new, second.new, second.ongoing, len(hook.received)) == (12, 0, 12, 1)
    assert str(issue["title"]).startswith(
        f"perfgate: 12 series are worse since {runs[32].commit[:10]}; the largest: test_11 is "
    )
    body = str(issue["body"])
    assert len(words.read_markers(body)) == 12  # each step's identity, for a job without the store
    rows = [line.split(" | ")[0].lstrip("| ") for line in body.split("\n") if line.startswith("| test_")]
    assert rows == [f"test_{i:02d}" for i in range(11, -1, -1)]
    assert "**12 series** are worse on main since" in body and "#7" in body  # its window's pull request
    assert {a.issue for a in store.announcements()} == {issue["number"]}
    [message] = (m.body for m in hook.received)
    assert message["text"].startswith("perfgate: 12 series are worse on main in acme/shop since ")
    assert message["blocks"][0]["text"]["text"].endswith("…and 2 more\nMerged: #7 Tokenize with a regex")
    assert f"/issues/{issue['number']}|the issue>" in message["blocks"][1]["elements"][0]["text"]  # linked once


def test_ten_commits_are_announced_a_run_and_the_rest_on_the_next(tmp_path: Path, hook: FakeWebhook) -> None:
    shapes = [Shape(f"test_{i:02d}", step_at=20 + i, step=0.30 + 0.01 * i) for i in range(12)]
    db = f"sqlite:///{tmp_path / 'history.db'}"
    _stored(db, history(shapes, end=END, runs=40))
    request = AlertRequest(Workspace(tmp_path, END, db_url=db), {}, hooks=(Hook(hook.url()),))
    dry = alert(replace(request, dry_run=True))  # says what the run will do: the same 10 commits
    assert hook.received == []

    first = alert(request)
    second = alert(request)

    assert dry.lines[0] == first.lines[0]
    headers = [line for line in dry.lines if line.startswith("would open one issue for ")]
    assert len(headers) == 10 and all("in GitHub Actions, where a token can open it" in h for h in headers)
    assert (first.new, second.new) == (12, 2)
    assert "2 more steps of later commits wait for the next run" in first.lines[0]
    announced = [line.split(":")[1].strip() for line in first.lines if line.startswith("announced:")]
    assert announced == [f"test_{i:02d}" for i in range(11, 1, -1)]  # the largest first
    assert len(hook.received) == 12  # Slack: one message per commit


def test_a_run_asks_github_once_per_window_and_label_and_an_unchanged_issue_costs_no_window(
    tmp_path: Path, github: FakeGitHub
) -> None:
    """A window costs a comparison and a request per commit for its pull requests: asked for every open step on
    every run, it spent most of a GITHUB_TOKEN's 1,000 requests an hour on pandas' replay (113 a run)."""
    shapes = [Shape(f"test_{i:02d}", step_at=32, step=0.10 + 0.01 * i) for i in range(4)]
    runs = history([*shapes, *STEADY], end=END, runs=40)
    db = f"sqlite:///{tmp_path / 'history.db'}"
    store = _stored(db, runs[:36])
    _main(github, runs)
    request = AlertRequest(Workspace(tmp_path, END, db_url=db), _env(github))

    first = alert(request)
    compared, labelled = len(github.requests("GET", r"/compare/")), len(github.requests("GET", r"/labels/"))
    store.save_runs(runs[36:], END)  # four more runs at the same level: no issue is edited
    again = alert(request)

    assert (first.new, len(_marked(github))) == (4, 1)  # one issue for the commit's four steps
    # One window for the four steps of one commit (PyGithub asks for the comparison, then its commits' page),
    # where each step asked for its own (8); one label, asked for once.
    assert (compared, labelled) == (2, 1)
    assert len({c.path for c in github.requests("GET", r"/compare/")}) == 1
    assert again.ongoing == 4 and not github.requests("PATCH", r"/issues/\d+$")
    assert len(github.requests("GET", r"/compare/")) == compared  # unchanged issues: no window asked for


def test_one_commits_steps_are_one_issue_one_slack_message_and_a_generic_event_each(
    tmp_path: Path, github: FakeGitHub, hook: FakeWebhook, update_golden: bool
) -> None:
    shapes = [Shape(f"test_{i:02d}", step_at=32, step=0.10 + 0.01 * i) for i in range(4)]
    runs = history([*shapes, *STEADY], end=END, runs=40)
    db = f"sqlite:///{tmp_path / 'history.db'}"
    _stored(db, runs)
    _main(github, runs)
    generic = FakeWebhook()
    try:
        hooks = (Hook(hook.url()), Hook(generic.url(), "generic"))
        alert(AlertRequest(Workspace(tmp_path, END, db_url=db), _env(github), hooks=hooks))
        events = [m.body for m in generic.received]
    finally:
        generic.stop()

    [message] = (m.body for m in hook.received)
    [issue] = _marked(github)
    assert [e["series"] for e in events] == ["test_03", "test_02", "test_01", "test_00"]  # the largest first
    assert {e["issue_url"] for e in events} == {issue["html_url"]}
    section = message["blocks"][0]["text"]["text"]
    assert not re.findall(r"/issues/", section) and "Merged: #7 Tokenize with a regex" in section
    assert f"/issues/{issue['number']}|the issue>" in message["blocks"][1]["elements"][0]["text"]
    check_golden("alert/slack-group.json", json.dumps(message, indent=2, ensure_ascii=False) + "\n", update_golden)


def _long_named_steps(n: int, width: int) -> tuple[alerts.Findings, words.Where]:
    """``n`` series of long names, each 20 % slower since one commit: what find announces, and where."""
    shapes = [
        Shape(f"tests/bench/test_parse.py::test_document[{'x' * width}-{i:03d}]", step_at=32, step=0.2)
        for i in range(n)
    ]
    found = alerts.find(_histories(history(shapes, end=END, runs=40)), [], Policy(), Settings(), today=END.date())
    assert len(found.new) == n
    return found, words.Where("acme/shop", site_url="https://perf.example/site/")


def test_a_slack_message_of_long_names_stays_within_slacks_section_limit() -> None:
    """Slack refuses a section over 3,000 characters: fewer lines, the rest counted."""
    found, where = _long_named_steps(10, 110)
    # One commit's steps in two suites: two issues, each row its link; absurd URLs, to reach the limit.
    issues = ["https://github.example/acme/shop/issues/" + str(i % 2 + 1) * 200 for i in range(10)]
    steps = [(s, replace(where, issue_url=issue)) for s, issue in zip(found.new, issues, strict=True)]
    message = json.loads(words.slack_group(steps, where))
    section = message["blocks"][0]["text"]["text"]
    assert len(section) <= 3000
    listed = [line for line in section.split("\n") if line.startswith("• ")]
    assert 0 < len(listed) < 10 and section.endswith(f"…and {10 - len(listed)} more")
    names = [line.split("*")[1] for line in listed]  # shortened in the middle: each still tells its series
    assert len(set(names)) == len(names) and all(len(n) <= 120 and "…" in n for n in names)


def test_steps_back_in_one_run_are_one_slack_message_and_a_generic_event_each(
    tmp_path: Path, github: FakeGitHub, hook: FakeWebhook, update_golden: bool
) -> None:
    shapes = [Shape(f"test_{i:02d}", step_at=24, step=0.15 + 0.01 * i, back_at=32) for i in range(4)]
    runs = history([*shapes, *STEADY], end=END, runs=40)
    db = f"sqlite:///{tmp_path / 'history.db'}"
    store = _stored(db, runs[:32])
    github.main_commits = [r.commit for r in runs]
    generic = FakeWebhook()
    try:
        hooks = (Hook(hook.url()), Hook(generic.url(), "generic"))
        request = AlertRequest(Workspace(tmp_path, END, db_url=db), _env(github), hooks=hooks)
        opened = alert(request)
        store.save_runs(runs[32:], END)
        closed = alert(request)
        events = [m.body for m in generic.received]
    finally:
        generic.stop()

    assert (opened.new, closed.recovered) == (4, 4) and not _marked(github)  # the commit's issue closed
    [issue] = github.issues.values()
    [comment] = github.comments[int(issue["number"])]
    assert comment["body"].startswith("The last of this commit's series are back (or waived):")
    assert comment["body"].count("\n- **test_0") == 4 and comment["body"].endswith("Closing.")
    assert [e["event"] for e in events] == ["regression"] * 4 + ["recovery"] * 4
    back_urls = {str(e["issue_url"]) for e in events[4:]}  # the generic recovery names its issue
    assert back_urls == {f"https://github.com/acme/shop/issues/{issue['number']}"}
    announced, back = (m.body for m in hook.received)  # one message each way
    assert announced["text"].startswith("perfgate: 4 series are worse on main in acme/shop")
    assert back["text"] == "perfgate: 4 series are back to their level on main in acme/shop"
    listed = back["blocks"][0]["text"]["text"].split("\n")[1:]
    assert not any("/issues/" in line for line in listed)  # the commit's one issue, named once below
    assert back["blocks"][1]["elements"][0]["text"] == (
        f"<https://github.com/acme/shop/issues/{issue['number']}|issue #{issue['number']}>"
    )
    check_golden("alert/slack-recoveries.json", json.dumps(back, indent=2, ensure_ascii=False) + "\n", update_golden)


def test_one_commits_steps_in_two_suites_are_one_slack_message(tmp_path: Path, hook: FakeWebhook) -> None:
    api = [Shape(f"test_api_{i}", step_at=32, step=0.12 + 0.01 * i) for i in range(3)]
    web = [Shape(f"test_web_{i}", step_at=32, step=0.20 + 0.01 * i) for i in range(3)]
    runs = history([*api, *STEADY], end=END, runs=40)
    other = history([*web, *STEADY], end=END, runs=40)
    other = [
        replace(o, suite="web", commit=r.commit, idempotency_key=f"web-{r.commit}")
        for o, r in zip(other, runs, strict=True)
    ]
    db = f"sqlite:///{tmp_path / 'history.db'}"
    _stored(db, [*runs, *other])
    request = AlertRequest(Workspace(tmp_path, END, db_url=db), {}, hooks=(Hook(hook.url()),))

    outcome = alert(request)

    [message] = (m.body for m in hook.received)
    assert outcome.new == 6 and message["text"].startswith("perfgate: 6 series are worse on main since ")
    listed = [line.split("*")[1] for line in message["blocks"][0]["text"]["text"].split("\n")[1:]]
    # The largest first, whichever suite: web's steps are the larger ones.
    assert listed == [*(f"web: {s.name}" for s in reversed(web)), *(s.name for s in reversed(api))]


def test_slack_says_waived_when_every_step_back_is_waived() -> None:
    steps = [alerts.Announced("default", f"test_{i}", "time", "c" * 40, 0.01, issue=i + 1) for i in range(3)]
    waived = [(alerts.Recovery(step, "waived", None, None), None) for step in steps]
    message = json.loads(words.slack_recoveries(waived, words.Where("acme/shop")))
    assert message["text"] == "perfgate: 3 series are waived in perfgate.toml on main in acme/shop"
    assert message["blocks"][0]["text"]["text"].split("\n")[1] == (
        "• *test_0* waived (<https://github.com/acme/shop/issues/1|#1>)"
    )


def _two_back_in_turn(tmp_path: Path, github: FakeGitHub) -> tuple[list[Run], str, Store]:
    """Two series slowed by one commit (run 24), back at runs 32 and 40 of 48; the first 32 runs stored."""
    shapes = [
        Shape("test_parse", step_at=24, step=0.20, back_at=32),
        Shape("test_render", step_at=24, step=0.15, back_at=40),
    ]
    runs = history([*shapes, *STEADY], end=END, runs=48)
    db = f"sqlite:///{tmp_path / 'history.db'}"
    github.main_commits = [r.commit for r in runs]
    return runs, db, _stored(db, runs[:32])


def test_a_commits_issue_stays_open_until_its_last_series_is_back(
    tmp_path: Path, github: FakeGitHub, update_golden: bool
) -> None:
    runs, db, store = _two_back_in_turn(tmp_path, github)
    request = AlertRequest(Workspace(tmp_path, END, db_url=db), _env(github))

    opened = alert(request)
    [issue] = _marked(github)
    check_golden("alert/issue-group.md", str(issue["body"]), update_golden)
    store.save_runs(runs[32:40], END)
    partly = alert(request)
    body = str(issue["body"])
    # A fresh cache: the issue's markers remember which of its series is back.
    (tmp_path / "history.db").unlink()
    store = _stored(db, runs[:40])
    fresh = alert(request)
    store.save_runs(runs[40:], END)
    closed = alert(request)

    assert (opened.new, partly.recovered, fresh.new, fresh.recovered, closed.recovered) == (2, 1, 0, 0, 1)
    assert "Back at the level before the step (or waived): **test_parse**." in body
    assert [(m.name, m.recovered) for m in words.read_markers(body)] == [("test_render", False), ("test_parse", True)]
    assert issue["state"] == "closed" and len(github.comments[int(issue["number"])]) == 1  # no comment until then
    [comment] = github.comments[int(issue["number"])]
    assert comment["body"].startswith("Recovered since ")  # the last series' own words
    assert len(github.issues) == 1


PARSE_RENDER = [Shape("test_parse", step_at=32, step=0.20), Shape("test_render", step_at=32, step=0.15)]
WAIVE_RENDER = '[[waiver]]\nmatch = "test_render"\nuntil = 2026-12-31\nreason = "being rewritten"\n'


def test_a_step_of_a_commit_with_an_open_issue_joins_it(tmp_path: Path, github: FakeGitHub) -> None:
    runs = history([*PARSE_RENDER, *STEADY], end=END, runs=40)
    db = f"sqlite:///{tmp_path / 'history.db'}"
    store = _stored(db, runs)
    _main(github, runs)
    request = AlertRequest(Workspace(tmp_path, END, db_url=db), _env(github))
    (tmp_path / "perfgate.toml").write_text(WAIVE_RENDER, encoding="utf-8")  # test_render waived at first
    first = alert(request)
    [issue] = _marked(github)
    alone = str(issue["title"])
    (tmp_path / "perfgate.toml").unlink()
    dry = alert(replace(request, dry_run=True))

    second = alert(request)

    assert dry.lines[0] == f"would add to issue #{issue['number']} for {runs[32].commit[:10]} (1 series):"
    assert (first.new, second.new, len(github.issues)) == (1, 1, 1)
    assert alone.startswith("perfgate: test_parse is ")
    assert str(issue["title"]).startswith(f"perfgate: 2 series are worse since {runs[32].commit[:10]}")
    assert [m.name for m in words.read_markers(str(issue["body"]))] == ["test_parse", "test_render"]
    assert "announced: test_render" in "\n".join(second.lines) and f"issue #{issue['number']} updated" in second.lines
    assert {a.issue for a in store.announcements()} == {issue["number"]}


def test_a_commits_issue_closed_by_hand_takes_no_new_step(tmp_path: Path, github: FakeGitHub) -> None:
    runs = history([*PARSE_RENDER, *STEADY], end=END, runs=40)
    db = f"sqlite:///{tmp_path / 'history.db'}"
    _stored(db, runs)
    _main(github, runs)
    request = AlertRequest(Workspace(tmp_path, END, db_url=db), _env(github))
    (tmp_path / "perfgate.toml").write_text(WAIVE_RENDER, encoding="utf-8")
    alert(request)
    [closed] = _marked(github)
    closed["state"] = "closed"  # a person closed it while test_parse is still worse
    (tmp_path / "perfgate.toml").unlink()
    here = alert(replace(request, dry_run=True))
    offline = alert(replace(request, environ={}, dry_run=True))  # no GitHub: the store's memory is all it knows
    quiet = alert(replace(request, github=False, dry_run=True))

    alert(request)

    assert here.lines[0].startswith(f"would open one issue for {runs[32].commit[:10]} (1 series)")
    assert offline.lines[0] == (
        f"would add to issue #{closed['number']} for {runs[32].commit[:10]} "
        "(1 series; the store's memory of it, not checked on GitHub):"
    )
    assert quiet.lines[0].startswith("would announce, without an issue (--no-issues), for ")

    [opened] = _marked(github)
    assert opened["number"] != closed["number"]
    assert [m.name for m in words.read_markers(str(opened["body"]))] == ["test_render"]


def test_two_jobs_at_once_that_found_different_steps_keep_every_step_in_one_issue(
    tmp_path: Path, github: FakeGitHub
) -> None:
    runs = history([*PARSE_RENDER, *STEADY], end=END, runs=40)
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        _stored(_db(tmp_path / name), runs)
    (tmp_path / "b" / "perfgate.toml").write_text(WAIVE_RENDER, encoding="utf-8")  # job b sees test_parse alone
    _main(github, runs)
    _at_once(github, [AlertRequest(Workspace(tmp_path / n, END, db_url=_db(tmp_path / n)), _env(github)) for n in "ab"])

    assert len(github.requests("POST", r"/issues$")) == 2  # the race happened
    [kept] = _marked(github)
    assert sorted(m.name for m in words.read_markers(str(kept["body"]))) == ["test_parse", "test_render"]
    # A job without a database now announces nothing again.
    (tmp_path / "a" / "history.db").unlink()
    _stored(_db(tmp_path / "a"), runs)
    again = alert(
        AlertRequest(Workspace(tmp_path / "a", END, db_url=f"sqlite:///{tmp_path / 'a' / 'history.db'}"), _env(github))
    )
    assert again.new == 0 and len(_marked(github)) == 1


def test_a_commits_issue_of_300_long_named_series_stays_within_githubs_limits() -> None:
    found, where = _long_named_steps(300, 80)
    body = words.issue_body(words.IssueSteps.new(found.new), where)
    kept = words.read_markers(body)
    assert len(body) <= 65_536 and 0 < len(kept) < 300
    assert f"({300 - len(kept)} series left out of this issue's hidden markers" in body
    assert [m.name for m in kept] == [s.history.name for s in found.new[: len(kept)]]  # the largest kept
    back = [
        (alerts.Recovery(words.announced(s), "recovered", s.step.before, s.first_bad), s.history) for s in found.new
    ]
    comment = words.group_recovery_comment(back, where)
    assert len(comment) <= 65_536 and "- …and 200 more series" in comment


def test_issues_opened_one_per_series_before_keep_their_series_until_back(tmp_path: Path, github: FakeGitHub) -> None:
    """An upgrade: a commit's two series each in their own issue, as perfgate opened them before one issue per
    commit. Nothing is announced again, each issue keeps its series, and each closes when its series is back."""
    runs, db, store = _two_back_in_turn(tmp_path, github)
    found = alerts.find(_histories(runs[:32]), [], Policy(), Settings(), today=END.date())
    for step in found.new:  # what the earlier perfgate did: an issue and a claim per series
        body = {"title": words.title(step), "body": words.issue_body(words.IssueSteps.new([step]), words.Where())}
        issue = github._new_issue({**body, "labels": ["perfgate"]}, "github-actions[bot]")
        claim = words.announced(step)
        store.announce(claim, last_good=step.last_good.commit, after=step.step.after, now=END)
        store.update_announcement(claim, issue=int(issue["number"]))
    request = AlertRequest(Workspace(tmp_path, END, db_url=db), _env(github))

    steady = alert(request)
    store.save_runs(runs[32:40], END)
    parse_back = alert(request)
    store.save_runs(runs[40:], END)
    render_back = alert(request)

    parse, render = (github.issues[n] for n in sorted(github.issues))
    assert [words.read_markers(str(i["body"]))[0].name for i in (parse, render)] == ["test_parse", "test_render"]
    assert (steady.new, steady.ongoing, parse_back.recovered, render_back.recovered) == (0, 2, 1, 1)
    assert len(github.issues) == 2 and parse["state"] == render["state"] == "closed"
    assert [len(github.comments[int(i["number"])]) for i in (parse, render)] == [1, 1]
    edits = github.requests("PATCH", r"/issues/\d+$")
    assert len(edits) == 2 and all("state" in (c.body or {}) for c in edits)  # each closed, never rewritten


def test_a_commits_issue_names_its_series_at_no_clear_level_and_those_back() -> None:
    """A series announced with the commit's others that the latest runs show at no clear level (neither a step in
    effect nor back) keeps its marker and is named, as are those back."""
    found, where = _long_named_steps(1, 4)
    [step] = found.new
    unclear = alerts.Announced("default", "test_gone", "time", step.first_bad.commit, 0.01)
    back = alerts.Announced("default", "test_back", "time", step.first_bad.commit, 0.02, True)

    body = words.issue_body(words.IssueSteps(((step, words.announced(step)),), (unclear,), (back,)), where)

    assert [(m.name, m.recovered) for m in words.read_markers(body)] == [
        (step.history.name, False),
        ("test_gone", False),
        ("test_back", True),
    ]
    assert "At no clear level in the latest runs, not back yet: **test_gone**." in body
    assert "Back at the level before the step (or waived): **test_back**." in body
    assert "**1 series** is worse on main since" in body


def test_an_intervals_ends_are_said_alike() -> None:
    """'+22.9% to 2.13x' (pandas' rolling.TableMethod) read as two different scales."""
    found, _ = _long_named_steps(1, 10)
    [step] = found.new
    assert words.interval(replace(step, low=1.229, high=2.13)) == "90% interval 1.23x to 2.13x"
    assert words.interval(replace(step, low=1.126, high=1.149)) == "90% interval +12.6% to +14.9%"
    assert words.interval(replace(step, low=None, high=None)) == "too few runs for an interval"
