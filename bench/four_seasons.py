"""Several simulated seasons, end to end: simulate, backfill phase by phase, the whole
backfill, plan, validate, a daily run, and the same processors run date by date.

    .venv/bin/python bench/four_seasons.py [--seasons 4] [--first-season 2021]
                                           [--sample-dates 20] [--workdir DIR] [--json OUT]

The one-season bench is the same script with ``--seasons 1`` (its own target for Phases
2–5, and the same date-by-date comparison against the range).

Everything runs on a fresh work folder (a temporary one unless ``--workdir``). Each step is
its own child process, so its wall time includes Python start-up and its peak RSS is its
own: ``main`` is the process itself, ``workers`` the largest of the processes it forked
(parsing raw files, simulating seasons), ``sum`` their sum (an upper bound of the step's
memory: a worker's RSS counts the pages it shares with the process that forked it), and
``tree PSS`` the largest sum of the whole process tree's proportional set sizes sampled
every 0.1 s (``tree_memory.py``), which counts a shared page once: the memory target is
judged on it.

1. simulate the seasons (regular season, play-in, playoffs) into the raw store, in
   ``os.cpu_count()`` forked workers;
2. ``backcourt backfill --phases N`` for N = 2, 3, 4, 5 in turn on warehouse A;
3. ``backcourt backfill --phases 2-5`` on a fresh warehouse B (raw files already in store);
4. ``backcourt plan`` and ``backcourt validate`` over the whole range on B;
5. ``backcourt daily`` for the season's last game date, which the backfills leave out
   (the range of steps 2–4 ends the day before it);
6. date by date, the old way: one in-process ``run_processors`` call (Phases 2–5) per date
   for ``--sample-dates`` dates spread evenly over the range, on a copy of B; the mean per
   date times the range's game dates estimates a date-by-date backfill (extrapolated, not
   measured), which is compared with step 3.

Prints a table, the targets met or missed, and a JSON summary.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from bytecode import cache_bytecode
from tree_memory import TreePeak

TARGETS = {  # step -> seconds
    "simulate": 60.0,
    "backfill 2-5": 60.0,
    "plan": 1.0,
    "validate": 2.0,
    "daily": 3.0,
}
# Phases 2–5 of the whole backfill, by the number of seasons (issue 18, round 3)
BACKFILL_TARGETS = {1: 5.0, 4: 15.0}
TARGET_MEMORY_GIB = 1.0
TARGET_RATIO = 20.0

_CHILD = """
import json, resource, sys, time
t = time.perf_counter()
rc = 0
try:
{body}
except SystemExit as e:
    rc = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
sys.stdout.flush()
me = resource.getrusage(resource.RUSAGE_SELF)
kids = resource.getrusage(resource.RUSAGE_CHILDREN)
sys.stderr.write("\\n@@" + json.dumps({{
    "rc": rc, "seconds": round(time.perf_counter() - t, 3),
    "cpu_seconds": round(me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime, 2),
    "main_rss_mb": round(me.ru_maxrss / 1024, 1),
    "workers_rss_mb": round(kids.ru_maxrss / 1024, 1)}}) + "\\n")
"""

_CLI = """    sys.argv = {argv!r}
    from backcourt.cli import cli
    rc = cli(standalone_mode=False) or 0
"""

_SIMULATE = """    from datetime import date
    from backcourt.rawstore import RawStore
    from backcourt.sources.sim import scrape
    import os
    r = scrape(RawStore({raw!r}), date.fromisoformat({start!r}), date.fromisoformat({end!r}),
               seed=0, workers=os.cpu_count() or 1)
    print(json.dumps({{"dates": [d.isoformat() for d in r.dates], "files": r.files,
                      "bytes": r.bytes}}))
"""

_DATE_BY_DATE = """    from datetime import date
    from backcourt import app as lib
    from backcourt.config import load_settings
    from backcourt.executor.runner import run_processors
    ctx = lib.open_context(load_settings(), command="bench date by date")
    procs = lib.select(ctx, [2, 3, 4, 5])
    per_date = []
    for d in {days!r}:
        day = date.fromisoformat(d)
        run_id = ctx.ledger.start_run("bench date by date", ctx.mode.name, day, day,
                                      [p.name for p in procs])
        t1 = time.perf_counter()
        s = run_processors(ctx, procs, day, day, run_id)
        per_date.append(time.perf_counter() - t1)
        ctx.ledger.finish_run(run_id, "succeeded" if s.ok else "failed", s.as_dict())
        if not s.ok:
            rc = 1
    print(json.dumps({{"per_date_seconds": [round(x, 3) for x in per_date]}}))
"""


_PLAN_IN_PROCESS = """    from datetime import date
    from backcourt import app as lib
    from backcourt.config import load_settings
    from backcourt.planner import make_plan
    t1 = time.perf_counter()   # after the imports: what planning itself costs
    ctx = lib.open_context(load_settings(), command="bench plan")
    plan = make_plan(ctx, ctx.registry.order(), date.fromisoformat({start!r}),
                     date.fromisoformat({end!r}))
    print(json.dumps({{"seconds": round(time.perf_counter() - t1, 3),
                      "cells": len(plan.cells), "to_run": plan.to_run}}))
"""


def child(body: str) -> dict:
    """Run ``body`` (indented Python) in a child process: wall seconds, exit code, CPU
    seconds, peak RSS of the child and of its largest worker, and its stdout."""
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", _CHILD.format(body=body)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with TreePeak(proc.pid) as peak:
        stdout, stderr = proc.communicate()
    wall = time.perf_counter() - t0
    proc = subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)
    marks = [ln for ln in proc.stderr.splitlines() if ln.startswith("@@")]
    out = json.loads(marks[-1][2:]) if marks else {"rc": proc.returncode,
                                                  "error": proc.stderr[-3000:]}
    out["wall_seconds"] = round(wall, 3)
    out["tree_pss_peak_mb"] = round(peak.mib, 1)
    out["stdout"] = proc.stdout
    if out.get("rc"):
        out["stderr_tail"] = proc.stderr[-1500:]
    return out


def cli(*argv: str) -> dict:
    return child(_CLI.format(argv=["backcourt", *argv]))


def json_out(step: dict) -> dict:
    """The JSON document a step printed on stdout (after any preamble), or {}."""
    text = step.pop("stdout", "")
    begin = 0 if text.startswith("{") else text.find("\n{") + 1
    try:
        doc = json.loads(text[begin:])
    except json.JSONDecodeError:
        return {}
    return doc if isinstance(doc, dict) else {}


def median_of(n: int, step) -> dict:
    """Run a short step ``n`` times: the run with the median wall time, with every run's
    wall time (``walls``) and its JSON output (``json``)."""
    runs = []
    for _ in range(max(1, n)):
        r = step()
        doc = json_out(r)   # kept small: a plan's JSON names every cell
        r["json"] = {k: v for k, v in doc.items()
                     if not isinstance(v, list | dict) or len(v) < 50}
        runs.append(r)
    runs.sort(key=lambda r: r["wall_seconds"])
    mid = runs[len(runs) // 2]
    mid["walls"] = [r["wall_seconds"] for r in runs]
    mid["rc"] = max((r.get("rc") or 0) for r in runs)
    return mid


def machine() -> dict:
    import duckdb

    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {"cores": os.cpu_count(), "memory_gib": round(mem, 1),
            "python": platform.python_version(), "duckdb": duckdb.__version__,
            "platform": platform.platform(), "load_average": os.getloadavg(),
            "date": date.today().isoformat()}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seasons", type=int, default=4, help="how many seasons (default 4)")
    ap.add_argument("--first-season", type=int, default=2021, help="start year of the first")
    ap.add_argument("--sample-dates", type=int, default=20,
                    help="dates run one by one for the date-by-date estimate (0: skip)")
    ap.add_argument("--repeat", type=int, default=3,
                    help="runs of plan, validate and daily (the median is reported)")
    ap.add_argument("--workdir", default=None, help="default: a new temporary folder")
    ap.add_argument("--json", default=None, help="also write the summary to this file")
    a = ap.parse_args()
    cache_bytecode()   # as an installed copy has it (see bench/bytecode.py)
    if a.seasons in BACKFILL_TARGETS:
        TARGETS["backfill 2-5"] = BACKFILL_TARGETS[a.seasons]

    work = Path(a.workdir or tempfile.mkdtemp(prefix="bench-seasons-"))
    work.mkdir(parents=True, exist_ok=True)
    raw, wh_a, wh_b = work / "raw", work / "by_phase.duckdb", work / "whole.duckdb"
    for p in (wh_a, wh_b, work / "by_date.duckdb"):
        for f in (p, Path(f"{p}.wal")):
            f.unlink(missing_ok=True)
    if raw.exists():
        shutil.rmtree(raw)
    os.environ["BACKCOURT_RAW"] = str(raw)
    first, last = a.first_season, a.first_season + a.seasons - 1
    sim_start, sim_end = date(first, 10, 1), date(last + 1, 6, 30)
    steps: dict[str, dict] = {}
    info = {"machine": machine(), "seasons": f"{first}-{(first + 1) % 100:02d} to "
            f"{last}-{(last + 1) % 100:02d}", "workdir": str(work)}
    print(f"work folder {work}; {info['machine']}")

    # 1. simulate
    sim = child(_SIMULATE.format(raw=str(raw), start=sim_start.isoformat(),
                                 end=sim_end.isoformat()))
    made = json_out(sim)
    steps["simulate"] = sim
    game_dates = [date.fromisoformat(d) for d in made.get("dates", [])]
    if not game_dates:
        print(f"simulation failed: {sim}")
        return 1
    info["game_dates"] = len(game_dates)
    info["files"] = made.get("files")
    info["raw_mib"] = round(made.get("bytes", 0) / 2**20, 1)
    daily_day = game_dates[-1]
    start, end = sim_start, daily_day - timedelta(days=1)
    rng = ("--start", start.isoformat(), "--end", end.isoformat())
    info["range"] = f"{start} .. {end}"
    info["daily_date"] = daily_day.isoformat()
    print(f"simulated {len(game_dates)} game dates, {made.get('files')} files: "
          f"{sim['wall_seconds']:.1f}s")

    # 2. backfill phase by phase (warehouse A)
    os.environ["BACKCOURT_WAREHOUSE"] = str(wh_a)
    for phase in (2, 3, 4, 5):
        s = cli("backfill", *rng, "--phases", str(phase), "--json")
        summary = json_out(s)
        s["partitions"] = summary.get("succeeded")
        s["failed"] = summary.get("failed")
        s["run_seconds"] = summary.get("seconds")
        steps[f"backfill {phase}"] = s
        print(f"backfill phase {phase}: {s['wall_seconds']:.1f}s")

    # 3. the whole backfill (warehouse B)
    os.environ["BACKCOURT_WAREHOUSE"] = str(wh_b)
    s = cli("backfill", *rng, "--phases", "2-5", "--json")
    summary = json_out(s)
    s.update(partitions=summary.get("succeeded"), skipped=summary.get("skipped"),
             failed=summary.get("failed"), rows=summary.get("rows"),
             run_seconds=summary.get("seconds"))
    per_phase: dict[int, float] = {}
    from backcourt.pipeline.catalog import REGISTRY

    phase_of = {p.name: p.phase for p in REGISTRY.order()}
    for name, st in (summary.get("per_processor") or {}).items():
        ph = phase_of.get(name, 0)
        per_phase[ph] = round(per_phase.get(ph, 0.0) + (st.get("seconds") or 0.0), 2)
    s["per_phase_seconds"] = per_phase
    steps["backfill 2-5"] = s
    print(f"backfill phases 2-5: {s['wall_seconds']:.1f}s ({per_phase})")

    # 4. plan and validate over the whole range (each a few times: they take about a second)
    steps["plan"] = median_of(a.repeat, lambda: cli("plan", *rng, "--json"))
    steps["plan (in process)"] = median_of(a.repeat, lambda: child(_PLAN_IN_PROCESS.format(
        start=start.isoformat(), end=end.isoformat())))
    steps["validate"] = median_of(a.repeat, lambda: cli("validate", *rng, "--json"))

    # 6 (before 5, so that B is still exactly the backfilled range): date by date
    by_date: dict = {}
    if a.sample_dates > 0:
        in_range = [d for d in game_dates if d <= end]
        k = min(a.sample_dates, len(in_range))
        sample = [in_range[round(i * (len(in_range) - 1) / max(1, k - 1))] for i in range(k)]
        copy = work / "by_date.duckdb"
        shutil.copy(wh_b, copy)
        if Path(f"{wh_b}.wal").exists():
            shutil.copy(f"{wh_b}.wal", f"{copy}.wal")
        os.environ["BACKCOURT_WAREHOUSE"] = str(copy)
        s = child(_DATE_BY_DATE.format(days=[d.isoformat() for d in sample]))
        per = json_out(s).get("per_date_seconds", [])
        os.environ["BACKCOURT_WAREHOUSE"] = str(wh_b)
        if per:
            mean = sum(per) / len(per)
            by_date = {"sample_dates": len(per), "mean_seconds_per_date": round(mean, 3),
                       "min": min(per), "max": max(per),
                       "range_game_dates": len(in_range),
                       "extrapolated_seconds": round(mean * len(in_range), 1),
                       "ratio": round(mean * len(in_range) /
                                      steps["backfill 2-5"]["wall_seconds"], 1)}
        s["by_date"] = by_date
        steps["date by date (sample)"] = s

    # 5. daily for the next game date, each time on a fresh copy of B
    def daily_on_copy() -> dict:
        copy = work / "daily.duckdb"
        shutil.copy(wh_b, copy)
        os.environ["BACKCOURT_WAREHOUSE"] = str(copy)
        try:
            return cli("daily", "--date", daily_day.isoformat(), "--json")
        finally:
            os.environ["BACKCOURT_WAREHOUSE"] = str(wh_b)

    s = median_of(a.repeat, daily_on_copy)
    summary = s.pop("json", {})
    s.update(partitions=summary.get("succeeded"), failed=summary.get("failed"),
             run_seconds=summary.get("seconds"))
    steps["daily"] = s

    report(info, steps, by_date, rng)
    if a.json:
        Path(a.json).write_text(json.dumps({"info": info, "steps": steps}, indent=2,
                                           default=str))
    return 0 if all(not s.get("rc") for s in steps.values()) else 1


def report(info: dict, steps: dict[str, dict], by_date: dict, rng: tuple[str, ...]) -> None:
    commands = {
        "simulate": "sources.sim.scrape(..., workers=os.cpu_count())",
        "backfill 2": "backcourt backfill {rng} --phases 2",
        "backfill 3": "backcourt backfill {rng} --phases 3",
        "backfill 4": "backcourt backfill {rng} --phases 4",
        "backfill 5": "backcourt backfill {rng} --phases 5",
        "backfill 2-5": "backcourt backfill {rng} --phases 2-5",
        "plan": "backcourt plan {rng}",
        "plan (in process)": "open_context + make_plan(every processor, {rng}) after imports",
        "validate": "backcourt validate {rng}",
        "daily": f"backcourt daily --date {info['daily_date']}",
        "date by date (sample)": "run_processors(phases 2-5, d, d) per sampled date",
    }
    r = " ".join(rng)
    print()
    print(f"{info['seasons']}: {info['game_dates']} game dates, {info['files']} raw files "
          f"({info['raw_mib']} MiB); range {info['range']}, daily {info['daily_date']}")
    m = info["machine"]
    print(f"machine: {m['cores']} cores, {m['memory_gib']} GiB, Python {m['python']}, "
          f"DuckDB {m['duckdb']}, load average at start {m['load_average'][0]:.2f}")
    print()
    header = (f"{'step':24s} {'wall s':>8s} {'run s':>7s} {'cpu s':>7s} {'main MiB':>9s} "
              f"{'workers MiB':>12s} {'sum MiB':>8s} {'tree PSS':>9s}  rc")
    print(header)
    print("-" * len(header))
    for name, s in steps.items():
        main_rss, kids = s.get("main_rss_mb", 0.0), s.get("workers_rss_mb", 0.0)
        run = s.get("run_seconds")
        print(f"{name:24s} {s.get('wall_seconds', 0):8.2f} "
              f"{'' if run is None else f'{run:7.2f}':>7s} {s.get('cpu_seconds', 0):7.1f} "
              f"{main_rss:9.0f} {kids:12.0f} {main_rss + kids:8.0f} "
              f"{s.get('tree_pss_peak_mb', 0):9.0f}  {s.get('rc')}")
    print()
    for name in steps:
        print(f"  {name}: {commands.get(name, '').format(rng=r)}")
    for name, st in steps.items():
        if st.get("walls"):
            inside = st.get("json", {}).get("seconds")
            print(f"  {name}: wall of each run {st['walls']}"
                  + (f"; planning inside the process {inside} s" if name.startswith("plan (")
                     else ""))
    whole = steps["backfill 2-5"]
    if whole.get("per_phase_seconds"):
        print(f"  backfill 2-5 per phase (processor seconds inside the run): "
              f"{whole['per_phase_seconds']}")
    if by_date:
        print(f"  date by date: {by_date['sample_dates']} dates spread over the range, "
              f"mean {by_date['mean_seconds_per_date']:.2f} s/date (min {by_date['min']:.2f}, "
              f"max {by_date['max']:.2f}); x {by_date['range_game_dates']} game dates = "
              f"{by_date['extrapolated_seconds']:.0f} s extrapolated vs "
              f"{whole['wall_seconds']:.1f} s for the range: {by_date['ratio']:.1f}x")
    print()
    print("targets (wall time of the whole process, median where repeated):")
    for name, limit in TARGETS.items():
        s = steps.get(name)
        if s is None:
            continue
        ok = s.get("wall_seconds", 1e9) < limit and not s.get("rc")
        print(f"  {name:14s} < {limit:4.0f} s: {'met' if ok else 'MISSED'} "
              f"({s.get('wall_seconds', 0):.2f} s{', rc ' + str(s['rc']) if s.get('rc') else ''})")
    inside = steps.get("plan (in process)", {}).get("json", {}).get("seconds")
    if inside is not None:
        print(f"  plan without Python start-up < {TARGETS['plan']:.0f} s: "
              f"{'met' if inside < TARGETS['plan'] else 'MISSED'} ({inside:.2f} s)")
    peak = whole.get("tree_pss_peak_mb", 0) / 1024
    rss = (whole.get("main_rss_mb", 0) + whole.get("workers_rss_mb", 0)) / 1024
    print(f"  backfill 2-5 memory < {TARGET_MEMORY_GIB:.0f} GiB: "
          f"{'met' if peak < TARGET_MEMORY_GIB else 'MISSED'} ({peak:.2f} GiB: the largest "
          f"sum of the process tree's PSS sampled; adding up peak RSS of main + largest "
          f"worker, which counts pages they share twice: {rss:.2f} GiB)")
    if by_date:
        print(f"  range vs date by date >= {TARGET_RATIO:.0f}x: "
              f"{'met' if by_date['ratio'] >= TARGET_RATIO else 'MISSED'} "
              f"({by_date['ratio']:.1f}x, extrapolated from a sample)")


if __name__ == "__main__":
    sys.exit(main())
