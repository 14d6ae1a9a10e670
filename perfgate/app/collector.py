"""Python's cyclic garbage collector held off while an import streams runs.

Each line of an export makes thousands of containers (a run's 2,000 series objects, the columns' tuples) that
reference counting frees as soon as the run is stored; the collector, started every 700 allocations, walked
them all the same and found nothing (509 runs x 2,000 series: 11.7 s of CPU became 9.9 s). It runs once every
``every`` runs instead, so whatever cycles a run leaves (SQLAlchemy's, an exception's) stay bounded."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def collected_every(every: int) -> Iterator[Callable[[], None]]:
    """Yields ``tick``, called once per run: it collects at every ``every``-th. As it was afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    count = 0

    def tick() -> None:
        nonlocal count
        count += 1
        if count % every == 0:
            gc.collect()

    try:
        yield tick
    finally:
        if was_enabled:
            gc.enable()
