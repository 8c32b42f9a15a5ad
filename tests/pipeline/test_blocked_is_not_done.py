"""Blocked work is never reported done: a backfill or a daily run whose plan has blocked
partitions exits 1, names each with its reason and the command that fixes it."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import orjson
from typer.testing import CliRunner

from backcourt import app as lib
from backcourt.cli import cli
from tests.conftest import SIM_END, SIM_START, make_context

GAP = (date(2023, 11, 15), date(2023, 11, 16))


def _drop_raw(raw: str, days) -> None:
    for d in days:
        for source in Path(raw).iterdir():
            shutil.rmtree(source / d.isoformat(), ignore_errors=True)


def test_backfill_with_blocked_partitions_exits_1_and_names_them(tmp_path, raw_copy):
    # box scores of earlier dates never arrived: the range's windows read those dates
    for d in range(1, 6):
        shutil.rmtree(Path(raw_copy) / "nba_boxscore" / f"2023-11-0{d}")
    env = {"BACKCOURT_WAREHOUSE": str(tmp_path / "b.duckdb"), "BACKCOURT_RAW": raw_copy}
    args = ["backfill", "--start", "2023-11-10", "--end", SIM_END.isoformat(),
            "--phases", "2-5"]
    r = CliRunner().invoke(cli, [*args, "--json"], env=env)
    assert r.exit_code == 1, r.stdout[-2000:]
    body = orjson.loads(r.stdout)
    assert body["ok"] is False and body["failed"] == 0
    blocked = body["blocked"]
    assert blocked["count"] == len(blocked["partitions"]) > 0
    assert {b["game_date"] for b in blocked["partitions"]} >= {"2023-11-10", "2023-11-18"}
    assert all(b["reason"] for b in blocked["partitions"])
    assert blocked["fix"].startswith("backcourt backfill --start 2023-11-01")
    # the same command again: the same blocked partitions, exit 1, nothing recomputed
    again = orjson.loads(CliRunner().invoke(cli, [*args, "--json"], env=env).stdout)
    assert again["succeeded"] == 0 and again["blocked"]["count"] == blocked["count"]
    text = CliRunner().invoke(cli, args, env=env)
    assert text.exit_code == 1 and "BLOCKED" in text.stdout and "fix:" in text.stdout


def test_daily_after_a_gap_is_honest(tmp_path, raw_copy):
    ctx = make_context(tmp_path, raw_copy)
    before_gap = date(2023, 11, 14)
    _, first = lib.backfill(ctx, lib.select(ctx, [2, 3, 4, 5]), SIM_START, before_gap, "b")
    assert first.ok
    _drop_raw(raw_copy, GAP)            # two dates never scraped, never run
    lib.release_locks()
    ctx.wh.close()
    daily = make_context(tmp_path, raw_copy, mode="daily")
    _, plan, summary = lib.daily(daily, SIM_END, seed=7, command="daily")
    assert not summary.ok               # never "ok" with partitions of its date not done
    names = {(b["processor"], b["game_date"]) for b in summary.as_dict()["blocked"]["partitions"]}
    day_cells = [c for c in plan.cells.values() if c.game_date == SIM_END]
    undone = {(c.processor, c.game_date.isoformat()) for c in day_cells if not c.run}
    assert undone and undone <= names   # every cell of the date not run is named
