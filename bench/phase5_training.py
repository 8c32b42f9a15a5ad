"""Phase 5's weekly gbm training alone, over every week of a warehouse's feature store.

    .venv/bin/python bench/phase5_training.py --warehouse W.duckdb [--runs 3] [--json OUT]

The warehouse needs Phases 2–4 (the feature store and the box scores); it is opened read
only. Each run trains every (season, Monday) week the feature store touches, through the
prediction processor's own code (``PredictionLoader._train_weeks``: one read of each
season's training rows, then the weeks on one thread per core), as a backfill does.
Prints wall and CPU seconds of each run, the load average, and issue 18's target — at most
3 s wall for four seasons — met or missed (on the fastest run).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from types import SimpleNamespace

TARGET_SECONDS = 3.0   # four seasons (issue 18)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--warehouse", required=True, help="DuckDB file with Phases 2–4 done")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--json", default=None, help="also write the summary to this file")
    a = ap.parse_args()
    if not os.path.exists(a.warehouse):
        print(f"no such warehouse: {a.warehouse}", file=sys.stderr)
        return 2

    from backcourt.pipeline.phase5.predictions import PredictionLoader, monday_of
    from backcourt.warehouse import open_warehouse

    wh = open_warehouse(a.warehouse, read_only=True)
    rows = wh.query("SELECT DISTINCT season, game_date FROM nba_precompute.ml_feature_store")
    weeks = sorted({(s, monday_of(d)) for s, d in rows}, key=lambda sm: (sm[1], sm[0]))
    seasons = sorted({s for s, _ in weeks})
    loader = PredictionLoader()
    runs = []
    for k in range(max(1, a.runs)):
        t, c = time.perf_counter(), time.process_time()
        models = loader._train_weeks(SimpleNamespace(wh=wh), weeks)
        run = {"wall_seconds": round(time.perf_counter() - t, 3),
               "cpu_seconds": round(time.process_time() - c, 3),
               "load_average": round(os.getloadavg()[0], 2)}
        runs.append(run)
        print(f"run {k + 1}: {len(weeks)} weeks, {sum(m.trained for m in models.values())} "
              f"models trained: {run['wall_seconds']:.2f} s wall, {run['cpu_seconds']:.2f} s "
              f"CPU, load {run['load_average']}", flush=True)
    best = min(r["wall_seconds"] for r in runs)
    scaled = best * 4 / max(1, len(seasons))
    met = scaled <= TARGET_SECONDS
    print(f"fastest {best:.2f} s for {len(seasons)} season(s) ({scaled:.2f} s per four): "
          f"target ≤ {TARGET_SECONDS:.0f} s for four seasons {'MET' if met else 'MISSED'}")
    summary = {"seasons": seasons, "weeks": len(weeks), "runs": runs,
               "fastest_wall_seconds": best, "per_four_seasons": round(scaled, 3),
               "target_seconds": TARGET_SECONDS, "target_met": met,
               "cores": os.cpu_count()}
    if a.json:
        with open(a.json, "w") as f:
            json.dump(summary, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
