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

import json
import os
import time

from seasons_warehouse import cli, prepare


def main() -> None:
    a = prepare(__doc__.split("\n")[0])
    start, end, rng = a.start, a.end, a.range_args

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
    plan_rc, _, whole = cli("plan", *rng, "--json")
    result = {"seasons": a.seasons, "partitions": len(plan.cells), "to_run": plan.to_run,
              "plan_in_process_s": [round(x, 3) for x in runs],
              "stale_to_run": stale_plan.to_run,
              "plan_stale_in_process_s": [round(x, 3) for x in stale_runs],
              "plan_process_s": round(whole, 3), "plan_rc": plan_rc,
              "cores": os.cpu_count()}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
