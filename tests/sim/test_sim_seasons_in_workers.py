"""A range over several seasons is written one season per worker, with the same bytes and
the same result (dates in order, files, bytes) as writing it in this process."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from backcourt.rawstore import RawStore
from backcourt.sources import sim


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


def test_seasons_in_workers_write_the_same_bytes(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    # the end of the 2022-23 playoffs and the first nights of 2023-24: two seasons, so
    # (with a low threshold) each goes to its own worker
    start, end = date(2023, 6, 1), date(2023, 10, 26)
    monkeypatch.setattr(sim, "_MIN_DATES_PER_WORKER", 1)
    assert len(sim._by_season([start, date(2023, 7, 1), end])) == 2
    calls: list[date] = []
    forked = sim.scrape(RawStore(str(tmp_path / "forked")), start, end, seed=3,
                        on_date=lambda d, n: calls.append(d), workers=2)
    inline = sim.scrape(RawStore(str(tmp_path / "inline")), start, end, seed=3, workers=1)
    assert forked.dates == inline.dates == calls
    assert {sim.season_of(d) for d in forked.dates} == {2022, 2023}
    assert (forked.files, forked.bytes) == (inline.files, inline.bytes)
    assert _tree(tmp_path / "forked") == _tree(tmp_path / "inline")
