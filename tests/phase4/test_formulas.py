"""Phase 4 formulas on small hand-computed cases (real DuckDB file, the real SQL)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from backcourt.pipeline.catalog import REGISTRY
from backcourt.pipeline.phase4.features import FEATURES, SOURCE_WEIGHTS
from backcourt.registry.templating import render
from backcourt.warehouse import DuckDBWarehouse
from tests.phase3.builders import DEN, LAL, game, materialize

D = date(2023, 12, 1)
JOKIC, MURRAY, GORDON = 203999, 1627750, 203932


@pytest.fixture
def wh(tmp_path):
    w = DuckDBWarehouse(str(tmp_path / "p4.duckdb"))
    # every table exists, empty, with the columns its processor writes
    for p in REGISTRY.order():
        if p.columns:
            w.ensure_table(p.table, p.columns)
        else:
            cols = w.result_columns(render(p.sql, D, D))
            for c in ("failure_category", "failure_reason"):
                cols.pop(c, None)
            w.ensure_table(p.table, cols)
    game(w, date(2023, 10, 24), "0022300001")       # the season starts Oct 24
    game(w, D, "0022300300")
    yield w
    w.close()


def put(wh, table: str, **values) -> None:
    cols = wh.columns(table)
    unknown = set(values) - set(cols)
    assert not unknown, unknown
    names = ", ".join(f'"{c}"' for c in values)
    wh.execute(f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(values))})",
               list(values.values()))


def compute(wh, name: str, day: date = D) -> dict[int, dict]:
    """Run one processor's SQL for a date; rows by entity (failures included)."""
    p = REGISTRY.get(name)
    cur = wh.con.execute(render(p.sql, day, day))
    cols = [d[0] for d in cur.description]
    key = p.entity or "player_id"
    return {r[cols.index(key)]: dict(zip(cols, r, strict=True)) for r in cur.fetchall()}


def context(wh, player: int, **kw) -> None:
    base = dict(game_date=D, game_id="0022300300", season="2023-24", player_id=player,
                team_id=DEN, opponent_team_id=LAL, is_home=True, back_to_back=False,
                days_rest=1, games_last_7_days=3, minutes_last_7_days=90.0,
                back_to_backs_last_14_days=0, games_last_30_days=12, age=25.0,
                pace_differential=0.0, usage_last_7_games=20.0, star_teammates_out=0,
                injury_status="Not Listed")
    base.update(kw)
    put(wh, "nba_analytics.upcoming_player_game_context", **base)


def played(wh, player: int, n: int, usage: float, minutes: float, points: int = 20) -> None:
    for i in range(n):
        put(wh, "nba_analytics.player_game_summary", game_date=D - timedelta(days=2 + 2 * i),
            game_id=f"g{player}{i}", season="2023-24", player_id=player, team_id=DEN,
            is_dnp=False, minutes=minutes, usage_rate=usage, points=points, fga=15, fta=4)


def test_fatigue_pace_usage_spike_and_mismatch(wh):
    # back-to-back (-15), 4 games in 7 days (-10), 250 min in 7 days (-10), 62.5 mpg (-8),
    # two back-to-backs in 14 days (-12), age 31 (-5): 100 - 60 = 40
    context(wh, JOKIC, back_to_back=True, days_rest=0, games_last_7_days=4,
            minutes_last_7_days=250.0, back_to_backs_last_14_days=2, age=31.0,
            pace_differential=8.0, usage_last_7_games=20.0, star_teammates_out=1)
    context(wh, MURRAY, injury_status="Out")          # a teammate ruled out
    played(wh, JOKIC, 10, usage=25.0, minutes=30.0)
    played(wh, MURRAY, 10, usage=30.0, minutes=36.0)
    put(wh, "nba_precompute.player_shot_zone_analysis", game_date=D, player_id=JOKIC,
        primary_zone="paint", paint_rate_l10=60.0, mid_rate_l10=10.0, three_rate_l10=30.0)
    put(wh, "nba_precompute.team_defense_zone_analysis", game_date=D, team_id=LAL,
        paint_vs_league_avg=5.0, mid_vs_league_avg=-1.0, three_vs_league_avg=2.0)
    j = compute(wh, "player_composite_factors")[JOKIC]
    assert j["fatigue_score"] == 40
    assert j["fatigue_adjustment"] == pytest.approx((40 - 100) / 20)
    assert j["pace_score"] == 3                                  # 8 / 2 = 4, clamped to 3
    # paint 5.0 x min(60/50, 1) = 5.0; |5.0| is not > 5, so no 1.2 boost
    assert j["shot_zone_mismatch"] == pytest.approx(5.0)
    # Murray out frees 30 * 36/48/5 = 4.5 % of possessions: 25 * 100 / 95.5
    assert j["projected_usage"] == pytest.approx(25 * 100 / 95.5)
    spike = (25 * 100 / 95.5 - 20.0) * 0.3 * 1.15                 # one star out
    assert j["usage_spike"] == pytest.approx(spike)
    assert j["total_adjustment"] == pytest.approx(-3 + 5.0 + 3 + spike)
    assert j["is_production_ready"] is True


def test_fatigue_clamps_and_rest_bonus(wh):
    context(wh, JOKIC, days_rest=3, age=36.0)                    # +5 rest, -10 age
    context(wh, GORDON, days_rest=4)                             # +5 -> clamped to 100
    played(wh, JOKIC, 3, 20.0, 30.0)
    played(wh, GORDON, 3, 20.0, 30.0)
    rows = compute(wh, "player_composite_factors")
    assert rows[JOKIC]["fatigue_score"] == 95
    assert rows[GORDON]["fatigue_score"] == 100


def test_mismatch_boost_and_clamp(wh):
    context(wh, JOKIC)
    context(wh, GORDON)
    played(wh, JOKIC, 3, 20.0, 30.0)
    played(wh, GORDON, 3, 20.0, 30.0)
    put(wh, "nba_precompute.player_shot_zone_analysis", game_date=D, player_id=JOKIC,
        primary_zone="perimeter", paint_rate_l10=20.0, mid_rate_l10=10.0, three_rate_l10=70.0)
    put(wh, "nba_precompute.player_shot_zone_analysis", game_date=D, player_id=GORDON,
        primary_zone="perimeter", paint_rate_l10=55.0, mid_rate_l10=5.0, three_rate_l10=40.0)
    put(wh, "nba_precompute.team_defense_zone_analysis", game_date=D, team_id=LAL,
        paint_vs_league_avg=0.0, mid_vs_league_avg=0.0, three_vs_league_avg=9.0)
    rows = compute(wh, "player_composite_factors")
    assert rows[JOKIC]["shot_zone_mismatch"] == 10               # 9 * 1 * 1.2 = 10.8 -> 10
    assert rows[GORDON]["shot_zone_mismatch"] == pytest.approx(9 * 0.8 * 1.2)   # 8.64


def test_missing_factor_inputs_stay_null_not_clamped(wh):
    # no zone profile, no opponent defense, no pace differential, no usage history:
    # each factor is NULL (LEAST/GREATEST would otherwise turn NULL into the clamp bound)
    context(wh, JOKIC, pace_differential=None, usage_last_7_games=None)
    played(wh, JOKIC, 3, 20.0, 30.0)
    j = compute(wh, "player_composite_factors")[JOKIC]
    assert j["shot_zone_mismatch"] is None and j["pace_score"] is None
    assert j["usage_spike"] is None
    assert j["total_adjustment"] == pytest.approx(j["fatigue_adjustment"])
    assert j["is_production_ready"] is False


def test_player_without_games_is_an_explained_failure(wh):
    context(wh, JOKIC, games_last_30_days=0)
    row = compute(wh, "player_composite_factors")[JOKIC]
    assert row["failure_category"] == "INSUFFICIENT_DATA"


def _defense(wh, team: int, day: date, paint: tuple[int, int], three: tuple[int, int],
             mid: tuple[int, int] = (5, 10)) -> None:
    put(wh, "nba_analytics.team_defense_game_summary", game_date=day,
        game_id=f"d{team}{day}", season="2023-24", defending_team_id=team,
        has_shot_zones=True, opp_paint_fgm=paint[0], opp_paint_fga=paint[1],
        opp_three_fgm=three[0], opp_three_fga=three[1], opp_mid_fgm=mid[0],
        opp_mid_fga=mid[1])


def test_tdza_league_average_and_vs_league(wh):
    # DEN allows 30/50 in the paint in each of 15 games, LAL 20/50; threes 12/40 and 14/40
    for i in range(15):
        day = D - timedelta(days=1 + i)
        _defense(wh, DEN, day, paint=(30, 50), three=(12, 40))
        _defense(wh, LAL, day, paint=(20, 50), three=(14, 40))
    rows = compute(wh, "team_defense_zone_analysis")
    den = rows[DEN]
    assert den["failure_category"] is None and den["games_in_sample"] == 15
    assert den["paint_fg_pct_allowed"] == pytest.approx(0.6)
    # the league over the last 30 days: (30 + 20) / (50 + 50) = 0.5
    assert den["league_paint_fg_pct"] == pytest.approx(0.5)
    assert den["paint_vs_league_avg"] == pytest.approx(10.0)     # (0.6 - 0.5) * 100
    assert rows[LAL]["paint_vs_league_avg"] == pytest.approx(-10.0)
    assert den["three_vs_league_avg"] == pytest.approx((12 / 40 - 26 / 80) * 100)
    assert den["weakest_zone"] == "paint" and rows[LAL]["strongest_zone"] == "paint"
    assert den["paint_attempts_per_game"] == 50 and den["paint_points_per_game"] == 60


def test_tdza_ramp_and_insufficient_data(wh):
    # Dec 1 is day 38 of the season: 15 games needed; 12 games is not enough
    for i in range(12):
        _defense(wh, DEN, D - timedelta(days=1 + i), paint=(25, 50), three=(12, 40))
    assert compute(wh, "team_defense_zone_analysis")[DEN]["failure_category"] == \
        "INSUFFICIENT_DATA"
    # Nov 10 is day 17: the ramp needs min(5 + 17 // 3, 14) = 10 games; 12 are there
    early = date(2023, 11, 10)
    game(wh, early, "0022300150")
    wh.execute("DELETE FROM nba_analytics.team_defense_game_summary")
    for i in range(12):
        _defense(wh, DEN, early - timedelta(days=1 + i), paint=(25, 50), three=(12, 40))
    row = compute(wh, "team_defense_zone_analysis", early)[DEN]
    assert row["failure_category"] is None and row["early_season_flag"] is True


@pytest.mark.parametrize("rates,zone", [
    ((45.0, 10.0, 45.0), "paint"),          # paint >= 40 wins first
    ((30.0, 25.0, 45.0), "perimeter"),
    ((30.0, 36.0, 34.0), "mid_range"),
    ((34.0, 33.0, 33.0), "balanced"),
])
def test_psza_primary_zone(wh, rates, zone):
    paint, mid, three = rates
    for i in range(10):
        put(wh, "nba_analytics.player_game_summary", game_date=D - timedelta(days=2 + i),
            game_id=f"z{i}", season="2023-24", player_id=JOKIC, team_id=DEN, is_dnp=False,
            minutes=30.0, has_complete_shot_zones=True, fga=100, fgm=50,
            paint_fga=int(paint), paint_fgm=20, mid_fga=int(mid), mid_fgm=10,
            three_fga=int(three), three_fgm=15, assisted_fgm=25)
    row = compute(wh, "player_shot_zone_analysis")[JOKIC]
    assert row["primary_zone"] == zone
    assert row["paint_rate_l10"] == pytest.approx(paint)
    assert row["assisted_rate_l10"] == pytest.approx(50.0)
    assert row["paint_rate_l20"] is None                         # fewer than 15 games


def test_quality_score_and_tiers():
    # all features from Phase 4/3/vegas: a weighted mean of the source weights
    n = len(FEATURES)
    all_best = sum(max(SOURCE_WEIGHTS[k] for k, _ in f.sources) for f in FEATURES) / n
    assert all_best >= 95                                        # gold is reachable


def test_mlfs_sources_quality_and_readiness(wh):
    context(wh, JOKIC, points_avg_last_5=20.0, points_avg_last_10=21.0,
            current_points_line=22.5, spread=-4.5, game_total=228.5,
            opponent_defensive_rating_l10=112.0, team_pace_l10=100.0)
    context(wh, GORDON)                                          # nothing but the context
    put(wh, "nba_precompute.player_daily_cache", game_date=D, player_id=JOKIC,
        points_avg_l5=20.0, points_avg_l10=21.0, points_avg_season=22.0, points_std_l10=5.0,
        minutes_avg_l10=34.0, usage_avg_l10=30.0, ts_pct_l10=0.6, games_played=20,
        team_pace_l10=100.0)
    put(wh, "nba_precompute.player_composite_factors", game_date=D, player_id=JOKIC,
        fatigue_score=90.0, shot_zone_mismatch=1.0, pace_score=0.5, usage_spike=0.2,
        total_adjustment=1.2)
    put(wh, "nba_precompute.player_shot_zone_analysis", game_date=D, player_id=JOKIC,
        paint_rate_l10=50.0, three_rate_l10=30.0)
    put(wh, "nba_precompute.team_defense_zone_analysis", game_date=D, team_id=LAL,
        paint_vs_league_avg=1.0, three_vs_league_avg=-1.0)
    wh.execute("UPDATE nba_analytics.upcoming_player_game_context SET days_rest = 1, "
               "star_teammates_out = 0, age = 28")
    rows = compute(wh, "ml_feature_store")
    j, g = rows[JOKIC], rows[GORDON]
    # Jokic: every feature from its first source -> phase4 100, phase3 87, vegas/calc 100
    expected = sum(SOURCE_WEIGHTS[f.sources[0][0]] for f in FEATURES) / len(FEATURES)
    assert j["quality_score"] == pytest.approx(expected)
    assert j["points_avg_l5_source"] == "phase4" and j["prop_line_source"] == "vegas"
    assert j["quality_tier"] == ("gold" if expected >= 95 else "silver")
    assert j["is_quality_ready"] is True
    # Gordon: required features defaulted -> never ready, whatever the score
    assert g["points_avg_season_source"] == "default" and g["prop_line_source"] == "missing"
    assert g["prop_line"] is None and g["is_quality_ready"] is False
    score = g["quality_score"]
    tier = next((t for lo, t in ((95, "gold"), (85, "silver"), (70, "bronze"), (50, "poor"))
                 if score >= lo), "critical")
    assert g["quality_tier"] == tier


def test_materialize_helper_still_available(wh):
    # the Phase 3 builder runs here too (shared season start for the ramp)
    materialize(wh, "team_offense_game_summary", D, D)
