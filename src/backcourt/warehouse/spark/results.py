"""Answers of read queries, kept until a table they read is written.

A backfill asks the same small questions of the same tables again and again: every
processor's expected counts read the schedule (``rows_per_date`` references), the
readiness checks count the same inputs, and on Spark each answer is a job of its own
(~0.3 s on two cores). The answer of a query is kept with the write version of every table
it reads; a write of one of them (by this process: ``written``) makes it stale. Another
process cannot write meanwhile: a command holds the warehouse's lock, and Spark itself
already assumes as much (it caches a table's file listing for the session and refreshes it
only on its own writes).

Kept only: a SELECT whose every table is a qualified data table (``schema.table``; no
session view, whose rows change without a write) and that calls nothing whose answer
changes by itself (the time, random numbers, ids).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

import sqlglot
from sqlglot import exp

_VOLATILE = (exp.Rand, exp.CurrentDate, exp.CurrentTimestamp, exp.CurrentTime,
             exp.CurrentDatetime, exp.Uuid)
_VOLATILE_NAMES = {"rand", "random", "randn", "uuid", "now", "current_date",
                   "current_timestamp", "localtimestamp", "monotonically_increasing_id",
                   "spark_partition_id", "input_file_name", "shuffle"}
MAX_ROWS = 10_000   # bigger answers are not kept (memory; they are not the repeated ones)


@lru_cache(maxsize=4096)
def tables_read(sql: str) -> frozenset[str] | None:
    """The data tables a Spark SELECT reads (``schema.table``, lower case), or None when
    its answer may change without a table being written."""
    try:
        tree = sqlglot.parse_one(sql, read="spark")
    except sqlglot.errors.ParseError:
        return None
    if not isinstance(tree, exp.Query):
        return None
    ctes = {c.alias_or_name.lower() for c in tree.find_all(exp.CTE)}
    tables = set()
    for t in tree.find_all(exp.Table):
        if t.args.get("db"):
            tables.add(f"{t.db}.{t.name}".lower())
        elif t.name.lower() not in ctes:
            return None   # a session view (or a name Spark resolves some other way)
    for f in tree.find_all(exp.Func):
        if isinstance(f, _VOLATILE) or (isinstance(f, exp.Anonymous)
                                        and f.name.lower() in _VOLATILE_NAMES):
            return None
    return frozenset(tables)


_OPEN: dict[str, Results] = {}
_OPEN_LOCK = threading.Lock()


def results_of(root: str) -> Results:
    """The kept answers of the warehouse at ``root``: one per process, shared by every
    warehouse object opened on that folder (Spark's catalog is the process's too)."""
    with _OPEN_LOCK:
        return _OPEN.setdefault(root.rstrip("/"), Results())


class Results:
    """Kept answers and each table's write version, shared by a warehouse's forks."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._versions: dict[str, int] = {}
        self._epoch = 0   # moves when any table may have been written
        self._kept: dict[tuple, tuple[frozenset[str], tuple[int, ...], list[tuple]]] = {}
        self.hits = 0

    def written(self, table: str | None = None) -> None:
        """``table`` was written (None: anything may have been)."""
        with self._lock:
            if table is None:
                self._kept.clear()
                self._epoch += 1   # also a table no version was counted for yet
                return
            table = table.lower()
            self._versions[table] = self._versions.get(table, 0) + 1
            self._kept = {k: v for k, v in self._kept.items() if table not in v[0]}

    def _now(self, tables: frozenset[str]) -> tuple[int, ...]:
        return (self._epoch, *(self._versions.get(t, 0) for t in sorted(tables)))

    def versions(self, tables: frozenset[str]) -> tuple[int, ...]:
        """What moves when one of ``tables`` may have been written (compare two)."""
        with self._lock:
            return self._now(tables)

    def answer(self, sql: str, params: Sequence[Any] | None,
               run: Callable[[], list[tuple]]) -> list[tuple]:
        """The kept answer of ``sql`` with ``params`` while its tables are unwritten;
        else ``run()``, kept."""
        tables = tables_read(sql)
        if tables is None:
            return run()
        key = (sql, tuple(params or ()))
        try:
            hash(key)
        except TypeError:
            return run()
        with self._lock:
            versions = self._now(tables)
            kept = self._kept.get(key)
            if kept is not None and kept[1] == versions:
                self.hits += 1
                return list(kept[2])
        rows = run()
        if len(rows) <= MAX_ROWS:
            with self._lock:
                if self._now(tables) == versions:   # no write while it ran
                    self._kept[key] = (tables, versions, list(rows))
        return rows
