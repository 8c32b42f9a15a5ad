"""Real historical team game logs dropped into the raw store: the team tables of Phase 3
are computed from them; player and zone tables report their inputs missing, not zero."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from backcourt import app as lib
from tests.conftest import make_context

FIXTURE = Path(__file__).parent.parent / "fixtures" / "leaguegamelog.json"
DAY = date(2025, 11, 3)   # MIL 100 @ TOR 128 (real totals of game 0022500165)


def test_team_logs_alone_feed_team_tables_and_block_player_tables(tmp_path):
    raw = tmp_path / "raw"
    folder = raw / "nba_team_gamelogs" / DAY.isoformat()
    folder.mkdir(parents=True)
    shutil.copy(FIXTURE, folder / "leaguegamelog.json")
    ctx = make_context(tmp_path, str(raw))
    summary = lib.run(ctx, lib.select(ctx, [2, 3]), DAY, DAY, "real logs")
    states = {(a["processor"]): (a["status"], a["failure_category"], a["failure_message"])
              for a in ctx.ledger.attempts(summary.run_id)}
    for name in ("schedule", "team_boxscore", "team_offense_game_summary",
                 "team_defense_game_summary"):
        assert states[name][0] == "succeeded", (name, states[name])
    tor = ctx.wh.query("SELECT points, opponent_points, win_flag, pace FROM "
                       "nba_analytics.team_offense_game_summary WHERE team_abbr = 'TOR'")[0]
    assert tor[:3] == (128, 100, True) and 80 < tor[3] < 120
    # no play-by-play: zones are NULL and flagged, never zero
    zones = ctx.wh.query("SELECT has_shot_zones, opp_paint_fga FROM "
                         "nba_analytics.team_defense_game_summary")
    assert zones and all(z == (False, None) for z in zones)
    # no box scores: the player tables are blocked with the missing input named
    for name in ("gamebook_player_stats", "player_game_summary"):
        status, category, message = states[name]
        assert (status, category) == ("failed", "MISSING_DEPENDENCY"), name
        assert "nba_boxscore" in message or "missing" in message or "failed" in message
    # the player context has no roster and no box score to take its players from
    status, category, message = states["upcoming_player_game_context"]
    assert (status, category) == ("failed", "CHECK_FAILED")
    assert "wrote no rows" in message and "nba_raw.rosters" in message
    assert "nba_raw.gamebook_player_stats" in message
    assert ctx.wh.counts_by_date("nba_analytics.player_game_summary", DAY, DAY) == {}
    assert not summary.ok
