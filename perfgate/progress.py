"""Progress of long reads, for a person watching a terminal: the command line (an edge) sets a sink for the
command it runs; the readers report how far into a file they are. Nothing is reported when no sink is set
(tests, CI logs, ``--quiet``)."""

from __future__ import annotations

import contextvars
from typing import Protocol


class Sink(Protocol):
    def start(self, label: str, total: int | None) -> None:
        """A file of ``total`` bytes (as stored; None if unknown) is about to be read."""

    def advance(self, done: int) -> None:
        """``done`` bytes of it (as stored, so compressed for gzip) have been read."""

    def finish(self) -> None:
        """The file has been read (or reading it failed)."""

    def files(self, done: int, total: int) -> None:
        """``done`` of the command's ``total`` files have been read (commands that read several)."""


sink: contextvars.ContextVar[Sink | None] = contextvars.ContextVar("progress_sink", default=None)


def files_done(done: int, total: int) -> None:
    """Tell the sink, if any, how many of several files have been read."""
    if total > 1 and (watcher := sink.get()) is not None:
        watcher.files(done, total)
