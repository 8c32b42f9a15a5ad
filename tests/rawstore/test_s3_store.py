"""The raw store on S3, against a local S3-compatible server (moto's server mode).

The simulator scrapes into ``s3://bucket/raw`` through the raw store, then Phases 2–3 are
backfilled from it: every table equals the one of the same commands over a local folder.
A missing bucket or bad credentials stop a command with exit 2 and one line naming them
(no bucket is created by a mistyped name). The endpoint and credentials reach s3fs through
the standard AWS variables (``AWS_ENDPOINT_URL``, ``AWS_ACCESS_KEY_ID``…).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request

import boto3
import duckdb
import pytest
from moto.server import ThreadedMotoServer

from tests.engines.compare import differences, rows_of

BUCKET = "backcourt-raw"
START, END = "2023-10-24", "2023-10-31"   # 8 dates: enough files that Phase 2 forks
# columns that name the run or the moment, not the data
VOLATILE = {"run_id", "recorded_at", "code_fingerprint"}


def _no_auth_actions(endpoint: str, count: str) -> None:
    """moto checks signatures and IAM policies once this many actions have been served."""
    req = urllib.request.Request(f"{endpoint}/moto-api/reset-auth", data=count.encode(),
                                 method="POST", headers={"Content-Type": "text/plain"})
    urllib.request.urlopen(req, timeout=10).read()


@pytest.fixture(scope="module")
def s3(tmp_path_factory):
    """A local S3 server with one bucket and one IAM user allowed to use it; returns the
    environment a process needs to reach it as that user."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    admin = {"endpoint_url": endpoint, "region_name": "us-east-1",
             "aws_access_key_id": "admin", "aws_secret_access_key": "admin"}
    boto3.client("s3", **admin).create_bucket(Bucket=BUCKET)
    iam = boto3.client("iam", **admin)
    iam.create_user(UserName="backcourt")
    iam.put_user_policy(UserName="backcourt", PolicyName="s3", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}))
    key = iam.create_access_key(UserName="backcourt")["AccessKey"]
    _no_auth_actions(endpoint, "0")   # from now on, credentials are checked
    home = tmp_path_factory.mktemp("aws")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AWS_", "BACKCOURT_", "FSSPEC_"))}
    env.update({"AWS_ENDPOINT_URL": endpoint, "AWS_DEFAULT_REGION": "us-east-1",
                "AWS_ACCESS_KEY_ID": key["AccessKeyId"],
                "AWS_SECRET_ACCESS_KEY": key["SecretAccessKey"],
                "AWS_CONFIG_FILE": str(home / "config"),
                "AWS_SHARED_CREDENTIALS_FILE": str(home / "credentials")})
    yield env
    _no_auth_actions(endpoint, "inf")
    server.stop()


def _cli(env: dict, cwd, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "backcourt.cli", *args], env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=900)


def _scrape_and_backfill(env: dict, cwd, raw: str, warehouse: str) -> None:
    p = _cli(env, cwd, "scrape", "--source", "sim", "--start", START, "--end", END,
             "--seed", "7", "--raw", raw)
    assert p.returncode == 0, p.stdout + p.stderr
    p = _cli(env, cwd, "backfill", "--start", START, "--end", END, "--phases", "2-3",
             "--raw", raw, "--warehouse", warehouse, "--json")
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr[-3000:]
    body = json.loads(p.stdout)
    assert body["ok"] and body["failed"] == 0 and body["rows"] > 0


def _data_tables(con) -> list[str]:
    return [f"{s}.{t}" for s, t in con.execute(
        "SELECT table_schema, table_name FROM information_schema.tables "
        "WHERE table_schema <> 'backcourt_ops' ORDER BY 1, 2").fetchall()]


class _Wh:   # the part of the engine contract ``rows_of`` reads
    def __init__(self, path: str):
        self.con = duckdb.connect(path, read_only=True)

    def arrow(self, sql: str):
        return self.con.sql(sql).to_arrow_table()


def test_scrape_to_s3_then_backfill_equals_local_folder(s3, tmp_path):
    _scrape_and_backfill(s3, tmp_path, f"s3://{BUCKET}/raw", str(tmp_path / "s3.duckdb"))
    _scrape_and_backfill(s3, tmp_path, str(tmp_path / "raw"), str(tmp_path / "local.duckdb"))

    client = boto3.client("s3", endpoint_url=s3["AWS_ENDPOINT_URL"], region_name="us-east-1",
                          aws_access_key_id=s3["AWS_ACCESS_KEY_ID"],
                          aws_secret_access_key=s3["AWS_SECRET_ACCESS_KEY"])
    keys = [o["Key"] for page in client.get_paginator("list_objects_v2").paginate(
        Bucket=BUCKET, Prefix="raw/") for o in page.get("Contents", [])]
    local = [os.path.relpath(os.path.join(d, n), tmp_path)
             for d, _, names in os.walk(tmp_path / "raw") for n in names]
    raw_keys = sorted(k for k in keys if not k.startswith("raw/."))
    assert raw_keys and raw_keys == sorted(p for p in local if "/." not in p)

    s3_wh, local_wh = _Wh(str(tmp_path / "s3.duckdb")), _Wh(str(tmp_path / "local.duckdb"))
    tables = _data_tables(local_wh.con)
    assert tables and tables == _data_tables(s3_wh.con)
    problems, rows = {}, 0
    for table in tables:
        cols = [c for c, in local_wh.con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema || '.' || "
            "table_name = ? ORDER BY ordinal_position", [table]).fetchall()
            if c not in VOLATILE]
        a, b = rows_of(local_wh, table, cols), rows_of(s3_wh, table, cols)
        rows += len(a)
        if diff := differences(a, b, cols):
            problems[table] = diff
    assert not problems, problems
    assert rows > 1000


def _one_line_usage_error(p: subprocess.CompletedProcess, *words: str) -> str:
    assert p.returncode == 2, (p.returncode, p.stdout[-2000:], p.stderr[-2000:])
    assert "Traceback" not in p.stdout + p.stderr
    lines = [line for line in p.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, p.stderr
    for w in words:
        assert w in lines[0], lines[0]
    return lines[0]


@pytest.mark.parametrize("command", ["status", "scrape"])
def test_a_missing_bucket_is_named_and_not_created(s3, tmp_path, command):
    raw = "s3://no-such-bucket/raw"
    args = ["--start", START, "--end", START, "--raw", raw]
    if command == "status":
        args += ["--warehouse", str(tmp_path / "wh.duckdb")]
    _one_line_usage_error(_cli(s3, tmp_path, command, *args), raw, "'no-such-bucket'",
                          "does not exist")
    client = boto3.client("s3", endpoint_url=s3["AWS_ENDPOINT_URL"], region_name="us-east-1",
                          aws_access_key_id=s3["AWS_ACCESS_KEY_ID"],
                          aws_secret_access_key=s3["AWS_SECRET_ACCESS_KEY"])
    assert [b["Name"] for b in client.list_buckets()["Buckets"]] == [BUCKET]


def test_bad_credentials_are_named(s3, tmp_path):
    env = {**s3, "AWS_SECRET_ACCESS_KEY": "not-the-secret"}
    p = _cli(env, tmp_path, "status", "--start", START, "--end", START,
             "--raw", f"s3://{BUCKET}/raw", "--warehouse", str(tmp_path / "wh.duckdb"))
    _one_line_usage_error(p, f"s3://{BUCKET}/raw", "denied", "AWS_SECRET_ACCESS_KEY")
