"""Another terminal sees a running command: the progress file beside the warehouse, read by
status / runs / plan (exit 3, busy) and by watch; a killed run is reported stale; a log
gets progress lines while the run goes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import orjson

from backcourt import app as lib
from backcourt.live import progress_path, publish, read_live
from tests.conftest import SIM_START, make_context
from tests.monitoring.conftest import END, RANGE, cli


def env_for(warehouse: str, raw: str) -> dict:
    return {**os.environ, "BACKCOURT_WAREHOUSE": warehouse, "BACKCOURT_RAW": raw}


def test_other_processes_see_a_running_backfill_and_watch_ends_with_it(tmp_path, sim_raw):
    wh = str(tmp_path / "wh.duckdb")
    env = env_for(wh, sim_raw)
    ctx = make_context(tmp_path, sim_raw)
    paused, resume = threading.Event(), threading.Event()
    result: dict = {}

    def backfill() -> None:   # a real backfill, paused when Phase 3 starts
        with publish(wh, "backfill (test)", "backfill") as live:
            def progress(p, done, total) -> None:
                live(p, done, total)
                if p.phase == 3 and not paused.is_set():
                    paused.set()
                    resume.wait(300)
            _, summary = lib.backfill(ctx, lib.select(ctx, [2, 3]), SIM_START, END,
                                      "backfill (test)", progress=progress,
                                      on_plan=lambda plan: live.planned(plan, ctx.registry))
            result["summary"] = summary
            live.finish(0 if summary.ok else 1)

    worker = threading.Thread(target=backfill)
    worker.start()
    try:
        assert paused.wait(300)
        st = cli(["status", *RANGE, "--json"], env)
        assert st.returncode == 3, st.stderr.decode()[-2000:]          # busy
        body = orjson.loads(st.stdout)
        assert body["busy"] and "in use" in body["holder"] and body["complete"] is False
        live = body["live"]
        assert live["status"] == "running" and not live["stale"]
        assert live["heartbeat_age_s"] < 2.0                           # within 2 s of now
        assert live["stage"].startswith("stage ") and live["run_id"]
        assert live["planned"] > 0 and 0 < live["done"] < live["planned"]
        assert live["eta_s"] is not None and live["rate_per_s"] > 0
        phase2 = {n: r for n, r in live["processors"].items() if r["phase"] == 2}
        assert phase2 and all(r["done"] == r["total"] > 0 for r in phase2.values())
        # each cell's state: Phase 2 written, player_game_summary not yet
        assert set(live["cells"]["gamebook_player_stats"].values()) == {"done"}
        assert set(live["cells"]["player_game_summary"].values()) <= {"queued", "running"}
        # the status matrix itself, in the state pass's words: the cells the run works on
        # are running; queued ones keep their plan's state; Phase 2's are done
        cells = {(n, d): c for n, row in body["processors"].items()
                 for d, c in row["dates"].items()}
        running = {n for (n, _), c in cells.items() if c["state"] == "running"}
        working = {n for n, r in live["processors"].items() if r["state"] == "running"}
        assert running and running == working
        assert all(body["processors"][n]["phase"] == 3 for n in running)
        assert all(c["state"] == "done" for (n, _), c in cells.items()
                   if n == "gamebook_player_stats")
        assert all(c["state"] in ("running", "missing") for (n, _), c in cells.items()
                   if n == "player_game_summary")
        assert sum(row["running"] for row in body["summary"].values()) == sum(
            c["state"] == "running" for c in cells.values()) > 0
        for args in (["runs", "--json"], ["plan", *RANGE, "--json"]):
            other = cli(args, env)
            assert other.returncode == 3
            assert orjson.loads(other.stdout)["live"]["run_id"] == live["run_id"]
        planned = orjson.loads(other.stdout)["cells"]   # plan's cells, from the same file
        assert {c["processor"] for c in planned if c["state"] == "running"} == running
        assert all(c["run"] for c in planned if c["state"] == "running")
        page = tmp_path / "busy.html"
        made = cli(["dashboard", *RANGE, "--out", str(page), "--json"], env)
        assert made.returncode == 3 and orjson.loads(made.stdout)["live"] is True
        assert "a run holds the warehouse" in page.read_text()
        text = cli(["status", *RANGE], env)
        assert text.returncode == 3 and b"live progress" in text.stderr
        # a command that cannot answer from the file: exit 3 naming the holder
        busy = cli(["validate", *RANGE], env)
        assert busy.returncode == 3 and b"backfill (test)" not in busy.stdout
        assert b"in use" in busy.stderr and b"pid" in busy.stderr
        watch = subprocess.Popen([sys.executable, "-m", "backcourt", "watch", "--json",
                                  "--interval", "0.3"], env=env, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE)
        first = orjson.loads(watch.stdout.readline())
        assert first["status"] == "running" and first["run_id"] == live["run_id"]
    finally:
        resume.set()
        worker.join(300)
    rest, _ = watch.communicate(timeout=120)
    lines = [orjson.loads(x) for x in rest.splitlines()]
    assert watch.returncode == 0                       # the run's exit code
    assert lines[-1]["status"] == "succeeded" and lines[-1]["exit_code"] == 0
    assert lines[-1]["done"] == lines[-1]["planned"] == result["summary"].succeeded + \
        result["summary"].skipped + result["summary"].failed


def test_a_killed_run_is_stale_and_a_log_gets_lines_while_it_runs(tmp_path):
    wh, raw = str(tmp_path / "wh.duckdb"), str(tmp_path / "raw")
    env = env_for(wh, raw)
    log = tmp_path / "backfill.log"
    long = ["--start", SIM_START.isoformat(), "--end", "2024-01-31"]   # killed long before
    with open(log, "wb") as err:
        run = subprocess.Popen([sys.executable, "-m", "backcourt", "backfill", *long],
                               env=env, stdout=subprocess.DEVNULL, stderr=err)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and run.poll() is None:
            state = read_live(wh)
            if state is not None and state.running and log.read_text().strip():
                break
            time.sleep(0.1)
        assert run.poll() is None, "the backfill ended before the test could look at it"
        line = log.read_text().splitlines()[0]
        assert "backfill" in line and "phase 1" in line and "partitions" in line
        os.kill(run.pid, signal.SIGKILL)
        run.wait(30)
    finally:
        if run.poll() is None:
            run.kill()
    watch = cli(["watch", "--json"], env)
    assert watch.returncode == 1
    state = orjson.loads(watch.stdout.splitlines()[-1])
    assert state["stale"] and "gone" in state["stale_reason"]
    assert f"process {run.pid}" in state["stale_reason"]


def test_backfill_fills_every_phase_by_default_and_logs_its_end(tmp_path, sim_raw):
    wh = str(tmp_path / "wh.duckdb")
    env = env_for(wh, sim_raw)
    done = cli(["backfill", *RANGE], env)
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    lines = done.stderr.decode().splitlines()
    assert any("stage 1/" in x for x in lines)
    assert "finished: succeeded" in lines[-1] and "exit 0" in lines[-1]
    st = orjson.loads(cli(["status", *RANGE, "--json"], env).stdout)
    for name in ("ml_feature_store", "player_prop_predictions", "prediction_grades"):
        assert "missing" not in {c["state"] for c in st["processors"][name]["dates"].values()}
    # the finished run's progress stays: watch shows it and returns its exit code
    watch = cli(["watch", "--json"], env)
    assert watch.returncode == 0
    assert orjson.loads(watch.stdout)["status"] == "succeeded"
    assert os.path.exists(progress_path(wh))
