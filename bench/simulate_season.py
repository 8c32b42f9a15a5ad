"""Simulate one full season (regular season, play-in, playoffs) and write every raw file.

    python bench/simulate_season.py --season 2023 --seed 0 [--out DIR]

Prints the wall time (and how it splits between simulating and serialising + writing), the
game dates, games, files and bytes written, and the peak resident memory.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time

from backcourt.rawstore import RawStore
from backcourt.sources.sim import scrape
from backcourt.sources.sim.calendar import opening_day, season_last_possible_day
from backcourt.sources.sim.season import simulate_season


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Simulate and write one full NBA season.")
    ap.add_argument("--season", type=int, default=2023, help="start year of the season")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default=None, help="raw store root (default: a temporary folder)")
    ap.add_argument("--workers", type=int, default=1,
                    help="processes that serialise and write dates (default 1)")
    args = ap.parse_args(argv)
    out = args.out or tempfile.mkdtemp(prefix="backcourt-sim-")
    store = RawStore(out)
    t0 = time.perf_counter()
    sim = simulate_season(args.season, args.seed)
    t1 = time.perf_counter()
    result = scrape(store, opening_day(args.season), season_last_possible_day(args.season),
                    seed=args.seed, workers=args.workers)
    t2 = time.perf_counter()
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    peak_child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    kinds = {"2": 0, "5": 0, "4": 0}
    for g in sim.games:
        kinds[g.game_id[2]] += 1
    print(f"season       {args.season}-{(args.season + 1) % 100:02d} (seed {args.seed}, "
          f"{args.workers} worker{'s' if args.workers > 1 else ''})")
    print(f"output       {out}")
    print(f"wall time    {t2 - t0:.2f} s  (simulate {t1 - t0:.2f} s, "
          f"serialise + write {t2 - t1:.2f} s)")
    print(f"game dates   {len(result.dates)}  ({result.dates[0]} .. {result.dates[-1]})")
    print(f"games        {len(sim.games)}  (regular {kinds['2']}, play-in {kinds['5']}, "
          f"playoffs {kinds['4']})")
    print(f"files        {result.files}")
    print(f"bytes        {result.bytes:,}  ({result.bytes / 2**20:.1f} MiB)")
    workers_rss = f" (largest worker {peak_child_kb / 1024:.0f} MiB)" if args.workers > 1 else ""
    print(f"peak RSS     {peak_kb / 1024:.0f} MiB{workers_rss}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
