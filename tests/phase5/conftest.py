"""Phase 5 fixtures: the shared simulated window extended to Nov 22, loaded through Phase 4.

Phase 4 skips the first 14 days of the season, so feature store rows start on 2023-11-07;
with the window running to 2023-11-22 there are three gbm weeks: Nov 6 (no training rows),
Nov 13 and Nov 20 (trained with the small test threshold below).
"""

from __future__ import annotations

import shutil
from datetime import date

import pytest

from backcourt import app as lib
from backcourt.config import Settings
from backcourt.pipeline.phase5.predictions import PredictionLoader
from backcourt.pipeline.phase5.tables import LOADER_NAME
from tests.conftest import SIM_END, SIM_START

P5_START = SIM_START
P5_END = date(2023, 11, 22)
TEST_MIN_TRAINING_ROWS = 500


@pytest.fixture(scope="session")
def p5_raw(sim_raw, tmp_path_factory) -> str:
    """The session's simulated raw window plus the ten days after it (same seed)."""
    from backcourt.rawstore import RawStore
    from backcourt.sources import sim

    dest = tmp_path_factory.mktemp("p5") / "raw"
    shutil.copytree(sim_raw, dest)
    sim.scrape(RawStore(str(dest)), date.fromordinal(SIM_END.toordinal() + 1), P5_END, seed=7)
    return str(dest)


@pytest.fixture(scope="session")
def p5_base(p5_raw, tmp_path_factory) -> str:
    """A warehouse file with Phases 2–4 done over the window (copy it before writing)."""
    path = tmp_path_factory.mktemp("p5base") / "base.duckdb"
    ctx = lib.open_context(Settings(warehouse=str(path), raw=p5_raw))
    summary = lib.run(ctx, lib.select(ctx, [2, 3, 4]), P5_START, P5_END, "phase 5 base")
    assert summary.ok, [f.__dict__ for f in summary.failures[:3]]
    ctx.wh.close()
    return str(path)


def p5_context(tmp_path, raw: str, base: str, name: str,
               min_training_rows: int = TEST_MIN_TRAINING_ROWS):
    """A context on a private copy of the base warehouse, with the test training threshold."""
    dest = tmp_path / name
    shutil.copy(base, dest)
    ctx = lib.open_context(Settings(warehouse=str(dest), raw=raw))
    ctx.pipeline.loaders[LOADER_NAME] = PredictionLoader(min_training_rows=min_training_rows)
    return ctx


def table_rows(wh, table: str, exclude: tuple[str, ...] = ()) -> list[tuple]:
    cols = ", ".join(f'"{c}"' for c in wh.columns(table) if c not in exclude)
    return wh.query(f"SELECT {cols} FROM {table} ORDER BY ALL")
