"""Time and peak memory of Phases 2–3 over one simulated season (regular season + playoffs).

    .venv/bin/python bench/phase23_season.py [--season 2023] [--workdir DIR]

Each step runs in its own process so its peak RSS is its own: simulate the season into a
raw store, then `backcourt run --phase 2 --phase 3` over the whole season on a fresh DuckDB
file. Prints one line per step and a JSON summary.
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

from bytecode import cache_bytecode


def step(args: list[str]) -> dict:
    """Run ``args`` in a child process; return wall seconds, exit code and child peak RSS."""
    code = (
        "import resource, runpy, sys, json, time\n"
        "sys.argv = " + repr(args) + "\n"
        "t = time.perf_counter()\n"
        "rc = 0\n"
        "try:\n"
        "    from backcourt.cli import cli\n"
        "    rc = cli(standalone_mode=False) or 0\n"
        "except SystemExit as e:\n"
        "    rc = e.code or 0\n"
        "sys.stderr.write(json.dumps({'rc': rc, 'seconds': time.perf_counter() - t,\n"
        "    'peak_rss_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}) + '\\n')\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    last = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "{}"
    try:
        result = json.loads(last)
    except json.JSONDecodeError:
        result = {"rc": proc.returncode, "error": proc.stderr[-2000:]}
    return result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--season", type=int, default=2023, help="start year of the season")
    ap.add_argument("--workdir", default=None)
    a = ap.parse_args()
    cache_bytecode()   # as an installed copy has it (see bench/bytecode.py)
    work = Path(a.workdir or tempfile.mkdtemp(prefix="bench23-"))
    raw, wh = work / "raw", work / "bench.duckdb"
    if wh.exists():
        wh.unlink()
    start, end = date(a.season, 10, 1), date(a.season + 1, 6, 30)
    env_args = ["--start", start.isoformat(), "--end", end.isoformat()]
    os.environ["BACKCOURT_RAW"] = str(raw)
    os.environ["BACKCOURT_WAREHOUSE"] = str(wh)
    t0 = time.perf_counter()
    sim = step(["backcourt", "scrape", *env_args])
    print(f"simulate season {a.season}-{(a.season + 1) % 100:02d}: {sim}")
    p23 = step(["backcourt", "run", "--phase", "2", "--phase", "3", *env_args])
    print(f"phases 2-3 over the season: {p23}")
    print(json.dumps({"season": a.season, "simulate": sim, "phases_2_3": p23,
                      "total_seconds": round(time.perf_counter() - t0, 2),
                      "cores": os.cpu_count(),
                      "memory_gb": round(os.sysconf("SC_PAGE_SIZE") *
                                         os.sysconf("SC_PHYS_PAGES") / 2**30, 1)}))


if __name__ == "__main__":
    main()
