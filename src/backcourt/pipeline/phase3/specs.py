"""Phase 3 processors: ``nba_raw`` → ``nba_analytics`` (SQL, one statement per range)."""

from __future__ import annotations

from importlib.resources import files

from backcourt.pipeline import expectations as E
from backcourt.registry import (
    Check,
    Expected,
    Input,
    Processor,
    previous_days,
    rows_per_date,
    season_to_date,
)


def _sql(name: str) -> str:
    return files("backcourt.pipeline.phase3").joinpath("sql", f"{name}.sql").read_text()


TEAM_OFFENSE = "nba_analytics.team_offense_game_summary"
PLAYER_GAME = "nba_analytics.player_game_summary"

# expected entities for `validate --reconcile`: every listed player of a final game; every
# rostered player of a team with a game
_LISTED_PLAYERS = ("SELECT game_date, player_id AS entity FROM nba_raw.gamebook_player_stats "
                   "WHERE game_date BETWEEN {start} AND {end}")
_ROSTERED_WITH_GAME = (
    "SELECT r.game_date, r.player_id AS entity FROM nba_raw.rosters AS r "
    "WHERE r.game_date BETWEEN {start} AND {end} AND EXISTS ("
    "SELECT 1 FROM nba_raw.schedule AS s WHERE s.game_date = r.game_date "
    "AND NOT s.is_postponed AND r.team_id IN (s.home_team_id, s.away_team_id))")

PROCESSORS = (
    Processor(
        name="team_offense_game_summary", phase=3, table=TEAM_OFFENSE,
        keys=("game_id", "team_id"), sql=_sql("team_offense_game_summary"),
        inputs=(Input("nba_raw.team_boxscore"), Input("nba_raw.schedule")),
        checks=(Check("possessions"), Check("pace"), Check("offensive_rating"),
                Check("win_flag"), Check("points"),
                Check("pace", "between", 70, 140), Check("possessions", "non_zero")),
        expected=Expected(E.TEAMS_IN_FINAL_GAMES, entities_sql=E.TEAMS_WITH_FINAL_GAME),
        description="Possessions, pace, ratings, result per team-game.",
    ),
    Processor(
        name="team_defense_game_summary", phase=3,
        table="nba_analytics.team_defense_game_summary",
        keys=("game_id", "defending_team_id"), sql=_sql("team_defense_game_summary"),
        inputs=(Input(TEAM_OFFENSE), Input("nba_raw.pbp_shots", required=False)),
        checks=(Check("opp_points"), Check("defensive_rating"), Check("opponent_pace"),
                Check("opp_paint_fga", where="has_shot_zones"),
                Check("opp_three_fga", where="has_shot_zones"),
                Check("opp_mid_fga", where="has_shot_zones")),
        expected=Expected(E.TEAMS_IN_FINAL_GAMES, entities_sql=E.TEAMS_WITH_FINAL_GAME),
        description="The opponent's offense by zone, seen as defense.",
    ),
    Processor(
        name="player_game_summary", phase=3, table=PLAYER_GAME,
        keys=("game_id", "player_id"), sql=_sql("player_game_summary"),
        inputs=(Input("nba_raw.gamebook_player_stats"), Input(TEAM_OFFENSE),
                Input("nba_raw.pbp_shots", required=False),
                Input("nba_raw.odds_player_props", required=False)),
        checks=(Check("points"), Check("minutes"), Check("is_dnp"),
                Check("usage_rate", where="NOT is_dnp AND minutes > 0"),
                Check("paint_fga", where="has_complete_shot_zones")),
        expected=Expected(rows_per_date("nba_raw.gamebook_player_stats"),
                          entities_sql=_LISTED_PLAYERS),
        description="Box stats, efficiency, usage, shot zones and the prop result per player.",
    ),
    Processor(
        name="upcoming_player_game_context", phase=3,
        table="nba_analytics.upcoming_player_game_context",
        keys=("game_id", "player_id"), sql=_sql("upcoming_player_game_context"),
        # rosters and the injury report are optional: see the SQL's fallbacks
        inputs=(Input("nba_raw.schedule"), Input("nba_raw.rosters", required=False),
                Input("nba_raw.injury_report", required=False),
                Input("nba_raw.gamebook_player_stats", required=False),
                Input("nba_raw.odds_player_props", required=False),
                Input("nba_raw.game_lines", required=False),
                Input(PLAYER_GAME, previous_days(30)),
                Input(TEAM_OFFENSE, previous_days(30))),
        checks=(Check("games_last_7_days"), Check("back_to_back"), Check("injury_status"),
                Check("has_prop_line"), Check("roster_source"),
                Check("star_teammates_out", where="injury_status <> 'Unknown'"),
                Check("age", where="roster_source = 'rosters'")),
        expected=Expected(
            "SELECT game_date, COUNT(*) FROM nba_raw.rosters AS r "
            "WHERE game_date BETWEEN {start} AND {end} AND EXISTS ("
            "SELECT 1 FROM nba_raw.schedule AS s WHERE s.game_date = r.game_date "
            "AND NOT s.is_postponed AND r.team_id IN (s.home_team_id, s.away_team_id)) "
            "GROUP BY game_date", entities_sql=_ROSTERED_WITH_GAME),
        description="What is known about each rostered player before tip-off.",
    ),
    Processor(
        name="upcoming_team_game_context", phase=3,
        table="nba_analytics.upcoming_team_game_context",
        keys=("game_id", "team_id"), sql=_sql("upcoming_team_game_context"),
        inputs=(Input("nba_raw.schedule"), Input("nba_raw.injury_report", required=False),
                Input("nba_raw.game_lines", required=False),
                Input(TEAM_OFFENSE, season_to_date()),
                Input(PLAYER_GAME, previous_days(30))),
        checks=(Check("games_last_7_days"), Check("back_to_back"), Check("streak"),
                Check("starters_out", where="injury_report_known")),
        expected=Expected(E.TEAMS_SCHEDULED, entities_sql=E.TEAMS_WITH_GAME),
        description="Rest, schedule density, lines, absences and form per team before tip-off.",
    ),
)
