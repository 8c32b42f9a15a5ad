"""BigQuery: the same contract over the official client.

Tables live in datasets named like the schemas (``nba_raw``, ``nba_analytics``, …) of one
project, after an optional prefix (``dev_nba_raw``: see ``datasets``), partitioned by their
date column (``PARTITION BY game_date``). Every statement goes out through ``_send``, which
writes the prefix into the datasets it names. A batch replaces
its dates with one multi-statement transaction — ``DELETE`` of those partitions, then
``INSERT`` of the new rows — so readers see the old or the new partitions, never a mix.
Arrow rows (Phase 2, Phase 5) are first loaded into a scratch table by a Parquet load job.
Session-like temp tables (``_batch``) are tables of the scratch dataset, which is the
jobs' default dataset, expiring after a day; each fork of the warehouse keeps its own
(``_batch_<tag>``), as a DuckDB cursor or a Spark session has its own temp tables.

The run ledger stays in a DuckDB file beside (as for Spark): BigQuery DML is rate-limited
and a ledger writes a row per partition attempt.

Tested against a local BigQuery API emulator (tests/engines/test_bigquery_emulator.py:
Phases 2–5 equal DuckDB's tables) and by golden files of the statements and job
configurations; a run against a real project is not (docs/ENGINES.md lists what the
emulator cannot prove).
"""

from __future__ import annotations

import io
import threading
import uuid
from collections.abc import Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pyarrow.parquet as pq

from backcourt.arrow import pa
from backcourt.warehouse.bigquery.datasets import check_prefix, dataset, qualify
from backcourt.warehouse.bigquery.dialect import (
    arrow_schema_fields,
    bigquery_type,
    condition,
    inline_params,
    to_bigquery,
)
from backcourt.warehouse.duckdb_engine import DuckDBWarehouse
from backcourt.warehouse.ledger_beside import LedgerBeside

SCRATCH = "backcourt_scratch"
SCRATCH_EXPIRY_HOURS = 24
QUERY_TIMEOUT_MS = 3_600_000


def _param(value: Any):
    from google.cloud import bigquery

    if isinstance(value, list | tuple):
        first = value[0] if value else ""
        return bigquery.ArrayQueryParameter(None, _kind(first), list(value))
    return bigquery.ScalarQueryParameter(None, _kind(value), value)


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "BOOL"
    if isinstance(value, int):
        return "INT64"
    if isinstance(value, float):
        return "FLOAT64"
    if isinstance(value, datetime):
        return "DATETIME"
    if isinstance(value, date):
        return "DATE"
    return "STRING"


class BigQueryWarehouse(LedgerBeside):
    engine = "bigquery"

    def __init__(self, client: Any, ops_path: str, location: str | None = None,
                 dataset_prefix: str | None = None):
        self.client = client
        self.dataset_prefix = check_prefix(dataset_prefix)
        self.path = f"bigquery://{client.project}"
        self.location = location
        self._ops = DuckDBWarehouse(ops_path)
        self._columns: dict[str, dict[str, str]] = {}
        self._lock = threading.Lock()
        self.timeout_ms = QUERY_TIMEOUT_MS
        self._scratch_ready = False
        self._own: dict[str, str] = {}   # materialized name -> this fork's scratch table
        self._tag = uuid.uuid4().hex[:12]

    @classmethod
    def connect(cls, project: str, ops_path: str, location: str | None = None,
                endpoint: str | None = None, dataset_prefix: str | None = None):
        """The official client on ``project``; ``endpoint`` points it at another API
        server (a local emulator: anonymous credentials); ``dataset_prefix`` goes before
        every dataset's name."""
        from google.cloud import bigquery

        kwargs: dict[str, Any] = {}
        if endpoint:
            from google.api_core.client_options import ClientOptions
            from google.auth.credentials import AnonymousCredentials

            kwargs = {"client_options": ClientOptions(api_endpoint=endpoint),
                      "credentials": AnonymousCredentials()}
        return cls(bigquery.Client(project=project, location=location, **kwargs),
                   ops_path, location, dataset_prefix)

    def stamp(self) -> None:
        """No cheap proof that the tables did not change: every read computes its state."""
        return None

    def fork(self) -> BigQueryWarehouse:
        other = object.__new__(BigQueryWarehouse)
        other.__dict__.update(self.__dict__)
        other._ops = self._ops.fork()
        other._own, other._tag = {}, uuid.uuid4().hex[:12]   # its own scratch tables
        return other

    @property
    def datasets(self) -> str:
        """Where the data is, as the ledger folder records it: ``project.prefix*``."""
        return f"{self.client.project}.{self.dataset_prefix}*"

    # -- jobs ----------------------------------------------------------------------
    def dataset(self, schema: str) -> str:
        """The dataset that holds ``schema``'s tables."""
        return dataset(schema, self.dataset_prefix)

    def table_id(self, table: str) -> str:
        """``schema.name`` as the API's table id, ``project.dataset.name``."""
        schema, name = table.split(".", 1)
        return f"{self.client.project}.{self.dataset(schema)}.{name}"

    def job_config(self, params: Sequence[Any] | None = None):
        from google.cloud import bigquery

        return bigquery.QueryJobConfig(
            query_parameters=[_param(v) for v in params or []],
            default_dataset=f"{self.client.project}.{self.dataset(SCRATCH)}",
            job_timeout_ms=self.timeout_ms, use_legacy_sql=False)

    def _send(self, sql: str, job_config: Any = None, location: str | None = None):
        """Every statement's way out, BigQuery SQL naming the schemas: their datasets'
        prefix, and this fork's own names of the tables it materialized, are written in
        here."""
        return self.client.query(qualify(sql, self.dataset_prefix, tuple(self._own.items())),
                                 job_config=job_config, location=location)

    def _run(self, sql: str, params: Sequence[Any] | None = None):
        return self._send(to_bigquery(sql), job_config=self.job_config(params),
                          location=self.location).result()

    def _script(self, statements: list[str], params: Sequence[Any] | None = None):
        """Statements already in BigQuery SQL, as one transaction; the parameters are
        written into the statements as literals (see ``dialect.inline_params``)."""
        body = ";\n".join(["BEGIN TRANSACTION",
                            inline_params(";\n".join(statements), params),
                            "COMMIT TRANSACTION"]) + ";"
        return self._send(body, job_config=self.job_config(), location=self.location).result()

    # -- reading -------------------------------------------------------------------
    def _query(self, sql: str, params: Sequence[Any] | None = None) -> list[tuple]:
        return [tuple(r.values()) for r in self._run(sql, params)]

    def _arrow(self, sql: str, params: Sequence[Any] | None = None) -> pa.Table:
        return self._run(sql, params).to_arrow()

    def _execute(self, sql: str, params: Sequence[Any] | None = None) -> None:
        self._run(sql, params)

    def result_columns(self, sql: str) -> dict[str, str]:
        from google.cloud import bigquery

        cfg = self.job_config()
        cfg.dry_run = True
        job = self._send(to_bigquery(sql), job_config=cfg, location=self.location)
        fields: list[bigquery.SchemaField] = job.schema or []
        return {f.name: f.field_type for f in fields}

    # -- schema --------------------------------------------------------------------
    @staticmethod
    def ddl(table: str, columns: dict[str, str], partition_column: str | None) -> str:
        cols = ",\n  ".join(f"`{c}` {bigquery_type(t) if t.isupper() else t}"
                            for c, t in columns.items())
        part = f"\nPARTITION BY {partition_column}" if partition_column else ""
        return f"CREATE TABLE IF NOT EXISTS {table} (\n  {cols}\n){part}"

    def _known(self) -> dict[str, dict[str, str]]:
        return self._columns

    def _ensure_table(self, table: str, columns: dict[str, str], part: str | None) -> None:
        with self._lock:
            if self._columns.get(table) == columns:
                return
            self._send(f"CREATE SCHEMA IF NOT EXISTS {table.split('.', 1)[0]}").result()
            self._send(self.ddl(table, columns, part)).result()
            self._columns[table] = dict(columns)

    # -- writing -------------------------------------------------------------------
    def _ensure_scratch(self) -> None:
        if not self._scratch_ready:
            self._send(f"CREATE SCHEMA IF NOT EXISTS {SCRATCH}", location=self.location).result()
            self._scratch_ready = True

    def materialize(self, name: str, sql: str) -> dict[str, str]:
        """``name`` is this fork's own scratch table (``name_<tag>``; see ``datasets``):
        another fork or run materializing the same name does not touch it."""
        self._ensure_scratch()
        own = self._own.setdefault(name, f"{name}_{self._tag}")
        self._send(
            f"CREATE OR REPLACE TABLE {SCRATCH}.{own} OPTIONS(expiration_timestamp = "
            f"TIMESTAMP_ADD(CURRENT_TIMESTAMP(), INTERVAL {SCRATCH_EXPIRY_HOURS} HOUR)) AS\n"
            + to_bigquery(sql), job_config=self.job_config(), location=self.location).result()
        return self.result_columns(f"SELECT * FROM {name}")

    def probe_write(self) -> None:
        self.materialize(f"_probe_{uuid.uuid4().hex[:8]}", "SELECT 1 AS x")

    def load_arrow(self, rows: pa.Table) -> str:
        """A Parquet load job into a fresh scratch table (made first with the rows' schema,
        expiring with the scratch dataset's tables); returns its name."""
        from google.cloud import bigquery

        name = f"{SCRATCH}._load_{uuid.uuid4().hex[:12]}"
        self._ensure_scratch()
        table = bigquery.Table(self.table_id(name), schema=[
            bigquery.SchemaField(c, k) for c, k in arrow_schema_fields(rows.schema)])
        table.expires = datetime.now(UTC) + timedelta(hours=SCRATCH_EXPIRY_HOURS)
        self.client.create_table(table)
        buf = io.BytesIO()
        pq.write_table(rows, buf)
        buf.seek(0)
        cfg = bigquery.LoadJobConfig(source_format=bigquery.SourceFormat.PARQUET,
                                     write_disposition="WRITE_TRUNCATE")
        self.client.load_table_from_file(buf, self.table_id(name),
                                         job_config=cfg, location=self.location).result()
        return name

    def _source(self, source: str | pa.Table) -> str:
        if isinstance(source, pa.Table):
            return f"SELECT * FROM {self.load_arrow(source)}"
        return to_bigquery(source)

    def _replace_partitions(self, table: str, days: list[date], source: str | pa.Table,
                            column: str, measures: tuple[str, ...] = ()) -> dict[date, int]:
        cols = ", ".join(f"`{c}`" for c in self.columns(table))
        self._script([
            f"DELETE FROM {table} WHERE {column} IN UNNEST(?)",
            f"INSERT INTO {table} ({cols}) SELECT {cols} FROM ({self._source(source)}) AS s "
            f"WHERE s.{column} IN UNNEST(?)",
        ], [days, days])
        counts = {d: 0 for d in days}
        counts.update(dict(self.query(
            f"SELECT {column}, count(*) FROM {table} WHERE {column} IN UNNEST(?) GROUP BY 1",
            [days])))
        return counts

    def _append(self, table: str, rows: pa.Table) -> None:
        self._replace_rows(table, "FALSE", [], rows, None, "game_date")

    def _replace_rows(self, table: str, match: str, params: list[Any],
                      source: str | pa.Table, days: list[date] | None, column: str,
                      measures: tuple[str, ...] = ()) -> None:
        cols = ", ".join(f"`{c}`" for c in self.columns(table))
        where, args = f"({condition(match)})", list(params)
        if days is not None:
            where += f" AND {column} IN UNNEST(?)"
            args.append(days)
        self._script([f"DELETE FROM {table} WHERE {where}",
                      f"INSERT INTO {table} ({cols}) SELECT {cols} FROM "
                      f"({self._source(source)}) AS s"], args)

    # -- control -------------------------------------------------------------------
    @contextmanager
    def transaction(self):
        """Each replace is its own BigQuery transaction; ledger rows follow the data."""
        yield self

    @contextmanager
    def timeout(self, seconds: float):
        """BigQuery enforces it per job (``job_timeout_ms``)."""
        before, self.timeout_ms = self.timeout_ms, int(seconds * 1000)
        try:
            yield
        finally:
            self.timeout_ms = before

    @staticmethod
    def is_transient(exc: BaseException) -> bool:
        from google.api_core import exceptions as e

        return isinstance(exc, e.TooManyRequests | e.InternalServerError
                          | e.ServiceUnavailable | e.BadGateway | ConnectionError)
