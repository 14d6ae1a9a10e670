"""The command line as a user types it: exit codes, messages, and what ends up in the database."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from perfgate import __version__
from perfgate.cli import main
from perfgate.store import Store

from .conftest import DATA, EXAMPLES, Invoke

BASE = str(EXAMPLES / "pytest-benchmark" / "base.json")
HEAD = str(EXAMPLES / "pytest-benchmark" / "head.json")


def test_version_and_help(run_cli: Invoke) -> None:
    assert run_cli("--version").output.strip() == f"perfgate, version {__version__}"
    result = run_cli("--help")
    assert result.exit_code == 0
    for command in ("compare", "ingest", "db", "formats"):
        assert command in result.output


def test_compare_two_files_prints_a_table_and_fails_on_the_regression(run_cli: Invoke) -> None:
    result = run_cli("compare", BASE, HEAD)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    row = next(line for line in lines if line.startswith("test_tokenize"))
    assert "regression" in row and "+91.1%" in row and "<0.0001" in row
    assert "~" in next(line for line in lines if line.startswith("test_checksum"))
    assert lines[-1] == "FAIL: 1 regression (test_tokenize)"


def test_compare_passes_when_nothing_regressed(run_cli: Invoke) -> None:
    result = run_cli("compare", BASE, BASE)
    assert result.exit_code == 0
    assert result.output.splitlines()[-1] == "PASS: 3 unchanged"


def test_several_runs_per_side_are_pooled(run_cli: Invoke, tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    runs.mkdir()
    for i in range(2):
        shutil.copy(BASE, runs / f"main-{i}.json")
        shutil.copy(HEAD, runs / f"pr-{i}.json")
    result = run_cli(
        "compare",
        "--base",
        str(runs / "main-*.json"),
        "--head",
        str(runs / "pr-*.json"),
        "--output-format",
        "json",
    )
    assert result.exit_code == 1
    report = json.loads(result.output)
    tokenize = report["series"][0]
    assert (tokenize["n_baseline"], tokenize["n_candidate"]) == (2 * 714, 2 * 351)
    assert len(report["baseline"]) == 2


def test_json_report_schema(run_cli: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "out" / "report.json"
    result = run_cli("compare", BASE, HEAD, "--output-format", "json", "-o", str(out))
    assert result.exit_code == 1
    assert "FAIL: 1 regression" in result.output  # the table still goes to the terminal
    report = json.loads(out.read_text())
    assert report["schema_version"] == 1 and report["verdict"] == "fail"
    series = {s["name"]: s for s in report["series"]}
    tokenize = series["test_tokenize"]
    for key in (
        "name",
        "metric",
        "unit",
        "verdict",
        "change",
        "ci",
        "p_value",
        "n_baseline",
        "n_candidate",
        "reason",
    ):
        assert key in tokenize
    assert tokenize["verdict"] == "regression" and tokenize["unit"] == "s"
    assert tokenize["ci"][0] < tokenize["change"] < tokenize["ci"][1]
    assert series["test_checksum"]["verdict"] == "unchanged"


def test_ingest_then_compare_against_main(run_cli: Invoke, db_url: str) -> None:
    first = run_cli("ingest", BASE, "--branch", "main", "--commit", "c0ffee" * 6, "--db", db_url)
    assert first.exit_code == 0 and "stored run 1 (3 series" in first.output
    again = run_cli("ingest", BASE, "--branch", "main", "--commit", "c0ffee" * 6, "--db", db_url)
    assert again.exit_code == 0 and "already stored as run 1" in again.output
    assert Store(db_url).count_runs() == 1
    result = run_cli("compare", HEAD, "--against", "main", "--db", db_url)
    assert result.exit_code == 1
    assert "baseline:  main@c0ffeec0ffee (run 1," in result.output
    assert "FAIL: 1 regression (test_tokenize)" in result.output


def test_database_url_from_the_environment(run_cli: Invoke, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PERFGATE_DATABASE_URL", db_url)
    assert run_cli("ingest", BASE, "--branch", "main", "--commit", "abc", "--pr", "7").exit_code == 0
    (run,) = Store(db_url).latest_runs("default", "main", 5)
    assert run.pr_number == 7


def test_default_database_is_created_in_the_working_directory(run_cli: Invoke, tmp_path: Path) -> None:
    assert run_cli("db", "current").output.endswith("revision (none) (empty: run 'perfgate db upgrade')\n")
    assert run_cli("ingest", BASE, "--branch", "main", "--commit", "abc", "--suite", "api").exit_code == 0
    assert (tmp_path / ".perfgate" / "history.db").is_file()
    assert "(current)" in run_cli("db", "current").output
    assert "already at revision" in run_cli("db", "upgrade").output


def test_db_upgrade_creates_the_schema(run_cli: Invoke, db_url: str) -> None:
    result = run_cli("db", "upgrade", "--db", db_url)
    assert result.exit_code == 0 and "upgraded from an empty database to revision" in result.output


def test_compare_against_a_missing_history_is_an_error_and_creates_nothing(run_cli: Invoke, tmp_path: Path) -> None:
    result = run_cli("compare", HEAD, "--against", "main")
    assert result.exit_code == 3, result.output
    assert "no history database at" in result.output and "nothing was compared" in result.output
    assert "PASS" not in result.output
    assert not (tmp_path / ".perfgate").exists()


def test_compare_against_a_branch_without_runs_names_the_branches_that_have_some(run_cli: Invoke) -> None:
    assert run_cli("ingest", BASE, "--branch", "main", "--commit", "c1").exit_code == 0
    result = run_cli("compare", HEAD, "--against", "mian")
    assert result.exit_code == 3
    assert "no mian-branch runs of suite 'default'" in result.output
    assert "has runs of: main (1 run)" in result.output


def _nan_file(tmp_path: Path) -> Path:
    raw = json.loads(Path(BASE).read_text())
    raw["benchmarks"][0]["stats"]["data"][3] = float("nan")
    path = tmp_path / "nan.json"
    path.write_text(json.dumps(raw))
    return path


def _negative_file(tmp_path: Path) -> Path:
    raw = json.loads(Path(BASE).read_text())
    raw["benchmarks"][2]["stats"]["data"][0] = -0.5
    path = tmp_path / "negative.json"
    path.write_text(json.dumps(raw))
    return path


def _write(name: str, content: str) -> object:
    def make(tmp_path: Path) -> Path:
        path = tmp_path / name
        path.write_text(content)
        return path

    return make


BAD_INPUTS = {
    "missing": (lambda tmp_path: tmp_path / "absent.json", "absent.json: no such file"),
    "not json": (_write("notjson.json", "<html>oops</html>"), "notjson.json: unrecognised results: text"),
    "broken json": (_write("broken.json", '{"benchmarks": [1,'), "broken.json:1:19: not valid JSON"),
    "unknown shape": (
        _write("shape.json", '{"results": []}'),
        "shape.json: unrecognised results: a JSON object",
    ),
    "nan": (_nan_file, "nan.json:benchmarks[0].stats.data[3]: expected a finite number, got nan"),
    "negative": (_negative_file, "negative.json:benchmarks[2].stats.data[0]: expected a non-negative"),
    "empty list": (
        _write("empty.json", '{"machine_info": {}, "benchmarks": []}'),
        "empty.json:benchmarks: the list is empty",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_is_one_line_exit_3_and_nothing_stored(run_cli: Invoke, tmp_path: Path, case: str) -> None:
    make, message = BAD_INPUTS[case]
    path = make(tmp_path)  # type: ignore[operator]
    result = run_cli("ingest", BASE, str(path), "--branch", "main", "--commit", "abc")
    assert result.exit_code == 3
    assert message in result.output
    assert result.output.count("\n") == 1 and result.output.startswith("perfgate: error: ")
    assert not (tmp_path / ".perfgate").exists()  # the good file before it was not stored either
    compared = run_cli("compare", BASE, str(path))
    assert compared.exit_code == 3 and message in compared.output


@pytest.mark.parametrize(
    "args",
    [
        ("compare", BASE),
        ("compare", BASE, HEAD, HEAD),
        ("compare", "--base", BASE),
        ("compare", HEAD, "--against", "main", "--base", BASE),
        ("compare", BASE, HEAD, "--output-format", "yaml"),
        ("ingest", BASE),
    ],
)
def test_usage_errors_exit_2(run_cli: Invoke, args: tuple[str, ...]) -> None:
    assert run_cli(*args).exit_code == 2


def test_bad_max_regression_is_exit_3(run_cli: Invoke) -> None:
    result = run_cli("compare", BASE, HEAD, "--max-regression", "five")
    assert result.exit_code == 3 and "--max-regression: expected a percentage" in result.output


def test_a_glob_matching_nothing_is_named(run_cli: Invoke) -> None:
    result = run_cli("compare", "--base", "nothing-*.json", "--head", HEAD)
    assert result.exit_code == 3 and "nothing-*.json: no files match this pattern" in result.output


def test_ingest_without_a_commit_asks_for_one(run_cli: Invoke) -> None:
    result = run_cli("ingest", str(DATA / "perfgate-json" / "api.json"), "--branch", "main")
    assert result.exit_code == 0  # this file names its commit
    result = run_cli("ingest", BASE, "--branch", "main")
    assert result.exit_code == 2 and "give --commit SHA" in result.output


def test_formats_lists_every_format(run_cli: Invoke) -> None:
    output = run_cli("formats").output
    for name in ("pytest-benchmark", "perfgate-json", "customSmallerIsBetter", "customBiggerIsBetter"):
        assert name in output


CONFIG = """\
[perfgate]
suite = "examples"

[[budget]]
match = "test_render"
p95 = "< 500us"

[[budget]]
match = "test_*"
max_regression = "3%"

[[waiver]]
match = "test_tokenize"
until = 2999-12-31
reason = "second pass kept on purpose; tracked in #7"
"""


def test_config_in_the_working_directory_drives_budgets_and_waivers(run_cli: Invoke, tmp_path: Path) -> None:
    (tmp_path / "perfgate.toml").write_text(CONFIG)
    result = run_cli("compare", BASE, HEAD, "--output-format", "json")
    assert result.exit_code == 1  # test_render's p95 (~670 µs) is over its 500 µs budget
    series = {s["name"]: s for s in json.loads(result.output)["series"]}
    assert series["test_tokenize"]["verdict"] == "waived"
    assert series["test_render"]["verdict"] == "budget-exceeded"
    assert series["test_render"]["budget"][0]["status"] == "exceeded"
    assert series["test_checksum"]["max_regression"] == 0.03
    ingested = run_cli("ingest", BASE, "--branch", "main", "--commit", "abc")
    assert "suite 'examples'" in ingested.output


def test_config_check_shows_what_applies(run_cli: Invoke, tmp_path: Path) -> None:
    (tmp_path / "perfgate.toml").write_text(CONFIG)
    result = run_cli("config", "check", "--results", BASE)
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == f"configuration: {tmp_path / 'perfgate.toml'}"
    render = next(line for line in lines if line.startswith("test_render (time)"))
    assert "budget 1 ('test_render'): p95 < 500us, max_regression 5%" in render
    tokenize = next(line for line in lines if line.startswith("test_tokenize (time)"))
    assert "budget 2 ('test_*')" in tokenize and "waiver 'test_tokenize' until 2999-12-31" in tokenize


def test_bad_config_is_exit_3_with_file_and_line(run_cli: Invoke, tmp_path: Path) -> None:
    (tmp_path / "perfgate.toml").write_text(CONFIG.replace('p95 = "< 500us"', 'p95 = "< 500 lightyears"'))
    for args in (("compare", BASE, HEAD), ("config", "check")):
        result = run_cli(*args)
        assert result.exit_code == 3
        assert f"{tmp_path / 'perfgate.toml'}:6: budget[0].p95: expected a time" in result.output
    missing = run_cli("compare", BASE, HEAD, "--config", "nope.toml")
    assert missing.exit_code == 3 and "nope.toml: no such configuration file" in missing.output


def test_command_line_overrides_the_config(run_cli: Invoke, tmp_path: Path) -> None:
    (tmp_path / "perfgate.toml").write_text('[perfgate]\nmax_regression = "150%"\n')
    assert run_cli("compare", BASE, HEAD).exit_code == 0  # +91 % is within 150 %
    assert run_cli("compare", BASE, HEAD, "--max-regression", "10%").exit_code == 1


@pytest.mark.parametrize("given", ["5", "1", "2.5"])
def test_an_allowance_without_a_unit_is_refused_with_the_fix(run_cli: Invoke, given: str) -> None:
    result = run_cli("compare", BASE, HEAD, "--max-regression", given)
    assert result.exit_code == 3
    assert f"write '{float(given):g}%'" in result.output and "switch the gate off" in result.output


@pytest.mark.parametrize("written", ["max_regression = 5", 'run_noise = "4"', "run_noise = 3"])
def test_percent_settings_in_the_config_need_a_unit(run_cli: Invoke, tmp_path: Path, written: str) -> None:
    (tmp_path / "perfgate.toml").write_text(f"[perfgate]\n{written}\n")
    result = run_cli("compare", BASE, HEAD)
    assert result.exit_code == 3 and "perfgate.toml:2" in result.output and "has no unit" in result.output


@pytest.mark.parametrize("written", ['max_regression = "500%"', "max_regression = 0.05", 'run_noise = "2%"'])
def test_percent_settings_with_a_unit_or_a_fraction_are_read(run_cli: Invoke, tmp_path: Path, written: str) -> None:
    (tmp_path / "perfgate.toml").write_text(f"[perfgate]\n{written}\n")
    assert run_cli("compare", BASE, BASE).exit_code == 0


def test_two_files_with_no_series_in_common_are_not_a_pass(run_cli: Invoke, tmp_path: Path) -> None:
    other = tmp_path / "other.json"
    renamed = json.loads(Path(BASE).read_text())
    for bench in renamed["benchmarks"]:
        bench["name"] = bench["fullname"] = "unrelated_" + bench["name"]
    other.write_text(json.dumps(renamed))
    result = run_cli("compare", BASE, str(other))
    assert result.exit_code == 3
    assert "no series in common: nothing was compared" in result.output and "unrelated" in result.output


def test_a_budget_that_fits_no_series_is_a_note(run_cli: Invoke, tmp_path: Path) -> None:
    (tmp_path / "perfgate.toml").write_text('[[budget]]\nmatch = "test_tokenise"\np50 = "< 10ms"\n')
    result = run_cli("compare", BASE, BASE)
    assert result.exit_code == 0 and "match 'test_tokenise' fits no series" in result.output


# --- terminal conventions: colour, quiet, standard input -----------------------------------------------------


def test_colour_only_when_asked_or_on_a_terminal(run_cli: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    plain = run_cli("compare", BASE, HEAD)  # CliRunner's stdout is not a terminal: auto means no colour
    assert "\x1b[" not in plain.output
    coloured = run_cli("--color", "always", "compare", BASE, HEAD)
    assert "\x1b[31m\x1b[1mregression" in coloured.output  # the failing verdict in bold red
    assert "\x1b[31m\x1b[1mFAIL: 1 regression" in coloured.output
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in run_cli("--color", "auto", "compare", BASE, HEAD).output
    assert "\x1b[" not in run_cli("--color", "never", "compare", BASE, HEAD).output


def test_quiet_prints_only_what_fails(run_cli: Invoke) -> None:
    result = run_cli("compare", "-q", BASE, HEAD)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith("benchmark") and lines[1].startswith("test_tokenize")
    assert "test_render" not in result.output and "baseline:" not in result.output
    assert lines[-1] == "FAIL: 1 regression (test_tokenize)"
    passing = run_cli("compare", "-q", BASE, BASE)
    assert passing.exit_code == 0 and passing.output == "PASS: 3 unchanged\n"


def test_a_dash_reads_standard_input(run_cli: Invoke) -> None:
    head = Path(HEAD).read_bytes()
    result = CliRunner().invoke(main, ["compare", BASE, "-"], input=head, catch_exceptions=False)
    assert result.exit_code == 1, result.output
    assert "candidate: <stdin>" in result.output and "FAIL: 1 regression (test_tokenize)" in result.output
    bad = CliRunner().invoke(main, ["compare", BASE, "-"], input=b"garbage\n")
    assert bad.exit_code == 3 and "<stdin>: unrecognised results" in bad.output
    twice = CliRunner().invoke(main, ["compare", "-", "-"], input=head)
    assert twice.exit_code == 2 and "can be given only once" in twice.output


def _compare_on_a_terminal(
    tmp_path: Path, *args: str, after: str = "0", command: tuple[str, ...] = ("compare",), files: int = 1
) -> tuple[int, str, str]:
    """Run `perfgate compare` on a JMeter file (or ``command`` on ``files`` copies of it) with stderr on a
    pseudo-terminal (as a person at a terminal sees it)."""
    import os
    import pty
    import subprocess
    import sys
    import threading

    rows = ["timeStamp,elapsed,label,success"] + [
        f"{1764500000000 + i},{50 + i % 7},GET /x,true" for i in range(60_000)
    ]
    results = tmp_path / "results.jtl"
    results.write_text("\n".join(rows) + "\n")
    paths = [str(results)] * 2  # compare: the file against itself
    if command != ("compare",):  # several files: copies, as a glob over a results folder would give
        paths = [str(shutil.copy(results, tmp_path / f"results-{i}.jtl")) for i in range(files)]
    main_fd, terminal = pty.openpty()
    env = {**os.environ, "PERFGATE_PROGRESS_AFTER": after, "NO_COLOR": "1"}
    seen: list[bytes] = []

    def drain() -> None:  # read the terminal while perfgate writes to it, or a full buffer would block it
        while True:
            try:
                chunk = os.read(main_fd, 65536)
            except OSError:
                return
            if not chunk:
                return
            seen.append(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    done = subprocess.run(
        [sys.executable, "-m", "perfgate", *command, *args, *paths],
        stdout=subprocess.PIPE, stderr=terminal, env=env, timeout=120, check=False, cwd=tmp_path,
    )  # fmt: skip
    os.close(terminal)
    reader.join(timeout=10)
    os.close(main_fd)
    return done.returncode, done.stdout.decode(), b"".join(seen).decode(errors="replace")


def test_long_reads_show_progress_on_a_terminal_only(tmp_path: Path) -> None:
    code, out, err = _compare_on_a_terminal(tmp_path)
    assert code == 0, err
    assert "reading " in err and "results.jtl" in err and "MB/s" in err and "100%" in err
    assert "reading" not in out  # the report on stdout stays clean
    code, _, err = _compare_on_a_terminal(tmp_path, "-q")
    assert code == 0 and "reading" not in err
    code, _, err = _compare_on_a_terminal(tmp_path, after="60")  # quick reads print nothing
    assert code == 0 and "reading" not in err


def test_ingest_of_several_files_counts_them_on_a_terminal(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'history.db'}"
    command = ("ingest", "--db", db, "--commit", "abc123", "--branch", "main")
    code, _, err = _compare_on_a_terminal(tmp_path, command=command, files=3)
    assert code == 0, err
    assert "read 1 of 3 files" in err and "read 3 of 3 files" in err
    code, _, err = _compare_on_a_terminal(tmp_path, command=command, files=3, after="60")
    assert code == 0 and "files" not in err


def test_no_progress_when_stderr_is_not_a_terminal(
    run_cli: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PERFGATE_PROGRESS_AFTER", "0")
    result = run_cli("compare", BASE, HEAD)
    assert "reading" not in result.output


def test_only_what_is_stored_is_hashed(run_cli: Invoke, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The sha256 of a file keys its stored run; a file compare stores nothing, so it does not read the files
    a second time for it."""
    from perfgate import app, formats

    digested: list[str] = []

    class Counted(formats._FileHash):
        def __init__(self, path: str) -> None:
            digested.append(path)
            super().__init__(path)

    monkeypatch.setattr(formats, "_FileHash", Counted)
    assert run_cli("compare", BASE, HEAD).exit_code == 1
    assert digested == []
    assert run_cli("ingest", BASE, "--branch", "main", "--commit", "c0ffee" * 6, "--db", db_url).exit_code == 0
    assert digested == [BASE]
    undigested = formats.read(BASE, sha256=False)
    with pytest.raises(RuntimeError, match="no sha256"):
        app.ingest_parsed(Store(db_url), undigested, app.RunInfo("default", "main", "c" * 40), now=datetime.now(UTC))
