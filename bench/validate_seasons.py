"""Time `validate` over several simulated seasons and every processor.

    .venv/bin/python bench/validate_seasons.py [--seasons 2021 2022 2023 2024] [--workdir DIR]

Uses the warehouse of bench/plan_seasons.py (same work dir; built with `backcourt backfill
--phases 1-5` when missing or not current), then: `validate` over the whole range in process
(3 runs, raw listings re-read each time), `validate --reconcile` in process, and as whole
processes `backcourt validate --strict --json` over the range and over one full season
(the last one). Prints the numbers, findings by severity and exit codes.
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


def cli(*args: str) -> tuple[int, dict, float]:
    t = time.perf_counter()
    p = subprocess.run([sys.executable, "-m", "backcourt.cli", *args], capture_output=True,
                       text=True)
    seconds = time.perf_counter() - t
    body = json.loads(p.stdout) if p.stdout.strip().startswith("{") else {}
    return p.returncode, body, seconds


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
    rc, built, seconds = cli("backfill", *rng, "--phases", "1-5", "--json")
    print(f"build: rc {rc}, {seconds:.1f}s, {built.get('succeeded', 0)} partitions run")

    from backcourt import app as lib
    from backcourt.config import load_settings
    from backcourt.validation import validate

    ctx = lib.open_context(load_settings(), command="bench validate")
    procs = ctx.registry.order()
    runs = []
    for _ in range(a.runs):
        ctx.store.refresh()
        t = time.perf_counter()
        v = validate(ctx, procs, start, end)
        runs.append(time.perf_counter() - t)
    ctx.store.refresh()
    t = time.perf_counter()
    rv = validate(ctx, procs, start, end, with_reconcile=True)
    reconcile_s = time.perf_counter() - t
    ctx.wh.close()
    lib.release_locks()
    rc_all, body_all, whole = cli("validate", *rng, "--strict", "--json")
    last = max(a.seasons)
    rc_one, body_one, one = cli("validate", "--start", f"{last}-10-01", "--end",
                                f"{last + 1}-06-30", "--strict", "--json")
    result = {
        "seasons": a.seasons, "cores": os.cpu_count(),
        "validate_in_process_s": [round(x, 3) for x in runs],
        "findings": len(v.findings), "exit_strict": v.exit_code(strict=True),
        "validate_reconcile_s": round(reconcile_s, 3),
        "reconcile_unaccounted": sum(r.expected - r.rows - r.explained
                                     for r in rv.reconciliation),
        "reconciled_processors": len(rv.reconciliation),
        "validate_strict_process_s": round(whole, 3), "validate_strict_rc": rc_all,
        "validate_strict_by_severity": body_all.get("by_severity"),
        f"season_{last}_strict_process_s": round(one, 3),
        f"season_{last}_strict_rc": rc_one,
        f"season_{last}_findings": len(body_one.get("findings", [])),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
