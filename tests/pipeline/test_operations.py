"""Runbook operations end to end: resume after kill -9, retry of non-contiguous failed
dates, daily mode's downstream events, one writer at a time, preflight verdicts."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest

from backcourt import app as lib
from tests.conftest import SIM_END, SIM_START, make_context

RANGE = ["--start", SIM_START.isoformat(), "--end", SIM_END.isoformat()]


def cli(*args: str, env: dict, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "backcourt.cli", *args],
                            env={**os.environ, **env}, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, **kw)


def table_checksums(path: str) -> dict:
    import duckdb

    con = duckdb.connect(path, read_only=True)
    out = {}
    for schema, table in con.execute(
            "SELECT table_schema, table_name FROM information_schema.tables "
            "WHERE table_schema LIKE 'nba_%' ORDER BY 1, 2").fetchall():
        cols = [c for (c,) in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = ? "
            "AND table_name = ? ORDER BY ordinal_position", [schema, table]).fetchall()]
        expr = ", ".join(f'"{c}"' for c in cols)
        out[f"{schema}.{table}"] = con.execute(
            f"SELECT count(*), sum(hash({expr})) FROM {schema}.{table}").fetchone()
    con.close()
    return out


@pytest.fixture(scope="module")
def clean(tmp_path_factory, sim_raw):
    path = str(tmp_path_factory.mktemp("clean") / "clean.duckdb")
    env = {"BACKCOURT_WAREHOUSE": path, "BACKCOURT_RAW": sim_raw}
    p = cli("backfill", *RANGE, "--phases", "2-4", env=env)
    assert p.wait(timeout=300) == 0, p.stderr.read().decode()[-2000:]
    return table_checksums(path)


@pytest.mark.parametrize("kill_after", [1.0, 2.5, 4.0])
def test_kill_9_then_resume_equals_a_clean_run(tmp_path, sim_raw, clean, kill_after):
    path = str(tmp_path / "killed.duckdb")
    env = {"BACKCOURT_WAREHOUSE": path, "BACKCOURT_RAW": sim_raw}
    p = cli("backfill", *RANGE, "--phases", "2-4", env=env)
    time.sleep(kill_after)
    killed = p.poll() is None
    if killed:
        p.send_signal(signal.SIGKILL)
    p.wait(timeout=60)
    again = cli("backfill", *RANGE, "--phases", "2-4", "--json", env=env)
    out, errs = again.communicate(timeout=300)
    assert again.returncode == 0, errs.decode()[-2000:]
    assert table_checksums(path) == clean          # no duplicate, no missing row
    import duckdb

    con = duckdb.connect(path, read_only=True)
    statuses = [r[0] for r in con.execute(
        "SELECT status FROM backcourt_ops.runs ORDER BY started_at").fetchall()]
    con.close()
    # a run killed mid-way is closed as interrupted, never left 'running'
    assert statuses[-1] == "succeeded" and "running" not in statuses
    done = orjson.loads(out)
    # the first run may have recorded its end just before the kill landed (or before the
    # kill point): then it was complete and the second run has nothing left to do
    if statuses[:-1] == ["succeeded"]:
        assert done["succeeded"] == 0
    else:
        assert killed and set(statuses[:-1]) <= {"interrupted"}


def test_retry_failed_reruns_only_failed_non_contiguous_dates(tmp_path, raw_copy):
    days = sorted((Path(raw_copy) / "nba_boxscore").iterdir())
    bad = [sorted(days[i].glob("*.json"))[0] for i in (2, 9)]   # two separate dates
    saved = {}
    for f in bad:
        saved[f] = f.read_bytes()
        f.write_bytes(saved[f][:100])                           # truncated
    ctx = make_context(tmp_path, raw_copy)
    procs = lib.select(ctx, [2, 3])
    _, first = lib.backfill(ctx, procs, SIM_START, SIM_END, "fill")
    failed_days = {f.game_date.isoformat() for f in first.failures
                   if f.category == "BAD_RAW_INPUT"}
    assert failed_days == {f.parent.name for f in bad}
    # what reads them was blocked (not computed from partial days), not failed silently
    # (team_boxscore, reading the same files, is held failed by their quarantine records)
    assert {f.category for f in first.failures} == {"BAD_RAW_INPUT", "MISSING_DEPENDENCY"}
    assert {f.game_date.isoformat() for f in first.failures
            if f.processor == "team_boxscore"} == failed_days
    for f, data in saved.items():                               # the raw fix arrives
        f.write_bytes(data)
    plan, retry = lib.backfill(ctx, procs, SIM_START, SIM_END, "retry", "failed-only")
    assert retry.ok
    ran = {d.isoformat() for ds in plan.targets().values() for d in ds}
    # the two failed dates, plus later context dates whose 30-day window reads them
    assert {f.parent.name for f in bad} <= ran
    bad_days = {d for d in ctx.calendar.game_dates(SIM_START, SIM_END)
                if d.isoformat() in failed_days}
    assert plan.targets()["gamebook_player_stats"] == bad_days
    assert plan.targets()["team_boxscore"] == bad_days
    assert "pbp_shots" not in plan.targets() and "schedule" not in plan.targets()


def test_daily_emits_downstream_events_and_backfill_never(tmp_path, sim_raw):
    ctx = make_context(tmp_path, sim_raw)
    lib.backfill(ctx, lib.select(ctx, [2, 3]), SIM_START, SIM_END, "fill")
    assert ctx.wh.query("SELECT count(*) FROM backcourt_ops.events")[0][0] == 0
    daily = make_context(tmp_path, sim_raw, mode="daily")
    _, _, summary = lib.daily(daily, SIM_END, 7, "daily")
    assert summary.ok
    events = daily.wh.query("SELECT DISTINCT processor, game_date FROM backcourt_ops.events")
    assert events and all(d == SIM_END for _, d in events)


def test_a_second_writer_gets_a_clear_message_or_waits(tmp_path, sim_raw):
    import threading

    from backcourt.warehouse.lock import WarehouseLock

    path = str(tmp_path / "busy.duckdb")
    env = {"BACKCOURT_WAREHOUSE": path, "BACKCOURT_RAW": sim_raw}
    holder = WarehouseLock(path)
    holder.acquire("backfill --start 2023-10-24 (another operator)")
    second = cli("backfill", *RANGE, "--phases", "2", env=env)
    _, errs = second.communicate(timeout=120)
    assert second.returncode == 3                      # busy: neither failed nor usage
    assert b"in use" in errs and b"pid" in errs and b"another operator" in errs
    # with --wait it starts once the first one is done
    threading.Timer(1.0, holder.release).start()
    waiting = cli("backfill", *RANGE, "--phases", "2", "--wait", "60", env=env)
    _, errs = waiting.communicate(timeout=300)
    assert waiting.returncode == 0, errs.decode()[-2000:]


def test_preflight_verdicts(tmp_path, sim_raw):
    env = {"BACKCOURT_WAREHOUSE": str(tmp_path / "pf.duckdb"), "BACKCOURT_RAW": sim_raw}
    p = cli("preflight", *RANGE, "--json", env=env)
    out, _ = p.communicate(timeout=120)
    body = orjson.loads(out)
    assert p.returncode == 4 and body["verdict"] == "warnings"     # tables not yet created
    empty = tmp_path / "empty"
    empty.mkdir()
    p = cli("preflight", *RANGE, "--json",
            env={**env, "BACKCOURT_RAW": str(empty),
                 "BACKCOURT_WAREHOUSE": str(tmp_path / "pf2.duckdb")})
    out, _ = p.communicate(timeout=120)
    assert p.returncode == 1 and orjson.loads(out)["verdict"] == "not ready"
    shutil.rmtree(empty)


def test_parallel_stages_give_the_same_tables(tmp_path, sim_raw, clean):
    path = str(tmp_path / "parallel.duckdb")
    env = {"BACKCOURT_WAREHOUSE": path, "BACKCOURT_RAW": sim_raw}
    p = cli("backfill", *RANGE, "--phases", "2-4", "--workers", "2", env=env)
    _, errs = p.communicate(timeout=300)
    assert p.returncode == 0, errs.decode()[-2000:]
    assert table_checksums(path) == clean


def test_daily_mode_checks_window_completeness_backfill_only_existence(tmp_path, sim_raw):
    ctx = make_context(tmp_path, sim_raw)
    assert lib.run(ctx, lib.select(ctx, [2, 3]), SIM_START, SIM_END, "p23").ok
    gone = ctx.calendar.game_dates(SIM_START, SIM_END)[-5]
    # rows vanish behind the ledger's back, inside the player context's 30-day window
    ctx.wh.execute("DELETE FROM nba_analytics.player_game_summary WHERE game_date = ? "
                   "AND player_id IN (SELECT player_id FROM nba_analytics."
                   "player_game_summary WHERE game_date = ? LIMIT 3)", [gone, gone])
    names = ["upcoming_player_game_context"]
    backfill = lib.run(ctx, lib.select(ctx, names=names), SIM_END, SIM_END, "bf")
    assert backfill.ok                          # backfill: the partitions exist
    daily = make_context(tmp_path, sim_raw, mode="daily")
    summary = lib.run(daily, lib.select(daily, names=names), SIM_END, SIM_END, "daily")
    assert not summary.ok
    f = summary.failures[0]
    assert f.category == "INCOMPLETE_DATA" and gone.isoformat() in f.message
