"""Optional sources with fallbacks: a date without rosters and without an injury report
still runs through every phase — the players come from the box scores, injury statuses are
'Unknown' — and its features are flagged (lower quality), never blocked."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from backcourt import app as lib
from tests.conftest import SIM_END, SIM_START, make_context

DAY = date(2023, 11, 15)


def test_a_date_without_rosters_or_injury_report_runs_every_phase(tmp_path, sim_raw):
    raw = str(tmp_path / "raw")
    shutil.copytree(sim_raw, raw)
    for source in ("nba_rosters", "nba_injury_report"):
        shutil.rmtree(Path(raw) / source / DAY.isoformat())
    ctx = make_context(tmp_path, raw)
    plan, summary = lib.backfill(ctx, lib.select(ctx, [2, 3, 4, 5]), SIM_START, SIM_END, "b")
    assert summary.ok and not plan.blocked, (summary.failures[:3], plan.blocked[:3])
    states = ctx.ledger.latest(["rosters", "injury_report"], DAY, DAY)
    for name in ("rosters", "injury_report"):
        st = states[(name, DAY)]
        assert (st.status, st.failure_category) == ("skipped", "ABSENT_OPTIONAL_INPUT")
    ctx_rows = dict(ctx.wh.query(
        "SELECT roster_source || ':' || injury_status, count(*) FROM "
        "nba_analytics.upcoming_player_game_context WHERE game_date = ? GROUP BY 1", [DAY]))
    assert set(ctx_rows) == {"box_score:Unknown"}
    others = ctx.wh.query("SELECT DISTINCT injury_status FROM "
                          "nba_analytics.upcoming_player_game_context WHERE game_date <> ?",
                          [DAY])
    assert ("Unknown",) not in others
    assert ctx.wh.query("SELECT count(*) FROM nba_analytics.upcoming_team_game_context "
                        "WHERE game_date = ? AND starters_out IS NULL AND NOT "
                        "injury_report_known", [DAY])[0][0] > 0
    # the features that need the injury report or the roster are flagged: lower quality
    q = dict(ctx.wh.query("SELECT game_date = ?, avg(quality_score) FROM "
                          "nba_precompute.ml_feature_store WHERE game_date BETWEEN ? AND ? "
                          "GROUP BY 1", [DAY, date(2023, 11, 14), date(2023, 11, 16)]))
    assert q[True] < q[False]
    assert ctx.wh.query("SELECT count(*) FROM nba_predictions.player_prop_predictions "
                        "WHERE game_date = ?", [DAY])[0][0] > 0
    # settled: the same backfill again does nothing
    _, again = lib.backfill(ctx, lib.select(ctx, [2, 3, 4, 5]), SIM_START, SIM_END, "again")
    assert again.ok and again.succeeded == 0 and again.failed == 0
