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
import re
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
from backcourt.warehouse.bigquery.datasets import DatasetPrefixError, qualify
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


# -- a dataset prefix ---------------------------------------------------------------------
SCHEMAS = {"nba_raw", "nba_analytics", "nba_precompute", "nba_predictions", "backcourt_ops",
           "backcourt_scratch"}
_RANDOM_NAME = re.compile(r"_(load|probe|batch)(_[0-9a-f]+)+")   # scratch tables: random per fork


def _every_shape(wh: BigQueryWarehouse) -> None:
    """Each kind of job the adapter sends: DDL of every declared table, a partition replace
    from SQL and from Arrow rows (load job), a row replace with and without days, an
    append, a materialized scratch table, a probe, reads, a dry run, each processor's SQL."""
    Ledger(wh)   # its entity failures' table is in BigQuery
    for p in REGISTRY.order():
        if p.columns:
            wh.ensure_table(p.table, p.columns, p.partition_column)
    team = REGISTRY.get("team_offense_game_summary")
    wh._columns[team.table] = {"game_date": "DATE", "team_id": "INT64", "points": "INT64"}
    wh.replace_partitions(team.table, DAYS, render(team.sql, DAYS[0], DAYS[-1]))
    wh._columns["nba_raw.rosters"] = {"game_date": "DATE", "player_id": "INT64"}
    rows = pa.table({"game_date": [DAYS[0]] * 2, "player_id": [2544, 201939]})
    wh.replace_partitions("nba_raw.rosters", [DAYS[0]], rows)
    wh.replace_rows("nba_raw.rosters", "player_id = ?", [2544],
                    "SELECT * FROM nba_raw.rosters", DAYS)
    wh.replace_rows("nba_raw.rosters", "player_id = ?", [2544], rows)
    wh.insert_rows("nba_raw.rosters", [[DAYS[0], 2544]])
    wh.insert_rows(OPS.ENTITY_FAILURES, [[None] * len(wh.columns(OPS.ENTITY_FAILURES))])
    wh.materialize("_batch", render(team.sql, DAYS[0], DAYS[-1]))
    wh.probe_write()
    wh.query("SELECT count(*) FROM nba_raw.rosters JOIN _batch USING (game_date) "
             "WHERE game_date = ?", [DAYS[0]])
    wh.arrow("SELECT * FROM nba_predictions.player_prop_predictions")
    wh.execute("DELETE FROM nba_raw.rosters WHERE game_date = ?", [DAYS[0]])
    wh.counts_by_date("nba_raw.rosters", DAYS[0], DAYS[-1])
    for p in REGISTRY.order():
        if p.sql:
            wh.result_columns(render(p.sql, DAYS[0], DAYS[-1]))
            wh.query(render(p.sql, DAYS[0], DAYS[-1]))


def _unprefixed(sql: str, prefix: str) -> list[exp.Expression]:
    trees = [t for t in sqlglot.parse(_RANDOM_NAME.sub("_x", sql), read="bigquery") if t]
    for tree in trees:
        for table in tree.find_all(exp.Table):
            if table.db:
                assert table.db.startswith(prefix), table.sql("bigquery")
                table.set("db", exp.to_identifier(table.db[len(prefix):]))
    return trees


def _destination(job: dict) -> tuple[str, str, str]:
    parts = job["destination"].strip("/").split("/")
    if len(parts) == 6:   # /projects/P/datasets/D/tables/T
        return parts[1], parts[3], parts[5]
    project, dataset, name = job["destination"].split(".")
    return project, dataset, name


def test_a_dataset_prefix_qualifies_every_table_of_every_job(tmp_path):
    """With prefix ``dev_`` every dataset a job names is ``dev_`` + a schema — tables,
    ``CREATE SCHEMA``, the default dataset, load and create destinations — and without the
    prefix each job is the same statement (the rewrite touches nothing else)."""
    plain, dev = RecordingClient(), RecordingClient()
    _every_shape(BigQueryWarehouse(plain, str(tmp_path / "plain.duckdb")))
    _every_shape(BigQueryWarehouse(dev, str(tmp_path / "dev.duckdb"), dataset_prefix="dev_"))
    assert len(dev.jobs) == len(plain.jobs) > 3 * len(REGISTRY.order())
    kinds = {j["kind"] for j in dev.jobs}
    assert kinds == {"query", "create", "load"}
    shapes = {type(t).__name__ + ("+WITH" if t.find(exp.CTE) else "")
              for j in dev.jobs if j["kind"] == "query"
              for t in sqlglot.parse(j["sql"], read="bigquery") if t}
    assert {"Create", "Transaction", "Delete", "Insert", "Commit", "Select",
            "Select+WITH"} <= shapes, shapes
    for job, before in zip(dev.jobs, plain.jobs, strict=True):
        if job["kind"] != "query":   # a create's API path, or a load's table id
            project, dataset, name = _destination(job)
            assert project == "backcourt-demo" and dataset == "dev_backcourt_scratch"
            assert _destination(before) == (project, "backcourt_scratch", before_name := (
                _destination(before)[2])) and name.startswith("_load_") and (
                before_name.startswith("_load_"))
            continue
        sql = job["sql"]
        for tree in sqlglot.parse(sql, read="bigquery"):
            if tree is None:
                continue
            ctes = {c.alias for c in tree.find_all(exp.CTE)}
            for table in tree.find_all(exp.Table):
                if table.db:
                    assert table.db.startswith("dev_"), sql
                    assert table.db.removeprefix("dev_") in SCHEMAS, sql
                else:   # a CTE, or a scratch table of the default dataset
                    assert table.name in ctes or table.name.startswith("_"), sql
            assert not [c for c in tree.find_all(exp.Column) if c.args.get("db")], sql
        assert _unprefixed(sql, "dev_") == _unprefixed(before["sql"], ""), sql
        config = job["config"]
        if config is not None:
            assert config.default_dataset.dataset_id == "dev_backcourt_scratch"


@pytest.mark.parametrize("prefix", ["dev-", "prod.", "a b", "é_", "x" * 961])
def test_a_prefix_bigquery_would_refuse_is_refused_before_any_job(tmp_path, prefix):
    client = RecordingClient()
    with pytest.raises(DatasetPrefixError, match="BACKCOURT_BQ_DATASET_PREFIX"):
        BigQueryWarehouse(client, str(tmp_path / "ops.duckdb"), dataset_prefix=prefix)
    assert client.jobs == []


def test_no_prefix_sends_the_statement_as_written():
    sql = "SELECT * FROM nba_raw.rosters"
    assert qualify(sql, "") is sql
    assert qualify("CREATE SCHEMA IF NOT EXISTS nba_raw", "p_") == (
        "CREATE SCHEMA IF NOT EXISTS p_nba_raw")
    assert qualify("SELECT a FROM `nba_raw.t` JOIN `proj.nba_raw`.u USING (a)", "p_") == (
        "SELECT\n  a\nFROM `p_nba_raw.t`\nJOIN `proj.p_nba_raw.u`\n  USING (a)")
