"""The multi-season warehouse that bench/plan_seasons.py and bench/validate_seasons.py share.

Parses their common options, points BACKCOURT_WAREHOUSE / BACKCOURT_RAW at the work dir,
and brings the warehouse up to date with `backcourt backfill --phases 1-5` (quick when the
work dir already holds it).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path


def cli(*args: str) -> tuple[int, dict, float]:
    """Run `backcourt ARGS` as a process: exit code, its JSON output, wall seconds."""
    t = time.perf_counter()
    p = subprocess.run([sys.executable, "-m", "backcourt.cli", *args], capture_output=True,
                       text=True)
    seconds = time.perf_counter() - t
    body = json.loads(p.stdout) if p.stdout.strip().startswith("{") else {}
    return p.returncode, body, seconds


@dataclass
class Seasons:
    seasons: list[int]
    runs: int
    work: Path
    start: date
    end: date

    @property
    def range_args(self) -> list[str]:
        return ["--start", self.start.isoformat(), "--end", self.end.isoformat()]


def prepare(description: str) -> Seasons:
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--seasons", type=int, nargs="+", default=[2021, 2022, 2023, 2024])
    ap.add_argument("--workdir", default=None)
    ap.add_argument("--runs", type=int, default=3, help="timed runs of each in-process case")
    a = ap.parse_args()
    work = Path(a.workdir or tempfile.mkdtemp(prefix="bench-plan-"))
    work.mkdir(parents=True, exist_ok=True)
    os.environ["BACKCOURT_WAREHOUSE"] = str(work / "plan.duckdb")
    os.environ["BACKCOURT_RAW"] = str(work / "raw")
    s = Seasons(a.seasons, a.runs, work, date(min(a.seasons), 10, 1),
                date(max(a.seasons) + 1, 6, 30))
    rc, built, seconds = cli("backfill", *s.range_args, "--phases", "1-5", "--json")
    print(f"build: rc {rc}, {seconds:.1f}s, {built.get('succeeded', 0)} partitions run")
    return s
