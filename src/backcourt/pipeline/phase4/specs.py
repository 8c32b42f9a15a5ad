"""Phase 4 processors: ``nba_analytics`` → ``nba_precompute`` features.

TDZA ∥ PSZA → PCF → PDC → MLFS follows from the inputs below. History windows end strictly
before the date and stay inside the season; the first 14 days of a season are skipped.
"""

from __future__ import annotations

from importlib.resources import files

from backcourt.pipeline.phase4.features import feature_store_sql
from backcourt.registry import (
    Check,
    Expected,
    Input,
    Processor,
    entities_per_date,
    previous_days,
    season_to_date,
)


def _sql(name: str) -> str:
    return files("backcourt.pipeline.phase4").joinpath("sql", f"{name}.sql").read_text()


BOOTSTRAP_DAYS = 14
CONTEXT = "nba_analytics.upcoming_player_game_context"
PLAYER_GAME = "nba_analytics.player_game_summary"
TDZA = "nba_precompute.team_defense_zone_analysis"
PSZA = "nba_precompute.player_shot_zone_analysis"
PCF = "nba_precompute.player_composite_factors"
PDC = "nba_precompute.player_daily_cache"

_PLAYER_ENTITIES = (
    "SELECT game_date, player_id AS entity FROM nba_analytics.upcoming_player_game_context "
    "WHERE game_date BETWEEN {start} AND {end}"
)
_TEAM_ENTITIES = (
    "SELECT DISTINCT d.game_date, x.team_id AS entity FROM ("
    "SELECT DISTINCT game_date, season FROM nba_raw.schedule "
    "WHERE game_date BETWEEN {start} AND {end} AND NOT is_postponed) AS d JOIN ("
    "SELECT game_date, season, home_team_id AS team_id FROM nba_raw.schedule UNION "
    "SELECT game_date, season, away_team_id FROM nba_raw.schedule) AS x "
    "ON x.season = d.season AND x.game_date <= d.game_date"
)
_SEASON_TEAMS = entities_per_date(_TEAM_ENTITIES)
_PLAYERS_WITH_GAME = entities_per_date(_PLAYER_ENTITIES)

PROCESSORS = (
    Processor(
        name="team_defense_zone_analysis", phase=4, table=TDZA, keys=("team_id",),
        sql=_sql("team_defense_zone_analysis"), entity="team_id",
        inputs=(Input("nba_analytics.team_defense_game_summary", season_to_date()),
                Input("nba_raw.schedule")),
        bootstrap_days=BOOTSTRAP_DAYS,
        checks=(Check("paint_fg_pct_allowed"), Check("three_fg_pct_allowed"),
                Check("paint_vs_league_avg"), Check("mid_vs_league_avg"),
                Check("three_vs_league_avg"), Check("games_in_sample", "non_zero")),
        expected=Expected(_SEASON_TEAMS, entities_sql=_TEAM_ENTITIES),
        description="Each team's zone defense over its last 15 games vs the league.",
    ),
    Processor(
        name="player_shot_zone_analysis", phase=4, table=PSZA, keys=("player_id",),
        sql=_sql("player_shot_zone_analysis"), entity="player_id",
        inputs=(Input(PLAYER_GAME, season_to_date()), Input("nba_raw.schedule")),
        bootstrap_days=BOOTSTRAP_DAYS,
        checks=(Check("primary_zone"), Check("games_in_sample", "non_zero"),
                Check("paint_rate_l10", where="fga_per_game_l10 > 0")),
        description="Each player's shot profile by zone over his last 10 (and 20) games.",
    ),
    Processor(
        name="player_composite_factors", phase=4, table=PCF, keys=("player_id",),
        sql=_sql("player_composite_factors"), entity="player_id",
        inputs=(Input(CONTEXT), Input(PSZA), Input(TDZA),
                Input(PLAYER_GAME, previous_days(30))),
        bootstrap_days=BOOTSTRAP_DAYS,
        checks=(Check("fatigue_score"), Check("fatigue_score", "between", 0, 100),
                Check("total_adjustment"), Check("pace_score", "between", -3, 3),
                Check("usage_spike", "between", -3, 3),
                Check("shot_zone_mismatch", "between", -10, 10)),
        expected=Expected(_PLAYERS_WITH_GAME, entities_sql=_PLAYER_ENTITIES),
        description="Fatigue, shot-zone mismatch, pace and usage-spike adjustments.",
    ),
    Processor(
        name="player_daily_cache", phase=4, table=PDC, keys=("player_id",),
        sql=_sql("player_daily_cache"), entity="player_id",
        inputs=(Input(CONTEXT), Input(PLAYER_GAME, season_to_date()),
                Input("nba_analytics.team_offense_game_summary", season_to_date()),
                Input(PCF), Input(PSZA)),
        bootstrap_days=BOOTSTRAP_DAYS,
        checks=(Check("points_avg_season"), Check("points_avg_l5"),
                Check("minutes_avg_l10"), Check("games_played", "between", 3, 120)),
        expected=Expected(_PLAYERS_WITH_GAME, entities_sql=_PLAYER_ENTITIES),
        description="Season-to-date and recent form per player with a game.",
    ),
    Processor(
        name="ml_feature_store", phase=4, table="nba_precompute.ml_feature_store",
        keys=("player_id",), sql=feature_store_sql(),
        inputs=(Input(CONTEXT), Input(PDC), Input(PCF), Input(PSZA), Input(TDZA)),
        bootstrap_days=BOOTSTRAP_DAYS,
        checks=(Check("quality_score"), Check("quality_tier"), Check("points_avg_l5"),
                Check("quality_score", "between", 0, 100)),
        expected=Expected(_PLAYERS_WITH_GAME, entities_sql=_PLAYER_ENTITIES),
        description="One row of named features with source and quality per player.",
    ),
)
