"""Spark in local mode: partition replaces written by the driver, and kept query answers.

The driver's files (``warehouse/spark/month_files.py``: one per month) must read back,
through Spark, as exactly the rows Spark's own write gives (a folder per date), with every
column type the pipeline declares; a replace rewrites only the months of its dates, keeps
the values of the month's other dates, and an emptied month loses its folder. A query's answer is
kept (no Spark job when asked again) until a table it reads is written
(``warehouse/spark/results.py``).
"""

from __future__ import annotations

import gc
import os
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pytest

from backcourt.warehouse.spark.engine import SparkWarehouse
from backcourt.warehouse.spark.local_files import local_folder
from tests.engines.spark_jobs import jobs_of

D1, D2, D3 = date(2023, 11, 1), date(2023, 11, 2), date(2023, 11, 3)
COLUMNS = {"player_id": "INTEGER", "big": "BIGINT", "points": "DOUBLE", "name": "VARCHAR",
           "flag": "BOOLEAN", "at": "TIMESTAMP", "total": "HUGEINT", "day": "DATE",
           "game_date": "DATE"}


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    w = SparkWarehouse(str(tmp_path_factory.mktemp("spark_driver")), master="local[2]")
    assert w._driver_writes
    yield w
    w.close()


def _rows(n: int, days: list[date]) -> pa.Table:
    return pa.table({
        "player_id": pa.array([i for i in range(n)], pa.int32()),
        "big": pa.array([2**40 + i for i in range(n)], pa.int64()),
        "points": pa.array([None if i % 5 == 0 else i / 3 for i in range(n)], pa.float64()),
        "name": pa.array([None if i % 7 == 0 else f"p{i}é" for i in range(n)]),
        "flag": pa.array([i % 2 == 0 for i in range(n)]),
        "at": pa.array([datetime(2023, 11, 1, 12, 30, i % 60, 123456) for i in range(n)],
                       pa.timestamp("us")),
        "total": pa.array([Decimal(10**30 + i) for i in range(n)], pa.decimal128(38, 0)),
        "day": pa.array([date(2023, 1, 1 + i % 28) for i in range(n)], pa.date32()),
        "game_date": pa.array([days[i % len(days)] for i in range(n)], pa.date32()),
    })


def _all(wh, table: str) -> list[tuple]:
    return sorted(wh.query(f"SELECT * FROM {table}"), key=repr)


def _files(wh, table: str) -> dict[str, int]:
    root = Path(local_folder(wh.path)) / "tables" / Path(*table.split("."))
    return {str(p.relative_to(root)): p.stat().st_mtime_ns for p in root.rglob("*")
            if p.is_file()}


def _spark_writes(wh, table: str, columns: dict) -> None:
    """``table`` defined as Spark's own write lays it out (a folder per date), and written
    by Spark."""
    wh._driver_writes = False
    try:
        wh.ensure_table(table, columns)
    finally:
        wh._driver_writes = True


def test_the_driver_files_read_back_as_spark_own_write(wh):
    wh.ensure_table("s.driver", COLUMNS)
    _spark_writes(wh, "s.spark", COLUMNS)
    rows = _rows(50, [D1, D2])
    wh.replace_partitions("s.driver", [D1, D2, D3], rows)
    wh._driver_writes = False
    try:
        wh.replace_partitions("s.spark", [D1, D2, D3], rows)
    finally:
        wh._driver_writes = True
    assert _all(wh, "s.driver") == _all(wh, "s.spark")
    assert len(_all(wh, "s.driver")) == 50
    assert wh.columns("s.driver") == wh.columns("s.spark")
    files = _files(wh, "s.driver")
    assert [f.split("/")[0] for f in files] == ["2023-11"]   # one file for the month
    assert sorted({f.split("/")[0] for f in _files(wh, "s.spark")}) == [
        "game_date=2023-11-01", "game_date=2023-11-02"]
    assert not [f for f in files if f.startswith(".")]   # no staging left behind


OCT31 = date(2023, 10, 31)


def test_a_replace_rewrites_only_its_months_and_an_emptied_month_goes(wh):
    wh.ensure_table("s.part", COLUMNS)
    wh.replace_partitions("s.part", [OCT31, D1, D2, D3], _rows(40, [OCT31, D1, D2, D3]))
    before = _files(wh, "s.part")
    counts = wh.replace_partitions("s.part", [D2, D3], _rows(4, [D3]))
    assert counts == {D2: 0, D3: 4}
    after = _files(wh, "s.part")
    october = {f: t for f, t in before.items() if f.startswith("2023-10/")}
    assert october and october == {f: t for f, t in after.items() if f.startswith("2023-10/")}
    assert len([f for f in after if f.startswith("2023-11/")]) == 1
    assert dict(wh.query("SELECT game_date, count(*) FROM s.part GROUP BY 1")) == {
        OCT31: 10, D1: 10, D3: 4}
    wh.replace_partitions("s.part", [D1, D3], _rows(0, [D1]))
    assert [f.split("/")[0] for f in _files(wh, "s.part")] == ["2023-10"]
    assert dict(wh.query("SELECT game_date, count(*) FROM s.part GROUP BY 1")) == {OCT31: 10}


def test_rows_of_other_dates_in_the_month_keep_their_values(wh):
    wh.ensure_table("s.neighbours", COLUMNS)
    wh.replace_partitions("s.neighbours", [D1, D2], _rows(30, [D1, D2]))
    first = [r for r in _all(wh, "s.neighbours") if r[-1] == D1]
    wh.replace_partitions("s.neighbours", [D2], _rows(7, [D2]))
    assert [r for r in _all(wh, "s.neighbours") if r[-1] == D1] == first
    assert len(first) == 15


def test_a_table_laid_out_by_date_keeps_its_layout(wh, tmp_path):
    """A table written with a folder per date (by Spark, or by an earlier version) keeps
    that layout when the driver writes it: its catalog row says so, in any process."""
    _spark_writes(wh, "s.bydate", COLUMNS)
    wh.replace_partitions("s.bydate", [D1, D2], _rows(6, [D1, D2]))
    other = SparkWarehouse(wh.path, master="local[2]")
    try:
        assert other._driver_writes
        other.replace_partitions("s.bydate", [D2, D3], _rows(4, [D3]))
    finally:
        other.close()
    wh.spark.catalog.refreshTable("s.bydate")
    assert sorted({f.split("/")[0] for f in _files(wh, "s.bydate")}) == [
        "game_date=2023-11-01", "game_date=2023-11-03"]
    assert dict(wh.query("SELECT game_date, count(*) FROM s.bydate GROUP BY 1")) == {
        D1: 3, D3: 4}


def test_an_answer_is_kept_until_a_table_it_reads_is_written(wh):
    wh.ensure_table("s.kept", COLUMNS)
    wh.ensure_table("s.other", COLUMNS)
    wh.replace_partitions("s.kept", [D1], _rows(3, [D1]))
    sql = "SELECT game_date, count(*) FROM s.kept WHERE game_date BETWEEN ? AND ? GROUP BY 1"
    first, jobs = jobs_of(wh, "driver-first", lambda: wh.query(sql, [D1, D3]))
    assert jobs and first == [(D1, 3)]
    again, jobs = jobs_of(wh, "driver-again", lambda: wh.query(sql, [D1, D3]))
    assert jobs == [] and again == first
    _, jobs = jobs_of(wh, "driver-other-params", lambda: wh.query(sql, [D2, D3]))
    assert jobs   # other parameters: another question

    wh.replace_partitions("s.other", [D1], _rows(2, [D1]))   # another table: still kept
    _, jobs = jobs_of(wh, "driver-after-other", lambda: wh.query(sql, [D1, D3]))
    assert jobs == []
    wh.replace_partitions("s.kept", [D2], _rows(5, [D2]))
    after, jobs = jobs_of(wh, "driver-after-write", lambda: wh.query(sql, [D1, D3]))
    assert jobs and after == [(D1, 3), (D2, 5)]
    wh.replace_rows("s.kept", "player_id = ?", [0], _rows(0, [D1]), days=[D1])
    after, jobs = jobs_of(wh, "driver-after-rows", lambda: wh.query(sql, [D1, D3]))
    assert jobs and after == [(D1, 2), (D2, 5)]


def test_answers_of_session_views_and_volatile_calls_are_not_kept(wh):
    wh.ensure_table("s.views", COLUMNS)
    wh.replace_partitions("s.views", [D1], _rows(3, [D1]))
    wh.materialize("v_rows", "SELECT * FROM s.views")
    for sql in ("SELECT count(*) FROM v_rows",
                "SELECT player_id, rand() < 2 FROM s.views"):
        wh.query(sql)
        _, jobs = jobs_of(wh, f"driver-again-{len(sql)}", lambda s=sql: wh.query(s))
        assert jobs, sql


def test_another_warehouse_object_on_the_folder_sees_the_writes(wh):
    """Every object opened on one folder in a process shares the kept answers."""
    wh.ensure_table("s.shared", COLUMNS)
    wh.replace_partitions("s.shared", [D1], _rows(3, [D1]))
    sql = "SELECT count(*) FROM s.shared"
    assert wh.query(sql) == [(3,)]
    other = SparkWarehouse(wh.path, master="local[2]")
    try:
        other.replace_partitions("s.shared", [D1], _rows(6, [D1]))
    finally:
        other.close()
    wh.spark.catalog.refreshTable("s.shared")
    assert wh.query(sql) == [(6,)]
    assert os.path.isdir(os.path.join(wh.path, "tables", "s", "shared"))


STAGED = ("WITH t AS (SELECT game_date, player_id FROM s.src), "
          "u AS (SELECT game_date, count(*) AS n FROM t GROUP BY 1) "
          "SELECT a.game_date, a.player_id, u.n FROM t AS a JOIN u ON u.game_date = a.game_date "
          "JOIN t AS b ON b.player_id = a.player_id AND b.game_date = a.game_date")


def test_a_statement_whose_columns_were_asked_is_written_without_analysing_it_again(wh):
    """The runner asks a statement's columns, then writes it: its shared CTE is computed
    once (one checkpoint job), not once per call."""
    wh.ensure_table("s.src", COLUMNS)
    wh.replace_partitions("s.src", [D1, D2], _rows(6, [D1, D2]))
    wh.ensure_table("s.dst", {"game_date": "DATE", "player_id": "INTEGER", "n": "BIGINT"})
    counts, alone = jobs_of(wh, "unprepared-write", lambda: wh.replace_partitions(
        "s.dst", [D1, D2], STAGED))
    assert counts == {D1: 3, D2: 3}
    cols, jobs = jobs_of(wh, "prepared-columns", lambda: wh.result_columns(STAGED))
    assert list(cols) == ["game_date", "player_id", "n"] and len(jobs) == 1   # t, once
    again, jobs = jobs_of(wh, "prepared-write", lambda: wh.replace_partitions(
        "s.dst", [D1, D2], STAGED))
    assert again == counts and len(jobs) == len(alone) - 1   # t is not computed again


def test_a_table_written_after_the_columns_were_asked_is_read_anew(wh):
    wh.ensure_table("s.src2", COLUMNS)
    wh.replace_partitions("s.src2", [D1], _rows(2, [D1]))
    sql = STAGED.replace("s.src", "s.src2")
    wh.result_columns(sql)
    wh.replace_partitions("s.src2", [D1, D2], _rows(8, [D1, D2]))
    wh.ensure_table("s.dst2", {"game_date": "DATE", "player_id": "INTEGER", "n": "BIGINT"})
    assert wh.replace_partitions("s.dst2", [D1, D2], sql) == {D1: 4, D2: 4}


def test_removing_rows_of_dates_without_folders_asks_spark_nothing(wh):
    wh.ensure_table("s.extras", COLUMNS)
    wh.replace_partitions("s.extras", [D1], _rows(2, [D1]))
    asked = []
    sql = wh.spark.sql
    wh.spark.sql = lambda *a, **k: asked.append(a[0]) or sql(*a, **k)
    try:
        wh.replace_rows("s.extras", "player_id = ?", [5], _rows(0, [D2]), days=[D2, D3])
        assert asked == []   # no folder of D2 or D3: no row to remove
        wh.replace_rows("s.extras", "player_id = ?", [5], _rows(0, [D1]), days=[D1])
        assert asked   # D1 holds rows: Spark is asked whether any matches
    finally:
        del wh.spark.sql
    assert wh.query("SELECT count(*) FROM s.extras") == [(2,)]


def test_loader_rows_typed_as_the_table_are_written_without_spark(wh):
    """A loader's Arrow rows typed as the table declares are written as they are: no Spark
    job, no scratch file; they read back through Spark as they were (``held_rows``)."""
    wh.ensure_table("s.held", COLUMNS)
    rows = _rows(12, [D1, D2, D3])
    counts, jobs = jobs_of(wh, "held-write", lambda: wh.replace_partitions(
        "s.held", [D1, D2], rows))
    assert jobs == [] and counts == {D1: 4, D2: 4}
    scratch = Path(local_folder(wh.path), "_scratch")
    assert not scratch.exists() or not list(scratch.iterdir())
    wanted = rows.filter(pa.compute.is_in(rows.column("game_date"), pa.array([D1, D2])))
    assert _all(wh, "s.held") == sorted((tuple(r.values()) for r in wanted.to_pylist()),
                                        key=repr)


def test_loader_rows_of_other_types_reach_spark_as_a_scanned_file_that_goes_after(wh):
    """Rows typed otherwise than the table (a BIGINT column for INTEGER) are cast by Spark:
    handed to it as a Parquet file (not converted row by row), gone after the write; rows
    of types such a file would not carry as they are (a time zone, nanoseconds, no type)
    take ``createDataFrame``."""
    from backcourt.warehouse.spark.local_files import scannable

    wh.ensure_table("s.loaded", COLUMNS)
    rows = _rows(12, [D1, D2])
    rows = rows.set_column(0, "player_id", rows.column("player_id").cast(pa.int64()))
    assert scannable(rows.schema)
    _, jobs = jobs_of(wh, "loaded-write", lambda: wh.replace_partitions(
        "s.loaded", [D1, D2], rows))
    assert jobs
    assert not list(Path(local_folder(wh.path), "_scratch").iterdir())
    assert len(_all(wh, "s.loaded")) == 12
    assert sorted(r[0] for r in _all(wh, "s.loaded")) == list(range(12))
    odd = rows.set_column(5, "at", rows.column("at").cast(pa.timestamp("us", tz="UTC")))
    odd = odd.set_column(3, "name", pa.nulls(12))
    assert not scannable(odd.schema)
    wh.replace_partitions("s.loaded", [D1, D2], odd)
    got = _all(wh, "s.loaded")
    assert len(got) == 12 and {r[3] for r in got} == {None}
    assert sorted(r[5] for r in got) == sorted(rows.column("at").to_pylist())


def test_a_replace_of_many_dates_is_a_few_calls_into_the_jvm(wh, monkeypatch):
    """The rows are shaped and filtered to the batch's dates by one SQL statement, not by a
    Column object per column, cast and date (a few JVM calls each)."""
    from py4j.clientserver import ClientServerConnection

    days = [date(2023, 10, 1) + timedelta(days=i) for i in range(60)]
    wh.ensure_table("s.many", COLUMNS)
    rows = _rows(120, days)
    gc.collect()   # py4j tells the JVM of every Python proxy collected: not this replace's
    calls = []
    send = ClientServerConnection.send_command
    monkeypatch.setattr(ClientServerConnection, "send_command",
                        lambda self, command: calls.append(1) or send(self, command))
    counts = wh.replace_partitions("s.many", days, rows)
    monkeypatch.undo()
    assert sum(counts.values()) == 120 and len(counts) == 60
    assert len(calls) < 250   # was 858: 60 date literals and 9 typed columns


def test_a_fork_reads_what_another_fork_wrote(wh):
    """``--workers 2`` runs a stage's processors on forks (sessions of their own): a table
    one of them writes is read whole by every other, also one that read it before (each
    session keeps a table's file listing until the table is refreshed in it)."""
    wh.ensure_table("s.forked", COLUMNS)
    wh.replace_partitions("s.forked", [D1], _rows(3, [D1]))
    reader, writer = wh.fork(), wh.fork()
    sql = "SELECT game_date, count(*) FROM s.forked GROUP BY 1"
    assert dict(reader.query(sql)) == {D1: 3}
    writer.replace_partitions("s.forked", [D2], _rows(5, [D2]))
    assert dict(reader.query(sql)) == {D1: 3, D2: 5}
    assert dict(wh.query(sql)) == {D1: 3, D2: 5}


def test_a_warehouse_from_before_month_files_keeps_its_date_folders(wh, tmp_path):
    """A catalog written before tables had a layout (no such column) opens with every
    table read and written by date folders, as its files are."""
    from backcourt.warehouse.spark.engine import CATALOG

    old = SparkWarehouse(str(tmp_path / "old"), master="local[2]")
    try:
        _spark_writes(old, "s.old", COLUMNS)
        old.replace_partitions("s.old", [D1, D2], _rows(6, [D1, D2]))
        old._ops.execute(f"ALTER TABLE {CATALOG} DROP COLUMN layout")
    finally:
        old.close()
    again = SparkWarehouse(str(tmp_path / "old"), master="local[2]")
    try:
        assert again._tables()["s.old"]["layout"] == "date"
        again.replace_partitions("s.old", [D2, D3], _rows(4, [D3]))
        assert sorted({f.split("/")[0] for f in _files(again, "s.old")}) == [
            "game_date=2023-11-01", "game_date=2023-11-03"]
        assert dict(again.query("SELECT game_date, count(*) FROM s.old GROUP BY 1")) == {
            D1: 3, D3: 4}
    finally:
        again.close()


def test_rows_per_date_of_month_files_are_counted_without_a_job(wh):
    """``counts_by_date`` over month files reads their date column on the driver: what the
    grouped query of the table gives, within the range only, and no Spark job; a file that
    does not read is left to Spark, whose error names it."""
    from backcourt.warehouse.base import counts_by_date as by_query

    days = [date(2023, 10, 30), date(2023, 10, 31), date(2023, 11, 1), date(2023, 12, 2)]
    wh.ensure_table("s.counted", COLUMNS)
    wh.replace_partitions("s.counted", days, _rows(40, days))
    for start, end in ((date(2023, 10, 31), date(2023, 12, 1)),
                       (date(2023, 10, 1), date(2023, 12, 31)), (D2, D3)):
        got, jobs = jobs_of(wh, f"counted-{start}-{end}", lambda s=start, e=end:
                            wh.counts_by_date("s.counted", s, e))
        assert jobs == []
        assert got == by_query(wh, "s.counted", start, end)
    assert wh.counts_by_date("s.counted", date(2023, 10, 31), date(2023, 12, 1)) == {
        date(2023, 10, 31): 10, date(2023, 11, 1): 10}
    month = Path(local_folder(wh.path), "tables", "s", "counted", "2023-11")
    damaged = next(month.glob("*.parquet"))
    damaged.write_bytes(b"not parquet")
    with pytest.raises(Exception, match=damaged.name):
        wh.counts_by_date("s.counted", D1, D3)


def test_a_relative_warehouse_path_reads_what_it_wrote(tmp_path, monkeypatch):
    """``--warehouse backcourt_spark`` (the default is relative): Spark resolved a table's
    relative location under its own warehouse folder, so every read of a table the driver
    had written returned no rows, and the plan saw its partitions as missing. Tables live
    at absolute locations; a catalog written with relative ones opens at the folder."""
    from backcourt.warehouse.spark.engine import CATALOG

    monkeypatch.chdir(tmp_path)
    wh = SparkWarehouse("rel_wh", master="local[2]")
    try:
        wh.ensure_table("s.rel", COLUMNS)
        wh.replace_partitions("s.rel", [D1], _rows(4, [D1]))
        assert wh.query("SELECT count(*) FROM s.rel") == [(4,)]
        [(location,)] = wh._ops.query(f"SELECT location FROM {CATALOG}")
        assert Path(location).is_absolute()
        wh._ops.execute(f"UPDATE {CATALOG} SET location = 'rel_wh/tables/s/rel'")
    finally:
        wh.close()
    again = SparkWarehouse("rel_wh", master="local[2]")
    try:
        assert again.query("SELECT count(*) FROM s.rel") == [(4,)]
        assert again.counts_by_date("s.rel", D1, D1) == {D1: 4}
    finally:
        again.close()
