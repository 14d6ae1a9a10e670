"""The `perfgate` group: its version, the commands it lists, and the defaults its help texts state."""

from __future__ import annotations

import re

import click

from perfgate import __version__
from perfgate.cli import main
from perfgate.config import Config

from ..conftest import Invoke

COMMANDS = {"alert", "compare", "config", "db", "digest", "export", "formats", "gate", "history", "import", "ingest"}
COMMANDS |= {"prune", "publish", "run", "runs", "site"}


def test_version_and_help(run_cli: Invoke) -> None:
    assert run_cli("--version").output.strip() == f"perfgate, version {__version__}"
    result = run_cli("--help")
    assert result.exit_code == 0
    for command in ("compare", "ingest", "db", "formats"):
        assert command in result.output


def test_every_command_is_on_the_group() -> None:
    assert set(main.commands) == COMMANDS


def _commands(group: click.Group) -> list[click.Command]:
    found: list[click.Command] = []
    for command in group.commands.values():
        found += _commands(command) if isinstance(command, click.Group) else [command]
    return found


def test_the_defaults_the_help_states_are_the_configuration_s() -> None:
    """ "[default: from the config, else X]": X is what Config holds, written as the option takes it."""
    shown = {"max_regression": "{:.0%}", "fdr": "{:g}", "suite": "{!r}"}
    stated = 0
    for command in _commands(main):
        for param in command.params:
            found = re.search(r"\[default: from the config, else (.+?)\]", getattr(param, "help", None) or "")
            if found and param.name:
                default = getattr(Config(), param.name)
                assert found.group(1) == shown.get(param.name, "{}").format(default), (command.name, param.name)
                stated += 1
    assert stated >= 6  # compare's suite, baseline runs, δ, q and minimum samples; gate's δ; …
