"""Phases 2–5 on Spark (local mode) and on DuckDB give the same tables.

Both engines run the same registry over the session's simulated window from the same raw
files; every table is compared row for row (floats within 1e-9). Then one date is re-run
on both: the tables are still equal (the other dates of the re-run date's month were
written again with their rows), and on Spark no file of any other month was touched.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from backcourt import app as lib
from backcourt.config import Settings
from backcourt.ledger import tables as OPS
from backcourt.pipeline.phase2.loader import REGISTRY_ERRORS_TABLE
from backcourt.pipeline.phase5.predictions import PredictionLoader
from backcourt.pipeline.phase5.tables import LOADER_NAME, MODEL_VERSIONS_TABLE
from backcourt.planner import make_plan
from backcourt.warehouse.spark.month_files import folder_of
from tests.conftest import SIM_END, SIM_START
from tests.engines.compare import differences, rows_of

RERUN_DAY = date(2023, 11, 10)
# columns that name the run or the moment, not the data
VOLATILE = {"run_id", "recorded_at", "code_fingerprint"}


def _open(tmp, raw: str, engine: str):
    settings = Settings(warehouse=str(tmp / engine), raw=raw, engine=engine,
                        spark_master="local[2]")
    ctx = lib.open_context(settings)
    ctx.pipeline.loaders[LOADER_NAME] = PredictionLoader(min_training_rows=500)
    return ctx


@pytest.fixture(scope="module")
def engines(sim_raw, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("engines")
    out = {}
    for engine in ("duckdb", "spark"):
        ctx = _open(tmp, sim_raw, engine)
        summary = lib.run(ctx, lib.select(ctx, [2, 3, 4, 5]), SIM_START, SIM_END,
                          f"{engine} equality")
        assert summary.ok, [f.__dict__ for f in summary.failures[:3]]
        out[engine] = ctx
    return out


def _tables(ctx) -> list[str]:
    return [p.table for p in ctx.registry.order()] + [
        REGISTRY_ERRORS_TABLE, MODEL_VERSIONS_TABLE, OPS.ENTITY_FAILURES]


def _assert_equal(duck, spark) -> None:
    problems = {}
    for table in _tables(duck):
        cols = [c for c in duck.wh.columns(table) if c not in VOLATILE]
        assert set(cols) <= set(spark.wh.columns(table)), table
        a, b = rows_of(duck.wh, table, cols), rows_of(spark.wh, table, cols)
        if diff := differences(a, b, cols):
            problems[table] = diff
    assert not problems, problems


def _files(root: Path, skip: date) -> dict[str, int]:
    """Every data file of every month folder except ``skip``'s month, with its
    modification time. (Small tables without a date, like the model registry, are
    rewritten whole.)"""
    out = {}
    month = folder_of(skip)
    for dirpath, _, names in os.walk(root / "tables"):
        name = os.path.basename(dirpath)
        if len(name) != 7 or name[4] != "-" or name == month:
            continue
        for n in names:
            if n.endswith(".parquet"):
                out[os.path.join(dirpath, n)] = os.stat(os.path.join(dirpath, n)).st_mtime_ns
    assert out, "no partition files found"
    return out


def test_spark_and_duckdb_tables_are_equal(engines):
    duck, spark = engines["duckdb"], engines["spark"]
    predictions = duck.wh.query(
        "SELECT count(*) FROM nba_predictions.player_prop_predictions WHERE system = 'gbm'")
    assert predictions[0][0] > 0, "the window should train at least one gbm week"
    _assert_equal(duck, spark)
    # the ledger agrees too: every partition's latest state, and a plan finds nothing to do
    assert _states(duck) == _states(spark)
    for ctx in (duck, spark):
        plan = make_plan(ctx, ctx.registry.order(), SIM_START, SIM_END)
        assert plan.to_run == 0 and not plan.blocked


def _states(ctx) -> dict:
    """Each partition's latest status, rows and failure category (attempt ids and input
    fingerprints name the run, not the data)."""
    return {key: (st.status, st.rows_written, st.failure_category)
            for key, st in ctx.ledger.latest().items()}


def test_rerun_of_one_date_touches_no_other_month(engines):
    duck, spark = engines["duckdb"], engines["spark"]
    root = Path(spark.wh.path)
    before = _files(root, RERUN_DAY)
    for ctx in (duck, spark):
        summary = lib.run(ctx, lib.select(ctx, [3, 4, 5]), RERUN_DAY, RERUN_DAY, "one date")
        assert summary.ok and summary.succeeded > 0
    assert _files(root, RERUN_DAY) == before
    month = folder_of(RERUN_DAY)
    rewritten = [p for p in root.glob(f"tables/*/*/{month}/*.parquet")]
    assert rewritten, "the re-run date's month has new files"
    _assert_equal(duck, spark)
