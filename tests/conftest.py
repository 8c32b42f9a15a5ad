"""Shared fixtures: real DuckDB files in tmp dirs, a simulated month of raw files."""

from __future__ import annotations

from datetime import date

import pytest

from backcourt import app as lib
from backcourt.config import Settings

# A short window at the start of the 2023-24 season: enough dates for 30-day windows.
SIM_START = date(2023, 10, 24)
SIM_END = date(2023, 11, 18)


@pytest.fixture(scope="session")
def sim_raw(tmp_path_factory) -> str:
    """Raw files of a simulated window, written once per test session (read-only use)."""
    from backcourt.rawstore import RawStore
    from backcourt.sources import sim

    root = tmp_path_factory.mktemp("raw")
    sim.scrape(RawStore(str(root)), SIM_START, SIM_END, seed=7)
    return str(root)


@pytest.fixture
def raw_copy(sim_raw, tmp_path) -> str:
    """A private copy of the simulated raw store (tests that quarantine or delete files)."""
    import shutil

    dest = tmp_path / "raw"
    shutil.copytree(sim_raw, dest)
    return str(dest)


def make_context(tmp_path, raw: str, mode: str = "backfill", name: str = "wh.duckdb",
                 switch_raw: bool = False):
    """``switch_raw``: a warehouse copied together with its raw store records the copy's
    raw root (the warehouse otherwise refuses a root other than the one it was filled
    from)."""
    return lib.open_context(Settings(warehouse=str(tmp_path / name), raw=raw), mode,
                            switch_raw=switch_raw)
