"""What a person at a terminal sees besides the report: verdicts in colour, and a progress bar on stderr
for long reads. Neither shows in a pipe, a log or a test."""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import click

from perfgate import progress
from perfgate.errors import UsageError

if TYPE_CHECKING:
    from perfgate.gate.report import Report

PROGRESS_AFTER_ENV = "PERFGATE_PROGRESS_AFTER"


def painter(ctx: click.Context) -> Callable[[str, Any], str] | None:
    """Colours for verdicts on a terminal: red fails, yellow warns, green improves or passes; None for none
    (--color never, NO_COLOR, or not a terminal with --color auto)."""
    from perfgate.gate.report import FAILING, WARNING, Verdict

    choice = ctx.find_root().meta.get("perfgate.color") or "auto"
    if choice == "never" or (choice == "auto" and not _colour_terminal()):
        return None

    def paint(text: str, verdict: Any) -> str:
        if verdict in FAILING:
            return click.style(text, fg="red", bold=True)
        if verdict in WARNING:
            return click.style(text, fg="yellow")
        if verdict is Verdict.IMPROVEMENT or (verdict is None and text.startswith("PASS")):
            return click.style(text, fg="green")
        return text

    return paint


def say(text: str, *, err: bool = False, made_plain: bool = False, color: bool | None = None) -> None:
    """A message perfgate prints, through the one neutraliser for job logs (render/cells.log_text): names and
    error messages come from results files, and a line of theirs must never act as a workflow command."""
    from perfgate.render.cells import log_text

    click.echo(log_text(text, made_plain=made_plain), err=err, color=color)


def show_report(ctx: click.Context, report: Report, *, output_format: str, quiet: bool) -> None:
    """The report on stdout: the text table (coloured on a terminal; only what fails with --quiet), or the
    format asked for."""
    from perfgate.render import render, text

    if output_format != "text":
        click.echo(render(report, output_format), nl=False)
        return
    paint = painter(ctx)
    shown = text.render(report, paint=paint or text.unpainted, only_failing=quiet)
    if shown:  # its cells are plain already, and may be coloured
        say(shown, made_plain=True, color=True if paint else None)


def _colour_terminal() -> bool:
    # https://no-color.org: any non-empty NO_COLOR turns colour off; so does a dumb terminal or a pipe.
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return sys.stdout.isatty()


class _TerminalProgress:
    """A progress bar on stderr for a file whose reading takes longer than a couple of seconds: bytes read,
    rate and time left. Quick reads print nothing, so ordinary runs stay as quiet as they were."""

    def __init__(self, after: float) -> None:
        self._after = after
        self._bar: Any = None
        self._label, self._total, self._started, self._shown = "", 0, 0.0, 0
        self._created = time.monotonic()

    def start(self, label: str, total: int | None) -> None:
        self.finish()
        self._label, self._total, self._started, self._shown = label, total or 0, time.monotonic(), 0

    def advance(self, done: int) -> None:
        if self._bar is None:
            if time.monotonic() - self._started < self._after or not self._total:
                return
            label = self._label if len(self._label) <= 40 else "…" + self._label[-39:]
            self._bar = click.progressbar(
                length=self._total, label=f"reading {label}", file=sys.stderr, item_show_func=self._rate
            )
            self._bar.__enter__()
        self._bar.update(done - self._shown, done)
        self._shown = done

    def _rate(self, done: int | None) -> str:
        if not done:
            return ""
        seconds = max(time.monotonic() - self._started, 1e-9)
        return f"{done / 1e6:,.0f} of {self._total / 1e6:,.0f} MB, {done / 1e6 / seconds:,.0f} MB/s"

    def finish(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None

    def files(self, done: int, total: int) -> None:
        """A line counting the files read, once reading them has taken a couple of seconds."""
        if time.monotonic() - self._created < self._after:
            return
        click.echo(f"\rread {done} of {total} files", file=sys.stderr, nl=done == total)


@contextlib.contextmanager
def progress_on_terminal(quiet: bool) -> Iterator[None]:
    """Progress for long reads while the command runs, when a person watches stderr (not -q, not a log)."""
    if quiet or not sys.stderr.isatty():
        yield
        return
    try:
        after = float(os.environ.get(PROGRESS_AFTER_ENV, "2"))
    except ValueError:
        raise UsageError(f"{PROGRESS_AFTER_ENV} must be a number of seconds") from None
    sink = _TerminalProgress(after)
    token = progress.sink.set(sink)
    try:
        yield
    finally:
        sink.finish()
        progress.sink.reset(token)
