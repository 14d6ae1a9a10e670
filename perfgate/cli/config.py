"""`perfgate config check`: the configuration as perfgate reads it."""

from __future__ import annotations

from pathlib import Path

import click

from perfgate.cli.options import config_option, format_option, workspace
from perfgate.cli.terminal import say


@click.group("config")
def config_group() -> None:
    """Check the configuration (perfgate.toml or [tool.perfgate] in pyproject.toml)."""


@config_group.command("check")
@click.option(
    "--results",
    multiple=True,
    metavar="PATH|GLOB",
    help="Show which budget and waiver apply to each series of these results.",
)
@format_option
@config_option
def config_check(results: tuple[str, ...], format_name: str | None, config_path: Path | None) -> None:
    """Validate the configuration and show the settings, budgets and waivers it resolves to.

    \b
    Example:
      perfgate config check --results head.json

    Exits 3 with the file, key and line of the first problem.
    """
    from perfgate.app.config import ConfigCheckRequest, check_config
    from perfgate.render.config_text import render_config

    checked = check_config(ConfigCheckRequest(workspace(config_path), results, format_name))
    say(render_config(checked.config, checked.budgets, checked.resolved, checked.today))
    for warning in checked.warnings:
        say(f"warning: {warning}")
