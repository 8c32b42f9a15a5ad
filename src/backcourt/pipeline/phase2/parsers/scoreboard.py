"""``nba_scoreboard`` (NBA stats ``scoreboardv3``) -> table ``schedule``."""

from __future__ import annotations

from typing import Literal

from pydantic import TypeAdapter, with_config
from typing_extensions import TypedDict

from backcourt.pipeline.phase2.franchises import abbr_problem
from backcourt.rawstore.store import RawFile

from ._common import (
    SCHEDULE,
    STRICT,
    GameId,
    IsoDate,
    NonNegInt,
    PosInt,
    UtcTs,
    fail,
    season_of_game,
    season_start_of_game,
    validate_json,
)
from .base import ParseOutput, RawRecordError, Resolver

POSTPONED_TEXTS = frozenset({"PPD", "POSTPONED"})


@with_config(STRICT)
class _Team(TypedDict):
    teamId: PosInt
    teamTricode: str
    score: NonNegInt


@with_config(STRICT)
class _Game(TypedDict):
    gameId: GameId
    gameStatus: Literal[1, 2, 3]
    gameStatusText: str
    gameTimeUTC: UtcTs
    homeTeam: _Team
    awayTeam: _Team


@with_config(STRICT)
class _Scoreboard(TypedDict):
    gameDate: IsoDate
    games: list[_Game]


@with_config(STRICT)
class _Root(TypedDict):
    scoreboard: _Scoreboard


_ROOT = TypeAdapter(_Root)


def parse(payload: bytes, file: RawFile, resolver: Resolver) -> ParseOutput:
    data = validate_json(_ROOT, payload, file)
    board = data["scoreboard"]
    if board["gameDate"] != file.game_date:
        fail(
            file,
            "scoreboard.gameDate",
            f"scoreboard of {board['gameDate']} in the folder of {file.game_date}",
        )
    out = ParseOutput(rows={SCHEDULE: []})
    seen: set[str] = set()
    for i, g in enumerate(board["games"]):
        game_id = g["gameId"]
        if game_id in seen:
            fail(file, f"scoreboard.games[{i}].gameId", f"duplicate game {game_id}")
        seen.add(game_id)
        home, away = g["homeTeam"], g["awayTeam"]
        if home["teamId"] == away["teamId"]:
            fail(file, f"scoreboard.games[{i}].awayTeam.teamId", "same team as the home team")
        problems = []
        for side in ("homeTeam", "awayTeam"):
            why = abbr_problem(g[side]["teamId"], g[side]["teamTricode"],
                               season_start_of_game(game_id))
            if why:
                key = "teamTricode" if "abbreviation" in why else "teamId"
                problems.append((f"scoreboard.games[{i}].{side}.{key}", why))
        if problems:   # this game is left out; the scoreboard's other games load
            out.row_errors += [RawRecordError(file.display, field, why)
                               for field, why in problems]
            continue
        season, season_type = season_of_game(game_id)
        final = g["gameStatus"] == 3
        out.add(
            SCHEDULE,
            {
                "game_date": file.game_date,
                "game_id": game_id,
                "season": season,
                "season_type": season_type,
                "game_status": g["gameStatus"],
                "game_status_text": g["gameStatusText"],
                "is_postponed": g["gameStatusText"].strip().upper() in POSTPONED_TEXTS,
                "tipoff_utc": g["gameTimeUTC"],
                "home_team_id": home["teamId"],
                "home_team_abbr": home["teamTricode"],
                "away_team_id": away["teamId"],
                "away_team_abbr": away["teamTricode"],
                "home_score": home["score"] if final else None,
                "away_score": away["score"] if final else None,
                "source_file": file.display,
            },
        )
    return out
