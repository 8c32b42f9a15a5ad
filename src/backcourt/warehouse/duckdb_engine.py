"""The embedded default engine: one DuckDB file, schemas as in PIPELINE.md.

Partition writes are one transaction: delete the target dates, insert the new rows, and
write the ledger rows that record them. A crash at any point leaves either the old
partitions and no ledger row, or the new partitions and their ledger rows.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from backcourt.warehouse.base import counts_by_date, grouped_by_date
from backcourt.warehouse.values import FEW_ROWS, values

# up to this many dates, a replace names them as literals instead of a temp table
_LITERAL_DATES = 64

if TYPE_CHECKING:   # imported where rows are built: most commands never need it
    from backcourt.arrow import pa


class DuckDBWarehouse:
    engine = "duckdb"

    def __init__(self, path: str, read_only: bool = False):
        self.path = path
        self.read_only = read_only
        if path != ":memory:" and not read_only:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._own_reader = read_only and path != ":memory:"
        try:
            self.con = duckdb.connect(path, read_only=read_only)
        except duckdb.ConnectionException as exc:
            if not (read_only and "different configuration" in str(exc)):
                raise
            # this process has the file open for writing already (a library caller, a
            # test): share that database; read_only still keeps this connection from DDL
            self.con = duckdb.connect(path)
            self._own_reader = False   # that writer's changes need not be on disk yet
        self._in_tx = False
        # table -> columns, shared with forks (None: to be read again after DDL), and a
        # count of the DDL done, so that a read overtaken by DDL is not kept
        self._shared: dict[str, Any] = {"schema": None, "generation": 0}
        self._ddl = threading.Lock()
        self._ddl_seen = threading.Lock()   # guards the two together

    def fork(self) -> DuckDBWarehouse:
        """Another connection to the same database, for another thread: its own
        transactions and temp tables, the same tables."""
        other = object.__new__(DuckDBWarehouse)
        other.path, other.con, other._in_tx = self.path, self.con.cursor(), False
        other.read_only, other._own_reader = self.read_only, self._own_reader
        other._shared, other._ddl, other._ddl_seen = self._shared, self._ddl, self._ddl_seen
        return other

    def stamp(self) -> str | None:
        """What changes whenever the data on disk changes: the database file's and its
        write-ahead log's size, times and inode (every committed write reaches one of
        them). Only for a connection of its own that reads: a writer in this process may
        hold changes not on disk yet (None: no stamp)."""
        if not self._own_reader:
            return None
        parts = []
        for path in (self.path, self.path + ".wal"):
            try:
                st = os.stat(path)
            except FileNotFoundError:
                parts.append("-")
                continue
            parts.append(f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}")
        return "|".join(parts)

    def _catalog_changed(self) -> None:
        """After DDL: every fork reads the catalog again, and a read under way is not kept."""
        with self._ddl_seen:
            self._shared["schema"] = None
            self._shared["generation"] += 1

    def _catalog(self) -> dict[str, dict[str, str]]:
        """Every table's columns, read once and shared by the forks (all DDL goes through
        this adapter). A read is kept only when it saw the catalog as it is now: not from
        inside a transaction (its snapshot may predate another fork's new table), and not
        when DDL finished while it read; else it answers this call alone."""
        schema = self._shared["schema"]
        if schema is not None:
            return schema
        generation = self._shared["generation"]
        schema = {}
        for sch, name, col, typ in self.query(
                "SELECT table_schema, table_name, column_name, data_type "
                "FROM information_schema.columns WHERE table_catalog = current_database() "
                "ORDER BY table_schema, table_name, ordinal_position"):
            schema.setdefault(f"{sch}.{name}", {})[col] = typ
        with self._ddl_seen:
            if not self._in_tx and self._shared["generation"] == generation:
                self._shared["schema"] = schema
        return schema

    # -- basics ------------------------------------------------------------
    def query(self, sql: str, params: Sequence[Any] | None = None) -> list[tuple]:
        return self.con.execute(sql, params or []).fetchall()

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> None:
        self.con.execute(sql, params or [])

    def arrow(self, sql: str, params: Sequence[Any] | None = None) -> pa.Table:
        return self.con.sql(sql, params=list(params) if params else None).to_arrow_table()

    def close(self) -> None:
        self.con.close()

    @property
    def ops(self) -> DuckDBWarehouse:
        """The run ledger lives in the same file: its rows commit with the partitions."""
        return self

    def probe_write(self) -> None:
        self.con.execute("CREATE TEMP TABLE IF NOT EXISTS _probe (x INTEGER)")
        self.con.execute("INSERT INTO _probe VALUES (1)")
        self.con.execute("DROP TABLE _probe")

    @contextmanager
    def timeout(self, seconds: float):
        """Interrupt the running statement after ``seconds`` (DuckDB has no setting)."""
        timer = threading.Timer(seconds, self.con.interrupt)
        timer.daemon = True
        timer.start()
        try:
            yield
        except duckdb.InterruptException as exc:
            raise TimeoutError(f"statement interrupted after {seconds:g}s "
                               "(the mode's query timeout)") from exc
        finally:
            timer.cancel()

    @staticmethod
    def is_transient(exc: BaseException) -> bool:
        """Worth retrying: I/O trouble or a write conflict, not a wrong statement."""
        return isinstance(exc, duckdb.IOException | duckdb.TransactionException
                          | ConnectionError | BlockingIOError)

    @contextmanager
    def transaction(self):
        """One transaction; nested use joins the outer one."""
        if self._in_tx:
            yield self
            return
        self.con.execute("BEGIN TRANSACTION")
        self._in_tx = True
        try:
            yield self
            self.con.execute("COMMIT")
        except BaseException:
            # a failed COMMIT (a full disk) ends the transaction itself: the error
            # raised is the real cause, not "cannot rollback - no transaction is active"
            with contextlib.suppress(duckdb.Error):
                self.con.execute("ROLLBACK")
            raise
        finally:
            self._in_tx = False

    # -- tables ------------------------------------------------------------
    def ensure_schema(self, schema: str) -> None:
        self.con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")

    def table_exists(self, table: str) -> bool:
        return table in self._catalog()

    def columns(self, table: str) -> dict[str, str]:
        return dict(self._catalog().get(table, {}))

    def ensure_table(self, table: str, columns: dict[str, str],
                     partition_column: str | None = None) -> None:
        """Create the table, or bring its columns in line with ``columns``.

        A changed schema keeps the rows (columns matched by name); partitions written by the
        old code are then stale through the code fingerprint and get recomputed. (DuckDB
        tables are not physically partitioned: ``partition_column`` is for other engines.)
        """
        with self._ddl:
            self._ensure_table(table, columns)

    def _ensure_table(self, table: str, columns: dict[str, str]) -> None:
        if self.read_only:   # a read command: the tables are what they are
            return
        ddl = ", ".join(f'"{c}" {t}' for c, t in columns.items())
        if not self.table_exists(table):
            self.ensure_schema(table.split(".", 1)[0])
            self.con.execute(f"CREATE TABLE {table} ({ddl})")
            self._catalog_changed()
            return
        have = self.columns(table)
        if [(c, t.upper()) for c, t in have.items()] == [
                (c, t.upper()) for c, t in columns.items()]:
            return
        select = ", ".join(
            (f'CAST("{c}" AS {t}) AS "{c}"' if c in have else f'CAST(NULL AS {t}) AS "{c}"')
            for c, t in columns.items())
        with self.transaction():
            self.con.execute(f"CREATE TABLE {table}__new ({ddl})")
            self.con.execute(f"INSERT INTO {table}__new SELECT {select} FROM {table}")
            self.con.execute(f"DROP TABLE {table}")
            self.con.execute(f"ALTER TABLE {table}__new RENAME TO {table.split('.', 1)[1]}")
        self._catalog_changed()

    def insert_rows(self, table: str, rows: list[list]) -> None:
        """Append rows (in column order) in one statement: a few as parameters (a daily
        run's events and quarantine notes; ~1 ms), more through Arrow (~3 ms, then flat)."""
        if not rows:
            return
        if len(rows) <= FEW_ROWS:
            listed, params = values(rows)
            self.con.execute(f"INSERT INTO {table} {listed}", params)
            return
        from backcourt.arrow import pa

        cols = list(self.columns(table))
        data = pa.table({c: [r[i] for r in rows] for i, c in enumerate(cols)})
        self.con.register("_rows", data)
        try:
            self.con.execute(f"INSERT INTO {table} SELECT * FROM _rows")
        finally:
            self.con.unregister("_rows")

    def result_columns(self, sql: str) -> dict[str, str]:
        """Column names and types of a query, without running it over data."""
        rel = self.con.sql(f"SELECT * FROM ({sql}) LIMIT 0")
        return {c: str(t) for c, t in zip(rel.columns, rel.types, strict=True)}

    def materialize(self, name: str, sql: str) -> dict[str, str]:
        """Compute a query once into a session temp table; returns its columns."""
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}")
        return self.result_columns(f"SELECT * FROM {name}")

    # -- partitions --------------------------------------------------------
    def replace_partitions(self, table: str, days: Sequence[date], source: str | pa.Table,
                           column: str = "game_date",
                           also: Callable[[dict[date, int]], None] | None = None,
                           measures: Sequence[str] = (),
                           ) -> dict[date, int]:
        """Atomically replace the partitions ``days`` of ``table`` with ``source`` rows.

        ``source`` is a SELECT (its rows outside ``days`` are ignored) or an Arrow table.
        ``also(rows_per_date)`` runs inside the same transaction (checks and ledger rows);
        if it raises, nothing is written. Returns rows per date. ``measures`` are not
        needed ahead: ``grouped_by_date`` reads the table inside the transaction.
        """
        day_list = sorted(set(days))
        if not day_list:
            return {}
        cols = list(self.columns(table))
        collist = ", ".join(f'"{c}"' for c in cols)
        with self.transaction():
            days_in = self._days_condition(day_list)   # a template over the column
            self.con.execute(f"DELETE FROM {table} WHERE {days_in.format(c=column)}")
            if not isinstance(source, str):
                self.con.register("_incoming", source)
                src = "_incoming"
            else:
                src = f"({source})"
            try:
                self.con.execute(
                    f"INSERT INTO {table} ({collist}) SELECT {collist} FROM {src} AS s "
                    f"WHERE {days_in.format(c=f's.{column}')}")
            finally:
                if not isinstance(source, str):
                    self.con.unregister("_incoming")
            counts = {d: 0 for d in day_list}
            counts.update(dict(self.query(
                f"SELECT {column}, count(*) FROM {table} WHERE {days_in.format(c=column)} "
                "GROUP BY 1")))
            if also is not None:
                also(counts)
        return counts

    def _days_condition(self, day_list: list[date]) -> str:
        """A condition "column {c} is one of these sorted dates", as a template: literals for a few
        (a daily run: no temp table to create), a temp table for many; bounded either
        way, so that DuckDB skips the row groups of other dates."""
        lo, hi = day_list[0].isoformat(), day_list[-1].isoformat()
        bounds = f"{{c}} BETWEEN DATE '{lo}' AND DATE '{hi}'"
        if len(day_list) <= _LITERAL_DATES:
            return f"{bounds} AND {{c}} IN (" + ", ".join(
                f"DATE '{d.isoformat()}'" for d in day_list) + ")"
        self.con.execute("CREATE OR REPLACE TEMP TABLE _target_days AS "
                         "SELECT CAST(unnest(?) AS DATE) AS d", [day_list])
        return f"{bounds} AND {{c}} IN (SELECT d FROM _target_days)"

    def replace_rows(self, table: str, match: str, params: Sequence[Any],
                     source: str | pa.Table, days: Sequence[date] | None = None,
                     column: str = "game_date", measures: Sequence[str] = ()) -> None:
        """Replace the rows matching ``match`` (within partitions ``days`` when given)
        with the rows of ``source``; joins an open transaction. ``measures``: unused (a
        grouped query is cheap here)."""
        cols = ", ".join(f'"{c}"' for c in self.columns(table))
        where, args = f"({match})", list(params)
        if days is not None:
            day_list = sorted(set(days))
            if not day_list:
                return
            where += f" AND {column} IN ({', '.join('?' * len(day_list))})"
            args += day_list
        with self.transaction():
            self.con.execute(f"DELETE FROM {table} WHERE {where}", args)
            if not isinstance(source, str):
                if not source.num_rows:
                    return
                self.con.register("_replacement", source)
                try:
                    self.con.execute(f"INSERT INTO {table} ({cols}) "
                                     f"SELECT {cols} FROM _replacement")
                finally:
                    self.con.unregister("_replacement")
            else:
                self.con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM ({source})")

    def grouped_by_date(self, table: str, column: str, days: Sequence[date],
                        measures: Sequence[str]) -> dict[date, tuple]:
        return grouped_by_date(self, table, column, days, measures)

    def counts_by_date(self, table: str, start: date, end: date,
                       column: str = "game_date") -> dict[date, int]:
        return counts_by_date(self, table, start, end, column)
