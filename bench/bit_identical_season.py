"""Two from-scratch backfills of one simulated season (Phases 2–5) hold bit-identical
tables: every column of every pipeline table, compared exactly.

    .venv/bin/python bench/bit_identical_season.py [--season 2023] [--workdir DIR]

At season scale DuckDB splits aggregates across threads (a four-week test does not reach
that size by itself), so this is where an order-dependent float sum would show. Prints the
tables that differ (none, when the results are bit-identical) and the time of each run.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from backcourt import app as lib  # noqa: E402
from backcourt.config import Settings  # noqa: E402
from tests.pipeline.test_bit_identical import compare_warehouses  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--season", type=int, default=2023)
    ap.add_argument("--workdir", default=None)
    args = ap.parse_args()
    work = Path(args.workdir or tempfile.mkdtemp(prefix="bits-"))
    raw = str(work / "raw")
    start, end = date(args.season, 10, 1), date(args.season + 1, 6, 30)
    from backcourt.rawstore import RawStore
    from backcourt.sources import sim

    t = time.perf_counter()
    sim.scrape(RawStore(raw), start, end, seed=0)
    print(f"simulated {args.season}-{(args.season + 1) % 100:02d} in "
          f"{time.perf_counter() - t:.1f}s")
    paths = []
    for name in ("first.duckdb", "second.duckdb"):
        ctx = lib.open_context(Settings(warehouse=str(work / name), raw=raw))
        t = time.perf_counter()
        _, summary = lib.backfill(ctx, lib.select(ctx, [2, 3, 4, 5]), start, end, "bits")
        print(f"{name}: {summary.succeeded} partitions done, {summary.failed} failed "
              f"in {time.perf_counter() - t:.1f}s "
              f"(threads {ctx.wh.query('SELECT current_setting(' + repr('threads') + ')')[0][0]})")
        ctx.wh.close()
        lib.release_locks()
        paths.append(str(work / name))
    differ = compare_warehouses(*paths)
    print("tables that differ (rows in one and not the other):", differ or "none")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
