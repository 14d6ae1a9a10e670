"""`perfgate digest`: the week's findings over main-branch history, rendered and mailed (or written)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from perfgate.app.branches import require_history
from perfgate.app.output import write_output
from perfgate.app.workspace import Workspace
from perfgate.config import Config
from perfgate.errors import UsageError
from perfgate.history.series import History, Point
from perfgate.limits import MAX_DAYS
from perfgate.model import GateDecision, RunHeader

if TYPE_CHECKING:  # the store (SQLAlchemy, Alembic) and the digest's modules (Pillow, smtplib) load when used
    from perfgate.history import digest
    from perfgate.render import digest as digest_render
    from perfgate.store import Store

CONTEXT_RUNS = 30  # runs before the period that change points and noise are judged against


@dataclass(frozen=True)
class DigestRequest:
    days: int = 7
    suites: tuple[str, ...] = ()  # all suites when empty
    repository: str | None = None  # owner/name, for links to commits and pull requests
    server: str = "https://github.com"
    site_url: str | None = None  # the published history site, for links to each series' page


def build_digest(store: Store, cfg: Config, request: DigestRequest, *, now: datetime) -> digest.Digest:
    """The period's findings over every (or the chosen) suite's main-branch history."""
    if not 1 <= request.days <= MAX_DAYS:  # the period's start must be a date (timedelta overflows past year 1)
        raise UsageError(f"--days must be from 1 to {MAX_DAYS:,} (a century), got {request.days:,}")
    start = now - timedelta(days=request.days)
    loaded = [
        load_histories(store, suite, cfg.main_branch, start, now, since=start)
        for suite in known_suites(store, request.suites)
    ]
    return findings(
        cfg, [h for found in loaded for h in found.digest], [d for found in loaded for d in found.decisions], start, now
    )


def known_suites(store: Store, asked: tuple[str, ...]) -> tuple[str, ...]:
    """The suites asked for (every recorded one when none is), each checked to be recorded."""
    require_history(store)
    known = tuple(store.suites())
    unknown = [s for s in asked if s not in known]
    if unknown:
        raise UsageError(
            f"no runs of suite {', '.join(map(repr, unknown))}; recorded suites: {', '.join(known) or 'none'}"
        )
    return asked or known


def findings(
    cfg: Config, histories: list[History], decisions: list[GateDecision], start: datetime, end: datetime
) -> digest.Digest:
    """The digest of [start, end) over these histories, under the config's budgets and settings."""
    from perfgate.gate.policy import Policy
    from perfgate.history import digest

    options = digest.Options(max_regression=cfg.max_regression, fdr=cfg.fdr, baseline_runs=cfg.baseline_runs)
    return digest.build(histories, decisions, Policy(cfg.budgets, cfg.waivers), start=start, end=end, options=options)


@dataclass(frozen=True)
class Loaded:
    """One suite's week: the digest's histories (the week and its context runs), the headers of every run since
    the site's start (the site reads those series by series), and the gate's decisions."""

    digest: list[History]
    headers: list[RunHeader]
    decisions: list[GateDecision]


def load_histories(
    store: Store, suite: str, branch: str, week_start: datetime, end: datetime, *, since: datetime
) -> Loaded:
    """The histories of the week's runs and the CONTEXT_RUNS runs before it; the headers of [min(since, week_start),
    end]; the decisions since then."""
    period = store.run_headers(suite, branch, since=min(since, week_start), before=end, limit=10_000)
    context = store.run_headers(suite, branch, before=week_start - timedelta(microseconds=1), limit=CONTEXT_RUNS)
    weekly = {h.id: h for h in period if h.recorded_at >= week_start} | {h.id: h for h in context}
    decisions = store.gate_decisions(suite, since=min(since, week_start), until=end)
    return Loaded(histories_of(store, suite, weekly, branch), period, decisions)


def histories_of(store: Store, suite: str, headers: dict[int, RunHeader], branch: str) -> list[History]:
    """Every series of these runs of one suite, as histories (oldest run first), in the order the runs first show
    them (then by name and metric)."""
    return sorted(stream_histories(store, suite, branch, headers), key=_first_shown)


def stream_histories(store: Store, suite: str, branch: str, headers: dict[int, RunHeader]) -> Iterator[History]:
    """The series of these runs one at a time, sorted by name and metric: memory holds one series, not the history.
    Each takes its unit, direction and kind from its oldest run."""
    from perfgate.store.columns import series_runs

    if not headers:
        return
    order = {run_id: i for i, run_id in enumerate(sorted(headers, key=lambda i: (headers[i].recorded_at, i)))}
    times = [h.recorded_at for h in headers.values()]
    for found in series_runs(store, suite, branch, headers, since=min(times), until=max(times)):
        rows = sorted(found.runs, key=lambda row: order[row[0]])
        _, unit, direction, kind = min(found.units, key=lambda u: order[u[0]])
        points = tuple(
            Point(headers[run_id].commit, headers[run_id].recorded_at, summary, pr_number, run_id)
            for run_id, pr_number, summary in rows
        )
        yield History(suite, found.name, found.metric, unit, direction, kind, points)


def _first_shown(history: History) -> tuple[datetime, int, str, str]:
    first = history.points[0]
    return (first.recorded_at, first.run_id or 0, history.name, history.metric)


@dataclass(frozen=True)
class Mail:
    """Where the digest goes: a file (.html or .eml), or recipients through an SMTP server."""

    recipients: tuple[str, ...] = ()
    sender: str = "perfgate <perfgate@localhost>"
    smtp_url: str | None = None
    output: Path | None = None
    dry_run: bool = False
    skip_empty: bool = False


@dataclass(frozen=True)
class DigestOutcome:
    digest: digest.Digest
    rendered: digest_render.Rendered | None
    lines: tuple[str, ...]


def send_digest(found: digest.Digest, mail: Mail, request: DigestRequest, *, now: datetime) -> DigestOutcome:
    """Render the digest and write or send it; an empty week with ``skip_empty`` sends nothing."""
    from perfgate.deliver import mail as mail_delivery
    from perfgate.render import digest as digest_render
    from perfgate.render import links as links_render

    if found.empty and mail.skip_empty:
        return DigestOutcome(found, None, ("nothing to report this period (--skip-empty): no mail sent",))
    for address in (*mail.recipients, mail.sender):
        mail_delivery.check_address(address, "--to" if address in mail.recipients else "--from")
    smtp = None
    if mail.output is None and not mail.dry_run:
        if not mail.recipients:
            raise UsageError("give --to ADDRESS (or --output FILE, or --dry-run)")
        if mail.smtp_url is None:
            raise UsageError(
                "give --smtp-url smtp://user:password@host:587 or set PERFGATE_SMTP_URL (or --output FILE)"
            )
        smtp = mail_delivery.parse_smtp_url(mail.smtp_url)
    name = request.repository or ", ".join(found.suites) or "perfgate"
    links = links_render.Links(request.repository, request.server) if request.repository else None
    rendered = digest_render.render(found, name=name, links=links, site_url=request.site_url)
    message = mail_delivery.build_message(
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        images=rendered.images,
        sender=mail.sender,
        recipients=mail.recipients,
        date=now,
    )
    size = f"{len(rendered.images)} chart{'s' if len(rendered.images) != 1 else ''}"
    if mail.output is not None:
        if mail.output.suffix.lower() == ".eml":
            write_output(mail.output, message.as_bytes())
        elif mail.output.suffix.lower() in (".html", ".htm"):
            _write_html(mail.output, rendered)
        else:
            raise UsageError(f"--output {mail.output}: give a .html or .eml file")
        return DigestOutcome(found, rendered, (f"wrote {mail.output} ({size})",))
    if smtp is None:
        return DigestOutcome(found, rendered, (f"dry run: {rendered.subject!r} ({size}) not sent",))
    attempts = mail_delivery.send(message, smtp)
    retried = f" after {attempts} attempts" if attempts > 1 else ""
    return DigestOutcome(
        found, rendered, (f"sent {rendered.subject!r} to {', '.join(mail.recipients)} via {smtp.display}{retried}",)
    )


def _write_html(path: Path, rendered: digest_render.Rendered) -> None:
    """The HTML part with its charts beside it (NAME-chartN.png) so a browser shows the same page."""
    html = rendered.html
    for cid, png in rendered.images:
        image = path.with_name(f"{path.stem}-{cid}.png")
        write_output(image, png)
        html = html.replace(f'src="cid:{cid}"', f'src="{image.name}"')
    write_output(path, html)


@dataclass(frozen=True)
class MailDigestRequest:
    workspace: Workspace
    period: DigestRequest  # its site_url comes from the configuration
    mail: Mail


def mail_digest(request: MailDigestRequest) -> DigestOutcome:
    """Build the period's digest from the request's database and write or send it as the request says."""
    cfg = request.workspace.config()
    period = replace(request.period, site_url=cfg.site_url)
    found = build_digest(request.workspace.store(), cfg, period, now=request.workspace.now)
    return send_digest(found, request.mail, period, now=request.workspace.now)
