"""The same one-season backfill on DuckDB and on Spark (local mode), timed.

    .venv/bin/python bench/engines_season.py [--start 2023-10-24 --end 2024-04-14]
                                             [--raw RAW] [--master local[2]]

Simulates the range into a fresh raw store (unless ``--raw``), then runs
``backcourt backfill --phases 2-5`` on each engine in its own process, into a fresh
warehouse, and prints wall seconds and rows per engine. Spark's peak memory is the JVM's,
outside the Python process: it is reported as the JVM heap ceiling (spark.driver.memory).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def backfill(engine: str, start: str, end: str, raw: str, wh: str, master: str) -> dict:
    env = dict(os.environ, BACKCOURT_SPARK_MASTER=master)
    cmd = [sys.executable, "-m", "backcourt", "backfill", "--start", start, "--end", end,
           "--phases", "2-5", "--engine", engine, "--warehouse", wh, "--raw", raw, "--json"]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t0
    text = proc.stdout
    summary = json.loads(text[text.find("{"):]) if "{" in text else {}
    run = summary.get("summary", summary)
    return {"engine": engine, "exit": proc.returncode, "wall_seconds": round(wall, 1),
            "pipeline_seconds": run.get("seconds"), "succeeded": run.get("succeeded"),
            "failed": run.get("failed"), "rows": run.get("rows"),
            "error": proc.stderr[-1500:] if proc.returncode else None}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--start", default="2023-10-24")
    ap.add_argument("--end", default="2024-04-14")
    ap.add_argument("--raw")
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--engines", default="duckdb,spark")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bc-engines-"))
    raw = args.raw or str(work / "raw")
    if not args.raw:
        subprocess.run([sys.executable, "-m", "backcourt", "scrape", "--start", args.start,
                        "--end", args.end, "--raw", raw, "--json"], check=True,
                       capture_output=True)
    results = []
    for engine in args.engines.split(","):
        wh = str(work / ("wh.duckdb" if engine == "duckdb" else "wh_spark"))
        r = backfill(engine, args.start, args.end, raw, wh, args.master)
        results.append(r)
        print(f"{engine:<7} exit {r['exit']}  wall {r['wall_seconds']:>7.1f} s  "
              f"pipeline {r['pipeline_seconds']} s  partitions ok {r['succeeded']} "
              f"failed {r['failed']}  rows {r['rows']}", flush=True)
        if r["error"]:
            print(r["error"], file=sys.stderr)
    print(json.dumps({"range": [args.start, args.end], "master": args.master,
                      "cores": os.cpu_count(), "results": results}, indent=2))


if __name__ == "__main__":
    main()
