"""Phase 1 of a backfill: the simulated dates whose raw folders are missing are fetched
again, byte for byte what they were; the season's game dates are remembered beside the raw
files, so finding nothing missing later needs no simulation."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from backcourt import app as lib
from backcourt.rawstore.store import NOTES
from backcourt.sources import missing_raw_dates, sim
from tests.conftest import SIM_END, SIM_START, make_context

SEED = 7   # the seed of the session's simulated raw files
GONE = [date(2023, 10, 27), date(2023, 11, 8)]


def _files(root: Path, day: date) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes()
            for p in sorted(root.glob(f"*/{day.isoformat()}/*.json"))}


def test_missing_dates_are_fetched_again_and_noted(tmp_path, raw_copy, monkeypatch):
    root = Path(raw_copy)
    before = {d: _files(root, d) for d in GONE}
    assert all(before.values())
    for d in GONE:
        for folder in root.glob(f"*/{d.isoformat()}"):
            shutil.rmtree(folder)
    shutil.rmtree(root / "nba_rosters" / "2023-11-01")      # one source of one more date

    ctx = make_context(tmp_path, raw_copy)
    try:
        fetched = lib.scrape_missing(ctx, SIM_START, SIM_END, SEED)
        assert fetched == sorted([*GONE, date(2023, 11, 1)])
        assert {d: _files(root, d) for d in GONE} == before   # the same bytes
        notes = list((root / NOTES).glob("sim-game-dates-2023-seed7-*.json"))
        assert len(notes) == 1

        assert missing_raw_dates(ctx.store, SIM_START, SIM_END, SEED) == []

        # a folder gone again: which dates are game dates comes from the note, not from
        # simulating the season again
        def no_simulation(*_a, **_k):
            raise AssertionError("the season was simulated again")

        monkeypatch.setattr(sim, "game_dates", no_simulation)
        shutil.rmtree(root / "nba_boxscore" / GONE[0].isoformat())
        assert missing_raw_dates(ctx.store, SIM_START, SIM_END, SEED) == [GONE[0]]
    finally:
        ctx.wh.close()
        lib.release_locks()


def test_another_seed_is_not_answered_from_the_note(tmp_path, raw_copy, monkeypatch):
    shutil.rmtree(Path(raw_copy) / "nba_boxscore" / GONE[0].isoformat())
    ctx = make_context(tmp_path, raw_copy)
    try:
        assert missing_raw_dates(ctx.store, SIM_START, SIM_END, SEED) == [GONE[0]]
        calls = []
        real = sim.game_dates

        def counted(season, seed=0):
            calls.append((season, seed))
            return real(season, seed)

        monkeypatch.setattr(sim, "game_dates", counted)
        missing_raw_dates(ctx.store, SIM_START, SIM_END, SEED + 1)
        assert calls == [(2023, SEED + 1)]
    finally:
        ctx.wh.close()
        lib.release_locks()


@pytest.fixture(autouse=True)
def _fresh_notes(raw_copy):
    """raw_copy is a private copy: it starts without game-date notes (its notes are the
    provenance the simulator recorded and, when other tests read the shared store, the
    content-fingerprint cache beside its files)."""
    assert not list((Path(raw_copy) / NOTES).glob("sim-game-dates-*"))
