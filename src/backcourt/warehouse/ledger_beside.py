"""Engines whose ledger lives in a DuckDB file beside the data (Spark, BigQuery).

Statements and tables of ``backcourt_ops`` (see ``routing``) go to that file; everything
else to the engine's own ``_query``, ``_ensure_table``, … methods.

With no transaction spanning both stores, a partition replace writes the data first and
then calls ``also`` (checks and ledger rows): the ledger row is the commit record.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from backcourt.arrow import pa
from backcourt.warehouse.base import counts_by_date, grouped_by_date
from backcourt.warehouse.duckdb_engine import DuckDBWarehouse
from backcourt.warehouse.routing import in_ops


class LedgerBeside:
    _ops: DuckDBWarehouse

    @property
    def ops(self) -> DuckDBWarehouse:
        return self._ops

    def close(self) -> None:
        self._ops.close()

    def query(self, sql: str, params: Sequence[Any] | None = None) -> list[tuple]:
        return self._ops.query(sql, params) if in_ops(sql) else self._query(sql, params)

    def arrow(self, sql: str, params: Sequence[Any] | None = None) -> pa.Table:
        return self._ops.arrow(sql, params) if in_ops(sql) else self._arrow(sql, params)

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> None:
        if in_ops(sql):
            self._ops.execute(sql, params)
        else:
            self._execute(sql, params)

    def counts_by_date(self, table: str, start: date, end: date,
                       column: str = "game_date") -> dict[date, int]:
        return counts_by_date(self, table, start, end, column)

    def grouped_by_date(self, table: str, column: str, days: Sequence[date],
                        measures: Sequence[str]) -> dict[date, tuple]:
        return grouped_by_date(self, table, column, days, measures)

    def table_exists(self, table: str) -> bool:
        return self._ops.table_exists(table) if in_ops(table) else table in self._known()

    def columns(self, table: str) -> dict[str, str]:
        if in_ops(table):
            return self._ops.columns(table)
        return dict(self._known().get(table, {}))

    def ensure_table(self, table: str, columns: dict[str, str],
                     partition_column: str | None = None) -> None:
        if in_ops(table):
            self._ops.ensure_table(table, columns)
            return
        part = partition_column if partition_column in columns else (
            "game_date" if "game_date" in columns else None)
        self._ensure_table(table, columns, part)

    def insert_rows(self, table: str, rows: list[list]) -> None:
        if in_ops(table):
            self._ops.insert_rows(table, rows)
            return
        cols = list(self.columns(table))
        self._append(table, pa.table({c: [r[i] for r in rows] for i, c in enumerate(cols)}))

    def replace_partitions(self, table: str, days: Sequence[date], source: str | pa.Table,
                           column: str = "game_date",
                           also: Callable[[dict[date, int]], None] | None = None,
                           measures: Sequence[str] = (),
                           ) -> dict[date, int]:
        day_list = sorted(set(days))
        if not day_list:
            return {}
        counts = self._replace_partitions(table, day_list, source, column, tuple(measures))
        if also is not None:
            also(counts)   # after the data: the ledger row is the commit record
        return counts

    def replace_rows(self, table: str, match: str, params: Sequence[Any],
                     source: str | pa.Table, days: Sequence[date] | None = None,
                     column: str = "game_date", measures: Sequence[str] = ()) -> None:
        if in_ops(table):
            self._ops.replace_rows(table, match, params, source, days, column)
            return
        day_list = None if days is None else sorted(set(days))
        if day_list != []:
            self._replace_rows(table, match, list(params), source, day_list, column,
                               tuple(measures))

    # -- what each engine provides ----------------------------------------------------
    def _query(self, sql: str, params: Sequence[Any] | None) -> list[tuple]: ...
    def _arrow(self, sql: str, params: Sequence[Any] | None) -> pa.Table: ...
    def _execute(self, sql: str, params: Sequence[Any] | None) -> None: ...
    def _known(self) -> dict[str, dict[str, str]]:
        """Data tables → their columns."""
    def _ensure_table(self, table: str, columns: dict[str, str],
                      partition: str | None) -> None: ...
    def _append(self, table: str, rows: pa.Table) -> None: ...
    def _replace_partitions(self, table: str, days: list[date], source: str | pa.Table,
                            column: str, measures: tuple[str, ...] = ()) -> dict[date, int]:
        """Replace partitions ``days`` with ``source``'s rows of them; rows per date.
        ``measures``: see ``Warehouse.replace_partitions`` (an engine may ignore them)."""
    def _replace_rows(self, table: str, match: str, params: list[Any],
                      source: str | pa.Table, days: list[date] | None, column: str,
                      measures: tuple[str, ...] = ()) -> None: ...
