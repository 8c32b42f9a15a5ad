"""Expected row counts shared by processors of several phases, from the schedule."""

from __future__ import annotations

from backcourt.registry import rows_per_date

SCHEDULE = "nba_raw.schedule"

FINAL_GAMES = rows_per_date(SCHEDULE, "game_status = 3")
TEAMS_IN_FINAL_GAMES = rows_per_date(SCHEDULE, "game_status = 3", times=2)
TEAMS_SCHEDULED = rows_per_date(SCHEDULE, "NOT is_postponed", times=2)
