"""Wall and CPU seconds of each Phase 4 statement alone, on a warehouse with Phases 2–4 done.

    .venv/bin/python bench/phase4_statements.py --warehouse W.duckdb --start S --end E
        [--against REV] [--repeat N] [--only NAME]

Each processor's SQL is rendered for the range and materialized into a temporary table on a
read-only connection (nothing is written), so the numbers are the statement's own, without
the runner's writes, checks and ledger. With ``--against REV`` the SQL files of that git
revision run too, and the two results are compared with ``EXCEPT ALL`` both ways (rows in
one and not in the other; doubles compared exactly) and by their column names and types.
Prints one line per statement and run, then a JSON summary; exits 1 when a comparison
differs.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import duckdb  # noqa: E402

from backcourt.pipeline.phase4.specs import PROCESSORS  # noqa: E402
from backcourt.registry.templating import render  # noqa: E402


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _timed(con: duckdb.DuckDBPyConnection, table: str, sql: str) -> dict:
    con.execute(f"DROP TABLE IF EXISTS {table}")
    t, c = time.perf_counter(), _cpu()
    con.execute(f"CREATE TEMP TABLE {table} AS {sql}")
    return {"wall": round(time.perf_counter() - t, 3), "cpu": round(_cpu() - c, 3),
            "rows": con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]}


def _old_sql(rev: str, name: str) -> str | None:
    path = f"src/backcourt/pipeline/phase4/sql/{name}.sql"
    proc = subprocess.run(["git", "-C", str(ROOT), "show", f"{rev}:{path}"],
                          capture_output=True, text=True)
    return proc.stdout if proc.returncode == 0 else None


def _compare(con: duckdb.DuckDBPyConnection) -> dict:
    def schema(t: str) -> list[tuple[str, str]]:
        return [(r[0], r[1]) for r in con.execute(f"DESCRIBE {t}").fetchall()]

    def minus(a: str, b: str) -> int:
        return con.execute(f"SELECT count(*) FROM (SELECT * FROM {a} EXCEPT ALL "
                           f"SELECT * FROM {b})").fetchone()[0]

    return {"new_minus_old": minus("new_result", "old_result"),
            "old_minus_new": minus("old_result", "new_result"),
            "same_columns": schema("new_result") == schema("old_result")}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--warehouse", required=True, help="DuckDB file with Phases 2–4 done")
    ap.add_argument("--start", required=True, type=date.fromisoformat)
    ap.add_argument("--end", required=True, type=date.fromisoformat)
    ap.add_argument("--against", default=None, help="git revision whose SQL runs too")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--only", default=None, help="one processor's name")
    args = ap.parse_args()

    con = duckdb.connect(args.warehouse, read_only=True)
    summary: dict[str, dict] = {}
    differs = False
    for p in PROCESSORS:
        if p.sql is None or (args.only and p.name != args.only):
            continue
        entry: dict = {"new": []}
        versions = [("new", p.sql)]
        old = _old_sql(args.against, p.name) if args.against else None
        if old is not None:
            entry["old"] = []
            versions.insert(0, ("old", old))
        for _ in range(args.repeat):
            for label, sql in versions:
                r = _timed(con, f"{label}_result", render(sql, args.start, args.end, {}))
                entry[label].append(r)
                print(f"{p.name:28} {label}: {r['rows']:>8} rows  wall {r['wall']:6.3f} s  "
                      f"cpu {r['cpu']:6.3f} s", flush=True)
        if old is not None:
            entry["compare"] = _compare(con)
            differs |= bool(entry["compare"]["new_minus_old"]
                            or entry["compare"]["old_minus_new"]
                            or not entry["compare"]["same_columns"])
            print(f"{p.name:28} compare: {entry['compare']}", flush=True)
        summary[p.name] = entry
    print(json.dumps(summary))
    return 1 if differs else 0


if __name__ == "__main__":
    sys.exit(main())
