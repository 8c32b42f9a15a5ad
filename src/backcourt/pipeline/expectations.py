"""Expected row counts and expected entities shared by processors of several phases, from
the schedule."""

from __future__ import annotations

from backcourt.registry import rows_per_date

SCHEDULE = "nba_raw.schedule"

FINAL_GAMES = rows_per_date(SCHEDULE, "game_status = 3")
TEAMS_IN_FINAL_GAMES = rows_per_date(SCHEDULE, "game_status = 3", times=2)
TEAMS_SCHEDULED = rows_per_date(SCHEDULE, "NOT is_postponed", times=2)

# the expected entities of `validate --reconcile`: columns named game_date and entity
_FINAL = ("SELECT game_date, game_id, home_team_id, away_team_id FROM nba_raw.schedule "
          "WHERE game_status = 3 AND game_date BETWEEN {start} AND {end}")
FINAL_GAME_IDS = f"SELECT game_date, game_id AS entity FROM ({_FINAL}) AS g"
TEAMS_WITH_FINAL_GAME = (f"SELECT game_date, home_team_id AS entity FROM ({_FINAL}) AS g "
                         "UNION ALL "
                         f"SELECT game_date, away_team_id FROM ({_FINAL}) AS g")
_SCHEDULED = ("SELECT game_date, home_team_id, away_team_id FROM nba_raw.schedule "
              "WHERE NOT is_postponed AND game_date BETWEEN {start} AND {end}")
TEAMS_WITH_GAME = (f"SELECT game_date, home_team_id AS entity FROM ({_SCHEDULED}) AS g "
                   "UNION ALL "
                   f"SELECT game_date, away_team_id FROM ({_SCHEDULED}) AS g")
PUBLISHED_GAMES = ("SELECT game_date, game_id AS entity FROM nba_raw.season_schedule "
                   "WHERE game_date BETWEEN {start} AND {end}")
