"""The Markdown report (PR comment, job summary): marked as perfgate's, under GitHub's comment limit, and safe:
no name or unit from a results file breaks a table, mentions someone or injects HTML."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np

from perfgate.gate.evaluate import evaluate
from perfgate.gate.pooling import Side
from perfgate.gate.settings import Settings
from perfgate.model import Direction, RunRef, SampleKind, Series, Summary, as_samples
from perfgate.render import render
from perfgate.render.markdown import LIMIT, MARKER, escape

from .reports import mixed_report, run_perfgate, write_file


def test_markdown_is_safe_and_marked() -> None:
    text = render(mixed_report(), "markdown")
    assert text.startswith(MARKER + "\n")
    assert "@team" not in text and "<b>" not in text and "parse #12" not in text
    assert "parse &#35;12" in text
    table_rows = [line for line in text.splitlines() if line.startswith("| ")]
    assert all(row.count("|") == 7 for row in table_rows)  # no name breaks a table


def test_markdown_stays_under_githubs_comment_limit() -> None:
    rng = np.random.default_rng(22)
    series = tuple(
        Series(
            f"benchmark_with_a_long_name_{i:05d}",
            "time",
            "s",
            Direction.LOWER_IS_BETTER,
            SampleKind.REPETITION,
            Summary.of(v := as_samples(rng.lognormal(0, 0.01, 6))),
            v,
        )
        for i in range(3000)
    )
    report = evaluate(Side((RunRef("a"),), (series,)), Side((RunRef("b"),), (series,)), Settings())
    text = render(report, "markdown")
    assert len(text) <= LIMIT
    assert "more rows left out" in text


def test_escape_neutralises_markdown_and_html() -> None:
    assert escape("a|b") == "a&#124;b"
    assert escape("<script>") == "&lt;script&gt;"
    assert escape("@user") == "@\u200buser"
    assert escape("line\nbreak") == "line break"


def test_units_and_names_are_escaped_in_markdown(tmp_path: Path) -> None:
    doc = {
        "perfgate": 1,
        "series": [
            {"name": "a", "unit": "@admin <img src=x onerror=alert(1)>", "samples": [1, 2, 3, 4, 5, 6]},
        ],
    }
    path = write_file(tmp_path, "p.json", json.dumps(doc))
    done = run_perfgate("compare", path, path, "--output-format", "markdown", cwd=tmp_path)
    assert "<img" not in done.stdout and "@admin" not in done.stdout, done.stdout + done.stderr


def test_only_http_links_reach_the_comment() -> None:
    from dataclasses import replace

    from perfgate.model import Origin

    for target in ("javascript:alert(1)", "JavaScript:alert(1)", " javascript:alert(1)", "data:text/html,x"):
        report = replace(mixed_report(), origin=Origin(run_url=target), site_url=target)
        text = render(report, "markdown")
        assert "[Run]" not in text and "[History]" not in text
        assert target.strip() not in text
    linked = render(replace(mixed_report(), origin=Origin(run_url="https://ci.example/run/1")), "markdown")
    assert "[Run](https://ci.example/run/1)" in linked


def test_the_comment_shows_the_five_most_likely_warnings_and_counts_the_rest() -> None:
    """Eight series a little slower, some more surely than others: six are suspected (two fail); the five with the
    lowest q are shown, most likely first, and the sixth is counted in one line (the JSON report has them all)."""

    def run(shifts: list[float], seed: int) -> tuple[Series, ...]:
        rng = np.random.default_rng(seed)
        return tuple(
            Series(
                f"bench_{i}",
                "time",
                "s",
                Direction.LOWER_IS_BETTER,
                SampleKind.REPETITION,
                Summary.of(v := as_samples(rng.lognormal(shift, 0.15, 10))),
                v,
            )
            for i, shift in enumerate(shifts)
        )

    shifts = [1.5 * s for s in (0.12, 0.10, 0.14, 0.09, 0.11, 0.13, 0.095, 0.105)]
    report = evaluate(Side((RunRef("a"),), (run([0.0] * 8, 1),)), Side((RunRef("b"),), (run(shifts, 2),)), Settings())
    suspected = [c for c in report.comparisons if c.verdict.value == "suspected"]
    assert len(suspected) == 6, [(c.name, c.verdict, c.q_value) for c in report.comparisons]
    warnings = render(report, "markdown").split("Worth a look", 1)[1]
    shown = re.findall(r"\| `?(bench_\d)", warnings)
    expected = sorted(suspected, key=lambda c: (c.q_value or 1.0, c.p_value or 1.0))[:5]
    assert shown == [c.name for c in expected]
    assert "1 more worth a look, less likely to be real than those above: the JSON report has them all" in warnings


def test_how_the_noise_was_learned_is_said_under_the_results_not_as_a_warning() -> None:
    """Every report against main with enough history carries it: as a warning box it sat above a blocked pull
    request's table on pandas, where the real warnings go."""
    from dataclasses import replace

    learned = "noise: learned from 30 runs of main across 1,466 series (typical spread between runs ±1.2%)"
    report = replace(mixed_report(), notes=(learned, "the whole run is 40.0% slower"))
    out = render(report, "markdown")
    assert "> [!WARNING]\n> the whole run is 40.0% slower" in out
    assert f"- {learned}" in out and f"> {learned}" not in out
    assert out.index("- noise: learned") > out.index("| benchmark |")


def test_the_waiver_snippet_pasted_into_perfgate_toml_waives_what_failed(tmp_path: Path) -> None:
    """A benchmark's parameters failing together get one glob, not a waiver each (pandas: 17 of `time_on_offset`,
    five waivers shown and "15 more"); pasted as it is, the config accepts it and it covers exactly those."""
    import tomllib

    from perfgate.config import load
    from perfgate.gate.policy import Policy

    from ..builders import sampled, side

    rng = np.random.default_rng(3)
    names = [f"time_on_offset(<{p}>)" for p in ("Day", "MonthEnd", "YearBegin")] + ["test_parse[big]", "solo"]
    passing = ["test_parse[small]"]  # its sibling failed: a glob over test_parse would waive it too

    def run(factor: float) -> tuple:  # type: ignore[type-arg]
        slow = tuple(sampled(n, rng.lognormal(math.log(1e-3 * factor), 0.01, 30)) for n in names)
        return slow + tuple(sampled(n, rng.lognormal(math.log(1e-3), 0.01, 30)) for n in passing)

    report = evaluate(side(run(1.0)), side(run(1.5)), Settings())
    assert {c.name for c in report.comparisons if c.fails} == set(names)
    out = render(report, "markdown")
    [snippet] = re.findall(r"```toml\n(.*?)```", out, re.S)
    assert snippet.count("[[waiver]]") == 3
    assert 'match = "time_on_offset(*)"  # all 3 series of this benchmark failed; it waives any added later' in snippet
    assert 'match = "test_parse[[]big[]]"\n' in snippet  # one failed: exact (test_parse[small] passed)
    toml = tmp_path / "perfgate.toml"
    filled = snippet.replace("YYYY-MM-DD", "2099-12-31")  # files compared locally carry no date to count from
    toml.write_text(filled.replace("why this regression", "a new parser"), encoding="utf-8")
    tomllib.loads(toml.read_text(encoding="utf-8"))
    cfg = load(toml)
    policy = Policy(cfg.budgets, cfg.waivers)
    assert all(policy.waiver_for(n) is not None for n in names)
    assert policy.waiver_for("time_on_offset_other") is None and policy.waiver_for("test_parse[small]") is None


def test_a_glob_that_also_waives_passing_series_says_so() -> None:
    from perfgate.render.markdown import _waiver_matches

    failing = ["bench(a)", "bench(b)"]
    [(glob, said)] = _waiver_matches(failing, {*failing, "bench(c)", "other(a)"})
    assert glob == "bench(*)"
    assert said == "  # 2 of this benchmark's 3 series failed: it waives the other 1 too, and any added later"
