"""``nba_boxscore`` (NBA stats ``boxscoretraditionalv3``) -> ``gamebook_player_stats`` and
``team_boxscore`` (source ``'boxscore'``)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, TypeAdapter, with_config
from typing_extensions import TypedDict

from backcourt.pipeline.phase2.franchises import abbr_problem
from backcourt.pipeline.phase2.names import player_lookup
from backcourt.rawstore.store import RawFile

from ._common import (
    GAME_FILE_NAME,
    GAMEBOOK_PLAYER_STATS,
    STRICT,
    TEAM_BOXSCORE,
    GameId,
    NonNegInt,
    PosInt,
    fail,
    known_id,
    parse_minutes,
    season_of_game,
    season_start_of_game,
    stat_problem,
    validate_json,
)
from .base import ParseOutput, Resolver, Row

# output column -> key in the file
_STAT_KEYS = {
    "fgm": "fieldGoalsMade",
    "fga": "fieldGoalsAttempted",
    "fg3m": "threePointersMade",
    "fg3a": "threePointersAttempted",
    "ftm": "freeThrowsMade",
    "fta": "freeThrowsAttempted",
    "oreb": "reboundsOffensive",
    "dreb": "reboundsDefensive",
    "reb": "reboundsTotal",
    "ast": "assists",
    "stl": "steals",
    "blk": "blocks",
    "tov": "turnovers",
    "pf": "foulsPersonal",
    "pts": "points",
}


@with_config(STRICT)
class _Stats(TypedDict):
    """Statistics validated straight into the output column names."""

    minutes_raw: Annotated[str, Field(validation_alias="minutes")]
    fgm: Annotated[NonNegInt, Field(validation_alias="fieldGoalsMade")]
    fga: Annotated[NonNegInt, Field(validation_alias="fieldGoalsAttempted")]
    fg3m: Annotated[NonNegInt, Field(validation_alias="threePointersMade")]
    fg3a: Annotated[NonNegInt, Field(validation_alias="threePointersAttempted")]
    ftm: Annotated[NonNegInt, Field(validation_alias="freeThrowsMade")]
    fta: Annotated[NonNegInt, Field(validation_alias="freeThrowsAttempted")]
    oreb: Annotated[NonNegInt, Field(validation_alias="reboundsOffensive")]
    dreb: Annotated[NonNegInt, Field(validation_alias="reboundsDefensive")]
    reb: Annotated[NonNegInt, Field(validation_alias="reboundsTotal")]
    ast: Annotated[NonNegInt, Field(validation_alias="assists")]
    stl: Annotated[NonNegInt, Field(validation_alias="steals")]
    blk: Annotated[NonNegInt, Field(validation_alias="blocks")]
    tov: Annotated[NonNegInt, Field(validation_alias="turnovers")]
    pf: Annotated[NonNegInt, Field(validation_alias="foulsPersonal")]
    pts: Annotated[NonNegInt, Field(validation_alias="points")]
    plus_minus: Annotated[float, Field(validation_alias="plusMinusPoints")]


@with_config(STRICT)
class _Player(TypedDict):
    personId: PosInt
    firstName: str
    familyName: str
    position: str
    comment: str
    statistics: _Stats


@with_config(STRICT)
class _Team(TypedDict):
    teamId: PosInt
    teamTricode: str
    players: list[_Player]
    statistics: _Stats


@with_config(STRICT)
class _Box(TypedDict):
    gameId: GameId
    awayTeamId: PosInt
    homeTeamId: PosInt
    homeTeam: _Team
    awayTeam: _Team


@with_config(STRICT)
class _Root(TypedDict):
    boxScoreTraditional: _Box


_ROOT = TypeAdapter(_Root)
_COUNTS = tuple(_STAT_KEYS)


def _check_stats(file: RawFile, s: dict[str, Any], path: str) -> None:
    problem = stat_problem(
        s["fgm"], s["fga"], s["fg3m"], s["fg3a"], s["ftm"], s["fta"],
        s["oreb"], s["dreb"], s["reb"], s["pts"],
    )  # fmt: skip
    if problem:
        fail(file, f"{path}.statistics.{_STAT_KEYS[problem[0]]}", problem[1])


def parse(payload: bytes, file: RawFile, resolver: Resolver) -> ParseOutput:
    box = validate_json(_ROOT, payload, file)["boxScoreTraditional"]
    game_id = box["gameId"]
    season, _ = season_of_game(game_id)
    home_id, away_id = box["homeTeamId"], box["awayTeamId"]
    if home_id == away_id:
        fail(file, "boxScoreTraditional.awayTeamId", "same team as homeTeamId")
    stem = file.name.split(".", 1)[0]
    if GAME_FILE_NAME.match(stem) and stem != game_id:
        fail(file, "boxScoreTraditional.gameId", f"game {game_id} in the file of game {stem}")
    registry_errors: list[Row] = []
    source_file = file.display
    players_out: list[Row] = []
    teams_out: list[Row] = []
    seen: set[int] = set()

    sides = (("homeTeam", home_id, away_id), ("awayTeam", away_id, home_id))
    for side, team_id, opponent_id in sides:
        team = box[side]
        tpath = f"boxScoreTraditional.{side}"
        if team["teamId"] != team_id:
            fail(file, f"{tpath}.teamId", f"{team['teamId']} does not match {side}Id {team_id}")
        problem = abbr_problem(team_id, team["teamTricode"], season_start_of_game(game_id))
        if problem:
            fail(file, f"{tpath}.teamId" if "abbreviation" not in problem
                 else f"{tpath}.teamTricode", problem)
        common: Row = {
            "game_date": file.game_date,
            "game_id": game_id,
            "season": season,
            "team_id": team_id,
            "team_abbr": team["teamTricode"],
            "opponent_team_id": opponent_id,
            "is_home": side == "homeTeam",
        }
        pts_sum = 0
        for i, p in enumerate(team["players"]):
            ppath = f"{tpath}.players[{i}]"
            pid = p["personId"]
            if pid in seen:
                fail(file, f"{ppath}.personId", f"player {pid} listed twice")
            seen.add(pid)
            s = p["statistics"]
            raw = s["minutes_raw"]
            minutes = parse_minutes(raw)
            if minutes is None:
                fail(file, f"{ppath}.statistics.minutes", f"unrecognised minutes {raw!r}")
            _check_stats(file, s, ppath)
            comment = p["comment"]
            if minutes > 0:
                status = "ACTIVE"
            else:
                busy = [f"{_STAT_KEYS[c]}={s[c]}" for c in _COUNTS if s[c]]
                if s["plus_minus"]:
                    busy.append(f"plusMinusPoints={s['plus_minus']}")
                if busy:
                    fail(
                        file,
                        f"{ppath}.statistics.minutes",
                        f"no playing time ({raw!r}) but non-zero statistics: {', '.join(busy)}",
                    )
                status = "INACTIVE" if comment.startswith("Inactive") else "DNP"
            name = f"{p['firstName']} {p['familyName']}".strip()
            if not known_id(resolver, pid):
                registry_errors.append({
                    "game_date": file.game_date, "source": file.source,
                    "source_file": source_file, "player_name_raw": name,
                    "player_lookup": player_lookup(name),
                    "reason": f"unknown player id {pid} ({ppath}.personId)"})
            position = p["position"]
            players_out.append(
                {
                    **common,
                    "player_id": pid,
                    "player_name": name,
                    "player_lookup": player_lookup(name),
                    "position": position,
                    "is_starter": position != "",
                    "player_status": status,
                    "dnp_reason": None if status == "ACTIVE" else comment,
                    "minutes": minutes,
                    **s,
                    "source_file": source_file,
                }
            )
            pts_sum += s["pts"]

        ts = team["statistics"]
        raw = ts.pop("minutes_raw")
        minutes = parse_minutes(raw)
        if not minutes:
            fail(file, f"{tpath}.statistics.minutes", f"unrecognised team minutes {raw!r}")
        _check_stats(file, ts, tpath)
        if ts["pts"] != pts_sum:
            fail(
                file,
                f"{tpath}.statistics.points",
                f"team total {ts['pts']} != sum of the players' points {pts_sum}",
            )
        teams_out.append(
            {
                **common,
                "minutes": minutes,
                **ts,
                "source": "boxscore",
                "source_file": source_file,
            }
        )
    return ParseOutput(rows={GAMEBOOK_PLAYER_STATS: players_out, TEAM_BOXSCORE: teams_out},
                       registry_errors=registry_errors)
