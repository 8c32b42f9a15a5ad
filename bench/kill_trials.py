"""Random SIGKILL trials: a killed Phase 1 or `daily` is completed by running it again,
and the result equals a clean run (every raw file's bytes, every table's rows).

    .venv/bin/python bench/kill_trials.py [--trials 20] [--seed 1] [--workdir DIR]

Each trial starts from an empty raw store and warehouse:
- "phase1": `backfill --phases 1-2` killed by the simulator's test hook
  (BACKCOURT_SIM_KILL_AFTER_FILES) after a random number of files, chosen inside a date so
  that the date really is half-written (checked: the store lists it as incomplete);
- "daily": `daily` killed with SIGKILL from outside at a random moment of its run (while it
  scrapes, or while it runs Phases 2-5).
The same command is then run again without the kill; its raw store and warehouse must equal
those of a clean run. Prints one line per trial and the count identical; exits 1 unless
every trial is identical.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

START, END = date(2023, 10, 24), date(2023, 10, 26)
DAILY = date(2023, 10, 24)
SEED = 3
KILL_ENV = "BACKCOURT_SIM_KILL_AFTER_FILES"


def backcourt(args: list[str], raw: Path, wh: Path, env: dict | None = None,
              kill_after: float | None = None) -> int:
    cmd = [sys.executable, "-m", "backcourt", *args, "--raw", str(raw),
           "--warehouse", str(wh), "--seed", str(SEED)]
    full_env = {**os.environ, **(env or {})}
    proc = subprocess.Popen(cmd, env=full_env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True)
    if kill_after is not None:
        try:
            proc.wait(timeout=kill_after)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)   # the run and any worker it forked
    _, err = proc.communicate()
    if proc.returncode not in (0, -signal.SIGKILL) and kill_after is None and not env:
        sys.stderr.write(err.decode()[-2000:])
    return proc.returncode


def raw_digest(raw: Path) -> dict[str, str]:
    """Every raw file (hidden notes and the quarantine left out) and its bytes' hash."""
    out = {}
    for path in sorted(raw.rglob("*.json*")):
        rel = path.relative_to(raw)
        if any(part.startswith((".", "_")) for part in rel.parts):
            continue
        out[str(rel)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def table_digest(wh: Path) -> dict[str, str]:
    """Every data table (the ledger's own schema left out): a hash of its sorted rows."""
    import duckdb

    con = duckdb.connect(str(wh), read_only=True)
    try:
        tables = con.execute(
            "SELECT table_schema, table_name FROM information_schema.tables "
            "WHERE table_schema NOT IN ('backcourt_ops', 'information_schema', 'main') "
            "ORDER BY 1, 2").fetchall()
        out = {}
        for schema, name in tables:
            rows = con.execute(f'SELECT * FROM "{schema}"."{name}" ORDER BY ALL').fetchall()
            out[f"{schema}.{name}"] = hashlib.sha256(repr(rows).encode()).hexdigest()
        return out
    finally:
        con.close()


def files_per_date(raw: Path) -> list[int]:
    """Files written per date, in write order (the date boundaries of the hook's count)."""
    counts: dict[str, int] = {}
    for path in raw.rglob("*.json"):
        rel = path.relative_to(raw)
        if not any(part.startswith((".", "_")) for part in rel.parts):
            counts[rel.parts[1]] = counts.get(rel.parts[1], 0) + 1
    return [counts[d] for d in sorted(counts)]


def half_written(raw: Path) -> bool:
    from backcourt.rawstore import RawStore
    from backcourt.sources.completeness import incomplete_raw_dates

    return bool(incomplete_raw_dates(RawStore(str(raw)), START, END))


def trial(kind: str, rng: random.Random, work: Path, clean: dict) -> tuple[bool, str]:
    raw, wh = work / "raw", work / "wh.duckdb"
    if kind == "phase1":
        args = ["backfill", "--phases", "1-2", "--start", START.isoformat(),
                "--end", END.isoformat()]
        bounds, total, inside = clean["bounds"], 0, []
        for n in bounds:
            inside += list(range(total + 1, total + n))   # never a date's last file
            total += n
        n = rng.choice(inside)
        rc = backcourt(args, raw, wh, {KILL_ENV: str(n)})
        if rc != -signal.SIGKILL:
            return False, f"phase1 kill after {n} files: exit {rc}, not killed"
        if not half_written(raw):
            return False, f"phase1 kill after {n} files: no date left half-written"
        what = f"phase1 killed after {n} files (a date half-written)"
    else:
        args = ["daily", "--date", DAILY.isoformat()]
        at = rng.uniform(0.3, clean["daily_seconds"])
        rc = backcourt(args, raw, wh, kill_after=at)
        what = f"daily killed at {at:.1f}s" if rc == -signal.SIGKILL else \
            f"daily finished before the kill at {at:.1f}s"
    rc = backcourt(args, raw, wh)
    if rc != 0:
        return False, f"{what}; rerun exit {rc}"
    same = raw_digest(raw) == clean[kind]["raw"] and table_digest(wh) == clean[kind]["tables"]
    return same, f"{what}; rerun exit 0; {'identical' if same else 'DIFFERENT'} to a clean run"


def clean_runs(work: Path) -> dict:
    out: dict = {}
    for kind, args in (("phase1", ["backfill", "--phases", "1-2", "--start",
                                   START.isoformat(), "--end", END.isoformat()]),
                       ("daily", ["daily", "--date", DAILY.isoformat()])):
        folder = work / f"clean-{kind}"
        folder.mkdir()
        t = time.perf_counter()
        rc = backcourt(args, folder / "raw", folder / "wh.duckdb")
        if rc != 0:
            raise SystemExit(f"the clean {kind} run failed (exit {rc})")
        out[f"{kind}_seconds"] = time.perf_counter() - t
        out[kind] = {"raw": raw_digest(folder / "raw"),
                     "tables": table_digest(folder / "wh.duckdb")}
        if kind == "phase1":
            out["bounds"] = files_per_date(folder / "raw")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--trials", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workdir", type=Path, default=None)
    a = ap.parse_args(argv)
    work = a.workdir or Path(tempfile.mkdtemp(prefix="kill-trials-"))
    work.mkdir(parents=True, exist_ok=True)
    rng = random.Random(a.seed)
    clean = clean_runs(work)
    identical = 0
    for i in range(a.trials):
        kind = "phase1" if i % 2 == 0 else "daily"
        folder = work / f"trial-{i}"
        folder.mkdir()
        ok, line = trial(kind, rng, folder, clean)
        identical += ok
        print(f"trial {i + 1}: {line}", flush=True)
        if ok:
            shutil.rmtree(folder)
    print(f"{identical} of {a.trials} trials identical to a clean run")
    return 0 if identical == a.trials else 1


if __name__ == "__main__":
    sys.exit(main())
