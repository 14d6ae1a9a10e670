"""The import's garbage collection by hand: held off, run every so many runs, and as it was afterwards."""

from __future__ import annotations

import gc

import pytest

from perfgate.app.collector import collected_every


def test_the_collector_is_off_inside_and_restored_after_even_on_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    collections: list[int] = []

    def collect(*_: object) -> int:
        collections.append(1)
        return 0

    monkeypatch.setattr(gc, "collect", collect)
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collected_every(3) as tick:
        assert not gc.isenabled()
        for _ in range(7):
            tick()
        raise RuntimeError("a refused line")
    assert gc.isenabled() and len(collections) == 2  # at the 3rd and the 6th run


def test_a_disabled_collector_stays_disabled() -> None:
    gc.disable()
    try:
        with collected_every(2):
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
