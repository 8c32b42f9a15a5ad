"""``backcourt_ops.partition_state``: the latest attempt of every partition, kept by
``Ledger.record``. It equals ranking the whole ledger (the query it replaced) after a
backfill, a re-run and a run with failures; an attempt recorded late never replaces a later
one; a warehouse from before the table is filled from its ledger; and a transaction that
fails takes both the ledger rows and the states with it."""

from __future__ import annotations

import dataclasses
import shutil
from datetime import date, datetime, timedelta

import pytest

from backcourt import app as lib
from backcourt.ledger import FAILED, SUCCEEDED, Attempt, Ledger, PartitionState
from backcourt.ledger import tables as T
from backcourt.registry import Registry
from backcourt.warehouse.duckdb_engine import DuckDBWarehouse
from tests.conftest import SIM_END, SIM_START, make_context

RERUN = (date(2023, 11, 6), date(2023, 11, 9))
BROKEN = "team_offense_game_summary"

# what Ledger.latest() computed before partition_state: rank every attempt of the ledger
RANKED = f"""SELECT processor, game_date, status, rows_written, attempt_id, input_fingerprint,
                    code_fingerprint, finished_at, failure_category, failure_message
             FROM {T.LEDGER}
             QUALIFY row_number() OVER (PARTITION BY processor, game_date
                                        ORDER BY finished_at DESC, attempt_id DESC) = 1"""


def ranked(wh) -> dict[tuple[str, date], PartitionState]:
    return {(r[0], r[1]): PartitionState(*r) for r in wh.query(RANKED)}


def count(wh, table: str) -> int:
    return wh.query(f"SELECT count(*) FROM {table}")[0][0]


def with_sql(ctx, name: str, sql: str) -> None:
    """Swap one processor's SQL (here: for one that crashes)."""
    new = dataclasses.replace(ctx.registry.get(name), sql=sql)
    ctx.pipeline.registry = Registry(tuple(
        new if p.name == name else p for p in ctx.registry.processors))


@pytest.fixture(scope="module")
def history(sim_raw, tmp_path_factory):
    """A backfill (two workers: concurrent upserts), a re-run of some dates, and a run whose
    processor crashes on some dates. Tests that write use a copy (``copy_of``)."""
    ctx = make_context(tmp_path_factory.mktemp("partition_state"), sim_raw)
    assert lib.run(ctx, lib.select(ctx, [2, 3, 4]), SIM_START, SIM_END, "fill", workers=2).ok
    assert lib.run(ctx, lib.select(ctx, [3]), *RERUN, "rerun").ok
    original = ctx.registry.get(BROKEN).sql
    with_sql(ctx, BROKEN, "SELECT no_such_column FROM nba_raw.schedule")
    crash = lib.run(ctx, lib.select(ctx, names=[BROKEN]), *RERUN, "crash")
    with_sql(ctx, BROKEN, original)
    assert not crash.ok and crash.failed == len(ctx.calendar.game_dates(*RERUN))
    return ctx


@pytest.fixture
def copy_of(history, tmp_path):
    """A private copy of the history's warehouse file, opened as a new process would."""
    history.wh.execute("CHECKPOINT")   # everything in the file, nothing left in the WAL
    path = tmp_path / "copy.duckdb"
    shutil.copy(history.wh.path, path)
    wh = DuckDBWarehouse(str(path))
    yield wh
    wh.close()


def test_latest_equals_ranking_the_whole_ledger(history):
    wh, ledger = history.wh, history.ledger
    latest = ledger.latest()
    assert latest == ranked(wh)
    # one state per partition, and the ledger holds more history than states
    assert count(wh, T.PARTITION_STATE) == len(latest) == wh.query(
        f"SELECT count(DISTINCT (processor, game_date)) FROM {T.LEDGER}")[0][0]
    assert count(wh, T.LEDGER) > len(latest)
    # the re-run's attempts are the state of its dates, the crash's of its processor's
    rerun_days = history.calendar.game_dates(*RERUN)
    runs = {r["command"]: r["run_id"] for r in ledger.runs()}
    for d in rerun_days:
        pgs = latest[("player_game_summary", d)]
        assert pgs.status == SUCCEEDED and pgs.rows_written > 0
        assert pgs.attempt_id in {a["attempt_id"] for a in ledger.attempts(runs["rerun"])}
        broken = latest[(BROKEN, d)]
        assert (broken.status, broken.failure_category) == (FAILED, "PROCESSING_ERROR")
        assert "no_such_column" in broken.failure_message
    assert wh.query(f"SELECT DISTINCT run_id FROM {T.PARTITION_STATE} "
                    "WHERE processor = ? AND status = 'failed'", [BROKEN]) == [(runs["crash"],)]
    # the filters of latest() select the same states as filtering the ranking
    some = ledger.latest([BROKEN, "schedule"], *RERUN)
    assert some == {k: v for k, v in latest.items()
                    if k[0] in (BROKEN, "schedule") and RERUN[0] <= k[1] <= RERUN[1]}
    assert len(some) == 2 * len(rerun_days)


def test_an_attempt_recorded_late_never_replaces_a_later_one(tmp_path):
    wh = DuckDBWarehouse(str(tmp_path / "order.duckdb"))
    ledger = Ledger(wh)
    day, noon = date(2024, 1, 5), datetime(2024, 1, 5, 12, 0)

    def attempt(name: str, minutes: int, status: str = SUCCEEDED, **kw) -> Attempt:
        t = noon + timedelta(minutes=minutes)
        return Attempt("p", day, status, started_at=t, finished_at=t, attempt_id=name, **kw)

    ledger.record("r2", "backfill", [attempt("new", 10, rows_written=7)])
    ledger.record("r1", "backfill", [attempt("old", 0, FAILED, failure_category="X")])
    state = ledger.latest()[("p", day)]
    assert (state.attempt_id, state.status, state.rows_written) == ("new", SUCCEEDED, 7)
    # the same moment: the larger attempt_id wins, whichever came first
    ledger.record("r3", "backfill", [attempt("zz", 10, rows_written=9)])
    ledger.record("r3", "backfill", [attempt("aa", 10, rows_written=1)])
    assert ledger.latest()[("p", day)].attempt_id == "zz"
    # one call with several attempts of a partition, older and newer than its state, and
    # a partition it never had: the latest of each wins
    other = Attempt("q", day, SUCCEEDED, rows_written=3, attempt_id="q1",
                    finished_at=noon)
    ledger.record("r4", "backfill",
                  [attempt("b", 5), attempt("later", 20, rows_written=11), attempt("c", 15),
                   other])
    latest = ledger.latest()
    assert {k: (s.attempt_id, s.rows_written) for k, s in latest.items()} == {
        ("p", day): ("later", 11), ("q", day): ("q1", 3)}
    assert latest == ranked(wh)
    assert count(wh, T.LEDGER) == 8 and count(wh, T.PARTITION_STATE) == 2
    assert wh.query(f"SELECT run_id FROM {T.PARTITION_STATE} WHERE processor = 'p'") == [
        ("r4",)]
    wh.close()


def test_a_warehouse_without_states_is_filled_from_its_ledger(history, copy_of):
    before = history.ledger.latest()
    copy_of.execute(f"DROP TABLE {T.PARTITION_STATE}")
    path = copy_of.path
    copy_of.close()
    wh = DuckDBWarehouse(path)       # the next process, with the new code
    assert not wh.table_exists(T.PARTITION_STATE)
    ledger = Ledger(wh)
    assert count(wh, T.PARTITION_STATE) == len(before) > 0
    assert ledger.latest() == before == ranked(wh)
    # and it is kept from then on
    day = RERUN[0]
    ledger.record("after", "backfill", [Attempt(BROKEN, day, SUCCEEDED, rows_written=30)])
    state = ledger.latest()[(BROKEN, day)]
    assert (state.status, state.rows_written, state.failure_category) == (SUCCEEDED, 30, None)
    assert Ledger(wh).latest() == ranked(wh)   # constructed again: no second fill
    assert count(wh, T.PARTITION_STATE) == len(before)
    wh.close()


def test_a_failed_transaction_leaves_neither_ledger_nor_state_rows(history, copy_of):
    ledger = Ledger(copy_of)
    before, rows = ledger.latest(), count(copy_of, T.LEDGER)
    day = RERUN[0]
    fresh = [Attempt(BROKEN, day, SUCCEEDED, rows_written=30, attempt_id="fresh-1"),
             Attempt("nowhere", day, SUCCEEDED, rows_written=1, attempt_id="fresh-2")]

    def unchanged() -> None:
        assert count(copy_of, T.LEDGER) == rows
        assert ledger.latest() == before
        assert copy_of.query(
            f"SELECT count(*) FROM {T.LEDGER} WHERE attempt_id LIKE 'fresh-%'") == [(0,)]
        assert copy_of.query(
            f"SELECT count(*) FROM {T.PARTITION_STATE} WHERE attempt_id LIKE 'fresh-%'"
        ) == [(0,)]

    # the outer (data) transaction fails after record() wrote both
    with pytest.raises(RuntimeError, match="after the ledger"), copy_of.transaction():
        ledger.record("doomed", "backfill", fresh)
        assert ledger.latest()[(BROKEN, day)].attempt_id == "fresh-1"   # visible inside
        raise RuntimeError("crash after the ledger insert")
    unchanged()
    assert before[(BROKEN, day)].status == FAILED

    # record()'s own transaction fails between the ledger insert and the upsert
    def broken_upsert(ops, src, params) -> None:
        raise RuntimeError("crash after the ledger insert, before the state")

    ledger._upsert_states = broken_upsert
    with pytest.raises(RuntimeError, match="before the state"):
        ledger.record("doomed", "backfill", fresh)
    unchanged()
