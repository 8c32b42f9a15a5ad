"""The Spark engine: data tables as Parquet folders partitioned by date, the ledger beside.

Data: every table is an external Parquet table under ``<root>/tables/<schema>/<table>/``.
Where Spark writes (a cluster, an object store), it is partitioned by its date column
(``game_date=2023-11-08/part-….parquet``), and a batch replaces its dates with one
dynamic-partition overwrite; dates the batch computed as empty are removed from the
folder, so an emptied partition does not keep its old rows. In local mode on a local
folder the driver writes the files itself, one per month (``month_files``: a scan opens a
season's ~6 files instead of ~170); a table keeps the layout it was created with (its
catalog row).
Read queries' answers are kept until a table they read is written (``results``).

Ledger: Parquet has no transactions and no UPDATE, and the ledger needs both (a run is
updated when it ends; the latest attempt of a partition must be exact). The
``backcourt_ops`` tables therefore live in a small DuckDB file beside the data
(``<root>/ops.duckdb``), which also records each Spark table's schema so any process can
open the warehouse again. Explained entity failures are data about partitions and are
stored in Spark with them.

Without a shared transaction, the ledger row is the commit record: a partition is done only
when its ledger row says so, and its row is written after its data. A crash in between
leaves data the ledger does not vouch for; processors are deterministic functions of their
inputs and code, so that data is either what the ledger already describes or stale by
fingerprint, and the next plan recomputes it.
"""

from __future__ import annotations

import functools
import os
import threading
import uuid
import weakref
from collections.abc import Sequence
from contextlib import contextmanager
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import orjson

from backcourt.arrow import pa
from backcourt.warehouse.base import grouped_by_date_sql
from backcourt.warehouse.duckdb_engine import DuckDBWarehouse
from backcourt.warehouse.ledger_beside import LedgerBeside
from backcourt.warehouse.spark import held_rows, local_files, month_files, row_measures
from backcourt.warehouse.spark import session as S
from backcourt.warehouse.spark.ctes import stage
from backcourt.warehouse.spark.results import results_of, tables_read
from backcourt.warehouse.spark.types import same_types, spark_type
from backcourt.warehouse.transpile import transpile

CATALOG = "backcourt_ops.spark_tables"
CATALOG_COLUMNS = {"table_name": "VARCHAR", "columns": "VARCHAR",
                   "partition_column": "VARCHAR", "location": "VARCHAR", "layout": "VARCHAR"}
DATE_FILES = "date"   # a folder per date (Spark's own partition layout); month_files.LAYOUT


def _driver_writes(master: str, root: str) -> bool:
    """Whether partition replaces are written by the driver (``local_files``): in local
    mode on a local folder, where the driver is the only executor."""
    return master.startswith("local") and local_files.local_folder(root) is not None


def _counts(days: Sequence[date], grouped: dict[date, tuple]) -> dict[date, int]:
    """Rows per date of ``days`` (0: none), from (rows, measures…) per date."""
    counts = {d: 0 for d in days}
    counts.update({d: r[0] for d, r in grouped.items() if d in counts})
    return counts


def _by_month(t: dict) -> bool:
    """Whether the table is kept as one file per month (``month_files``)."""
    return t.get("layout") == month_files.LAYOUT


@lru_cache(maxsize=2048)
def to_spark(sql: str) -> str:
    return transpile(sql, "spark", pretty=False)


def _writes(method):
    """A method that writes the table its first argument names: the answers kept of
    queries reading it go stale, before it writes and once it has (a query that ran
    meanwhile is not kept)."""
    @functools.wraps(method)
    def writing(self, table: str, *args, **kwargs):
        results = self._shared["results"]
        results.written(table)
        try:
            return method(self, table, *args, **kwargs)
        finally:
            results.written(table)
    return writing


class SparkWarehouse(LedgerBeside):
    engine = "spark"

    def __init__(self, root: str, master: str = "local[*]", ops_path: str | None = None):
        if local_files.local_folder(root) == root:
            # Spark resolves a relative table location under its own warehouse folder, not
            # the working directory: tables are located absolutely
            root = os.path.abspath(root)
        self.path = root
        self.master = master
        local = "://" not in root
        if local:
            Path(root).mkdir(parents=True, exist_ok=True)
        self._ops = DuckDBWarehouse(ops_path or f"{root.rstrip('/')}/ops.duckdb")
        self._ops.ensure_table(CATALOG, CATALOG_COLUMNS)
        self.spark = S.build_session(master, f"{root.rstrip('/')}/_spark_warehouse")
        self._shared: dict[str, Any] = {"tables": None, "results": results_of(root),
                                        "sessions": weakref.WeakSet([self.spark])}
        self._shared["results"].written()   # opened again: the folder may have changed
        self._ddl = threading.RLock()
        self._kept: dict[str, tuple] = {}
        self._prepared: tuple | None = None
        self._driver_writes = _driver_writes(master, root)
        for table in self._tables().values():
            self._register(table)

    def stamp(self) -> None:
        """No cheap proof that the tables did not change: every read computes its state."""
        return None

    def fork(self) -> SparkWarehouse:
        other = object.__new__(SparkWarehouse)
        other.path, other.master = self.path, self.master
        other._ops = self._ops.fork()
        other.spark = S.configure(self.spark.newSession())
        self._shared["sessions"].add(other.spark)
        other._shared, other._ddl = self._shared, self._ddl
        other._kept = {}
        other._prepared = None
        other._driver_writes = self._driver_writes
        return other

    # -- reading ---------------------------------------------------------------
    def _df(self, sql: str, params: Sequence[Any] | None = None):
        return self.spark.sql(to_spark(sql), args=list(params) if params else None)

    def _statement(self, sql: str):
        """A processor's statement: its shared CTEs computed once each (``ctes``), then
        the statement over them. The views are dropped once the statement is analyzed
        (its plan holds their rows)."""
        staged = stage(to_spark(sql)).private()
        kept = []
        for view, query in staged.stages:
            checkpoint = self.spark.sql(query).localCheckpoint()
            checkpoint.createOrReplaceTempView(view)
            kept.append(checkpoint)
        try:
            df = self.spark.sql(staged.final)
            # a local checkpoint's blocks are freed once its DataFrame is collected: the
            # statement keeps them until it has run (a garbage collection in between
            # failed the statement now and then, in a long test session)
            df._backcourt_checkpoints = kept
            return df
        finally:
            for view, _ in staged.stages:
                self.spark.catalog.dropTempView(view)

    def _query(self, sql: str, params: Sequence[Any] | None = None) -> list[tuple]:
        """Rows of ``sql``, interpreted in local mode (``session.INTERPRETED``); an answer
        kept since no table it reads was written (``results``) is given again without a
        job."""
        def run() -> list[tuple]:
            with self._interpreted():
                return [tuple(r) for r in self._df(sql, params).collect()]
        return self._shared["results"].answer(to_spark(sql), params, run)

    @contextmanager
    def _interpreted(self):
        """Queries planned and run meanwhile evaluate their expressions without compiled
        code (local mode only: ``session.INTERPRETED``)."""
        if not self.master.startswith("local"):
            yield
            return
        for key, value in S.INTERPRETED.items():
            self.spark.conf.set(key, value)
        try:
            yield
        finally:
            for key, value in S.COMPILED.items():
                self.spark.conf.set(key, value)

    def _arrow(self, sql: str, params: Sequence[Any] | None = None) -> pa.Table:
        return self._df(sql, params).toArrow()

    def _execute(self, sql: str, params: Sequence[Any] | None = None) -> None:
        results = self._shared["results"]
        results.written()   # any table may change
        try:
            self._df(sql, params).collect()
        finally:
            results.written()

    def result_columns(self, sql: str) -> dict[str, str]:
        """The columns of ``sql``'s rows. The runner asks them of the statement it then
        writes: the statement is analysed here as the write will run it (``_statement``)
        and kept for it (``_frame``) while no table it reads is written."""
        tables = tables_read(to_spark(sql))
        if tables is None:
            return {f.name: f.dataType.simpleString() for f in self._df(sql).schema.fields}
        df = self._statement(sql)
        self._prepared = (sql, df, tables, self._shared["results"].versions(tables))
        return {f.name: f.dataType.simpleString() for f in df.schema.fields}

    # -- schema ----------------------------------------------------------------
    def _tables(self) -> dict[str, dict]:
        tables = self._shared["tables"]
        if tables is None:
            tables = {}
            for name, cols, part, loc, layout in self._ops.query(
                    "SELECT table_name, columns, partition_column, location, layout "
                    f"FROM {CATALOG}"):
                if local_files.local_folder(loc) == loc and not os.path.isabs(loc):
                    # written by a version that kept the warehouse path as given: the
                    # table's folder inside the warehouse opened now
                    loc = os.path.join(self.path, "tables", *name.split(".", 1))
                tables[name] = {"name": name, "columns": orjson.loads(cols),
                                "partition": part, "location": loc,
                                "layout": layout or DATE_FILES}
            self._shared["tables"] = tables
        return tables

    def _register(self, t: dict) -> bool:
        """Make the table known to this Spark application. The catalog is in memory and
        shared by every warehouse the process opens: the name is pointed at this one's
        folder (dropping an external table leaves its files alone). True when the name
        was known before (a session may keep its old file listing). The catalog is asked
        directly; a statement each (parsed, analysed) cost ~45 ms per table, ~1.3 s to
        open a new warehouse."""
        schema = t["name"].split(".", 1)[0]
        catalog = self.spark.catalog
        if not catalog.databaseExists(schema):
            self.spark.sql(f"CREATE DATABASE IF NOT EXISTS {schema}")
        known = catalog.tableExists(t["name"])
        if known:
            self.spark.sql(f"DROP TABLE IF EXISTS {t['name']}")
        cols = ", ".join(f"`{c}` {spark_type(k)}" for c, k in t["columns"].items())
        part = f" PARTITIONED BY (`{t['partition']}`)" if t["partition"] else ""
        if _by_month(t):   # every file under the folder; the date is in the files
            part = " OPTIONS (recursiveFileLookup 'true')"
        self.spark.sql(f"CREATE TABLE {t['name']} ({cols}) USING parquet"
                       f"{part} LOCATION '{t['location']}'")
        return known

    def _known(self) -> dict[str, dict[str, str]]:
        return {name: t["columns"] for name, t in self._tables().items()}

    def _ensure_table(self, table: str, columns: dict[str, str], part: str | None) -> None:
        with self._ddl:
            old = self._tables().get(table)
            if old is not None and same_types(old["columns"], columns):
                return
            self._define(table, columns, part, old)

    @_writes
    def _define(self, table: str, columns: dict[str, str], part: str | None,
                old: dict | None) -> None:
        """Create ``table``, or give it ``columns`` instead of ``old``'s."""
        self._kept.pop(table, None)
        schema, name = table.split(".", 1)
        t = {"name": table, "columns": dict(columns), "partition": part,
             "location": f"{self.path.rstrip('/')}/tables/{schema}/{name}",
             "layout": DATE_FILES}
        if self._driver_writes and part and columns[part].upper() == "DATE":
            t["layout"] = month_files.LAYOUT
        kept = None
        if old is not None:   # schema change: keep the rows, columns matched by name
            kept = self.spark.sql("SELECT " + ", ".join(
                (f"CAST(`{c}` AS {spark_type(k)}) AS `{c}`" if c in old["columns"]
                 else f"CAST(NULL AS {spark_type(k)}) AS `{c}`")
                for c, k in columns.items()) + f" FROM {table}").localCheckpoint()
            self.spark.sql(f"DROP TABLE IF EXISTS {table}")
            self._delete_path(t["location"])
        self._ops.execute(f"DELETE FROM {CATALOG} WHERE table_name = ?", [table])
        self._ops.execute(f"INSERT INTO {CATALOG} VALUES (?, ?, ?, ?, ?)",
                          [table, orjson.dumps(t["columns"]).decode(), part,
                           t["location"], t["layout"]])
        self._tables()[table] = t
        if self._register(t):   # a new name: no session has listed its files
            self._refresh(table)
        if kept is not None:
            self._write(t, kept, overwrite=True)

    # -- writing ---------------------------------------------------------------
    @_writes
    def _append(self, table: str, rows: pa.Table) -> None:
        self._write(self._tables()[table], self._frame(rows), overwrite=False)

    def materialize(self, name: str, sql: str) -> dict[str, str]:
        df = self._statement(sql).localCheckpoint()
        df.createOrReplaceTempView(name)
        return {f.name: f.dataType.simpleString() for f in df.schema.fields}

    def probe_write(self) -> None:
        probe = f"{self.path.rstrip('/')}/_probe/{uuid.uuid4().hex}"
        self.spark.range(1).write.mode("overwrite").parquet(probe)
        self._delete_path(probe)

    def _frame(self, source: str | pa.Table):
        if isinstance(source, pa.Table):
            return self.spark.createDataFrame(source)
        prepared, self._prepared = self._prepared, None
        if prepared is not None and prepared[0] == source and \
                self._shared["results"].versions(prepared[2]) == prepared[3]:
            return prepared[1]
        return self._statement(source)

    def _shaped(self, t: dict, df, column: str | None = None,
                days: Sequence[date] | None = None):
        """Rows in the table's physical column order (partition column last), typed; only
        those whose ``column`` is one of ``days`` when given. One SQL statement over the
        rows as a view: built from Column objects, every column, cast, alias and date
        literal was a few calls into the JVM each (~40,000 calls over two months)."""
        cols = [c for c in t["columns"] if c != t["partition"]]
        if t["partition"]:
            cols.append(t["partition"])
        have = set(df.columns)
        shape = ", ".join(
            f"CAST({f'`{c}`' if c in have else 'NULL'} AS {spark_type(t['columns'][c])})"
            f" AS `{c}`" for c in cols)
        where = ""
        if days is not None:
            listed = ", ".join(f"DATE'{d.isoformat()}'" for d in days)
            where = f" WHERE `{column}` IN ({listed})"
        view = f"_bc_rows_{uuid.uuid4().hex[:12]}"   # a session's views are shared
        df.createOrReplaceTempView(view)
        try:
            shaped = self.spark.sql(f"SELECT {shape} FROM {view}{where}")
        finally:
            self.spark.catalog.dropTempView(view)
        # the statement's checkpoints stay with the rows until they are collected
        shaped._backcourt_checkpoints = getattr(df, "_backcourt_checkpoints", [])
        return shaped

    def _write(self, t: dict, df, overwrite: bool) -> None:
        """Add ``df``'s rows to the table (``overwrite``: instead of every row it has)."""
        self._kept.pop(t["name"], None)
        if _by_month(t):
            month_files.rewrite(local_files.local_folder(t["location"]), t["partition"],
                                self._shaped(t, df).toArrow(), everything=overwrite)
        else:
            self._shaped(t, df).write.insertInto(t["name"], overwrite=overwrite)
        self._refresh(t["name"])

    def _refresh(self, table: str) -> None:
        """Every session of this warehouse and its forks reads ``table`` anew: each keeps
        a table's file listing until the table is refreshed in it, and a fork (a processor
        run beside others by ``--workers``) has a session of its own."""
        for session in list(self._shared["sessions"]):
            session.catalog.refreshTable(table)

    def _delete_path(self, path: str) -> None:
        jvm = self.spark.sparkContext._jvm
        p = jvm.org.apache.hadoop.fs.Path(path)
        p.getFileSystem(self.spark.sparkContext._jsc.hadoopConfiguration()).delete(p, True)

    def _replace(self, t: dict, days: list[date], df, column: str,
                 measures: tuple[str, ...] = ()) -> dict[date, int]:
        """Overwrite exactly the partitions ``days`` with ``df``'s rows of those days.

        The rows are computed once, typed as the table stores them, with their counts per
        date and ``measures`` (which ``grouped_by_date`` then answers without reading the
        files back): when the driver writes the files, by the one job that collects them
        (``row_measures``); else by a local checkpoint and one grouped job."""
        if _by_month(t) and t["partition"] != column:
            raise ValueError(f"{t['name']} is kept by {t['partition']}: its partitions "
                             f"cannot be replaced by {column}")
        df = self._shaped(t, df, column, days)
        driver = (self._driver_writes or _by_month(t)) and t["partition"] == column
        collected = row_measures.collect(df, column, measures) if driver else None
        if collected is not None:
            rows, grouped = collected
            return self._put(t, days, rows, grouped, column, measures)
        df = df.localCheckpoint()
        grouped = self._grouped(df, column, measures)
        if driver:
            return self._put(t, days, df.toArrow(), grouped, column, measures)
        counts = _counts(days, grouped)
        if any(counts.values()):
            self._write(t, df, overwrite=True)
        for d, n in counts.items():
            if n == 0:   # dynamic overwrite leaves partitions absent from the rows alone
                self._delete_path(f"{t['location']}/{column}={d.isoformat()}")
        self._refresh(t["name"])
        self._kept[t["name"]] = (column, measures, frozenset(days), grouped)
        return counts

    def _put(self, t: dict, days: list[date], rows: pa.Table, grouped: dict[date, tuple],
             column: str, measures: tuple[str, ...]) -> dict[date, int]:
        """The driver writes ``rows`` (typed as the table stores them) as the table's rows
        of ``days``; ``grouped``: their rows and ``measures`` per date."""
        self._kept.pop(t["name"], None)
        folder = local_files.local_folder(t["location"])
        if _by_month(t):
            month_files.rewrite(folder, column, rows, drop=days)
        else:
            local_files.replace_dates(folder, column, days, rows)
        self._refresh(t["name"])
        self._kept[t["name"]] = (column, measures, frozenset(days), grouped)
        return _counts(days, grouped)

    def _grouped(self, df, column: str, measures: tuple[str, ...]) -> dict[date, tuple]:
        """(rows, each of ``measures``) per date of ``df``'s rows, in one job."""
        view = f"_bc_rows_{uuid.uuid4().hex[:12]}"   # a session's views are shared
        df.createOrReplaceTempView(view)
        try:
            sql = grouped_by_date_sql(view, column, measures, bounded=False)
            return {r[0]: tuple(r[1:]) for r in self._df(sql).collect()}
        finally:
            self.spark.catalog.dropTempView(view)

    def counts_by_date(self, table: str, start: date, end: date,
                       column: str = "game_date") -> dict[date, int]:
        """Month files the driver wrote are counted from their date column on the driver
        (``month_files.counts``); a query of the table otherwise, or when a file does not
        read (Spark's error then names it)."""
        t = self._tables().get(table)
        if t is not None and self._driver_writes and _by_month(t) and t["partition"] == column:
            try:
                return month_files.counts(local_files.local_folder(t["location"]), column,
                                          start, end)
            except (OSError, pa.ArrowException):
                pass
        return super().counts_by_date(table, start, end, column)

    def grouped_by_date(self, table: str, column: str, days: Sequence[date],
                        measures: Sequence[str]) -> dict[date, tuple]:
        """From the last replace of ``table`` when it covered ``days`` and computed
        ``measures`` (nothing has written the table since), once; else a query."""
        kept = self._kept.pop(table, None)
        if kept is not None and kept[:2] == (column, tuple(measures)) and kept[2] >= set(days):
            wanted = set(days)
            return {d: r for d, r in kept[3].items() if d in wanted}
        return super().grouped_by_date(table, column, days, measures)

    @_writes
    def _replace_partitions(self, table: str, days: list[date], source: str | pa.Table,
                            column: str, measures: tuple[str, ...] = ()) -> dict[date, int]:
        t = self._tables()[table]
        if isinstance(source, pa.Table) and self._driver_writes and t["partition"] == column:
            rows = held_rows.as_stored(t["columns"], column, source, days)
            grouped = None if rows is None else row_measures.of_arrow(rows, column, measures)
            if grouped is not None:   # typed as stored: no Spark job (``held_rows``)
                return self._put(t, days, rows, grouped, column, measures)
        with self._source(source) as df:
            return self._replace(t, days, df, column, measures)

    @contextmanager
    def _source(self, source: str | pa.Table):
        """``_frame(source)``; in local mode, rows of the driver (a loader's Arrow table) are
        handed to Spark as a Parquet file it scans, removed once the caller is done
        (``local_files.scratch``), instead of ``createDataFrame``: that converts every row
        on the driver into Spark's own rows, and the optimizer then evaluates the casts row
        by row over them, both without compiled code."""
        folder = local_files.local_folder(self.path) if self._driver_writes else None
        if not isinstance(source, pa.Table) or folder is None or \
                not local_files.scannable(source.schema):
            yield self._frame(source)
            return
        from pyspark.sql.pandas.types import from_arrow_schema

        # the schema told, not read from the file's footer by a job of its own
        schema = from_arrow_schema(source.schema, prefer_timestamp_ntz=True)
        with local_files.scratch(folder, source) as path:
            yield self.spark.read.schema(schema).parquet(path)

    @_writes
    def _replace_rows(self, table: str, match: str, params: list[Any],
                      source: str | pa.Table, days: list[date] | None, column: str,
                      measures: tuple[str, ...] = ()) -> None:
        t = self._tables()[table]
        within, args = "", list(params)
        if days is not None:
            within = f" AND {column} IN ({', '.join('?' * len(days))})"
            args += days
        if isinstance(source, pa.Table) and not source.num_rows and (
                self._no_folders(t, days, column) or not self._df(
                    f"SELECT 1 FROM {table} WHERE ({match}){within} LIMIT 1", args).take(1)):
            return   # no row to add and none to remove: one job instead of three
        where = f"NOT ({match}){within}"
        kept = self._df(f"SELECT * FROM {table} WHERE {where}", args)
        both = self._shaped(t, kept).unionByName(self._shaped(t, self._frame(source)))
        if days is not None and t["partition"] == column:
            self._replace(t, days, both, column, measures)
        else:
            both = both.localCheckpoint()
            self._write(t, both, overwrite=True)

    def _no_folders(self, t: dict, days: list[date] | None, column: str) -> bool:
        """Whether the table holds no row of ``days``, seen on the driver's disk without a
        query: no date folder of them (an emptied date loses its folder), or, in month
        files, no such date in their date column."""
        folder = local_files.local_folder(t["location"])
        if not self._driver_writes or days is None or folder is None or \
                t["partition"] != column:
            return False
        if _by_month(t):
            return not month_files.dates_held(folder, column, days)
        return not any(Path(folder, f"{column}={d.isoformat()}").exists() for d in days)

    # -- control ---------------------------------------------------------------
    @contextmanager
    def transaction(self):
        """Parquet has no transactions: writes are ordered instead (data, then ledger)."""
        yield self

    @contextmanager
    def timeout(self, seconds: float):
        """Cancel this thread's Spark jobs after ``seconds``."""
        sc = self.spark.sparkContext
        group, fired = f"backcourt-{uuid.uuid4().hex[:8]}", threading.Event()

        def cancel() -> None:
            fired.set()
            sc.cancelJobGroup(group)

        sc.setJobGroup(group, "backcourt batch", interruptOnCancel=True)
        timer = threading.Timer(seconds, cancel)
        timer.daemon = True
        timer.start()
        try:
            yield
        except Exception as exc:
            if fired.is_set():
                raise TimeoutError(f"Spark jobs cancelled after {seconds:g}s "
                                   "(the mode's query timeout)") from exc
            raise
        finally:
            timer.cancel()

    @staticmethod
    def is_transient(exc: BaseException) -> bool:
        from py4j.protocol import Py4JNetworkError

        return isinstance(exc, ConnectionError | BlockingIOError | Py4JNetworkError)
