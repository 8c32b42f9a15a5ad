"""backcourt serve: the dashboard on 127.0.0.1, GET only, live while a run holds the
warehouse (from its progress file), the full page again once it ends."""

from __future__ import annotations

import re
import subprocess
import sys
import urllib.error
import urllib.request

import orjson
import pytest

from backcourt.live import LivePublisher
from backcourt.warehouse.lock import WarehouseLock
from tests.monitoring.conftest import RANGE


def get(url: str, method: str = "GET") -> tuple[int, bytes]:
    req = urllib.request.Request(url, method=method, data=b"x" if method != "GET" else None)
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def test_serve_is_local_read_only_and_live(damaged):
    server = subprocess.Popen([sys.executable, "-m", "backcourt", "serve", *RANGE,
                               "--port", "0", "--refresh", "2", "--json"],
                              env=damaged.env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        banner = server.stdout.readline().decode()
        assert banner, server.stderr.read().decode()
        url = orjson.loads(banner)["url"]
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/", url)      # this machine only
        code, page = get(url)
        assert code == 200 and b'id="heatmap"' in page
        assert b'http-equiv="refresh" content="2"' in page          # keeps refreshing
        code, body = get(url + "data.json")
        data = orjson.loads(body)
        assert data["live"] is None and data["status"]["complete"] is False
        states = {(c["processor"], c["date"]): c["state"] for c in data["status"]["cells"]}
        assert states[damaged.failed] == "failed" and states[damaged.stale] == "stale"
        # no endpoint writes: other methods are refused, other paths do not exist
        for method in ("POST", "PUT", "DELETE"):
            assert get(url, method)[0] == 501
        assert get(url + "runs/delete")[0] == 404
        # a run holds the warehouse: the page shows its published progress
        holder = WarehouseLock(damaged.warehouse)
        holder.acquire("backfill (another terminal)")
        live = LivePublisher(damaged.warehouse, "backfill (another terminal)", "backfill")
        live.start()
        try:
            live.stage("phase 1: scrape missing raw dates")
            code, body = get(url + "data.json")
            shown = orjson.loads(body)
            assert shown["live"]["stage"] == "phase 1: scrape missing raw dates"
            assert shown["live"]["status"] == "running" and not shown["live"]["stale"]
            code, page = get(url)
            assert b"a run holds the warehouse" in page
        finally:
            live.finish(0)
            holder.release()
        # it ended: the warehouse is read again
        code, body = get(url + "data.json")
        again = orjson.loads(body)
        assert again["status"]["cells"] and again["live"]["status"] == "succeeded"
    finally:
        server.terminate()
        server.wait(30)


@pytest.mark.parametrize("bad", [["--refresh", "0"], ["--start", "2023-13-01"]])
def test_serve_usage_errors(tmp_path, bad):
    import os

    env = {**os.environ, "BACKCOURT_WAREHOUSE": str(tmp_path / "wh.duckdb")}
    r = subprocess.run([sys.executable, "-m", "backcourt", "serve", *RANGE, *bad], env=env,
                       capture_output=True, timeout=120)
    assert r.returncode == 2
