"""Options that several commands share, each defined once as a decorator (a command that words its help
differently passes the help in). Defaults shown in help texts come from ``Config``, where they are kept."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from perfgate.choices import COMMENT_POLICIES, DEFAULT_ROUNDS, FAIL_ON
from perfgate.config import Config
from perfgate.errors import ConfigError
from perfgate.units import parse_percentage

if TYPE_CHECKING:
    from perfgate.app.workspace import Workspace

F = TypeVar("F", bound=Callable[..., Any])
DEFAULTS = Config()


def workspace(config_path: Path | None = None, db_url: str | None = None, *, now: datetime | None = None) -> Workspace:
    """This command's working directory and moment (UTC), and the configuration file and database it names."""
    from perfgate.app.workspace import Workspace

    return Workspace(Path.cwd(), now or datetime.now(UTC), config_path, db_url)


def db_option(func: F) -> F:
    return click.option(
        "--db",
        "db_url",
        envvar="PERFGATE_DATABASE_URL",
        metavar="URL",
        help="History database: a SQLAlchemy URL such as sqlite:///path.db or postgresql://user@host/db. "
        "[env: PERFGATE_DATABASE_URL; default: .perfgate/history.db in the current directory]",
    )(func)


def format_option(func: F) -> F:
    return click.option(
        "--format",
        "format_name",
        metavar="NAME",
        help="Read the results as this format instead of detecting it (see 'perfgate formats').",
    )(func)


def suite_option(func: F) -> F:
    return click.option(
        "--suite",
        callback=not_blank,
        help=f"The suite the runs belong to: one history per suite. [default: from the config, else {DEFAULTS.suite!r}]",
    )(func)


def suites_option(func: F) -> F:
    """--suite, repeatable, for the commands that read every suite unless told otherwise."""
    return click.option(
        "--suite", "suites", multiple=True, help="Only this suite (repeatable). [default: every suite]"
    )(func)


def suite_filter_option(func: F) -> F:
    """--suite for the commands that act on every suite unless told otherwise."""
    return click.option("--suite", help="Only this suite. [default: every suite]")(func)


def config_option(func: F) -> F:
    return click.option(
        "--config",
        "config_path",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Configuration file. [default: perfgate.toml, or [tool.perfgate] in pyproject.toml, "
        "in this directory or the nearest parent]",
    )(func)


def links_options(func: F) -> F:
    """--repository and --server-url: where commits and pull requests are linked (the digest, the site)."""
    func = click.option(
        "--server-url",
        envvar="GITHUB_SERVER_URL",
        default="https://github.com",
        show_default=True,
        metavar="URL",
        help="The GitHub server, for GitHub Enterprise. [env: GITHUB_SERVER_URL]",
    )(func)
    return click.option(
        "--repository",
        envvar="GITHUB_REPOSITORY",
        metavar="OWNER/NAME",
        help="The GitHub repository, for links to commits and pull requests. [env: GITHUB_REPOSITORY]",
    )(func)


def max_regression_option(help: str) -> Callable[[F], F]:
    """--max-regression PERCENT: the allowed regression δ, in place of the config's; a value that is not a
    percentage is a usage error (exit 2), as any other bad option value."""
    default = f"[default: from the config, else {DEFAULTS.max_regression:.0%}]"
    return click.option("--max-regression", metavar="PERCENT", callback=_percentage, help=f"{help} {default}")


def not_blank(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A callback for an option whose value names something: an empty one is a usage error that says the likely
    cause, not a value read as absent (``--commit "$GITHUB_SHA"`` with the variable unset)."""
    if value is not None and not value.strip():
        example = ", such as $GITHUB_SHA outside GitHub Actions" if param.name == "commit" else ""
        raise click.BadParameter(f"empty (an unset variable{example}?)", ctx, param)
    return value


def _percentage(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """The value as typed (the use case reads it), once it reads as a percentage."""
    if value is not None:
        try:
            parse_percentage(value, key=f"--{param.name}")
        except ConfigError as exc:
            raise click.BadParameter(str(exc).removeprefix(f"--{param.name}: "), ctx, param) from None
    return value


def baseline_runs_option(help: str) -> Callable[[F], F]:
    """--baseline-runs N: how many stored runs form the baseline, in place of the config's."""
    return click.option("--baseline-runs", type=click.IntRange(1), help=help)


def comment_option(help: str | None = None) -> Callable[[F], F]:
    """--comment: when to post the PR comment (the Action's comment input)."""
    return click.option(
        "--comment", type=click.Choice(list(COMMENT_POLICIES)), default="on-change", show_default=True, help=help
    )


def fail_on_option(help: str) -> Callable[[F], F]:
    """--fail-on: what fails the job, or the check (the Action's fail-on input)."""
    return click.option(
        "--fail-on", type=click.Choice(list(FAIL_ON)), default="regression", show_default=True, help=help
    )


def until_option(help: str) -> Callable[[F], F]:
    """--until: the end of the period a history command looks at, UTC."""
    return click.option("--until", type=click.DateTime(formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M"]), help=help)


def output_option(help: str) -> Callable[[F], F]:
    """-o/--output FILE: write here (atomically) instead of, or as well as, to the terminal."""
    return click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help=help)


ROUNDS_HELP = (
    "Rounds per side, after one warm-up round per side that is discarded. Cost: COMMAND runs N + 1 times in "
    "each tree, plus one set-up each (a 20 s COMMAND, 10 rounds: 7 min 20 s). What they buy: the paired test's "
    "smallest p is 2^-N (every round worse), and across m benchmarks a lone regression must reach q/m: 10 rounds "
    "reach 1/1024, enough for up to 51 benchmarks at q = 0.05 (8 rounds: 12; 6: 3). Use an even N: each two rounds "
    "cancel a drift linear in time. At least 3."
)


def rounds_option(func: F) -> F:
    """--rounds N: rounds per side of base and head in one job (perfgate run, the Action's mode ab)."""
    return click.option("--rounds", type=int, default=DEFAULT_ROUNDS, show_default=True, metavar="N", help=ROUNDS_HELP)(
        func
    )


def setup_option(func: F) -> F:
    """--setup CMD: a build run once in each tree before the rounds."""
    return click.option(
        "--setup",
        metavar="CMD",
        help="A shell command run once in each tree before the rounds (a build, a venv), with PERFGATE_SIDE=base|head.",
    )(func)


def run_results_option(func: F) -> F:
    """--results PATH: the file each round's COMMAND writes, in place of its standard output."""
    return click.option(
        "--results",
        metavar="PATH",
        help="The results file COMMAND writes, relative to the tree (each side writes its own). [default: its "
        "standard output]",
    )(func)


def moment(until: datetime | None) -> datetime | None:
    """--until as a UTC moment (a day means its midnight); None for now."""
    return until.replace(tzinfo=UTC) if until else None
