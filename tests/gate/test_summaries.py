"""One summary a side, file to file (no history): a pytest-benchmark save without its rounds, a k6 summary. A large
change fails, a change beyond δ that one summary cannot tell from noise is `suspected` and not a pass, the
rest stays `insufficient-data`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ..conftest import DATA, Invoke

SAVES = DATA / "pytest-benchmark"


def test_a_pytest_benchmark_save_without_rounds_fails_a_slower_benchmark(run_cli: Invoke) -> None:
    """Real --benchmark-autosave files (no 'data'): test_tokenize's median +69 %, the others unchanged code."""
    result = run_cli("compare", str(SAVES / "autosave_base.json"), str(SAVES / "autosave_slow.json"))
    assert result.exit_code == 1, result.output
    assert "FAIL: 1 regression (test_tokenize)" in result.output
    assert "+69.2% [+38.4%, +107.0%] is beyond the 5% allowed" in result.output
    assert "one summary a side: runs taken to differ by 5% (run_noise)" in result.output
    assert "--benchmark-save-data was not given" in result.output  # the reader's note names the flag


def test_a_real_rerun_of_a_save_without_rounds_passes(run_cli: Invoke) -> None:
    """The same code saved twice: test_render's mean is +59 % (contended rounds), its median +1.3 %."""
    result = run_cli("compare", str(SAVES / "autosave_base.json"), str(SAVES / "autosave_rerun.json"))
    assert result.exit_code == 0, result.output
    assert "PASS: 3 insufficient-data" in result.output


def _k6_slower(target: Path, factor: float) -> Path:
    """k6's --summary-export of a real run (tests/data/k6), every http_req_duration statistic times ``factor``."""
    doc = json.loads((DATA / "k6" / "k6_summary_export.json").read_text())
    duration = doc["metrics"]["http_req_duration"]
    for key, value in duration.items():
        duration[key] = value * factor
    target.write_text(json.dumps(doc))
    return target


def test_a_k6_summary_slower_beyond_the_allowance_is_suspected_and_not_a_pass(run_cli: Invoke, tmp_path: Path) -> None:
    base = str(DATA / "k6" / "k6_summary_export.json")
    head = str(_k6_slower(tmp_path / "head.json", 1.2))
    result = run_cli("compare", base, head)
    assert result.exit_code == 0, result.output
    assert "http_req_duration" in result.output
    assert "+20.0% [" in result.output and "may be beyond the 5% allowed, but one summary a side" in result.output
    assert result.output.strip().splitlines()[-1].startswith("NEUTRAL (1 suspected from one summary a side")
    markdown = run_cli("compare", "--output-format", "markdown", base, head)
    assert ":warning: perfgate: 1 series may be worse by more than 5%, but one summary a side cannot tell" in (
        markdown.output
    )
    report = json.loads(run_cli("compare", "--output-format", "json", base, head).output)
    assert report["verdict"] == "neutral"  # not a pass in the JSON either


@pytest.mark.parametrize(("factor", "code", "verdict"), [(1.0, 0, "PASS"), (1.03, 0, "PASS"), (3.0, 1, "FAIL")])
def test_a_k6_summary_file_to_file(run_cli: Invoke, tmp_path: Path, factor: float, code: int, verdict: str) -> None:
    base = str(DATA / "k6" / "k6_summary_export.json")
    result = run_cli("compare", base, str(_k6_slower(tmp_path / "head.json", factor)))
    assert result.exit_code == code, result.output
    assert result.output.strip().splitlines()[-1].startswith(verdict)
