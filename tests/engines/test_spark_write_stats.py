"""Spark answers a batch's check measures from the rows it wrote, without another job.

A partition replace on Spark counts its rows per date with the write; given the measures
the checks will ask (``measures``), it computes them too, and ``grouped_by_date`` answers
from them. When the driver writes the files, the job that collects the rows is the only
one: each measure's per-row value is a column of it, summed or counted per date by
pyarrow (``warehouse/spark/row_measures.py``); rows the driver holds typed as the table
need no job at all (DuckDB computes the per-row values over the Arrow table); a measure
that does not split so (a sum of fractions) takes a grouped job. The numbers must be what
a query of the written files gives; once anything else writes the table (or the answer was
used), the query answers.
"""

from __future__ import annotations

from datetime import date

import pyarrow as pa
import pytest

from backcourt.warehouse.base import grouped_by_date as by_query
from backcourt.warehouse.spark.engine import SparkWarehouse
from tests.engines.spark_jobs import jobs_of

D1, D2, D3 = date(2023, 11, 1), date(2023, 11, 2), date(2023, 11, 3)
COLUMNS = {"player_id": "INTEGER", "points": "DOUBLE", "game_date": "DATE"}
MEASURES = ('SUM(CASE WHEN "points" IS NULL THEN 1 ELSE 0 END)', "COUNT(DISTINCT player_id)",
            "SUM(points)")


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    w = SparkWarehouse(str(tmp_path_factory.mktemp("spark_stats")), master="local[2]")
    w.ensure_table("s.box", COLUMNS)
    yield w
    w.close()


def _rows(day_points: list[tuple[date, int, float | None]]) -> pa.Table:
    return pa.table({"player_id": pa.array([p for _, p, _ in day_points], pa.int32()),
                     "points": pa.array([x for _, _, x in day_points], pa.float64()),
                     "game_date": pa.array([d for d, _, _ in day_points], pa.date32())})


def test_measures_of_the_write_are_what_the_files_hold(wh):
    rows = _rows([(D1, 1, 10.0), (D1, 2, None), (D1, 2, 4.5), (D3, 7, 3.25)])
    counts = wh.replace_partitions("s.box", [D1, D2, D3], rows, measures=MEASURES)
    assert counts == {D1: 3, D2: 0, D3: 1}

    kept, jobs = jobs_of(wh, "kept", lambda: wh.grouped_by_date(
        "s.box", "game_date", [D1, D2, D3], MEASURES))
    assert jobs == []   # answered from the write's own job
    read, jobs = jobs_of(wh, "read", lambda: by_query(wh, "s.box", "game_date", [D1, D2, D3],
                                                     MEASURES))
    assert jobs   # the files, read back
    assert kept == read == {D1: (3, 1, 2, 14.5), D3: (1, 0, 1, 3.25)}


SPLIT = ('SUM(CASE WHEN "points" IS NULL THEN 1 ELSE 0 END)', "COUNT(DISTINCT player_id)",
         "count(*)", "COUNT(points)", "SUM(player_id)",
         "COUNT(DISTINCT CAST(player_id AS VARCHAR) || ':' || CAST(points AS VARCHAR))")


def test_measures_that_split_cost_the_write_no_job_of_its_own(wh):
    """Rows Spark has to cast (a BIGINT column for INTEGER): the job that collects them
    also gives their measures."""
    rows = _rows([(D1, 1, 10.0), (D1, 2, None), (D1, 2, 4.5), (D1, 2, 4.5), (D3, 7, 3.25),
                  (D3, 8, None)])
    rows = rows.set_column(0, "player_id", rows.column("player_id").cast(pa.int64()))
    counts, jobs = jobs_of(wh, "split-write", lambda: wh.replace_partitions(
        "s.box", [D1, D2, D3], rows, measures=SPLIT))
    assert counts == {D1: 4, D2: 0, D3: 2}
    assert len(jobs) == 1   # the rows, collected with their measures
    kept, jobs = jobs_of(wh, "split-kept", lambda: wh.grouped_by_date(
        "s.box", "game_date", [D1, D2, D3], SPLIT))
    assert jobs == []
    read = by_query(wh, "s.box", "game_date", [D1, D2, D3], SPLIT)
    assert kept == read == {D1: (4, 1, 2, 4, 3, 7, 2), D3: (2, 1, 2, 2, 1, 15, 1)}


def test_rows_typed_as_the_table_are_measured_on_the_driver(wh):
    """A loader's rows typed as the table: written and measured without a Spark job, and the
    numbers are what Spark's query of the written files gives (``row_measures.of_arrow``)."""
    rows = _rows([(D1, 1, 10.0), (D1, 2, None), (D1, 2, 4.5), (D1, 2, 4.5), (D3, 7, 3.25),
                  (D3, 8, None), (D2, 5, -0.0)])
    counts, jobs = jobs_of(wh, "held-write", lambda: wh.replace_partitions(
        "s.box", [D1, D3], rows, measures=SPLIT))
    assert jobs == [] and counts == {D1: 4, D3: 2}   # D2 not asked: not written
    kept, jobs = jobs_of(wh, "held-kept", lambda: wh.grouped_by_date(
        "s.box", "game_date", [D1, D3], SPLIT))
    assert jobs == []
    read = by_query(wh, "s.box", "game_date", [D1, D2, D3], SPLIT)
    assert kept == read == {D1: (4, 1, 2, 4, 3, 7, 2), D3: (2, 1, 2, 2, 1, 15, 1)}


def test_a_measure_that_does_not_split_is_asked_of_spark(wh):
    """A sum of fractions hangs on the order of its additions: with such a measure the
    typed rows go through Spark, and its grouped job answers."""
    rows = _rows([(D1, 1, 0.1), (D1, 2, 0.2), (D1, 3, 0.3)])
    _, jobs = jobs_of(wh, "unsplit-write", lambda: wh.replace_partitions(
        "s.box", [D1, D2, D3], rows, measures=MEASURES))
    assert jobs
    assert wh.grouped_by_date("s.box", "game_date", [D1], MEASURES) == by_query(
        wh, "s.box", "game_date", [D1], MEASURES)


def test_after_another_write_the_files_answer(wh):
    wh.replace_partitions("s.box", [D1], _rows([(D1, 1, 1.0)]), measures=MEASURES)
    wh.replace_rows("s.box", "player_id = ?", [1], _rows([(D1, 9, None)]), days=[D1])
    got, jobs = jobs_of(wh, "after", lambda: wh.grouped_by_date(
        "s.box", "game_date", [D1], MEASURES))
    assert jobs
    assert got == {D1: (1, 1, 1, None)}


def test_an_answer_is_given_once_and_only_for_what_was_computed(wh):
    wh.replace_partitions("s.box", [D2], _rows([(D2, 4, 8.0)]), measures=MEASURES)
    # other measures, or dates the write did not cover: the files answer
    for days, measures in (([D2], MEASURES[:1]), ([D1, D2], MEASURES)):
        got, jobs = jobs_of(wh, f"other-{len(days)}-{len(measures)}", lambda d=days, m=measures:
                          wh.grouped_by_date("s.box", "game_date", d, m))
        assert jobs
        assert got == by_query(wh, "s.box", "game_date", days, measures)
    wh.replace_partitions("s.box", [D2], _rows([(D2, 4, 8.0)]), measures=MEASURES)
    first, jobs = jobs_of(wh, "first", lambda: wh.grouped_by_date(
        "s.box", "game_date", [D2], MEASURES))
    assert jobs == [] and first == {D2: (1, 0, 1, 8.0)}
    second, jobs = jobs_of(wh, "second", lambda: wh.grouped_by_date(
        "s.box", "game_date", [D2], MEASURES))
    assert jobs and second == first


def test_a_replace_of_matching_rows_answers_its_measures(wh):
    """``replace_rows`` given measures (the ledger's count of one processor's explained
    failures) answers ``grouped_by_date`` from the write: no job, the files' numbers."""
    wh.replace_partitions("s.box", [D1, D2], _rows([(D1, 1, 1.0), (D1, 2, 2.0), (D2, 3, 3.0)]))
    mine = ("SUM(CASE WHEN player_id = 2 THEN 1 ELSE 0 END)",)
    wh.replace_rows("s.box", "player_id = ?", [2], _rows([(D1, 2, 5.0), (D1, 2, 6.0)]),
                    days=[D1, D2], measures=mine)
    kept, jobs = jobs_of(wh, "rows-kept", lambda: wh.grouped_by_date(
        "s.box", "game_date", [D1, D2], mine))
    assert jobs == []
    assert kept == by_query(wh, "s.box", "game_date", [D1, D2], mine) == {
        D1: (3, 2), D2: (1, 0)}
