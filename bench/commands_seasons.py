"""Time the read commands, the start-up and `daily` as whole processes on a built warehouse.

    .venv/bin/python bench/commands_seasons.py --warehouse W --raw R --start A --end B \
        [--daily-date D --daily-base W0] [--runs 5]

``W`` is a warehouse of several seasons with every partition done (bench/four_seasons.py
leaves one: whole.duckdb, its raw store beside it); ``plan``, ``status`` and ``validate``
only read it. ``daily`` runs on a fresh copy of ``--daily-base`` each time (a warehouse
backfilled up to the day before ``D``, whose raw files are present). Prints, per command,
the best and median wall time and the median CPU time (user + system) of the process, the
machine's load, and each target met or missed (on the best wall time).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGETS = {"start-up": 0.15, "plan": 0.3, "status": 0.4, "validate": 0.8, "daily": 1.0}


def process(args: list[str], env: dict) -> tuple[float, float, int]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    p = subprocess.run([sys.executable, "-m", "backcourt", *args], env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, p.returncode


def timed(name: str, runs: int, args: list[str], env: dict, before=None) -> dict:
    walls, cpus, codes = [], [], set()
    for _ in range(runs):
        if before is not None:
            before()
        wall, cpu, rc = process(args, env)
        walls.append(wall)
        cpus.append(cpu)
        codes.add(rc)
    best = min(walls)
    return {"command": "backcourt " + " ".join(args), "exit_codes": sorted(codes),
            "wall_best_s": round(best, 3), "wall_median_s": round(statistics.median(walls), 3),
            "cpu_median_s": round(statistics.median(cpus), 3),
            "target_s": TARGETS[name], "met": best <= TARGETS[name]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--warehouse", required=True)
    ap.add_argument("--raw", required=True)
    ap.add_argument("--start", required=True)
    ap.add_argument("--end", required=True)
    ap.add_argument("--daily-date", default=None)
    ap.add_argument("--daily-base", default=None, help="warehouse copied before each daily")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--only", nargs="*", default=None, help="some of: " + ", ".join(TARGETS))
    a = ap.parse_args()
    env = {**os.environ, "BACKCOURT_WAREHOUSE": a.warehouse, "BACKCOURT_RAW": a.raw}
    rng = ["--start", a.start, "--end", a.end]
    wanted = set(a.only or TARGETS)
    out: dict[str, dict] = {"load_before": list(os.getloadavg()), "runs": a.runs}
    if "start-up" in wanted:
        out["start-up"] = timed("start-up", a.runs, ["--help"], env)
    for name in ("plan", "status", "validate"):
        if name in wanted:
            out[name] = timed(name, a.runs, [name, *rng, "--json"], env)
    if "daily" in wanted and a.daily_date and a.daily_base:
        work = Path(tempfile.mkdtemp(prefix="bench-daily-"))
        copy = work / "daily.duckdb"

        def fresh() -> None:
            shutil.copy(a.daily_base, copy)

        denv = {**env, "BACKCOURT_WAREHOUSE": str(copy)}
        out["daily"] = timed("daily", a.runs, ["daily", "--date", a.daily_date, "--json"],
                             denv, before=fresh)
        shutil.rmtree(work, ignore_errors=True)
    out["load_after"] = list(os.getloadavg())
    print(json.dumps(out, indent=1))
    for name in TARGETS:
        if name in out:
            r = out[name]
            print(f"{name:9} best {r['wall_best_s']:.3f}s (median {r['wall_median_s']:.3f}s, "
                  f"cpu {r['cpu_median_s']:.3f}s), target {r['target_s']}s: "
                  f"{'met' if r['met'] else 'MISSED'}; exit {r['exit_codes']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
