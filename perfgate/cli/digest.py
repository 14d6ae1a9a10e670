"""`perfgate digest` and `perfgate site`: main-branch history for people, by mail and on the web."""

from __future__ import annotations

import sys
from datetime import datetime, timedelta
from pathlib import Path

import click

from perfgate.cli.options import (
    config_option,
    db_option,
    links_options,
    moment,
    output_option,
    suites_option,
    until_option,
    workspace,
)
from perfgate.cli.terminal import say
from perfgate.limits import MAX_DAYS
from perfgate.units import format_value


@click.command("digest")
@click.option(
    "--days",
    default=7,
    show_default=True,
    type=click.IntRange(1, MAX_DAYS),
    help="The period: this many days up to --until.",
)
@until_option("End of the period, UTC (a day means its midnight). [default: now]")
@suites_option
@click.option("--to", "recipients", multiple=True, metavar="ADDRESS", help="Send to this address (repeatable).")
@click.option(
    "--from",
    "sender",
    default="perfgate <perfgate@localhost>",
    show_default=True,
    envvar="PERFGATE_MAIL_FROM",
    metavar="ADDRESS",
    help="The sender. [env: PERFGATE_MAIL_FROM]",
)
@click.option(
    "--smtp-url",
    envvar="PERFGATE_SMTP_URL",
    metavar="URL",
    help="smtp://user:password@host:587 (STARTTLS) or smtps://user:password@host:465 (TLS). The password is "
    "never printed. [env: PERFGATE_SMTP_URL]",
)
@output_option(
    "Write the digest instead of sending it: FILE.html (charts saved beside it) or FILE.eml (the whole mail)."
)
@click.option("--dry-run", is_flag=True, help="Build the digest and print its text part; send nothing.")
@click.option("--skip-empty", is_flag=True, help="Send (or write) nothing when the period has nothing to report.")
@links_options
@config_option
@db_option
def digest_command(
    days: int,
    until: datetime | None,
    suites: tuple[str, ...],
    recipients: tuple[str, ...],
    sender: str,
    smtp_url: str | None,
    output: Path | None,
    dry_run: bool,
    skip_empty: bool,
    repository: str | None,
    server_url: str,
    config_path: Path | None,
    db_url: str | None,
) -> None:
    """Mail the weekly trend digest: change points on main, creeping drift, budgets near their limit,
    series too noisy to gate, and pull requests the gate blocked or let through with a waiver.

    \b
    Examples:
      perfgate digest --to team@example.com --smtp-url "$PERFGATE_SMTP_URL"
      perfgate digest --days 14 --output digest.html
      perfgate digest --dry-run --skip-empty
    """
    from perfgate.app.digest import DigestRequest, Mail, MailDigestRequest, mail_digest

    outcome = mail_digest(
        MailDigestRequest(
            workspace(config_path, db_url, now=moment(until)),
            DigestRequest(days=days, suites=suites, repository=repository, server=server_url.rstrip("/")),
            Mail(recipients, sender, smtp_url, output, dry_run, skip_empty),
        )
    )
    if dry_run and outcome.rendered is not None:
        say(f"Subject: {outcome.rendered.subject}\n")
        say(outcome.rendered.text)
    for line in outcome.lines:
        say(line, err=True)


@click.command("site")
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--days",
    default=90,
    show_default=True,
    type=click.IntRange(1, MAX_DAYS),
    help="How much of main's history each chart shows, in days up to --until.",
)
@until_option("The site's 'now', UTC: the week's findings end here. [default: now]")
@suites_option
@click.option("--branch", help="The branch whose runs are shown. [default: main_branch from the config, else main]")
@click.option(
    "--from-export",
    "exports",
    multiple=True,
    metavar="FILE",
    help="Read history from a 'perfgate export' file (a data branch's runs.jsonl) instead of --db (repeatable).",
)
@links_options
@config_option
@db_option
def site_command(
    out: Path,
    days: int,
    until: datetime | None,
    suites: tuple[str, ...],
    branch: str | None,
    exports: tuple[str, ...],
    repository: str | None,
    server_url: str,
    config_path: Path | None,
    db_url: str | None,
) -> None:
    """Build the history site in OUT: a static dashboard for GitHub Pages or any web server, which also
    works opened from disk. The index has the week's findings and every series of main; each series has a
    page with an interactive chart (runs, change points, budget lines, the gate's pull-request decisions)
    and a table of the same data.

    \b
    Examples:
      perfgate site public/ --repository acme/shop
      perfgate site public/ --from-export runs.jsonl --days 180
    """
    from perfgate.app.site import SiteRequest, WriteSiteRequest, write_site

    site = SiteRequest(out, days, suites, repository, server_url.rstrip("/"), branch)
    outcome = write_site(WriteSiteRequest(workspace(config_path, db_url, now=moment(until)), site, exports, sys.stdin))
    click.echo(
        f"wrote {out}: {outcome.series} series in {len(outcome.suites)} suite(s), "
        f"{outcome.pages} pages ({format_value(outcome.bytes, 'B')} besides the assets)",
        err=True,
    )
    if outcome.newest is not None:
        after = outcome.newest + timedelta(days=1)
        window = f"the {days} days up to {until:%Y-%m-%d}" if until else f"the last {days} days"
        click.echo(
            f"perfgate: no run in {window}; the newest was recorded on {outcome.newest:%Y-%m-%d}: "
            f"give --until {after:%Y-%m-%d}, or more --days",
            err=True,
        )
