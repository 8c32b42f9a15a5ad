"""Kept answers of Spark read queries (``warehouse.spark.results``): a statement that may
write any table (``written()``) while a query runs keeps that query's answer out, even for
a table whose writes were never counted before."""

from __future__ import annotations

from backcourt.warehouse.spark.results import Results

SQL = "SELECT count(*) FROM s.t"


def test_an_answer_overtaken_by_a_write_of_anything_is_not_kept():
    results = Results()

    def run_while_anything_is_written():
        results.written()   # e.g. an arbitrary statement of another fork
        return [(1,)]

    assert results.answer(SQL, None, run_while_anything_is_written) == [(1,)]
    assert results.answer(SQL, None, lambda: [(2,)]) == [(2,)]   # asked again, not kept
    assert results.answer(SQL, None, lambda: [(3,)]) == [(2,)]   # now kept
    assert results.hits == 1
