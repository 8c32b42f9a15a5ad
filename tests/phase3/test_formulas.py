"""Phase 3 formulas on small hand-computed cases (real DuckDB file)."""

from __future__ import annotations

from datetime import date

import pytest

from backcourt.pipeline.phase2 import tables as T
from backcourt.warehouse import DuckDBWarehouse
from tests.phase3.builders import (
    DEN,
    LAL,
    game,
    insert,
    materialize,
    player_box,
    row,
    shot,
    team_box,
)

D1, D2, D3 = date(2023, 10, 24), date(2023, 10, 26), date(2023, 10, 27)
JOKIC, MURRAY = 203999, 1627750


@pytest.fixture
def wh(tmp_path):
    w = DuckDBWarehouse(str(tmp_path / "f.duckdb"))
    # One game, numbers chosen so the hand computation is short:
    # DEN misses 91-48 = 43 = DEN oreb 10 + LAL dreb 33; LAL misses 49 = 12 + DEN dreb 37.
    game(w, D1, "0022300001", home_score=125, away_score=107)
    team_box(w, D1, "0022300001", DEN, LAL, True, fgm=48, fga=91, fg3m=14, fg3a=34, ftm=15,
             fta=20, oreb=10, dreb=37, reb=47, ast=29, stl=7, blk=5, tov=12, pf=18, pts=125)
    team_box(w, D1, "0022300001", LAL, DEN, False, fgm=41, fga=90, fg3m=10, fg3a=30, ftm=15,
             fta=19, oreb=12, dreb=33, reb=45, ast=22, stl=6, blk=3, tov=14, pf=20, pts=107)
    player_box(w, D1, "0022300001", DEN, LAL, JOKIC, "Nikola Jokic", minutes=36.0, pts=30,
               fgm=12, fga=20, fg3m=2, fg3a=5, ftm=4, fta=6, tov=3)
    player_box(w, D1, "0022300001", DEN, LAL, MURRAY, "Jamal Murray", minutes=0.0)
    # Jokic's five shots: paint make (3 ft), paint miss at the 8 ft boundary, mid-range
    # make (9 ft), a three make (24 ft, assisted), a corner three miss (22 ft)
    for n, (value, dist, made, ast) in enumerate(
            [(2, 3, True, False), (2, 8, False, False), (2, 9, True, False),
             (3, 24, True, True), (3, 22, False, False)], start=1):
        shot(w, D1, "0022300001", n, DEN, JOKIC, value, dist, made, ast)
    # the pbp of this game holds only those five shots: zones are incomplete on purpose
    yield w
    w.close()


def test_possessions_pace_ratings(wh):
    materialize(wh, "team_offense_game_summary", D1, D1)
    den = row(wh, "nba_analytics.team_offense_game_summary", f"team_id = {DEN}")
    # DEN: 91 + 0.4*20 - 1.07*(10/43)*43 + 12 = 100.3 ; LAL: 90 + 7.6 - 1.07*(12/49)*49 + 14
    own, opp = 100.3, 98.76
    poss = (own + opp) / 2
    assert den["possessions"] == pytest.approx(poss)
    assert den["pace"] == pytest.approx(poss * 48 / 48)
    assert den["offensive_rating"] == pytest.approx(100 * 125 / poss)
    assert den["defensive_rating"] == pytest.approx(100 * 107 / poss)
    assert den["win_flag"] is True and den["margin"] == 18
    lal = row(wh, "nba_analytics.team_offense_game_summary", f"team_id = {LAL}")
    assert lal["win_flag"] is False and lal["possessions"] == pytest.approx(poss)


def test_player_ts_efg_usage_zones(wh):
    materialize(wh, "team_offense_game_summary", D1, D1)
    materialize(wh, "player_game_summary", D1, D1)
    j = row(wh, "nba_analytics.player_game_summary", f"player_id = {JOKIC}")
    assert j["ts_pct"] == pytest.approx(30 / (2 * (20 + 0.44 * 6)))
    assert j["efg_pct"] == pytest.approx((12 + 0.5 * 2) / 20)
    # 100 * (FGA + 0.44 FTA + TOV) * (Tm MP / 5) / (MP * (Tm FGA + 0.44 Tm FTA + Tm TOV))
    assert j["usage_rate"] == pytest.approx(
        100 * (20 + 0.44 * 6 + 3) * (240 / 5) / (36 * (91 + 0.44 * 20 + 12)))
    assert (j["paint_fga"], j["paint_fgm"]) == (2, 1)       # 3 ft and 8 ft
    assert (j["mid_fga"], j["mid_fgm"]) == (1, 1)           # 9 ft
    assert (j["three_fga"], j["three_fgm"]) == (2, 1)
    assert j["assisted_fgm"] == 1
    assert j["has_complete_shot_zones"] is False            # 5 pbp shots vs 20 FGA
    m = row(wh, "nba_analytics.player_game_summary", f"player_id = {MURRAY}")
    assert m["is_dnp"] is True
    assert m["usage_rate"] is None and m["ts_pct"] is None  # no minutes, no attempts


def test_defense_zones_from_opponent_shots(wh):
    materialize(wh, "team_offense_game_summary", D1, D1)
    materialize(wh, "team_defense_game_summary", D1, D1)
    lal_def = row(wh, "nba_analytics.team_defense_game_summary", f"defending_team_id = {LAL}")
    assert lal_def["opp_points"] == 125
    # DEN's pbp holds 5 of its 91 attempts: zones are withheld rather than undercounted
    assert lal_def["has_shot_zones"] is False and lal_def["opp_paint_fga"] is None
    assert lal_def["turnovers_forced"] == 12 and lal_def["blocks"] == 3


def test_points_line_uses_last_pregame_snapshot(wh):
    from datetime import datetime

    tip = datetime(2023, 10, 24, 23, 30)
    for snap, line, pre in ((datetime(2023, 10, 24, 4), 27.5, True),
                            (datetime(2023, 10, 24, 22, 30), 29.5, True),
                            (datetime(2023, 10, 25, 0, 15), 24.5, False)):   # in-game
        insert(wh, "nba_raw.odds_player_props", T.ODDS_PLAYER_PROPS, game_date=D1,
               event_id="e1", commence_time=tip, snapshot_time=snap, is_pregame=pre,
               minutes_before_tip=(tip - snap).total_seconds() / 60, bookmaker="draftkings",
               market="player_points", player_name_raw="Nikola Jokic",
               player_lookup="nikolajokic", player_id=JOKIC, line=line)
    materialize(wh, "team_offense_game_summary", D1, D1)
    materialize(wh, "player_game_summary", D1, D1)
    j = row(wh, "nba_analytics.player_game_summary", f"player_id = {JOKIC}")
    assert j["points_line"] == 29.5 and j["over_under_result"] == "OVER"


def test_days_rest_and_back_to_back(wh):
    for day, gid in ((D2, "0022300002"), (D3, "0022300003")):
        game(wh, day, gid, home_score=110, away_score=100)
        team_box(wh, day, gid, DEN, LAL, True, fgm=40, fga=88, fta=20, oreb=10, dreb=35,
                 tov=12, pts=110)
        team_box(wh, day, gid, LAL, DEN, False, fgm=38, fga=88, fta=20, oreb=10, dreb=35,
                 tov=12, pts=100)
        player_box(wh, day, gid, DEN, LAL, JOKIC, "Nikola Jokic", minutes=34.0, pts=25,
                   fgm=10, fga=18, fta=5, ftm=5)
    for day in (D1, D2, D3):
        insert(wh, "nba_raw.rosters", T.ROSTERS, game_date=day, team_id=DEN,
               season="2023-24", player_id=JOKIC, player_name="Nikola Jokic",
               player_lookup="nikolajokic", birth_date=date(1995, 2, 19))
    materialize(wh, "team_offense_game_summary", D1, D3)
    materialize(wh, "player_game_summary", D1, D3)
    materialize(wh, "upcoming_player_game_context", D1, D3)
    ctx = {r[0]: r[1:] for r in wh.query(
        "SELECT game_date, days_rest, back_to_back, games_last_7_days, points_avg_last_5, age "
        f"FROM nba_analytics.upcoming_player_game_context WHERE player_id = {JOKIC}")}
    assert ctx[D1][:4] == (None, False, 0, None)         # no earlier game this season
    assert ctx[D2][:4] == (1, False, 1, 30.0)            # Oct 24 -> Oct 26: one day off
    assert ctx[D3][:4] == (0, True, 2, 27.5)             # Oct 26 -> Oct 27: back-to-back
    assert ctx[D3][4] == pytest.approx((D3 - date(1995, 2, 19)).days / 365.25)
