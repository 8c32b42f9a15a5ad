"""Time `validate` over several simulated seasons and every processor.

    .venv/bin/python bench/validate_seasons.py [--seasons 2021 2022 2023 2024] [--workdir DIR]

Uses the warehouse of bench/plan_seasons.py (same work dir; built with `backcourt backfill
--phases 1-5` when missing or not current), then: `validate` over the whole range in process
(3 runs, raw listings re-read each time), `validate --reconcile` in process, and as whole
processes `backcourt validate --strict --json` over the range and over one full season
(the last one). Prints the numbers, findings by severity and exit codes.
"""

from __future__ import annotations

import json
import os
import time

from seasons_warehouse import cli, prepare


def main() -> None:
    a = prepare(__doc__.split("\n")[0])
    start, end, rng = a.start, a.end, a.range_args

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
