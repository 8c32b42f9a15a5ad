"""Time `plan` over several simulated seasons and all processors.

    .venv/bin/python bench/plan_seasons.py [--seasons 2021 2022 2023 2024] [--workdir DIR]

Builds the warehouse once (simulate + backfill Phases 1-5 for every season; reused when the
work dir already holds it), then plans the whole range over every processor: in-process
(3 runs, after one warm-up) with everything done, then with everything stale (every Phase 2
processor's declaration changed, as after a code change: all Phase 2 partitions are stale and
everything downstream reads them), and as a whole `backcourt plan` process. Prints the
numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seasons", type=int, nargs="+", default=[2021, 2022, 2023, 2024])
    ap.add_argument("--workdir", default=None)
    ap.add_argument("--runs", type=int, default=3, help="timed runs of each in-process case")
    a = ap.parse_args()
    work = Path(a.workdir or tempfile.mkdtemp(prefix="bench-plan-"))
    work.mkdir(parents=True, exist_ok=True)
    os.environ["BACKCOURT_WAREHOUSE"] = str(work / "plan.duckdb")
    os.environ["BACKCOURT_RAW"] = str(work / "raw")
    start, end = date(min(a.seasons), 10, 1), date(max(a.seasons) + 1, 6, 30)
    rng = ["--start", start.isoformat(), "--end", end.isoformat()]
    t0 = time.perf_counter()
    build = subprocess.run([sys.executable, "-m", "backcourt.cli", "backfill", *rng,
                            "--phases", "1-5", "--json"], capture_output=True, text=True)
    built = time.perf_counter() - t0
    summary = json.loads(build.stdout) if build.stdout.strip() else {}
    print(f"build: rc {build.returncode}, {built:.1f}s, "
          f"{summary.get('succeeded', 0)} partitions run")

    import dataclasses

    from backcourt import app as lib
    from backcourt.config import load_settings
    from backcourt.planner import make_plan
    from backcourt.registry import Registry

    ctx = lib.open_context(load_settings(), command="bench plan")
    procs = ctx.registry.order()

    def timed() -> tuple[list[float], object]:
        make_plan(ctx, procs, start, end)
        runs = []
        for _ in range(a.runs):
            t = time.perf_counter()
            plan = make_plan(ctx, procs, start, end)
            runs.append(time.perf_counter() - t)
        return runs, plan

    runs, plan = timed()
    done = ctx.registry
    ctx.pipeline.registry = Registry(tuple(
        dataclasses.replace(p, description=p.description + " (changed)") if p.phase == 2
        else p for p in done.processors))
    procs = ctx.registry.order()
    stale_runs, stale_plan = timed()
    ctx.pipeline.registry = done
    ctx.wh.close()
    lib.release_locks()
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "backcourt.cli", "plan", *rng, "--json"],
                          capture_output=True, text=True)
    whole = time.perf_counter() - t
    result = {"seasons": a.seasons, "partitions": len(plan.cells), "to_run": plan.to_run,
              "plan_in_process_s": [round(x, 3) for x in runs],
              "stale_to_run": stale_plan.to_run,
              "plan_stale_in_process_s": [round(x, 3) for x in stale_runs],
              "plan_process_s": round(whole, 3), "plan_rc": proc.returncode,
              "cores": os.cpu_count()}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
