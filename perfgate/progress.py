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


sink: contextvars.ContextVar[Sink | None] = contextvars.ContextVar("progress_sink", default=None)
