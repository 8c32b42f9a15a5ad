"""The BigQuery adapter's statements and job configurations, checked without BigQuery.

BigQuery cannot run here. The client is replaced by a recorder (the one mocked part: a
cloud service); everything else is real — the official client library builds every job
configuration, sqlglot parses every statement in the BigQuery dialect, and the generated
DDL and jobs are compared with golden files
(regenerate: BACKCOURT_UPDATE_GOLDEN=1 pytest tests/engines/test_bigquery_adapter.py).
"""

from __future__ import annotations

import io
import json
import os
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import sqlglot
from sqlglot import exp

from backcourt.ledger import Ledger
from backcourt.ledger import tables as OPS
from backcourt.pipeline.catalog import REGISTRY
from backcourt.registry.templating import render
from backcourt.warehouse.bigquery import BigQueryWarehouse
from backcourt.warehouse.bigquery.dialect import parses, to_bigquery

GOLDEN = Path(__file__).parent.parent / "golden" / "bigquery_adapter"
DAYS = [date(2023, 11, 8), date(2023, 11, 9)]


class _Job:
    def __init__(self, schema=None):
        self.schema = schema or []

    def result(self):
        return self

    def __iter__(self):
        return iter(())

    def to_arrow(self):
        return pa.table({})


class RecordingClient:
    """Stands in for google.cloud.bigquery.Client: records jobs, returns no rows."""

    project = "backcourt-demo"

    def __init__(self):
        self.jobs: list[dict] = []

    def query(self, sql, job_config=None, location=None):
        self.jobs.append({"kind": "query", "sql": sql, "config": job_config})
        return _Job()

    def create_table(self, table):
        self.jobs.append({"kind": "create", "destination": table.reference.path,
                          "schema": [(f.name, f.field_type) for f in table.schema],
                          "expires": table.expires})
        return table

    def load_table_from_file(self, fh, destination, job_config=None, location=None):
        self.jobs.append({"kind": "load", "destination": destination, "config": job_config,
                          "data": fh.read()})
        return _Job()


def _golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("BACKCOURT_UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    assert path.exists(), f"no golden file {path}; run with BACKCOURT_UPDATE_GOLDEN=1"
    assert text == path.read_text(), f"{name} differs from its golden file"


@pytest.fixture
def bq(tmp_path):
    client = RecordingClient()
    return client, BigQueryWarehouse(client, str(tmp_path / "ops.duckdb"))


def test_ddl_partitions_every_declared_table_by_its_date(bq):
    client, wh = bq
    declared = [p for p in REGISTRY.order() if p.columns]
    for p in declared:
        wh.ensure_table(p.table, p.columns, p.partition_column)
    ddl = [j["sql"] for j in client.jobs if j["sql"].startswith("CREATE TABLE")]
    assert len(ddl) == len(declared)
    for p, sql in zip(declared, ddl, strict=True):
        assert parses(sql)
        assert sql.rstrip().endswith(f"PARTITION BY {p.partition_column}"), p.name
    _golden("ddl.sql", ";\n\n".join(ddl) + ";\n")
    wh.ensure_table(declared[0].table, declared[0].columns)   # known: no second DDL
    assert len([j for j in client.jobs if j["sql"].startswith("CREATE TABLE")]) == len(ddl)


def test_partition_replace_is_one_transaction_scoped_to_the_days(bq):
    client, wh = bq
    p = REGISTRY.get("team_offense_game_summary")
    wh._columns[p.table] = {"game_date": "DATE", "team_id": "INT64", "points": "INT64"}
    wh.replace_partitions(p.table, DAYS, render(p.sql, DAYS[0], DAYS[-1]))
    script = client.jobs[0]
    sql = script["sql"]
    assert parses(sql)
    statements = [s.strip() for s in sql.split(";\n") if s.strip()]
    assert statements[0] == "BEGIN TRANSACTION"
    # the days are written into the script (a script's statements take no job parameters
    # on the emulator), as a DATE array
    in_days = "IN UNNEST([CAST('2023-11-08' AS DATE), CAST('2023-11-09' AS DATE)])"
    assert statements[1] == f"DELETE FROM {p.table} WHERE game_date {in_days}"
    assert statements[2].startswith(f"INSERT INTO {p.table} (`game_date`, `team_id`, `points`)")
    assert statements[2].endswith(f"WHERE s.game_date {in_days}")
    assert statements[-1] == "COMMIT TRANSACTION;" or statements[-1] == "COMMIT TRANSACTION"
    config = script["config"].to_api_repr()["query"]
    assert config["useLegacySql"] is False
    assert config["defaultDataset"] == {"projectId": "backcourt-demo",
                                        "datasetId": "backcourt_scratch"}
    assert not config.get("queryParameters")
    _golden("replace_team_offense_game_summary.json",
            json.dumps({"sql": sql, "config": script["config"].to_api_repr()},
                       indent=2, sort_keys=True) + "\n")


def test_arrow_rows_arrive_by_parquet_load_job(bq):
    client, wh = bq
    table = "nba_raw.rosters"
    wh._columns[table] = {"game_date": "DATE", "player_id": "INT64"}
    rows = pa.table({"game_date": [DAYS[0]] * 2, "player_id": [2544, 201939]})
    wh.replace_partitions(table, [DAYS[0]], rows)
    assert client.jobs[0]["sql"] == "CREATE SCHEMA IF NOT EXISTS backcourt_scratch"
    create, load = client.jobs[1], client.jobs[2]
    assert create["kind"] == "create"   # with the rows' schema: DATE stays DATE
    assert create["schema"] == [("game_date", "DATE"), ("player_id", "INT64")]
    assert create["destination"].endswith(load["destination"].rsplit(".", 1)[1])
    assert create["expires"] is not None
    assert load["kind"] == "load"
    assert load["destination"].startswith("backcourt-demo.backcourt_scratch._load_")
    cfg = load["config"].to_api_repr()["load"]
    assert cfg["sourceFormat"] == "PARQUET" and cfg["writeDisposition"] == "WRITE_TRUNCATE"
    assert pq.read_table(io.BytesIO(load["data"])).equals(rows)
    scratch = load["destination"].split(".", 1)[1]
    assert f"FROM (SELECT * FROM {scratch}) AS s" in client.jobs[3]["sql"]


@pytest.mark.parametrize("p", [p for p in REGISTRY.order() if p.sql], ids=lambda p: p.name)
def test_processor_sql_is_bigquery_sql(p):
    sql = to_bigquery(render(p.sql, DAYS[0], DAYS[-1]))
    assert parses(sql)
    # BigQuery's DATE - INTERVAL is a DATETIME: date arithmetic must use DATE_SUB
    assert "- INTERVAL" not in sql and "+ INTERVAL" not in sql
    # no decimal type: sums of floats add integers, exact on every engine (the BigQuery
    # emulator rounds NUMERIC(38, 9) to 3 decimals next to date arithmetic)
    types = {t.sql("bigquery") for tree in sqlglot.parse(sql, read="bigquery")
             for t in tree.find_all(exp.DataType)}
    assert not {t for t in types if "NUMERIC" in t.upper()}, types


def test_ledger_stays_beside_the_data_and_failures_go_with_it(bq):
    client, wh = bq
    ledger = Ledger(wh)
    ddl = " ".join(j["sql"] for j in client.jobs)
    assert OPS.ENTITY_FAILURES in ddl and OPS.LEDGER not in ddl and OPS.RUNS not in ddl
    before = len(client.jobs)
    run_id = ledger.start_run("test", "backfill", DAYS[0], DAYS[-1], ["x"])
    assert len(client.jobs) == before
    assert ledger.run(run_id)["status"] == "running"
