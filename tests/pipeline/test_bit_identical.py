"""Results are bit-identical: two from-scratch backfills of the same raw files, and the
same dates run one by one, hold the same tables — every column at full precision — with
DuckDB running on several threads.

Four weeks are too few rows for DuckDB to split an aggregate across threads by itself
(it does from about one row group, 122,880 rows: a season's windows), so the test asks
it to with ``verify_parallelism``: every aggregate is then computed in parallel pieces
combined in whatever order the threads finish."""

from __future__ import annotations

import pytest

from backcourt import app as lib
from tests.conftest import SIM_END, SIM_START, make_context

SCHEMAS = ("nba_raw", "nba_analytics", "nba_precompute", "nba_predictions")
# columns that say when or by which run a row was made, not what it holds
WHEN = {"run_id", "recorded_at", "trained_at", "created_at"}


def _tables(wh) -> list[str]:
    marks = ", ".join("?" * len(SCHEMAS))
    return [f"{s}.{t}" for s, t in wh.query(
        "SELECT table_schema, table_name FROM information_schema.tables "
        f"WHERE table_schema IN ({marks}) ORDER BY 1, 2", list(SCHEMAS))]


def _differences(a_path: str, b_path: str, tables: list[str], con) -> dict[str, int]:
    """Rows of each table present in one warehouse and not the other (EXCEPT ALL compares
    doubles by their exact value)."""
    out = {}
    for t in tables:
        cols = [c for (c,) in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_catalog = 'a' "
            "AND table_schema || '.' || table_name = ? ORDER BY ordinal_position",
            [t]).fetchall() if c not in WHEN]
        listed = ", ".join(f'"{c}"' for c in cols)
        n = con.execute(
            f"SELECT (SELECT count(*) FROM (SELECT {listed} FROM a.{t} EXCEPT ALL "
            f"SELECT {listed} FROM b.{t})) + (SELECT count(*) FROM (SELECT {listed} "
            f"FROM b.{t} EXCEPT ALL SELECT {listed} FROM a.{t}))").fetchone()[0]
        if n:
            out[t] = n
    return out


def _parallel(ctx) -> None:
    ctx.wh.execute("SET threads = 4")
    ctx.wh.execute("PRAGMA verify_parallelism")


def _shuffle(ctx, schema: str) -> None:
    """Rewrite every table of ``schema`` in a random physical order: the same rows, read
    back in another order by everything downstream (as another thread schedule would)."""
    for t in _tables(ctx.wh):
        if t.startswith(schema + "."):
            ctx.wh.execute(f"CREATE OR REPLACE TABLE {t} AS SELECT * FROM {t} ORDER BY random()")


@pytest.fixture(scope="module")
def three_runs(tmp_path_factory, sim_raw):
    tmp = tmp_path_factory.mktemp("bits")
    paths = []
    for name in ("first.duckdb", "second.duckdb"):
        ctx = make_context(tmp, sim_raw, name=name)
        _parallel(ctx)
        if name == "second.duckdb":   # Phases 4-5 read Phase 3's rows in another order
            _, summary = lib.backfill(ctx, lib.select(ctx, [2, 3]), SIM_START, SIM_END, "b")
            assert summary.ok
            _shuffle(ctx, "nba_analytics")
        _, summary = lib.backfill(ctx, lib.select(ctx, [2, 3, 4, 5]), SIM_START, SIM_END,
                                  "bits")
        assert summary.ok and summary.succeeded > 0
        ctx.wh.close()
        lib.release_locks()
        paths.append(str(tmp / name))
    ctx = make_context(tmp, sim_raw, name="by_date.duckdb")
    _parallel(ctx)
    procs = lib.select(ctx, [2, 3, 4, 5])
    for day in ctx.calendar.game_dates(SIM_START, SIM_END):
        assert lib.run(ctx, procs, day, day, f"by date {day}").ok
    ctx.wh.close()
    lib.release_locks()
    paths.append(str(tmp / "by_date.duckdb"))
    return paths


def compare_warehouses(a: str, b: str) -> dict[str, int]:
    import duckdb

    con = duckdb.connect()
    con.execute(f"ATTACH '{a}' AS a (READ_ONLY)")
    con.execute(f"ATTACH '{b}' AS b (READ_ONLY)")
    tables = [r[0] for r in con.execute(
        "SELECT table_schema || '.' || table_name FROM information_schema.tables "
        "WHERE table_catalog = 'a' AND table_schema IN ('nba_raw', 'nba_analytics', "
        "'nba_precompute', 'nba_predictions') ORDER BY 1").fetchall()]
    assert len(tables) >= 15
    try:
        return _differences(a, b, tables, con)
    finally:
        con.close()


def test_two_fresh_backfills_are_bit_identical(three_runs):
    first, second, _ = three_runs
    assert compare_warehouses(first, second) == {}


def test_a_range_equals_its_dates_one_by_one_bit_for_bit(three_runs):
    first, _, by_date = three_runs
    assert compare_warehouses(first, by_date) == {}
