"""Documentation kept true by tests: every command's help is in docs/cli.md, every format and key documented."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
from click.testing import CliRunner

from perfgate import formats
from perfgate.cli import main
from perfgate.render import json_report

from .conftest import check_golden

ROOT = Path(__file__).parent.parent
DOCS = ROOT / "docs"


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [prefix]
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            found += _commands(command, (*prefix, name))
        else:
            found.append((*prefix, name))
    return found


def _cli_reference() -> str:
    runner = CliRunner()
    parts = [
        "# Command reference\n",
        "Generated from `perfgate --help` texts; `pytest tests/test_docs.py --update-golden` regenerates it.\n",
    ]
    for path in _commands(main):
        title = " ".join(("perfgate", *path))
        result = runner.invoke(main, [*path, "--help"], prog_name="perfgate", terminal_width=100)
        assert result.exit_code == 0
        parts.append(f"## {title}\n\n```\n{result.output.rstrip()}\n```\n")
    return "\n".join(parts)


def test_cli_reference_is_current(update_golden: bool) -> None:
    check_golden("../../docs/cli.md", _cli_reference(), update_golden)


def test_every_format_is_documented() -> None:
    text = (DOCS / "formats.md").read_text(encoding="utf-8")
    for fmt in formats.all_formats():
        assert f"`{fmt.name}`" in text, fmt.name


def test_every_json_report_key_is_documented() -> None:
    text = (DOCS / "json-report.md").read_text(encoding="utf-8")
    # The top level's keys, as render writes them (a dict literal's keys are one tuple constant).
    [keys] = [c for c in json_report.render.__code__.co_consts if isinstance(c, tuple) and "schema_version" in c]
    assert "origin" in keys
    for key in keys:
        assert f"`{key}`" in text, key
    for key in json_report._comparison.__code__.co_consts:
        if isinstance(key, str) and key.isidentifier():
            assert f"`{key}`" in text, key
    assert f"schema_version` is {json_report.SCHEMA_VERSION}" in text


def test_every_config_key_is_documented() -> None:
    from perfgate import config

    text = (DOCS / "configuration.md").read_text(encoding="utf-8")
    for key in (*config._SETTINGS, *config._BUDGET_KEYS, *config._WAIVER_KEYS):
        assert f"`{key}`" in text, key


def test_readme_links_resolve() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for target in (
        "docs/cli.md",
        "docs/github-action.md",
        "docs/configuration.md",
        "docs/digest.md",
        "docs/site.md",
        "docs/baselines.md",
        "docs/formats.md",
        "docs/statistics.md",
        "docs/storage.md",
        "docs/json-report.md",
        "docs/design.md",
    ):
        assert f"({target})" in readme and (ROOT / target).is_file(), target


def test_every_example_workflow_is_in_the_action_docs_verbatim() -> None:
    """docs/github-action.md shows the example workflows as they are (the runner tests run those files)."""
    docs = (ROOT / "docs" / "github-action.md").read_text()
    examples = sorted((ROOT / "examples" / "github").glob("*.yml"))
    assert len(examples) >= 5
    for example in examples:
        assert f"```yaml\n{example.read_text()}```" in docs, f"{example.name} differs from its copy in the docs"


def test_the_readme_main_job_runs_as_written(tmp_path: Path) -> None:
    """The README's first set-up command, after its install step, from a fresh directory with the examples."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## Set up and try it.*?```sh\n(.*?)\n```", readme, re.S)
    assert block, "no set-up command in the README"
    command = block.group(1)
    assert "pip install -e ." in command
    after_install = command.split("pip install -e . && ", 1)[1]
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PERFGATE_")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    done = subprocess.run(
        ["bash", "-c", after_install], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 1, done.stdout + done.stderr  # "it exits 1: test_tokenize really got slower"
    assert "FAIL: 1 regression (test_tokenize)" in done.stdout


def test_the_rendered_comment_in_the_action_docs_is_the_real_one(
    run_cli: Any, tmp_path: Path, update_golden: bool
) -> None:
    """docs/github-action.md shows the comment perfgate posts for the README's example, as it renders today."""
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    commit = "5e1f0c2d9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d"
    ingest = run_cli("ingest", "examples/pytest-benchmark/base.json", "--branch", "main", "--commit", commit)
    assert ingest.exit_code == 0, ingest.output
    compared = run_cli(
        "compare",
        "examples/pytest-benchmark/head.json",
        "--against",
        "main",
        "--output-format",
        "markdown",
        "-o",
        "c.md",
    )
    assert compared.exit_code == 1, compared.output
    rendered = (tmp_path / "c.md").read_text(encoding="utf-8").replace("\u200b", "")
    doc = DOCS / "github-action.md"
    text = doc.read_text(encoding="utf-8")
    head, _, rest = text.partition("## A rendered comment\n\n````markdown\n")
    shown, _, tail = rest.partition("````\n")
    if update_golden:
        doc.write_text(f"{head}## A rendered comment\n\n````markdown\n{rendered}````\n{tail}", encoding="utf-8")
        return
    assert shown == rendered, "docs/github-action.md's rendered comment is out of date (pytest --update-golden)"


def test_every_benchmark_script_is_in_the_benchmarks_readme() -> None:
    """benchmarks/README.md lists every script (and names none that is gone)."""
    benchmarks = ROOT / "benchmarks"
    text = (benchmarks / "README.md").read_text(encoding="utf-8")
    scripts = {p.name for p in benchmarks.glob("*.py")}
    named = set(re.findall(r"`([a-z_]+\.py)`", text))
    assert scripts - named == set(), "list each new script in benchmarks/README.md"
    assert named - scripts == set(), "benchmarks/README.md names a script that is gone"
