"""The weekly digest's findings, built from a stored main-branch history with known steps, drift and noise."""

from __future__ import annotations

import email
import email.policy
import json
import re
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest

from perfgate.app.digest import DigestRequest, build_digest
from perfgate.config import Config, load
from perfgate.history.digest import Digest
from perfgate.model import GateDecision, SeriesDecision
from perfgate.render import digest as digest_render
from perfgate.render import links as links_render
from perfgate.store import Store
from tests.conftest import EXAMPLES, Invoke, check_golden
from tests.weekly import Shape, history, store_history

END = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
RUNS, IN_PERIOD = 40, 14  # runs 26..39 fall in the week before END

SHAPES = [
    Shape("test_tokenize", step_at=32, step=0.18),
    Shape("test_render", level=0.002, step_at=35, step=-0.12),
    Shape("test_parse", drift=0.09, run_noise=0.003),
    Shape("api/checkout", level=0.110, noise=0.2),
    Shape("test_noisy", run_noise=0.06, noise=0.3, samples=5),
    Shape("test_new", first_run=30),
    Shape("test_old", last_run=20),
    *(Shape(f"test_steady_{i}", level=0.001 * (i + 1)) for i in range(8)),
]
CONFIG = """
[perfgate]
max_regression = "5%"

[[budget]]
match = "api/*"
p95 = "< 160ms"

[[waiver]]
match = "test_render"
until = 2026-12-31
reason = "new renderer lands next week"
"""


def _failing(name: str, reason: str) -> SeriesDecision:
    return SeriesDecision(name, "time", "regression", reason)


def _waived(name: str, reason: str) -> SeriesDecision:
    return SeriesDecision(name, "time", "waived", reason)


def _decisions() -> list[GateDecision]:
    at = END - timedelta(days=2)
    return [
        GateDecision(
            "default", "a" * 40, at, "fail", 15, (_failing("test_tokenize", "+18.0% [+17.1, +18.9]"),), 41, "f" * 40
        ),
        GateDecision("default", "b" * 40, at + timedelta(hours=3), "pass", 15, (), 41, "f" * 40),
        GateDecision("default", "c" * 40, at, "pass", 15, (_waived("test_render", "waived until 2026-12-31"),), 42),
        GateDecision("default", "d" * 40, at, "pass", 15, (), 43),
        GateDecision("default", "e" * 40, END - timedelta(days=9), "fail", 15, (_failing("too old", ""),), 40),
    ]


@pytest.fixture
def stored(db_url: str, tmp_path: Path) -> tuple[Store, Config]:
    store = Store(db_url)
    runs = history(SHAPES, end=END, runs=RUNS, runs_in_period=IN_PERIOD)
    store_history(store, runs, END)
    for decision in _decisions():
        store.save_gate_decision(decision)
    config_file = tmp_path / "perfgate.toml"
    config_file.write_text(CONFIG, encoding="utf-8")
    return store, load(config_file)


def _build(store: Store, cfg: Config, **request: object) -> Digest:
    return build_digest(store, cfg, DigestRequest(**request), now=END)  # type: ignore[arg-type]


def test_the_week_s_findings_from_the_store(stored: tuple[Store, Config]) -> None:
    store, cfg = stored
    runs = history(SHAPES, end=END, runs=RUNS, runs_in_period=IN_PERIOD)
    found = _build(store, cfg)

    assert found.runs == IN_PERIOD
    (regression,) = found.regressions
    assert regression.history.name == "test_tokenize"
    assert regression.at.commit == runs[32].commit and regression.before.commit == runs[31].commit
    assert regression.step.ratio == pytest.approx(1.18, rel=0.03)
    assert [s.history.name for s in found.improvements] == ["test_render"]
    assert [d.history.name for d in found.drifts] == ["test_parse"]
    assert found.drifts[0].drift.ratio == pytest.approx(1.09, abs=0.02)
    assert [h.history.name for h in found.headroom] == ["api/checkout"]
    assert found.headroom[0].limit.text == "< 160ms" and found.headroom[0].headroom < 0.10
    noisy = {n.history.name: n for n in found.noisy}
    assert "test_noisy" in noisy and noisy["test_noisy"].samples_needed is not None
    assert noisy["test_noisy"].samples == 5
    assert [h.name for h in found.new] == ["test_new"]
    assert [h.name for h in found.removed] == ["test_old"]
    assert [p.pr_number for p in found.blocked] == [41]
    assert [p.pr_number for p in found.waived] == [42]
    assert found.steady == 8
    assert not found.empty
    assert found.summary.startswith("1 regression landed on main, 1 improvement, 1 series crept worse")
    assert found.summary.endswith("1 pull request blocked and 8 steady.")
    charted = [h.name for _, h in found.charts]
    assert charted[:2] == ["test_tokenize", "test_render"] and "api/checkout" in charted


def test_a_suite_filter_and_a_steady_week(stored: tuple[Store, Config]) -> None:
    store, cfg = stored
    other = history([Shape("steady_a"), Shape("steady_b")], end=END, suite="other", seed=2)
    store_history(store, other, END)
    found = _build(store, cfg, suites=("other",))
    assert found.suites == ("other",) and found.series == 2 and found.steady == 2
    assert found.empty and not found.charts and found.pulls == ()
    assert found.summary == "All 2 series steady on main: no steps, no drift, every budget has room."


def test_a_week_without_runs_says_so(stored: tuple[Store, Config]) -> None:
    store, cfg = stored
    found = build_digest(store, cfg, DigestRequest(), now=END + timedelta(days=30))
    assert found.runs == 0 and found.empty
    assert found.summary.startswith("No runs were recorded on main")


def test_no_history_at_all_is_an_error_not_an_empty_mail(run_cli: Invoke) -> None:
    result = run_cli("digest", "--dry-run")
    assert result.exit_code == 3
    assert "no history in sqlite:///" in result.output and "perfgate ingest" in result.output
    assert not Path(".perfgate").exists()


def _render(found: Digest) -> digest_render.Rendered:
    return digest_render.render(found, name="acme/shop", links=links_render.Links("acme/shop"))


def test_text_and_html_parts_golden(stored: tuple[Store, Config], update_golden: bool) -> None:
    store, cfg = stored
    if not store.is_sqlite:
        pytest.skip("one backend is enough for the golden files (the findings test runs on both)")
    rendered = _render(_build(store, cfg))
    check_golden("digest.txt", rendered.text, update_golden)
    check_golden("digest.html", rendered.html, update_golden)
    assert rendered.subject.startswith("perfgate weekly for acme/shop: 1 regression landed on main")
    assert [cid for cid, _ in rendered.images] == [f"chart{i}" for i in range(1, len(rendered.images) + 1)]
    assert all(png.startswith(b"\x89PNG\r\n\x1a\n") for _, png in rendered.images)


def test_a_large_suite_is_a_mail_a_person_reads(tmp_path: Path) -> None:
    """pandas' week: 122 steps in 3 commits and 784 noisy series made a mail of 1,828 lines, a row each. A commit's
    steps are one entry (its largest named), series needing the same kind of fix one entry (the noisiest named)."""
    shapes = [
        *(Shape(f"test_tokenize_{i:02d}", step_at=32, step=0.10 + 0.01 * i) for i in range(30)),
        Shape("test_render", step_at=35, step=0.25),
        *(Shape(f"test_noisy_{i:02d}", run_noise=0.20 + 0.01 * i) for i in range(12)),
        *(Shape(f"test_new_{i:02d}", first_run=30) for i in range(25)),
    ]
    store = Store(f"sqlite:///{tmp_path / 'history.db'}")
    store_history(store, history(shapes, end=END, runs=RUNS, runs_in_period=IN_PERIOD), END)
    found = build_digest(store, Config(), DigestRequest(), now=END)
    assert len(found.regressions) == 31 and len(found.noisy) == 12  # the findings stay whole (the site lists them)
    charted = [h.name for _, h in found.charts]
    assert charted[:2] == ["test_tokenize_29", "test_render"]  # each commit's largest step charted first

    rendered = _render(found)
    text, html = rendered.text, rendered.html

    assert "31 regressions landed on main in 2 commits" in text
    assert re.search(r"- 30 series, \+3\d\.\d% to \+\d+\.\d% \(regressions\)", text)  # largest to smallest
    assert "    and 25 more series" in text  # 30 series: the 5 largest named
    assert "- test_render: +25." in text  # a commit's one step, as before
    assert re.search(r"- 12 series, runs differing by ±\d+\.\d% to ±\d+\.\d%\n  fix: ", text)
    assert "    and 7 more series" in text
    assert "- and 5 more\n" in text  # 25 new series: 20 named
    assert len(text.splitlines()) < 90
    assert "<strong>30 series</strong>" in html and "and 25 more series" in html and "and 7 more series" in html
    assert "test_new_19 and 5 more" in html


def test_html_links_commits_and_pull_requests_and_escapes_names(stored: tuple[Store, Config]) -> None:
    store, cfg = stored
    store_history(store, history([Shape("<b>x</b>", first_run=35)], end=END, seed=9), END)
    rendered = _render(_build(store, cfg))
    runs = history(SHAPES, end=END, runs=RUNS, runs_in_period=IN_PERIOD)
    assert f'href="https://github.com/acme/shop/commit/{runs[32].commit}"' in rendered.html
    assert f"https://github.com/acme/shop/compare/{runs[31].commit}...{runs[32].commit}" in rendered.html
    assert 'href="https://github.com/acme/shop/pull/41"' in rendered.html
    assert "&lt;b&gt;x&lt;/b&gt;" in rendered.html and "<b>x</b>" not in rendered.html
    for cid, _ in rendered.images:
        assert f'src="cid:{cid}"' in rendered.html


def test_output_eml_holds_both_parts_and_the_charts(run_cli: Invoke, stored: tuple[Store, Config]) -> None:
    store, _ = stored
    Path("perfgate.toml").write_text(CONFIG, encoding="utf-8")
    result = run_cli(
        "digest", "--db", store.url, "--until", "2026-11-23T08:00", "--to", "team@example.com", "-o", "week.eml"
    )
    assert result.exit_code == 0, result.output
    message = email.message_from_bytes(Path("week.eml").read_bytes(), policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    assert message["To"] == "team@example.com"
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and html is not None
    assert "CHANGE POINTS ON MAIN" in text.get_content()
    images = [p for p in message.walk() if p.get_content_type() == "image/png"]
    assert images and all(f"cid:{p['Content-ID'].strip('<>')}" in html.get_content() for p in images)


def test_output_html_writes_charts_beside_it(run_cli: Invoke, stored: tuple[Store, Config]) -> None:
    store, _ = stored
    result = run_cli("digest", "--db", store.url, "--until", "2026-11-23T08:00", "-o", "out/week.html")
    assert result.exit_code == 0, result.output
    page = Path("out/week.html").read_text(encoding="utf-8")
    charts = sorted(Path("out").glob("week-chart*.png"))
    assert charts and all(f'src="{c.name}"' in page for c in charts)
    assert "cid:" not in page


def test_dry_run_prints_the_text_and_skip_empty_sends_nothing(run_cli: Invoke, stored: tuple[Store, Config]) -> None:
    store, _ = stored
    result = run_cli("digest", "--db", store.url, "--until", "2026-11-23T08:00", "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Subject: perfgate weekly for default:")
    assert "CHANGE POINTS ON MAIN" in result.output and "not sent" in result.output
    quiet = run_cli("digest", "--db", store.url, "--until", "2027-03-01", "--skip-empty", "-o", "none.eml")
    assert quiet.exit_code == 0 and "no mail sent" in quiet.output
    assert not Path("none.eml").exists()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--to", "team@example.com"), "give --smtp-url"),
        ((), "give --to"),
        (("--to", "not-an-address", "--dry-run"), "--to 'not-an-address' is not a mail address"),
        (("--to", "a@example.com", "--smtp-url", "http://x:secret@host"), "smtp:// (STARTTLS) or smtps://"),
        (("-o", "digest.pdf"), "give a .html or .eml file"),
        (("--suite", "nope", "--dry-run"), "no runs of suite 'nope'; recorded suites: default"),
    ],
)
def test_usage_mistakes_are_named(
    run_cli: Invoke, stored: tuple[Store, Config], args: tuple[str, ...], expected: str
) -> None:
    store, _ = stored
    result = run_cli("digest", "--db", store.url, "--until", "2026-11-23T08:00", *args)
    assert result.exit_code == 2, result.output
    assert expected in result.output
    assert "secret" not in result.output


def test_the_readme_path_says_two_runs_are_too_few_to_judge(run_cli: Invoke) -> None:
    """The README's example: a couple of main runs are not "steady", they are too few to say anything yet."""
    base = json.loads((EXAMPLES / "pytest-benchmark" / "base.json").read_text())
    for commit in ("a1", "b2"):
        base["commit_info"]["id"] = commit  # another run of the same code
        Path(f"{commit}.json").write_text(json.dumps(base))
        assert run_cli("ingest", f"{commit}.json", "--branch", "main", "--commit", commit).exit_code == 0
    result = run_cli("digest", "--output", "digest.html")
    assert result.exit_code == 0, result.output
    text = Path("digest.html").read_text()  # today's week: the runs carry the date pytest-benchmark ran them
    assert "The latest is from 2026-11-22" in text and "--until 2026-11-23 shows its week" in text
    assert run_cli("digest", "--until", "2026-11-23", "--output", "week.html").exit_code == 0
    week = Path("week.html").read_text()
    assert "3 series with fewer than 5 runs on main, too few to judge yet" in week
    assert "steady on main" not in week


def test_a_long_subject_is_cut_at_a_clause_never_mid_word() -> None:
    summary = (
        "3 regressions landed on main, 2 improvements, 4 series crept worse, 2 budgets are past the limit, "
        "5 budgets are within 10% of the limit, 7 series too noisy to gate, 2 pull requests blocked and 140 steady"
    )
    subject = digest_render._subject("acme/shop", summary)
    assert len(subject) <= digest_render.SUBJECT_LIMIT
    assert subject == (
        "perfgate weekly for acme/shop: 3 regressions landed on main, 2 improvements, 4 series crept worse, "
        "2 budgets are past the limit, …"
    )
    assert digest_render._subject("acme/shop", "1 regression landed on main") == (
        "perfgate weekly for acme/shop: 1 regression landed on main"
    )
