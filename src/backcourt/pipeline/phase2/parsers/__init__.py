"""Phase 2 parsers: one module per raw source, each ``parse(payload, file, resolver)``.

``PARSERS`` maps a raw-store source folder to its parse function. Output tables (keys of
``ParseOutput.rows``) are the lower-case names of the column sets in ``phase2.tables``:
``schedule``, ``season_schedule``, ``gamebook_player_stats``, ``team_boxscore``, ``pbp_shots``,
``injury_report``, ``rosters``, ``odds_player_props``, ``game_lines``. A parser always lists
every table it produces, with an empty list when the file has no rows for it.
"""

from __future__ import annotations

from collections.abc import Callable

from backcourt.rawstore.store import RawFile

from . import (
    boxscore,
    injury_report,
    odds_lines,
    odds_props,
    playbyplay,
    rosters,
    scoreboard,
    season_schedule,
    team_gamelogs,
)
from .base import ParseOutput, RawRecordError, Resolver

Parser = Callable[[bytes, RawFile, Resolver], ParseOutput]

PARSERS: dict[str, Parser] = {
    "nba_scoreboard": scoreboard.parse,
    "nba_schedule": season_schedule.parse,
    "nba_boxscore": boxscore.parse,
    "nba_playbyplay": playbyplay.parse,
    "nba_injury_report": injury_report.parse,
    "nba_rosters": rosters.parse,
    "odds_player_props": odds_props.parse,
    "odds_game_lines": odds_lines.parse,
    "nba_team_gamelogs": team_gamelogs.parse,
}

# table name -> the sources whose parsers write it
TABLE_SOURCES: dict[str, tuple[str, ...]] = {
    "schedule": ("nba_scoreboard", "nba_team_gamelogs"),
    "season_schedule": ("nba_schedule",),
    "gamebook_player_stats": ("nba_boxscore",),
    "team_boxscore": ("nba_boxscore", "nba_team_gamelogs"),
    "pbp_shots": ("nba_playbyplay",),
    "injury_report": ("nba_injury_report",),
    "rosters": ("nba_rosters",),
    "odds_player_props": ("odds_player_props",),
    "game_lines": ("odds_game_lines",),
}

__all__ = ["PARSERS", "TABLE_SOURCES", "Parser", "ParseOutput", "RawRecordError", "Resolver"]
