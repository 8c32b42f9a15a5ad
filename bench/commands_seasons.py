"""Time the read commands, the start-up and `daily` as whole processes on a built warehouse.

    PYTHONPATH=src .venv/bin/python bench/commands_seasons.py --warehouse W --raw R \
        --start A --end B [--daily-date D --daily-base W0] [--runs 5] [--before SRC]

``W`` is a warehouse of several seasons with every partition done (bench/four_seasons.py
leaves one: whole.duckdb, its raw store beside it); ``plan``, ``status`` and ``validate``
only read it. ``daily`` runs on a fresh copy of ``--daily-base`` each time (a warehouse
backfilled up to the day before ``D``, whose raw files are present). Prints, per command,
the best and median wall time and the median CPU time (user + system) of the process, the
machine's load, and each target met or missed (on the best wall time). ``--before SRC``
(the ``src`` folder of another checkout, e.g. ``git archive BASE src | tar -x -C DIR``)
times that code too, each of its runs right before the same run of this code (the same
load for both), and prints both.
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

from bytecode import cache_bytecode

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


def timed(name: str, runs: int, args: list[str], envs: dict[str, dict],
          before=None, target: str | None = None) -> dict:
    """``runs`` runs of ``args`` with each environment in turn (this code last)."""
    walls: dict[str, list[float]] = {k: [] for k in envs}
    cpus: dict[str, list[float]] = {k: [] for k in envs}
    codes: dict[str, set[int]] = {k: set() for k in envs}
    for _ in range(runs):
        for key, env in envs.items():
            if before is not None:
                before()
            wall, cpu, rc = process(args, env)
            walls[key].append(wall)
            cpus[key].append(cpu)
            codes[key].add(rc)
    out = {}
    for key in envs:
        best = min(walls[key])
        out[key] = {"command": "backcourt " + " ".join(args),
                    "exit_codes": sorted(codes[key]), "wall_best_s": round(best, 3),
                    "wall_median_s": round(statistics.median(walls[key]), 3),
                    "cpu_median_s": round(statistics.median(cpus[key]), 3),
                    "target_s": TARGETS[target or name],
                    "met": best <= TARGETS[target or name]}
    return out


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
    ap.add_argument("--before", default=None, help="the src folder of the code to compare")
    a = ap.parse_args()
    cache_bytecode(a.before)
    env = {**os.environ, "BACKCOURT_WAREHOUSE": a.warehouse, "BACKCOURT_RAW": a.raw}
    envs = {"now": env}
    if a.before:
        envs = {"before": {**env, "PYTHONPATH": os.path.abspath(a.before)}, "now": env}
    rng = ["--start", a.start, "--end", a.end]
    wanted = set(a.only or TARGETS)
    out: dict[str, dict] = {"load_before": list(os.getloadavg()), "runs": a.runs}
    if "start-up" in wanted:
        out["start-up"] = timed("start-up", a.runs, ["--help"], envs)
    kept = Path(f"{a.warehouse}.states")   # the state passes read commands keep

    def forget() -> None:
        shutil.rmtree(kept, ignore_errors=True)

    for name in ("plan", "status", "validate"):
        if name in wanted:
            args = [name, *rng, "--json"]
            # the first command after a change computes the state pass ...
            out[name] = timed(name, a.runs, args, envs, before=forget)
            # ... a later one with nothing changed reads the pass the first one kept
            for env in envs.values():
                process(args, env)
            out[f"{name}, kept"] = timed(name, a.runs, args, envs, target=name)
    if "daily" in wanted and a.daily_date and a.daily_base:
        work = Path(tempfile.mkdtemp(prefix="bench-daily-"))
        copy = work / "daily.duckdb"

        def fresh() -> None:
            shutil.copy(a.daily_base, copy)

        denvs = {k: {**e, "BACKCOURT_WAREHOUSE": str(copy)} for k, e in envs.items()}
        out["daily"] = timed("daily", a.runs, ["daily", "--date", a.daily_date, "--json"],
                             denvs, before=fresh)
        shutil.rmtree(work, ignore_errors=True)
    out["load_after"] = list(os.getloadavg())
    print(json.dumps(out, indent=1))
    for name in [n for t in TARGETS for n in (t, f"{t}, kept")]:
        for key, r in out.get(name, {}).items():
            print(f"{name:15} {key:6} best {r['wall_best_s']:.3f}s (median "
                  f"{r['wall_median_s']:.3f}s, cpu {r['cpu_median_s']:.3f}s), target "
                  f"{r['target_s']}s: {'met' if r['met'] else 'MISSED'}; exit {r['exit_codes']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
