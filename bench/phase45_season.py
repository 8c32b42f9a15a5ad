"""Time and peak memory of Phases 4 and 5 over one simulated season.

    .venv/bin/python bench/phase45_season.py [--season 2023] [--workdir DIR]
    .venv/bin/python bench/phase45_season.py --warehouse W.duckdb --raw RAW [--in-place]

Without ``--warehouse`` the season is simulated into a fresh raw store and Phases 2–3 are
loaded first (not timed against the goal). With ``--warehouse`` (Phases 2–3 of a season
already loaded) the file is copied into the work folder unless ``--in-place`` is given.
Phase 4 and Phase 5 then run over the whole season, each in its own process so its peak
RSS is its own. Prints one line per step, the systems' season report, and a JSON summary.
Goal: Phase 4 + Phase 5 in under 20 s on a 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from bytecode import cache_bytecode

GOAL_SECONDS = 20.0

_CHILD = """
import json, resource, sys, time
sys.argv = {argv!r}
t = time.perf_counter()
rc = 0
try:
    from backcourt.cli import cli
    rc = cli(standalone_mode=False) or 0
except SystemExit as e:
    rc = e.code or 0
sys.stdout.flush()
sys.stderr.write("\\n@@" + json.dumps({{
    "rc": rc, "seconds": round(time.perf_counter() - t, 3),
    "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}}) + "\\n")
"""


def timed(argv: list[str]) -> dict:
    """Run the CLI with ``argv`` in a child process: wall seconds, exit code, peak RSS, and
    the per-processor seconds of its ``--json`` summary when there is one."""
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", _CHILD.format(argv=argv)],
                          capture_output=True, text=True)
    wall = round(time.perf_counter() - t0, 3)
    marks = [ln for ln in proc.stderr.splitlines() if ln.startswith("@@")]
    result = json.loads(marks[-1][2:]) if marks else {"rc": proc.returncode,
                                                      "error": proc.stderr[-2000:]}
    result["wall_seconds"] = wall
    text = proc.stdout
    if "--json" not in argv:
        return result
    begin = 0 if text.startswith("{") else text.find("\n{") + 1   # skip any preamble
    try:
        summary = json.loads(text[begin:])
    except json.JSONDecodeError:
        summary = None
        result["stdout_tail"] = text[-500:]
    if isinstance(summary, dict):
        result["ok"] = summary.get("ok")
        result["failed"] = summary.get("failed")
        result["per_processor_seconds"] = {
            name: s.get("seconds") for name, s in (summary.get("per_processor") or {}).items()}
    return result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--season", type=int, default=2023, help="start year of the season")
    ap.add_argument("--workdir", default=None)
    ap.add_argument("--warehouse", default=None, help="a warehouse with Phases 2–3 loaded")
    ap.add_argument("--raw", default=None, help="its raw store (with --warehouse)")
    ap.add_argument("--in-place", action="store_true", help="write into --warehouse itself")
    a = ap.parse_args()
    cache_bytecode()   # as an installed copy has it (see bench/bytecode.py)
    work = Path(a.workdir or tempfile.mkdtemp(prefix="bench45-"))
    work.mkdir(parents=True, exist_ok=True)
    start, end = date(a.season, 10, 1), date(a.season + 1, 6, 30)
    window = ["--start", start.isoformat(), "--end", end.isoformat()]
    out: dict = {"season": a.season, "cores": os.cpu_count()}

    if a.warehouse:
        if not a.raw:
            ap.error("--warehouse needs --raw")
        raw = Path(a.raw)
        wh = Path(a.warehouse)
        if not a.in_place:
            dest = work / "bench45.duckdb"
            shutil.copy(wh, dest)
            wh = dest
    else:
        raw, wh = work / "raw", work / "bench45.duckdb"
        if wh.exists():
            wh.unlink()
    os.environ["BACKCOURT_RAW"] = str(raw)
    os.environ["BACKCOURT_WAREHOUSE"] = str(wh)

    if not a.warehouse:
        out["simulate"] = timed(["backcourt", "scrape", *window])
        print(f"simulate season {a.season}: {out['simulate']}")
        out["phases_2_3"] = timed(["backcourt", "run", "--phase", "2", "--phase", "3",
                                   *window, "--json"])
        print(f"phases 2-3: {out['phases_2_3']}")

    out["phase_4"] = timed(["backcourt", "run", "--phase", "4", *window, "--json"])
    print(f"phase 4: {out['phase_4']}")
    out["phase_5"] = timed(["backcourt", "run", "--phase", "5", *window, "--json"])
    print(f"phase 5: {out['phase_5']}")
    total = out["phase_4"].get("seconds", 0) + out["phase_5"].get("seconds", 0)
    out["phases_4_5_seconds"] = round(total, 3)
    out["goal_seconds"] = GOAL_SECONDS
    out["within_goal"] = total < GOAL_SECONDS
    print(f"phases 4+5: {total:.2f} s (goal < {GOAL_SECONDS:.0f} s), peak RSS "
          f"{max(out['phase_4'].get('peak_rss_mb', 0), out['phase_5'].get('peak_rss_mb', 0))}"
          " MB")

    from backcourt.pipeline.phase5.report import report
    from backcourt.warehouse import open_warehouse

    w = open_warehouse(str(wh), read_only=True)
    try:
        rep = report(w, start, end)
    finally:
        w.close()
    for system, blocks in rep["systems"].items():
        for part in ("all", "second_half"):
            b = blocks.get(part) or {}
            hit = b.get("hit_rate")
            print(f"  {system:15s} {part:12s} MAE {b.get('mae')}  hit rate "
                  f"{'-' if hit is None else f'{hit:.3f}'} on {b.get('graded_picks')} graded "
                  f"picks ({b.get('picks')} picks, {b.get('played')} played)")
    out["report"] = rep
    out["warehouse"] = str(wh)
    print(json.dumps(out, default=str))


if __name__ == "__main__":
    main()
