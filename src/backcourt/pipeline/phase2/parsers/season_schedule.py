"""``nba_schedule`` (NBA stats ``scheduleleaguev2``) -> table ``season_schedule``.

One file holds the whole season as published on the folder date; each game becomes one row
whose ``game_date`` is the game's own date and whose ``published_date`` is the folder date.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated

from pydantic import AfterValidator, TypeAdapter, with_config
from typing_extensions import TypedDict

from backcourt.rawstore.store import RawFile

from ._common import (
    SEASON_SCHEDULE,
    STRICT,
    GameId,
    NonNegInt,
    UtcTs,
    fail,
    season_of_game,
    validate_json,
)
from .base import ParseOutput, Resolver

_US_DATE = re.compile(r"^(\d{2})/(\d{2})/(\d{4})(?: 00:00:00)?$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:T00:00:00Z?)?$")


def _schedule_date(value: str) -> date:
    """``"10/24/2023 00:00:00"`` (as published) or ``"2023-10-24"``."""
    m = _US_DATE.match(value)
    try:
        if m:
            return date(int(m.group(3)), int(m.group(1)), int(m.group(2)))
        m = _ISO_DATE.match(value)
        if m:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise ValueError("not a valid date") from None
    raise ValueError("not a MM/DD/YYYY 00:00:00 date")


_SEASON = re.compile(r"^\d{4}-\d{2}$")


@with_config(STRICT)
class _Team(TypedDict):
    teamId: NonNegInt  # 0 while a knockout/playoff opponent is not known yet
    teamTricode: str


@with_config(STRICT)
class _Game(TypedDict):
    gameId: GameId
    gameStatus: int
    gameStatusText: str
    gameDateTimeUTC: UtcTs
    homeTeam: _Team
    awayTeam: _Team


@with_config(STRICT)
class _GameDate(TypedDict):
    gameDate: Annotated[str, AfterValidator(_schedule_date)]
    games: list[_Game]


@with_config(STRICT)
class _Schedule(TypedDict):
    seasonYear: str
    gameDates: list[_GameDate]


@with_config(STRICT)
class _Root(TypedDict):
    leagueSchedule: _Schedule


_ROOT = TypeAdapter(_Root)


def parse(payload: bytes, file: RawFile, resolver: Resolver) -> ParseOutput:
    data = validate_json(_ROOT, payload, file)
    sched = data["leagueSchedule"]
    season_year = sched["seasonYear"]
    if not _SEASON.match(season_year):
        fail(file, "leagueSchedule.seasonYear", f"expected 'YYYY-YY' (got {season_year!r})")
    out = ParseOutput(rows={SEASON_SCHEDULE: []})
    seen: set[str] = set()
    for d, day in enumerate(sched["gameDates"]):
        for g, game in enumerate(day["games"]):
            path = f"leagueSchedule.gameDates[{d}].games[{g}]"
            game_id = game["gameId"]
            if game_id in seen:
                fail(file, f"{path}.gameId", f"duplicate game {game_id}")
            seen.add(game_id)
            season, season_type = season_of_game(game_id)
            if season != season_year:
                reason = f"game of season {season} in the {season_year} schedule"
                fail(file, f"{path}.gameId", reason)
            home, away = game["homeTeam"]["teamId"], game["awayTeam"]["teamId"]
            if home and home == away:
                fail(file, f"{path}.awayTeam.teamId", "same team as the home team")
            out.add(
                SEASON_SCHEDULE,
                {
                    "game_date": day["gameDate"],
                    "game_id": game_id,
                    "season": season,
                    "season_type": season_type,
                    "tipoff_utc": game["gameDateTimeUTC"],
                    "home_team_id": home or None,
                    "away_team_id": away or None,
                    "published_date": file.game_date,
                    "source_file": file.display,
                },
            )
    return out
