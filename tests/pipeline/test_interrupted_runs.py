"""`runs` tells the truth about every run: its window, counts by state, end and duration —
also for a run stopped by Ctrl-C, SIGTERM or kill -9 (noticed by the next command)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import orjson
import pytest

from backcourt import app as lib
from tests.conftest import SIM_END, SIM_START, make_context

RANGE = ["--start", SIM_START.isoformat(), "--end", SIM_END.isoformat()]


def _ledger_counts(ctx, run_id: str) -> dict[str, int]:
    return dict(ctx.wh.query("SELECT status, count(*) FROM backcourt_ops.ledger "
                             "WHERE run_id = ? GROUP BY 1", [run_id]))


def test_ctrl_c_mid_run_keeps_a_true_summary(tmp_path, sim_raw):
    ctx = make_context(tmp_path, sim_raw)
    seen = []

    def interrupt_after_some(p, done, total):   # the runner reports after recording
        seen.append(done)
        if p.phase == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        lib.backfill(ctx, lib.select(ctx, [2, 3, 4]), SIM_START, SIM_END, "ctrl-c",
                     progress=interrupt_after_some)
    run = ctx.ledger.runs()[0]
    held = _ledger_counts(ctx, run["run_id"])
    assert held.get("succeeded", 0) > 0            # Phase 2 finished before the interrupt
    assert run["status"] == "interrupted"
    assert run["counts"]["succeeded"] == held["succeeded"]
    assert run["summary"]["ok"] is False and run["summary"]["interrupted"] is True
    assert run["summary"]["succeeded"] == held["succeeded"]   # not the runner's empty tally
    assert run["finished_at"] is not None and run["duration_s"] >= 0
    assert (run["start_date"], run["end_date"]) == (SIM_START, SIM_END)


def _cli(*args, env):
    return subprocess.Popen([sys.executable, "-m", "backcourt.cli", *args],
                            env={**os.environ, **env}, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)


def _runs(env) -> list[dict]:
    p = subprocess.run([sys.executable, "-m", "backcourt.cli", "runs", "--json"],
                       env={**os.environ, **env}, capture_output=True, timeout=120)
    assert p.returncode == 0, p.stderr.decode()[-1000:]
    return orjson.loads(p.stdout)


def _stop_mid_run(tmp_path, sim_raw, sig) -> tuple[str, dict, dict]:
    """Start a backfill and stop it while its run is under way: once it holds the lock,
    after a delay that adapts (a run that had not started yet, or had already finished,
    is tried again with a longer or shorter delay)."""
    delay = 1.5
    for trial in range(6):
        path = str(tmp_path / f"stopped{trial}.duckdb")
        env = {"BACKCOURT_WAREHOUSE": path, "BACKCOURT_RAW": sim_raw}
        p = _cli("backfill", *RANGE, "--phases", "2-5", env=env)
        lock = path + ".lock"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and p.poll() is None and not (
                os.path.exists(lock) and os.path.getsize(lock)):
            time.sleep(0.05)
        time.sleep(delay)
        if p.poll() is not None:          # finished first: stop it sooner next time
            delay /= 2
            continue
        p.send_signal(sig)
        p.wait(timeout=120)
        runs = _runs(env)
        if not runs:                       # stopped before its run began: later next time
            delay *= 1.5
            continue
        if runs[0]["status"] == "succeeded":
            # the run ended before the signal was handled (it may have been sent during
            # the last statement): a SIGTERM leaves the command's own exit code; sooner
            # next time
            assert sig == signal.SIGKILL or p.returncode == 0, p.stderr.read()[-500:]
            delay /= 2
            continue
        return path, env, {"returncode": p.returncode, "run": runs[0]}
    raise AssertionError("could not stop a backfill while its run was under way")


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["term", "kill9"])
def test_a_stopped_process_leaves_a_true_summary(tmp_path, sim_raw, sig):
    path, env, stopped = _stop_mid_run(tmp_path, sim_raw, sig)
    assert stopped["returncode"] == (130 if sig == signal.SIGTERM else -signal.SIGKILL)
    run = stopped["run"]          # (after kill -9, `runs` itself noticed the dead run)
    assert run["status"] == "interrupted"
    assert run["finished_at"] is not None and run["duration_s"] is not None
    assert run["summary"]["ok"] is False
    import duckdb

    con = duckdb.connect(path, read_only=True)
    held = dict(con.execute("SELECT status, count(*) FROM backcourt_ops.ledger "
                            "WHERE run_id = ? GROUP BY 1", [run["run_id"]]).fetchall())
    last = con.execute("SELECT max(finished_at) FROM backcourt_ops.ledger "
                       "WHERE run_id = ?", [run["run_id"]]).fetchone()[0]
    con.close()
    for state in ("succeeded", "failed", "skipped"):
        assert run["counts"][state] == held.get(state, 0)
        assert run["summary"][state] == held.get(state, 0)
    if sig == signal.SIGKILL and last is not None:   # ended at its last recorded attempt
        assert run["finished_at"].startswith(last.isoformat(sep="T")[:19])
