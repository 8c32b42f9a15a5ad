"""Phase 2 of one range, old code against new, run back to back at the same load.

    PYTHONPATH=src .venv/bin/python bench/phase2_pairs.py --raw RAW --before OLD/src \
        [--start 2023-10-01 --end 2024-06-30] [--pairs 3] [--workdir DIR]

``--before`` is a ``src`` folder of the old code (``git archive REV src | tar -x -C DIR``);
the new code is this checkout's ``src``. Each run is a whole process, `backcourt backfill
--phases 2 --json` on a fresh DuckDB file in the work folder; runs alternate old, new, old,
new… so that both see the same load. A run writes the raw store's content-fingerprint cache
(``RAW/.backcourt``) and moves bad files to its quarantine: point ``--raw`` at a copy. One
untimed run first fills that cache.

Prints, per run: wall seconds (and each processor's, as the run reports them), CPU
seconds of the process and of its worker processes (user + system), the peak RSS of each,
and the load average before it; then the medians, and whether the last pair's ``nba_raw``
tables hold the same rows (``EXCEPT ALL`` both ways).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bytecode import cache_bytecode

HERE = Path(__file__).resolve().parents[1] / "src"

# run in the child: the CLI, then the child's own and its workers' resource use
_CHILD = """
import json, resource, sys, time
t = time.perf_counter()
sys.argv = ["backcourt", *sys.argv[1:]]
rc = 0
try:
    from backcourt.cli import app
    app()
except SystemExit as e:
    rc = e.code or 0
me, kids = (resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
sys.stderr.write("\\n" + json.dumps({"rc": rc, "wall": time.perf_counter() - t,
    "cpu": me.ru_utime + me.ru_stime, "workers_cpu": kids.ru_utime + kids.ru_stime,
    "rss_mib": me.ru_maxrss / 1024, "workers_rss_mib": kids.ru_maxrss / 1024}) + "\\n")
"""


def run(src: Path, raw: Path, wh: Path, start: str, end: str) -> dict:
    for p in (wh, Path(f"{wh}.wal")):
        p.unlink(missing_ok=True)
    load = os.getloadavg()[0]
    env = {**os.environ, "PYTHONPATH": str(src)}
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD, "backfill", "--start", start, "--end", end,
         "--phases", "2", "--json", "--warehouse", str(wh), "--raw", str(raw)],
        capture_output=True, text=True, env=env, cwd=wh.parent)
    out = json.loads(proc.stderr.strip().splitlines()[-1])
    out["load"] = load
    report = json.loads(proc.stdout) if proc.stdout.strip() else {}
    out["rows"] = report.get("rows")
    out["seconds"] = {name: p["seconds"] for name, p in report.get("per_processor", {}).items()}
    return out


def same_tables(a: Path, b: Path) -> bool:
    import duckdb

    con = duckdb.connect()
    con.execute(f"ATTACH '{a}' AS a (READ_ONLY)")
    con.execute(f"ATTACH '{b}' AS b (READ_ONLY)")
    tables = [r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = 'a' "
        "AND schema_name = 'nba_raw' ORDER BY 1").fetchall()]
    for t in tables:
        for x, y in (("a", "b"), ("b", "a")):
            n = con.execute(f"SELECT count(*) FROM (SELECT * FROM {x}.nba_raw.{t} "
                            f"EXCEPT ALL SELECT * FROM {y}.nba_raw.{t})").fetchone()[0]
            if n:
                print(f"  {t}: {n} rows of {x} not in {y}")
                return False
    return bool(tables)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--raw", required=True, help="a raw store (a copy: runs write into it)")
    ap.add_argument("--before", required=True, help="src folder of the old code")
    ap.add_argument("--start", default="2023-10-01")
    ap.add_argument("--end", default="2024-06-30")
    ap.add_argument("--pairs", type=int, default=3)
    ap.add_argument("--workdir", default=None)
    a = ap.parse_args()
    cache_bytecode(a.before)   # as installed copies have it (see bench/bytecode.py)
    work = Path(a.workdir or tempfile.mkdtemp(prefix="phase2-pairs-")).resolve()
    work.mkdir(parents=True, exist_ok=True)
    raw = Path(a.raw).resolve()
    codes = {"before": Path(a.before).resolve(), "after": HERE}
    run(codes["after"], raw, work / "warm.duckdb", a.start, a.end)   # the fingerprint cache
    results: dict[str, list[dict]] = {"before": [], "after": []}
    for i in range(a.pairs):
        for label, src in codes.items():
            r = run(src, raw, work / f"{label}.duckdb", a.start, a.end)
            results[label].append(r)
            print(f"pair {i + 1} {label:6s} load {r['load']:5.2f}  rc {r['rc']}  "
                  f"wall {r['wall']:6.2f} s  CPU {r['cpu']:5.2f} + workers "
                  f"{r['workers_cpu']:5.2f} = {r['cpu'] + r['workers_cpu']:5.2f} s  "
                  f"RSS {r['rss_mib']:4.0f} / {r['workers_rss_mib']:4.0f} MiB  "
                  f"rows {r['rows']}", flush=True)
            print("    " + "  ".join(f"{n} {s:.2f}" for n, s in r["seconds"].items()))
    summary = {}
    for label, rs in results.items():
        summary[label] = {
            "wall_median": statistics.median(r["wall"] for r in rs),
            "cpu_median": statistics.median(r["cpu"] + r["workers_cpu"] for r in rs),
            "main_cpu_median": statistics.median(r["cpu"] for r in rs),
            "workers_cpu_median": statistics.median(r["workers_cpu"] for r in rs),
        }
    summary["same_tables"] = same_tables(work / "before.duckdb", work / "after.duckdb")
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
