"""backcourt against dbt microbatch on the same SQL, as whole processes (issue 18, target 4).

    .venv/bin/python bench/dbt_peer.py [--season 2023] [--runs 5] [--workdir DIR]
    .venv/bin/python bench/dbt_peer.py --warehouse W.duckdb --raw RAW [--dbt PATH]

The peer is dbt-core 1.11 with dbt-duckdb, each model ``incremental`` with
``incremental_strategy='microbatch'``, ``event_time='game_date'``, ``batch_size='day'``. Its
models are generated into the work folder from backcourt's own registry: the processor's SQL
template, its ``{start}``/``{end}`` turned into the batch's bounds and its input tables into
``source()`` calls; an entity processor's explained failures are left out as backcourt's
runner leaves them out. Nothing of the SQL is copied here.

Without ``--warehouse`` one season is simulated and Phases 2–3 are loaded (not timed). The
warehouse is copied twice: backcourt runs on one copy, dbt on the other. After one untimed
run of each, the outputs are checked equal (EXCEPT ALL both ways) over the range; then each
processor is timed as whole processes, backcourt and dbt back to back, ``--runs`` times.
Prints min and median wall seconds, the children's CPU seconds, the ratio dbt / backcourt and
whether the target (at least 60x on both) is met.

dbt lives in its own virtualenv (the ``peer`` extra of pyproject.toml): ``--dbt`` names its
executable; without it the venv ``.venv-dbt`` beside pyproject.toml is used, and made with
the extra's requirements when it does not exist.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from datetime import date, timedelta
from pathlib import Path

import duckdb
from bytecode import cache_bytecode

from backcourt.pipeline.catalog import REGISTRY
from backcourt.registry import Processor
from backcourt.registry.templating import ABSENT, dates_subquery

TARGET_RATIO = 60.0
ROOT = Path(__file__).resolve().parent.parent
PROCESSORS = ("team_offense_game_summary", "team_defense_zone_analysis")
# the batch's first and last day, from dbt's per-batch context ([start, end) timestamps)
BATCH_START = "CAST(LEFT('{{ model.batch.event_time_start }}', 10) AS DATE)"
BATCH_END = "(CAST(LEFT('{{ model.batch.event_time_end }}', 10) AS DATE) - 1)"
EXPLAINED = ("failure_category", "failure_reason")


# -- the dbt side --------------------------------------------------------------------------
def dbt_executable(given: str | None) -> Path:
    """The dbt to run: ``given``, or the repo's .venv-dbt, made from the ``peer`` extra."""
    if given:
        return Path(given)
    venv = ROOT / ".venv-dbt"
    exe = venv / "bin" / "dbt"
    if not exe.exists():
        extra = tomllib.loads((ROOT / "pyproject.toml").read_text())
        reqs = extra["project"]["optional-dependencies"]["peer"]
        print(f"making {venv} with {', '.join(reqs)}")
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", *reqs], check=True)
    return exe


def model_sql(p: Processor, begin: date) -> str:
    """The dbt model of processor ``p``: its own SQL template, rendered for a microbatch."""
    assert p.sql is not None, f"{p.name} is not a SQL processor"
    sql = ABSENT.sub(dates_subquery([]), p.sql)   # every optional input present
    sql = sql.replace("{start}", BATCH_START).replace("{end}", BATCH_END)
    for ref in sorted({i.ref for i in p.inputs if not i.is_raw}, key=len, reverse=True):
        schema, table = ref.split(".")
        sql = re.sub(rf"\b{re.escape(ref)}\b", f"{{{{ source('{schema}', '{table}') }}}}", sql)
    left = re.findall(r"\bnba_\w+\.\w+\b", re.sub(r"--[^\n]*", "", sql))
    assert not left, f"{p.name} reads tables that are not among its inputs: {left}"
    if p.entity:   # explained failures are recorded by backcourt, not written
        sql = (f"SELECT * EXCLUDE ({', '.join(EXPLAINED)}) FROM (\n{sql}\n) AS q "
               "WHERE failure_category IS NULL")
    config = (f"{{{{ config(materialized='incremental', incremental_strategy='microbatch', "
              f"event_time='{p.partition_column}', batch_size='day', "
              f"begin='{begin.isoformat()}') }}}}")
    return f"{config}\n{sql}\n"


def write_project(folder: Path, warehouse: Path, processors: list[Processor],
                  begin: date) -> None:
    """A dbt project in ``folder``: one microbatch model per processor, the warehouse's
    tables as sources, a profile on the DuckDB file ``warehouse``."""
    models = folder / "models"
    models.mkdir(parents=True, exist_ok=True)
    (folder / "dbt_project.yml").write_text(
        "name: backcourt_peer\nversion: '1.0'\nconfig-version: 2\nprofile: backcourt_peer\n"
        "model-paths: [models]\n")
    (folder / "profiles.yml").write_text(json.dumps({"backcourt_peer": {
        "target": "bench", "outputs": {"bench": {
            "type": "duckdb", "path": str(warehouse), "schema": "dbt_peer", "threads": 1}}}}))
    sources: dict[str, set[str]] = {}
    for p in processors:
        (models / f"{p.name}.sql").write_text(model_sql(p, begin))
        for i in p.inputs:
            if not i.is_raw:
                schema, table = i.ref.split(".")
                sources.setdefault(schema, set()).add(table)
    (models / "sources.yml").write_text(json.dumps({"version": 2, "sources": [
        {"name": s, "schema": s, "tables": [{"name": t} for t in sorted(ts)]}
        for s, ts in sorted(sources.items())]}))


# -- timing ----------------------------------------------------------------------------------
def timed(argv: list[str], cwd: Path | None = None) -> tuple[float, float, str]:
    """Run ``argv`` as a process: wall and CPU seconds (user + system of the child), and
    its standard output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    proc = subprocess.run(argv, capture_output=True, text=True, cwd=cwd)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(argv[:6])} … exited {proc.returncode}:\n"
                 f"{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc.stdout


def backcourt(*args: str) -> list[str]:
    return [sys.executable, "-m", "backcourt.cli", *args]


def equal_outputs(bc: Path, peer: Path, p: Processor, start: date, end: date) -> int:
    """Rows of ``p`` over [start, end] in backcourt's copy, after checking dbt's are the
    same multiset (EXCEPT ALL both ways)."""
    con = duckdb.connect(str(bc), read_only=True)
    try:
        con.execute(f"ATTACH '{peer}' AS peer (READ_ONLY)")
        schema, name = p.table.split(".")
        if not con.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name = "
                           "current_database() AND schema_name = ? AND table_name = ?",
                           [schema, name]).fetchone()[0]:
            sys.exit(f"{p.name}: backcourt wrote no table over {start} .. {end} "
                     "(a range inside the Phase 4 bootstrap?): nothing to compare")
        cols = ", ".join(f'"{c}"' for c in
                         con.sql(f"SELECT * FROM {p.table} LIMIT 0").columns)
        where = f"{p.partition_column} BETWEEN DATE '{start}' AND DATE '{end}'"
        ours = f"SELECT {cols} FROM {p.table} WHERE {where}"
        theirs = f"SELECT {cols} FROM peer.dbt_peer.{p.name} WHERE {where}"
        n = con.execute(f"SELECT count(*) FROM ({ours})").fetchone()[0]
        m = con.execute(f"SELECT count(*) FROM ({theirs})").fetchone()[0]
        only_ours, only_theirs = (
            con.execute(f"SELECT count(*) FROM ({x} EXCEPT ALL {y})").fetchone()[0]
            for x, y in ((ours, theirs), (theirs, ours)))
    finally:
        con.close()
    if n == 0 or only_ours or only_theirs:
        sys.exit(f"{p.name}: outputs differ — backcourt {n} rows, dbt {m}; "
                 f"{only_ours} only in backcourt's, {only_theirs} only in dbt's")
    return n


def profile_ours(p: Processor, work: Path, args: list[str], top: int = 14) -> None:
    """One backcourt process under cProfile: its backcourt functions by cumulative time."""
    import pstats

    out = work / f"profile-{p.name}.out"
    timed([sys.executable, "-m", "cProfile", "-o", str(out), "-m", "backcourt.cli", *args])
    stats = pstats.Stats(str(out)).stats   # (file, line, name) -> (…, cumulative, …)
    total = max(v[3] for v in stats.values())
    ours = sorted(((v[3], f"{f.split('/backcourt/')[-1]}:{n}") for (f, _, n), v in stats.items()
                   if "/backcourt/" in f and n != "<module>"), reverse=True)
    print(f"  profile of one backcourt process ({total:.3f}s under cProfile; {out}):")
    for seconds, where in ours[:top]:
        print(f"    {seconds:6.3f}s  {where}")


def summary(xs: list[float]) -> str:
    return f"min {min(xs):7.3f}  median {statistics.median(xs):7.3f}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--season", type=int, default=2023,
                    help="season to simulate when no --warehouse is given")
    ap.add_argument("--warehouse", help="DuckDB file with Phases 2-3 loaded (copied)")
    ap.add_argument("--raw", help="its raw store (with --warehouse)")
    ap.add_argument("--start", help="first date (default: the season's first game date)")
    ap.add_argument("--end", help="last date (default: the season's last game date)")
    ap.add_argument("--dbt", help="dbt executable (default: .venv-dbt, made if absent)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--processors", nargs="+", default=list(PROCESSORS))
    ap.add_argument("--workdir")
    ap.add_argument("--profile", action="store_true",
                    help="also profile one backcourt process per processor (cProfile): "
                         "its slowest backcourt functions, cumulative")
    a = ap.parse_args()
    cache_bytecode()   # as an installed copy has it (see bench/bytecode.py)

    work = Path(a.workdir or tempfile.mkdtemp(prefix="bench-dbt-"))
    work.mkdir(parents=True, exist_ok=True)
    dbt = dbt_executable(a.dbt)
    version = subprocess.run([str(dbt), "--version"], capture_output=True, text=True).stdout
    print("dbt", " ".join(ln.strip() for ln in version.splitlines()
                          if "installed" in ln or "duckdb:" in ln))
    if a.warehouse:
        source, raw = Path(a.warehouse), Path(a.raw or os.environ.get("BACKCOURT_RAW", "raw"))
    else:
        source, raw = work / "source.duckdb", work / "raw"
        span = ["--start", f"{a.season}-10-01", "--end", f"{a.season + 1}-06-30"]
        flags = ["--warehouse", str(source), "--raw", str(raw)]
        t = time.perf_counter()
        timed(backcourt("scrape", "--source", "sim", *span, "--raw", str(raw), "--json"))
        timed(backcourt("backfill", *span, "--phases", "2-3", *flags, "--json"))
        print(f"built season {a.season}, Phases 2-3: {time.perf_counter() - t:.1f}s")
    with duckdb.connect(str(source), read_only=True) as con:
        first, last = con.execute("SELECT min(game_date), max(game_date) "
                                  "FROM nba_raw.schedule WHERE NOT is_postponed").fetchone()
    start = date.fromisoformat(a.start) if a.start else first
    end = date.fromisoformat(a.end) if a.end else last

    ours, peer = work / "backcourt.duckdb", work / "dbt.duckdb"
    shutil.copyfile(source, ours)
    shutil.copyfile(source, peer)
    processors = [REGISTRY.get(n) for n in a.processors]
    project = work / "dbt_project"
    write_project(project, peer, processors, start)
    dbt_args = ["--project-dir", str(project), "--profiles-dir", str(project)]
    window = ["--event-time-start", start.isoformat(),
              "--event-time-end", (end + timedelta(days=1)).isoformat()]

    def run_ours(p: Processor) -> tuple[float, float, float]:
        """Wall, CPU, and the seconds the run itself reports (after start-up)."""
        wall, cpu, out = timed(backcourt(
            "run", "--phase", str(p.phase), "--processor", p.name, "--start", start.isoformat(),
            "--end", end.isoformat(), "--warehouse", str(ours), "--raw", str(raw), "--json"))
        return wall, cpu, json.loads(out)["seconds"]

    def run_theirs(p: Processor) -> tuple[float, float, float]:
        """Wall, CPU, and the seconds dbt reports for its run (run_results.json)."""
        wall, cpu, _ = timed([str(dbt), "run", "--select", p.name, *window, *dbt_args],
                             cwd=project)
        inside = json.loads((project / "target" / "run_results.json").read_text())
        return wall, cpu, inside["elapsed_time"]

    # where a backcourt process's time goes besides the run: the interpreter, the imports
    bare = [timed([sys.executable, "-c", "pass"])[:2] for _ in range(a.runs)]
    imports = [timed([sys.executable, "-c", "import backcourt.cli"])[:2] for _ in range(a.runs)]

    load = os.getloadavg()[0]
    print(f"range {start} .. {end} ({(end - start).days + 1} days, one dbt batch each); "
          f"{a.runs} timed runs; load {load:.2f}")
    results = {}
    for p in processors:
        run_ours(p)      # untimed: the tables exist, dbt has parsed its project once
        run_theirs(p)
        rows = equal_outputs(ours, peer, p, start, end)
        print(f"{p.name}: outputs equal, {rows} rows (EXCEPT ALL both ways: 0 and 0)")
        walls: dict[str, list[float]] = {"backcourt": [], "dbt": []}
        cpus: dict[str, list[float]] = {"backcourt": [], "dbt": []}
        insides: dict[str, list[float]] = {"backcourt": [], "dbt": []}
        for _ in range(a.runs):
            for who, fn in (("backcourt", run_ours), ("dbt", run_theirs)):
                w, c, i = fn(p)
                walls[who].append(w)
                cpus[who].append(c)
                insides[who].append(i)
        ratio = statistics.median(walls["dbt"]) / statistics.median(walls["backcourt"])
        ratio_min = min(walls["dbt"]) / min(walls["backcourt"])
        cpu_ratio = statistics.median(cpus["dbt"]) / statistics.median(cpus["backcourt"])
        for who in ("backcourt", "dbt"):
            print(f"  {who:9s} wall {summary(walls[who])}   cpu {summary(cpus[who])}")
        med = statistics.median
        for k, kind, xs in ((0, "wall", walls["backcourt"]), (1, "cpu", cpus["backcourt"])):
            b, i = med(x[k] for x in bare), med(x[k] for x in imports)
            print(f"  backcourt's process ({kind}, medians): {med(xs):.3f}s = interpreter "
                  f"{b:.3f}s + importing the CLI {i - b:.3f}s + the command {med(xs) - i:.3f}s"
                  f" (its run alone reports {med(insides['backcourt']):.3f}s wall)")
        inside = med(insides["dbt"]) / med(insides["backcourt"])
        print(f"  inside the process (each tool's own reported run time): backcourt "
              f"{med(insides['backcourt']):.3f}s, dbt {med(insides['dbt']):.3f}s, "
              f"ratio {inside:.1f}x")
        met = "met" if min(ratio, ratio_min) >= TARGET_RATIO else "MISSED"
        print(f"  ratio dbt/backcourt: wall median {ratio:.1f}x, wall min {ratio_min:.1f}x, "
              f"cpu median {cpu_ratio:.1f}x — target >= {TARGET_RATIO:.0f}x {met}")
        if a.profile:
            profile_ours(p, work, ["run", "--phase", str(p.phase), "--processor", p.name,
                                   "--start", start.isoformat(), "--end", end.isoformat(),
                                   "--warehouse", str(ours), "--raw", str(raw), "--json"])
        results[p.name] = {"rows": rows, "wall": walls, "cpu": cpus,
                           "ratio_median": round(ratio, 1), "ratio_min": round(ratio_min, 1),
                           "cpu_ratio_median": round(cpu_ratio, 1),
                           "inside_ratio_median": round(inside, 1), "target_met": met == "met"}
    print(json.dumps({"range": [start.isoformat(), end.isoformat()], "load": load,
                      "processors": {k: {x: v[x] for x in ("rows", "ratio_median", "ratio_min",
                                                           "cpu_ratio_median",
                                                           "inside_ratio_median", "target_met")}
                                     for k, v in results.items()}}))
    return 0 if all(r["target_met"] for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
