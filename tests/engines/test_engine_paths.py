"""A warehouse path that does not fit the engine: exit 2, one line naming the path and the
cause, no traceback — checked before any engine starts (no Spark session is built)."""

from __future__ import annotations

import os
import subprocess
import sys

import duckdb
import orjson
import pytest


def _cli(tmp_path, *args: str, **env: str) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if not k.startswith("BACKCOURT_")}
    full.update(env)
    return subprocess.run(
        [sys.executable, "-m", "backcourt.cli", "status", "--start", "2023-11-01",
         "--end", "2023-11-01", "--raw", str(tmp_path / "raw"), *args],
        capture_output=True, text=True, env=full, cwd=tmp_path, timeout=120)


def _assert_usage_error(p: subprocess.CompletedProcess, path, *words: str) -> None:
    assert p.returncode == 2, (p.returncode, p.stdout, p.stderr)
    assert "Traceback" not in p.stderr + p.stdout
    lines = [line for line in p.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, p.stderr
    assert str(path) in lines[0], lines[0]
    for w in words:
        assert w in lines[0], lines[0]


@pytest.fixture
def duckdb_file(tmp_path):
    path = tmp_path / "wh.duckdb"
    duckdb.connect(str(path)).execute("CREATE TABLE t (x INT)").close()
    return path


@pytest.fixture
def spark_folder(tmp_path):
    """What the Spark engine leaves: a folder with the ledger file and tables/."""
    path = tmp_path / "wh_spark"
    (path / "tables").mkdir(parents=True)
    duckdb.connect(str(path / "ops.duckdb")).close()
    return path


def test_spark_engine_on_a_duckdb_file_from_the_environment(tmp_path, duckdb_file):
    p = _cli(tmp_path, "--engine", "spark", BACKCOURT_WAREHOUSE=str(duckdb_file))
    _assert_usage_error(p, duckdb_file, "is a DuckDB file", "not a Spark warehouse")
    assert duckdb.connect(str(duckdb_file)).execute("SELECT count(*) FROM t").fetchone()


def test_spark_engine_from_the_environment_on_a_duckdb_file(tmp_path, duckdb_file):
    p = _cli(tmp_path, "--warehouse", str(duckdb_file), BACKCOURT_ENGINE="spark")
    _assert_usage_error(p, duckdb_file, "is a DuckDB file")


def test_duckdb_engine_on_a_spark_folder(tmp_path, spark_folder):
    p = _cli(tmp_path, "--warehouse", str(spark_folder))
    _assert_usage_error(p, spark_folder, "Spark warehouse folder", "--engine spark")


@pytest.mark.parametrize("engine", ["duckdb", "spark"])
def test_a_file_that_is_neither(tmp_path, engine):
    path = tmp_path / "notes.txt"
    path.write_text("not a warehouse\n")
    p = _cli(tmp_path, "--warehouse", str(path), "--engine", engine)
    _assert_usage_error(p, path, "not a" if engine == "duckdb" else "is a file")
    assert path.read_text() == "not a warehouse\n"   # left alone


@pytest.mark.parametrize("engine", ["duckdb", "spark"])
def test_a_folder_of_other_files(tmp_path, engine):
    path = tmp_path / "photos"
    path.mkdir()
    (path / "a.jpg").write_bytes(b"\xff\xd8")
    p = _cli(tmp_path, "--warehouse", str(path), "--engine", engine)
    _assert_usage_error(p, path, "folder")
    assert os.listdir(path) == ["a.jpg"]


def test_a_path_under_a_file(tmp_path):
    (tmp_path / "plain").write_text("x")
    path = tmp_path / "plain" / "wh.duckdb"
    p = _cli(tmp_path, "--warehouse", str(path))
    _assert_usage_error(p, path, "is a file")


def test_a_new_warehouse_is_created_by_a_run_in_an_existing_folder_only(tmp_path):
    path = tmp_path / "new" / "wh.duckdb"
    p = _cli(tmp_path, "--warehouse", str(path))
    assert p.returncode == 2 and "no warehouse there" in p.stderr   # status creates nothing
    (tmp_path / "raw").mkdir()
    full = {k: v for k, v in os.environ.items() if not k.startswith("BACKCOURT_")}

    def run() -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "backcourt.cli", "run", "--phase", "2", "--start",
             "2023-11-01", "--end", "2023-11-01", "--raw", str(tmp_path / "raw"),
             "--warehouse", str(path)], capture_output=True, text=True, env=full,
            cwd=tmp_path, timeout=120)

    missing = run()   # a mistyped folder is named, not created
    assert missing.returncode == 2 and "does not exist" in missing.stderr
    assert not path.parent.exists()
    path.parent.mkdir()
    made = run()
    assert made.returncode == 0, made.stderr   # nothing to run on an empty store
    assert "Traceback" not in made.stderr and path.is_file()


def test_bigquery_engine_on_a_duckdb_file(tmp_path, duckdb_file):
    p = _cli(tmp_path, "--warehouse", str(duckdb_file), "--engine", "bigquery",
             BACKCOURT_BQ_PROJECT="backcourt-test")
    _assert_usage_error(p, duckdb_file, "is a DuckDB file", "BigQuery ledger folder")


def test_bigquery_engine_without_a_project(tmp_path):
    p = _cli(tmp_path, "--warehouse", str(tmp_path / "bq"), "--engine", "bigquery")
    assert p.returncode == 2, p.stderr
    assert "Traceback" not in p.stderr
    assert "BACKCOURT_BQ_PROJECT" in p.stderr and "--bq-project" in p.stderr


@pytest.mark.parametrize("how", ["option", "variable"])
def test_bigquery_dataset_prefix_bigquery_would_refuse(tmp_path, how):
    """A dataset prefix with a character no dataset id takes (``dev-``): exit 2 on one line
    naming the option, the variable and the character, before any job; JSON under
    ``--json``."""
    full = {k: v for k, v in os.environ.items() if not k.startswith("BACKCOURT_")}
    glob = ["--bq-project", "backcourt-test", "--bq-endpoint", "http://127.0.0.1:9"]
    if how == "option":
        glob += ["--bq-dataset-prefix", "dev-"]
    else:
        full["BACKCOURT_BQ_DATASET_PREFIX"] = "dev-"
    ledger = tmp_path / "bq"
    for json in ([], ["--json"]):
        p = subprocess.run(
            [sys.executable, "-m", "backcourt.cli", *glob, "run", "--phase", "2", "--start",
             "2023-11-01", "--end", "2023-11-01", "--raw", str(tmp_path / "raw"),
             "--engine", "bigquery", "--warehouse", str(ledger), *json],
            capture_output=True, text=True, env=full, cwd=tmp_path, timeout=120)
        assert p.returncode == 2, (p.stdout, p.stderr)
        assert "Traceback" not in p.stderr + p.stdout
        lines = [line for line in p.stderr.splitlines() if line.strip()]
        assert len(lines) == 1, p.stderr
        for word in ("--bq-dataset-prefix", "BACKCOURT_BQ_DATASET_PREFIX", "'dev-'", "'-'"):
            assert word in lines[0], lines[0]
        if json:
            body = orjson.loads(p.stdout)
            assert body["ok"] is False and body["exit"] == 2
            assert "BACKCOURT_BQ_DATASET_PREFIX" in body["error"]
        else:
            assert p.stdout == ""
    assert not (ledger / "ops.duckdb").exists()   # refused before the ledger was opened
