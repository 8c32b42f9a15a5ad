"""What the executor, planner, ledger and validation need from an engine.

Every SQL string handed to an engine is written in the portable DuckDB subset; an engine
that speaks another dialect transpiles it (``warehouse.transpile``) before running it.
Tables are named ``schema.table``; data tables are partitioned by a date column.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:   # only in annotations: importing pyarrow costs ~0.2 s per command
    import pyarrow as pa


def grouped_by_date_sql(table: str, column: str, measures: Sequence[str],
                        bounded: bool = True) -> str:
    """``grouped_by_date``'s query over a table (``bounded``: parameters, the first and
    last date)."""
    cols = ", ".join(["count(*)", *measures])
    within = f" WHERE {column} BETWEEN ? AND ?" if bounded else ""
    return f"SELECT {column}, {cols} FROM {table}{within} GROUP BY 1"


def grouped_by_date(wh: Warehouse, table: str, column: str, days: Sequence[date],
                    measures: Sequence[str]) -> dict[date, tuple]:
    """``Warehouse.grouped_by_date`` as a query of the table."""
    if not days:
        return {}
    wanted = set(days)
    return {r[0]: tuple(r[1:]) for r in wh.query(grouped_by_date_sql(table, column, measures),
                                                  [min(days), max(days)]) if r[0] in wanted}


def counts_by_date(wh: Warehouse, table: str, start: date, end: date,
                   column: str = "game_date") -> dict[date, int]:
    """``Warehouse.counts_by_date`` as a query of the table (none: no rows)."""
    if not wh.table_exists(table):
        return {}
    return dict(wh.query(grouped_by_date_sql(table, column, ()), [start, end]))


class WarehouseConfigError(ValueError):
    """The warehouse cannot be opened as configured (wrong path for the engine, engine not
    installed, unreachable project…): a usage or environment error, named in one line."""


class Warehouse(Protocol):
    engine: str          # "duckdb" | "spark" | "bigquery"
    path: str            # where it lives (a file, a folder, a project.dataset prefix)

    @property
    def ops(self) -> Warehouse:
        """The store of the run ledger (``backcourt_ops``): this engine when it has
        transactions, a small transactional store beside it otherwise."""

    def fork(self) -> Warehouse:
        """Another session on the same data, for another thread."""

    def close(self) -> None: ...

    def stamp(self) -> str | None:
        """A token that changes whenever the data changes (a file's size and times), or
        None when the engine has no cheap one: what lets a read command reuse the state
        pass an earlier one computed (``partitions.kept``)."""

    # reading
    def query(self, sql: str, params: Sequence[Any] | None = None) -> list[tuple]: ...
    def arrow(self, sql: str, params: Sequence[Any] | None = None) -> pa.Table: ...
    def result_columns(self, sql: str) -> dict[str, str]: ...
    def counts_by_date(self, table: str, start: date, end: date,
                       column: str = "game_date") -> dict[date, int]: ...
    def grouped_by_date(self, table: str, column: str, days: Sequence[date],
                        measures: Sequence[str]) -> dict[date, tuple]:
        """Per date of ``days`` that holds rows: (its rows, each of ``measures``, SQL
        aggregates over its rows). An engine may answer from what its last
        ``replace_partitions`` of ``table`` computed (``measures`` there)."""

    # schema
    def table_exists(self, table: str) -> bool: ...
    def columns(self, table: str) -> dict[str, str]: ...
    def ensure_table(self, table: str, columns: dict[str, str],
                     partition_column: str | None = None) -> None: ...

    # writing
    def execute(self, sql: str, params: Sequence[Any] | None = None) -> None: ...
    def insert_rows(self, table: str, rows: list[list]) -> None: ...
    def materialize(self, name: str, sql: str) -> dict[str, str]: ...
    def replace_partitions(self, table: str, days: Sequence[date], source: str | pa.Table,
                           column: str = "game_date",
                           also: Callable[[dict[date, int]], None] | None = None,
                           measures: Sequence[str] = (),
                           ) -> dict[date, int]:
        """Replace the partitions ``days`` with ``source``'s rows of them; rows per date.
        ``measures``: what ``also`` will ask ``grouped_by_date`` of these days (an engine
        for which every query costs a job may compute them with the write)."""
    def replace_rows(self, table: str, match: str, params: Sequence[Any],
                     source: str | pa.Table, days: Sequence[date] | None = None,
                     column: str = "game_date", measures: Sequence[str] = ()) -> None:
        """Replace the rows matching ``match`` (within partitions ``days`` when given) with
        ``source``'s rows. ``measures``: what the caller will then ask ``grouped_by_date``
        of ``days``, as for ``replace_partitions``."""
    def probe_write(self) -> None:
        """Write and drop something small: raises when the engine is not writable."""

    # control
    def transaction(self) -> AbstractContextManager[Any]: ...
    def timeout(self, seconds: float) -> AbstractContextManager[Any]: ...
    @staticmethod
    def is_transient(exc: BaseException) -> bool: ...
