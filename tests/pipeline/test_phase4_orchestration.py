"""Phase 4 in the runner: bootstrap days skipped (not failed), explained entity failures
count toward coverage, and a missing same-day upstream is MISSING_DEPENDENCY — never
zeros written in its place."""

from __future__ import annotations

from datetime import timedelta

from backcourt import app as lib
from backcourt.ledger import FAILED, SKIPPED, SUCCEEDED
from tests.conftest import SIM_END, SIM_START, make_context


def test_bootstrap_ramp_and_missing_same_day_upstream(tmp_path, sim_raw):
    ctx = make_context(tmp_path, sim_raw)
    assert lib.run(ctx, lib.select(ctx, [2, 3]), SIM_START, SIM_END, "p23").ok
    p4 = lib.select(ctx, [4])
    summary = lib.run(ctx, p4, SIM_START, SIM_END, "p4")
    assert summary.ok
    latest = ctx.ledger.latest([p.name for p in p4])
    days = ctx.calendar.game_dates(SIM_START, SIM_END)
    start = ctx.calendar.season_start(SIM_START)
    for p in p4:
        for d in days:
            st = latest[(p.name, d)].status
            if d < start + timedelta(days=14):
                assert st == SKIPPED, (p.name, d)          # bootstrap: skipped, not failed
            else:
                assert st == SUCCEEDED, (p.name, d)
    # early season: TDZA rows only for teams past the ramp, the rest explained
    rows = dict(ctx.wh.query("SELECT game_date, count(*) FROM "
                             "nba_precompute.team_defense_zone_analysis GROUP BY 1"))
    failures = dict(ctx.wh.query(
        "SELECT game_date, count(*) FROM backcourt_ops.entity_failures "
        "WHERE processor = 'team_defense_zone_analysis' GROUP BY 1"))
    ramp_days = [d for d in days if d >= start + timedelta(days=14)]
    assert all(rows.get(d, 0) + failures.get(d, 0) == 30 for d in ramp_days)
    assert all(ctx.wh.query("SELECT bool_and(early_season_flag) FROM "
                            "nba_precompute.team_defense_zone_analysis")[0])
    cats = {r[0] for r in ctx.wh.query(
        "SELECT DISTINCT category FROM backcourt_ops.entity_failures")}
    assert cats <= {"INSUFFICIENT_DATA", "NO_SHOT_ZONE"}

    # TDZA of one date disappears: PCF (and everything after it) refuse that date
    day = ramp_days[-1]
    ctx.wh.execute("DELETE FROM nba_precompute.team_defense_zone_analysis "
                   "WHERE game_date = ?", [day])
    for ops in ("ledger", "partition_state"):   # its history and its latest attempt
        ctx.wh.execute(f"DELETE FROM backcourt_ops.{ops} WHERE processor = "
                       "'team_defense_zone_analysis' AND game_date = ?", [day])
    before = ctx.wh.query("SELECT count(*) FROM nba_precompute.player_composite_factors "
                          "WHERE game_date = ?", [day])[0][0]
    again = lib.run(ctx, lib.select(ctx, names=["player_composite_factors"]), day, day, "pcf")
    assert not again.ok
    f = again.failures[0]
    assert (f.processor, f.game_date, f.category) == (
        "player_composite_factors", day, "MISSING_DEPENDENCY")
    assert "team_defense_zone_analysis" in f.message
    assert ctx.ledger.latest(["player_composite_factors"])[
        ("player_composite_factors", day)].status == FAILED
    # nothing was rewritten with zeros: the old rows are untouched, and not done
    after = ctx.wh.query("SELECT count(*) FROM nba_precompute.player_composite_factors "
                         "WHERE game_date = ?", [day])[0][0]
    assert after == before
