"""`perfgate alert`: own the steps that land on main (an issue per commit, a webhook message, closed on
recovery)."""

from __future__ import annotations

import os
from pathlib import Path

import click

from perfgate.cli.options import config_option, db_option, links_options, suites_option, workspace
from perfgate.cli.terminal import say
from perfgate.config import WEBHOOK_FORMATS


@click.command("alert")
@suites_option
@click.option("--branch", help="The branch whose history is watched. [default: main_branch from the config, else main]")
@click.option(
    "--webhook",
    "webhooks",
    multiple=True,
    metavar="URL",
    help="Also post each new step (and each recovery) here: a Slack, Mattermost or Teams incoming webhook, or "
    "your own endpoint (repeatable). Only its host is ever printed. Better: [alert] webhooks in perfgate.toml, "
    "naming the environment variable that holds the URL.",
)
@click.option(
    "--webhook-format",
    type=click.Choice(list(WEBHOOK_FORMATS)),
    default="slack",
    show_default=True,
    help="The body for --webhook: Slack's {text, blocks}, or perfgate's generic JSON (docs/alerts.md).",
)
@click.option(
    "--no-issues",
    is_flag=True,
    help="Do not open or close GitHub issues, even in GitHub Actions: webhooks only.",
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="Print what would be announced (each commit's steps under the issue they would open or join), updated and closed; write nothing (no issue, no message, no memory).",
)
@links_options
@config_option
@db_option
def alert_command(
    suites: tuple[str, ...],
    branch: str | None,
    webhooks: tuple[str, ...],
    webhook_format: str,
    no_issues: bool,
    dry_run: bool,
    repository: str | None,
    server_url: str,
    config_path: Path | None,
    db_url: str | None,
) -> None:
    """Own a regression that lands on main: find the steps on main's recent history that made a series worse
    beyond its allowance (the detector of the digest and the site) and, for each commit that made series worse,
    open one GitHub issue listing them with the commit window, the pull requests merged in it and how to confirm
    it locally; post them to the webhooks; close the issue with a comment when its last series is back at its old
    level or a waiver accepts it. A step is never announced twice: the history database remembers it, and the
    issue carries a hidden marker for each.

    A step needs three runs at its new level, so one slow run never opens an issue. Run it after each
    main-branch run is recorded (the Action's `alert: true`) or from cron. In GitHub Actions it reads
    GITHUB_TOKEN (with `issues: write`), GITHUB_REPOSITORY and GITHUB_API_URL; elsewhere give --webhook.
    Exits 0 whatever it finds (a failing webhook is a warning), 3 when GitHub refuses or the history is missing.

    \b
    Examples:
      perfgate alert --dry-run
      perfgate alert                               # in GitHub Actions, after perfgate gate recorded main's run
      perfgate alert --webhook "$SLACK_WEBHOOK_URL" --repository acme/shop   # from cron, no GitHub
    """
    from perfgate.app.alert import AlertRequest, Hook, alert

    outcome = alert(
        AlertRequest(
            workspace(config_path, db_url),
            dict(os.environ),
            suites=suites,
            branch=branch,
            hooks=tuple(Hook(url, webhook_format) for url in webhooks),
            github=not no_issues,
            dry_run=dry_run,
            repository=repository,
            server=server_url.rstrip("/"),
        )
    )
    for line in outcome.lines:
        say(line)
