"""A series whose unit changed between baseline and candidate, in a kind or a scale perfgate does not know, is not
compared: `perfgate compare` on files and against stored history fails it with the verdict unit-changed. A unit
perfgate converts (ns, ms) still compares; a baseline whose recent runs are in the new unit compares with those."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ..conftest import DATA, Invoke, record_runs

FIXTURE = DATA / "github-action-benchmark" / "customSmallerIsBetter_output.json"
NAME = "My Custom Smaller Is Better Benchmark - Memory Used"


def _custom(tmp_path: Path, name: str, unit: str, value: float) -> str:
    """The real customSmallerIsBetter file with its memory benchmark's unit and value changed."""
    entries = json.loads(FIXTURE.read_text())
    entries[1].update(unit=unit, value=value)
    path = tmp_path / name
    path.write_text(json.dumps(entries))
    return str(path)


def _report(output: str) -> dict[str, dict[str, object]]:
    return {c["name"]: c for c in json.loads(output)["series"]}


def test_a_relabelled_unit_is_not_an_improvement(run_cli: Invoke, tmp_path: Path) -> None:
    """1,000,000 instructions against 2 Minstructions was a 500,000-fold improvement, exit 0."""
    base = _custom(tmp_path, "base.json", "instructions", 1_000_000)
    head = _custom(tmp_path, "head.json", "Minstructions", 2)
    result = run_cli("compare", base, head, "--format", "customSmallerIsBetter")
    assert result.exit_code == 1, result.output
    assert "FAIL: 1 unit-changed (My Custom Smaller Is Better Benchmark - Memory Used)" in result.output
    assert (
        "the unit changed from 'instructions' (median 1,000,000 instructions) to 'Minstructions' (median 2 "
        "Minstructions), which perfgate cannot convert: not compared (if the change is meant, waive it until main "
        "has runs in 'Minstructions')"
    ) in " ".join(result.output.split())
    out = run_cli("compare", base, head, "--format", "customSmallerIsBetter", "--output-format", "json")
    compared = _report(out.output)[NAME]
    assert (compared["verdict"], compared["unit"], compared["change"]) == ("unit-changed", "instructions", None)
    assert _report(out.output)["My Custom Smaller Is Better Benchmark - CPU Load"]["verdict"] != "unit-changed"


def test_a_unit_of_another_kind_is_not_compared(run_cli: Invoke, tmp_path: Path) -> None:
    """perfgate's own format names metric and unit apart: a memory series now in milliseconds is not compared."""
    raw = json.loads((DATA / "perfgate-json" / "api.json").read_text())
    base = tmp_path / "base.json"
    base.write_text(json.dumps(raw))
    raw["series"][2]["unit"] = "ms"
    head = tmp_path / "head.json"
    head.write_text(json.dumps(raw))
    result = run_cli("compare", str(base), str(head), "--output-format", "json")
    assert result.exit_code == 1
    memory = next(c for c in json.loads(result.output)["series"] if c["metric"] == "memory")
    assert memory["verdict"] == "unit-changed"
    assert memory["reason"].startswith("the unit changed from 'B' (median 48MiB) to 's' (median 48ms)")


def test_a_waiver_accepts_a_unit_that_changed_on_purpose(run_cli: Invoke, tmp_path: Path) -> None:
    base = _custom(tmp_path, "base.json", "instructions", 1_000_000)
    head = _custom(tmp_path, "head.json", "Minstructions", 2)
    (tmp_path / "perfgate.toml").write_text(
        f'[perfgate]\n\n[[waiver]]\nmatch = "{NAME}"\nuntil = 2999-01-01\nreason = "counted in millions now"\n'
    )
    result = run_cli("compare", base, head, "--format", "customSmallerIsBetter", "--output-format", "json")
    assert result.exit_code == 0, result.output
    assert _report(result.output)[NAME]["verdict"] == "waived"


def test_units_perfgate_converts_are_still_compared(run_cli: Invoke, tmp_path: Path) -> None:
    """The same samples in ms and in ns (perfgate's own format names the unit per series) are one series."""
    raw = json.loads((DATA / "perfgate-json" / "api.json").read_text())
    in_ns = json.loads(json.dumps(raw))
    latency = in_ns["series"][0]
    latency.update(unit="ns", samples=[v * 1e6 for v in latency["samples"]])
    base, head = tmp_path / "ms.json", tmp_path / "ns.json"
    base.write_text(json.dumps(raw))
    head.write_text(json.dumps(in_ns))
    result = run_cli("compare", str(base), str(head), "--output-format", "json")
    assert result.exit_code == 0, result.output
    verdicts = {(c["name"], c["metric"]): c["verdict"] for c in json.loads(result.output)["series"]}
    assert verdicts[("GET /api/search", "latency")] == "unchanged"
    assert "unit-changed" not in verdicts.values()


def test_against_history_in_another_unit(run_cli: Invoke, tmp_path: Path, db_url: str) -> None:
    runs = [_custom(tmp_path, f"main{i}.json", "instructions", 1_000_000 + i) for i in range(3)]
    record_runs(run_cli, db_url, *((path, f"aaa{i}") for i, path in enumerate(runs)))
    head = _custom(tmp_path, "head.json", "Minstructions", 2)
    result = run_cli("compare", head, "--against", "main", "--db", db_url, "--output-format", "json")
    assert result.exit_code == 1, result.output
    assert _report(result.output)[NAME]["verdict"] == "unit-changed"
    assert "to 'Minstructions' (median 2 Minstructions), which perfgate cannot convert" in str(
        _report(result.output)[NAME]["reason"]
    )


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_once_main_has_runs_in_the_new_unit_they_are_the_baseline(run_cli: Invoke, tmp_path: Path, db_url: str) -> None:
    old = [_custom(tmp_path, f"old{i}.json", "instructions", 1_000_000) for i in range(2)]
    new = [_custom(tmp_path, f"new{i}.json", "Minstructions", 1.0) for i in range(2)]
    record_runs(run_cli, db_url, *((path, f"aaa{i}") for i, path in enumerate([*old, *new])))
    head = _custom(tmp_path, "head.json", "Minstructions", 2.0)  # twice main's: a regression
    result = run_cli("compare", head, "--against", "main", "--db", db_url, "--output-format", "json")
    report = json.loads(result.output)
    compared = _report(result.output)[NAME]
    assert compared["verdict"] != "unit-changed" and compared["unit"] == "Minstructions", compared
    assert any("2 baseline runs in 'instructions' left out" in note for note in report["notes"]), report["notes"]
