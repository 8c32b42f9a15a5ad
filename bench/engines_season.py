"""The same one-season backfill on DuckDB and on Spark (local mode), timed.

    .venv/bin/python bench/engines_season.py [--start 2023-10-24 --end 2024-04-14]
                                             [--raw RAW] [--master local[2]] [--workers N]
                                             [--repeat N] [--keep]

Simulates the range into a fresh raw store (unless ``--raw``), then runs
``backcourt backfill --phases 2-5`` on each engine in its own process, into a fresh
warehouse, and prints wall seconds and rows per engine. Spark's session start (a fresh
process that only starts the JVM and the Spark session, then stops) is timed apart and
reported beside Spark's wall time. The issue's targets are checked on wall times, session
start included: Spark at most 5× DuckDB over a season (a range of more than 90 days), at
most 8× over a shorter range (two months). CPU seconds are the backfill process's and its
children's (the Spark JVM), sampled from /proc. Spark's peak memory is the JVM's, outside
the Python process: it is reported as the JVM heap ceiling (spark.driver.memory).

On a small shared machine one run of the same code moves by ±10 s; ``--repeat N`` runs
the engines N times, alternating (DuckDB, Spark, DuckDB, …), each into a fresh warehouse,
and compares the medians of their wall times.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bytecode import cache_bytecode

TICK = os.sysconf("SC_CLK_TCK")


def tree_cpu(root: int) -> dict[int, float]:
    """CPU seconds (user + system) of ``root`` and every process below it, from /proc."""
    stats: dict[int, tuple[int, float]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        stats[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / TICK)
    mine, todo = {}, [root]
    while todo:
        pid = todo.pop()
        if pid in stats and pid not in mine:
            mine[pid] = stats[pid][1]
            todo.extend(k for k, (ppid, _) in stats.items() if ppid == pid)
    return mine


def run_sampled(cmd: list[str], env: dict) -> tuple[subprocess.CompletedProcess, float]:
    """Run ``cmd``; its CPU seconds and its descendants' (the Spark JVM is not waited for
    by its parent, so the kernel's child accounting misses it): /proc sampled every half
    second, the last sample of each process kept (up to half a second of each process's
    end is lost). The process's end is seen within 0.02 s (it was polled each second: a
    wall time was up to a second long, as much as a tenth of DuckDB's)."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env)
    seen: dict[int, float] = {}
    out: list[str] = []
    err: list[str] = []
    readers = [threading.Thread(target=lambda s, b: b.append(s.read()), args=(s, b))
               for s, b in ((proc.stdout, out), (proc.stderr, err))]
    for t in readers:
        t.start()
    sampled = 0.0
    while proc.poll() is None:   # the wall time is read within 0.02 s of the end
        if time.perf_counter() - sampled >= 0.5:
            seen.update(tree_cpu(proc.pid))
            sampled = time.perf_counter()
        time.sleep(0.02)
    for t in readers:
        t.join()
    done = subprocess.CompletedProcess(cmd, proc.returncode, "".join(out), "".join(err))
    return done, sum(seen.values())


def backfill(engine: str, start: str, end: str, raw: str, wh: str, master: str,
             workers: int = 1) -> dict:
    env = dict(os.environ, BACKCOURT_SPARK_MASTER=master)
    cmd = [sys.executable, "-m", "backcourt", "backfill", "--start", start, "--end", end,
           "--phases", "2-5", "--engine", engine, "--warehouse", wh, "--raw", raw, "--json",
           "--workers", str(workers)]
    t0 = time.perf_counter()
    proc, cpu = run_sampled(cmd, env)
    wall = time.perf_counter() - t0
    text = proc.stdout
    summary = json.loads(text[text.find("{"):]) if "{" in text else {}
    run = summary.get("summary", summary)
    return {"engine": engine, "exit": proc.returncode, "wall_seconds": round(wall, 1),
            "cpu_seconds": round(cpu, 1),
            "pipeline_seconds": run.get("seconds"), "succeeded": run.get("succeeded"),
            "failed": run.get("failed"), "rows": run.get("rows"),
            "error": proc.stderr[-1500:] if proc.returncode else None}


SESSION_START = """
import sys, time
t0 = time.perf_counter()
from backcourt.warehouse.spark.session import build_session
spark = build_session(sys.argv[1], sys.argv[2])
print(round(time.perf_counter() - t0, 1))
spark.stop()
"""


def session_start(master: str, work: Path) -> float:
    """Seconds a fresh process takes to import pyspark and start a Spark session."""
    out = subprocess.run([sys.executable, "-c", SESSION_START, master,
                          str(work / "_session_probe")], capture_output=True, text=True,
                         check=True)
    return float(out.stdout.strip().splitlines()[-1])


def _median(rs: list[dict]) -> dict:
    """The run of median wall time (the upper one of an even count), with every run's
    wall time beside it; any failed run is the result instead."""
    failed = [r for r in rs if r["exit"] != 0]
    if failed:
        return failed[0] | {"runs_wall_seconds": [r["wall_seconds"] for r in rs]}
    walls = [r["wall_seconds"] for r in rs]
    median = statistics.median_high(walls)
    return next(r for r in rs if r["wall_seconds"] == median) | {"runs_wall_seconds": walls}


def target_for(start: str, end: str) -> float:
    from datetime import date

    days = (date.fromisoformat(end) - date.fromisoformat(start)).days + 1
    return 5.0 if days > 90 else 8.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--start", default="2023-10-24")
    ap.add_argument("--end", default="2024-04-14")
    ap.add_argument("--raw")
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--engines", default="duckdb,spark")
    ap.add_argument("--workers", type=int, default=1,
                    help="the backfill's --workers, the same for both engines")
    ap.add_argument("--repeat", type=int, default=1,
                    help="run the engines this many times, alternating; compare medians")
    ap.add_argument("--keep", action="store_true",
                    help="keep the work folder (warehouses, simulated raw files)")
    args = ap.parse_args()
    cache_bytecode()   # as an installed copy has it (see bench/bytecode.py)
    work = Path(tempfile.mkdtemp(prefix="bc-engines-"))
    raw = args.raw or str(work / "raw")
    if not args.raw:
        subprocess.run([sys.executable, "-m", "backcourt", "scrape", "--start", args.start,
                        "--end", args.end, "--raw", raw, "--json"], check=True,
                       capture_output=True)
    load_at_start = os.getloadavg()
    print(f"load average at start: {load_at_start[0]:.1f}", flush=True)
    runs: dict[str, list[dict]] = {}
    for round_ in range(args.repeat):
        for engine in args.engines.split(","):
            (work / f"{engine}_{round_}").mkdir()
            wh = str(work / f"{engine}_{round_}" / ("wh.duckdb" if engine == "duckdb"
                                                     else "wh_spark"))
            r = backfill(engine, args.start, args.end, raw, wh, args.master, args.workers)
            runs.setdefault(engine, []).append(r)
            print(f"{engine:<7} exit {r['exit']}  wall {r['wall_seconds']:>7.1f} s  "
                  f"cpu {r['cpu_seconds']:>7.1f} s  "
                  f"pipeline {r['pipeline_seconds']} s  partitions ok {r['succeeded']} "
                  f"failed {r['failed']}  rows {r['rows']}", flush=True)
            if r["error"]:
                print(r["error"], file=sys.stderr)
            if not args.keep:   # a season's Spark warehouse is ~100 MB
                shutil.rmtree(work / f"{engine}_{round_}", ignore_errors=True)
    results = [_median(rs) for rs in runs.values()]
    out = {"range": [args.start, args.end], "master": args.master, "cores": os.cpu_count(),
           "workers": args.workers, "repeat": args.repeat,
           "load_average_at_start": load_at_start, "load_average": os.getloadavg(),
           "results": results}
    by = {r["engine"]: r for r in results}
    if "spark" in by:
        by["spark"]["session_start_seconds"] = session_start(args.master, work)
        print(f"spark session start (fresh process): {by['spark']['session_start_seconds']} s",
              flush=True)
    if {"duckdb", "spark"} <= set(by):
        target = target_for(args.start, args.end)
        ratio = by["spark"]["wall_seconds"] / by["duckdb"]["wall_seconds"]
        ok = all(r["exit"] == 0 for r in results) and ratio <= target
        out["spark_over_duckdb"] = {"ratio": round(ratio, 1), "target": target, "met": ok}
        what = "wall (medians)" if args.repeat > 1 else "wall"
        print(f"spark / duckdb {what}: {ratio:.1f}x (target <= {target:g}x: "
              f"{'met' if ok else 'MISSED'}; load average {os.getloadavg()[0]:.1f})")
    print(json.dumps(out, indent=2))
    if args.keep:
        print(f"work folder kept: {work}", file=sys.stderr)
    else:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
