"""The planner on real state: lookback closure for a gap fill, staleness after an upstream
rewrite, blocked partitions when raw data is missing."""

from __future__ import annotations

import shutil
import time
from datetime import date
from pathlib import Path

import pytest

from backcourt import app as lib
from backcourt.planner import make_plan
from tests.conftest import SIM_END, SIM_START, make_context


def wipe(ctx, names: list[str], start: date, end: date) -> None:
    """A gap: partitions gone from tables and ledger, as if never computed."""
    for n in names:
        p = ctx.registry.get(n)
        ctx.wh.execute(f"DELETE FROM {p.table} WHERE game_date BETWEEN ? AND ?", [start, end])
        for ops in ("ledger", "partition_state"):   # its history and its latest attempt
            ctx.wh.execute(f"DELETE FROM backcourt_ops.{ops} WHERE processor = ? "
                           "AND game_date BETWEEN ? AND ?", [n, start, end])


def checksums(ctx, tables: list[str]) -> dict:
    out = {}
    for t in tables:
        cols = ", ".join(f'"{c}"' for c in ctx.wh.columns(t))
        out[t] = ctx.wh.query(f"SELECT count(*), sum(hash({cols})) FROM {t}")[0]
    return out


@pytest.fixture
def loaded(tmp_path, raw_copy):
    ctx = make_context(tmp_path, raw_copy)
    assert lib.run(ctx, lib.select(ctx, [2, 3, 4]), SIM_START, SIM_END, "full").ok
    return ctx


def test_gap_fill_plans_the_lookback_and_restores_the_same_rows(loaded):
    ctx = loaded
    p4 = [p.table for p in lib.select(ctx, [4])]
    before = checksums(ctx, p4)
    gap = (date(2023, 10, 27), date(2023, 11, 1))
    wipe(ctx, ["player_game_summary", "team_offense_game_summary"], *gap)
    wipe(ctx, [p.name for p in lib.select(ctx, [4])], date(2023, 11, 14), SIM_END)
    plan = make_plan(ctx, lib.select(ctx, [4]), date(2023, 11, 14), SIM_END)
    targets = plan.targets()
    gap_days = set(ctx.calendar.game_dates(*gap))
    # Phase 4 for Nov 14-18 reads the whole season so far: the Phase 3 gap is planned
    assert gap_days <= targets["player_game_summary"]
    assert gap_days <= targets["team_offense_game_summary"]
    assert all(d < date(2023, 11, 14) for d in targets["player_game_summary"])
    assert not plan.blocked
    assert plan.commands()[0].startswith(f"backcourt backfill --start {min(gap_days)}")
    _, summary = lib.backfill(ctx, lib.select(ctx, [4]), date(2023, 11, 14), SIM_END, "fill")
    assert summary.ok
    assert checksums(ctx, p4) == before


def test_upstream_rewrite_makes_exactly_the_readers_stale(loaded):
    ctx = loaded
    day = date(2023, 11, 10)
    # a raw fix for one date: re-run its player_game_summary
    assert lib.run(ctx, lib.select(ctx, names=["player_game_summary"]), day, day, "fix").ok
    plan = make_plan(ctx, lib.select(ctx, [3, 4]), SIM_START, SIM_END)
    targets = plan.targets()
    ctxdays = targets.get("upcoming_player_game_context", set())
    # the player context reads the previous 30 days: every later date, never earlier ones
    assert ctxdays == {d for d in ctx.calendar.game_dates(SIM_START, SIM_END) if d > day}
    assert "team_offense_game_summary" not in targets
    assert "player_game_summary" not in targets
    cell = plan.cells[("upcoming_player_game_context", max(ctxdays))]
    assert cell.state == "stale"
    # PSZA reads the season so far: stale from the day after (past the bootstrap)
    assert min(targets["player_shot_zone_analysis"]) > day
    _, summary = lib.backfill(ctx, lib.select(ctx, [3, 4]), SIM_START, SIM_END, "refresh")
    assert summary.ok
    assert make_plan(ctx, lib.select(ctx, [3, 4]), SIM_START, SIM_END).to_run == 0


def test_missing_raw_data_is_reported_blocked(loaded):
    ctx = loaded
    day = date(2023, 11, 8)
    shutil.rmtree(Path(ctx.store.root) / "nba_boxscore" / day.isoformat())
    wipe(ctx, ["gamebook_player_stats"], day, day)
    plan = make_plan(ctx, lib.select(ctx, [2, 3]), SIM_START, SIM_END)
    cell = plan.cells[("gamebook_player_stats", day)]
    assert cell.state == "blocked" and "nba_boxscore" in cell.reason
    downstream = plan.cells[("player_game_summary", day)]
    assert downstream.state == "blocked" and not downstream.run


def test_logic_change_makes_the_processor_and_its_readers_stale(loaded):
    import dataclasses

    from backcourt.registry import Registry

    ctx = loaded
    old = ctx.registry.get("team_offense_game_summary")
    # a logic change: the same statement with one more (harmless) column
    changed = dataclasses.replace(old, sql=old.sql.replace(
        "AS efg_pct\nFROM paired", "AS efg_pct,\n    1 AS logic_version\nFROM paired"))
    assert changed.sql != old.sql
    ctx.pipeline.registry = Registry(tuple(
        changed if p.name == old.name else p for p in ctx.registry.processors))
    plan = make_plan(ctx, lib.select(ctx, [3, 4]), SIM_START, SIM_END)
    days = set(ctx.calendar.game_dates(SIM_START, SIM_END))
    targets = plan.targets()
    assert targets["team_offense_game_summary"] == days
    assert plan.cells[("team_offense_game_summary", SIM_START)].reason == \
        "processor code changed"
    # everything that reads it, directly or through its windows, follows
    for name in ("team_defense_game_summary", "player_game_summary"):
        assert targets[name] == days, name
    # the team context reads earlier games only: opening night reads nothing and stays
    assert targets["upcoming_team_game_context"] == days - {min(days)}
    _, summary = lib.backfill(ctx, lib.select(ctx, [3, 4]), SIM_START, SIM_END, "logic")
    assert summary.ok
    assert "logic_version" in ctx.wh.columns("nba_analytics.team_offense_game_summary")
    assert make_plan(ctx, lib.select(ctx, [3, 4]), SIM_START, SIM_END).to_run == 0


def test_raw_fix_in_place_reprocesses_that_date_only(loaded):
    import orjson

    ctx = loaded
    day = date(2023, 11, 15)
    path = Path(ctx.store.root) / "nba_injury_report" / day.isoformat() / "injury_report.json"
    doc = orjson.loads(path.read_bytes())
    entry = next(e for e in doc["entries"] if e["currentStatus"] != "Out")
    entry["currentStatus"] = "Out"                       # the corrected report
    time.sleep(0.01)
    path.write_bytes(orjson.dumps(doc))                  # rewritten in place, same name
    procs = lib.select(ctx, [2, 3, 4])
    plan = make_plan(ctx, procs, SIM_START, SIM_END)
    assert plan.targets()["injury_report"] == {day}
    assert all(ds == {day} for ds in plan.targets().values())   # same-day readers only

    def elsewhere() -> dict:
        out = {}
        for p in procs:
            cols = ", ".join(f'"{c}"' for c in ctx.wh.columns(p.table))
            out[p.table] = ctx.wh.query(
                f"SELECT count(*), sum(hash({cols})) FROM {p.table} "
                f"WHERE {p.partition_column} <> ?", [day])[0]
        return out

    other = elsewhere()
    _, summary = lib.backfill(ctx, procs, SIM_START, SIM_END, "raw fix")
    assert summary.ok
    assert elsewhere() == other                          # nothing else changed
    status = ctx.wh.query("SELECT injury_status FROM nba_analytics."
                          "upcoming_player_game_context WHERE game_date = ? AND "
                          "player_name = ?", [day, " ".join(
                              reversed(entry["playerName"].split(", ")))])
    assert status == [("Out",)]
