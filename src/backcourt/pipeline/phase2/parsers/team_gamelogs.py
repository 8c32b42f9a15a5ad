"""``nba_team_gamelogs`` (NBA stats ``leaguegamelog`` / ``teamgamelogs``, team mode) ->
``team_boxscore`` (source ``'gamelog'``) and ``schedule`` (one final game per ``GAME_ID``).

Columns are matched by header name. ``leaguegamelog`` has ``SEASON_ID`` (``'22023'``) and
``GAME_DATE`` ``'2023-10-24'``; ``teamgamelogs`` has ``SEASON_YEAR`` (``'2023-24'``),
``GAME_DATE`` ``'2023-10-24T00:00:00'`` and rank columns (ignored). Every row must be of the
folder's date. ``MATCHUP`` is ``"DEN vs. LAL"`` at home and ``"LAL @ DEN"`` away.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import TypeAdapter, with_config
from typing_extensions import TypedDict

from backcourt.pipeline.phase2.names import team_by_abbr
from backcourt.rawstore.store import RawFile

from ._common import (
    SCHEDULE,
    STRICT,
    TEAM_BOXSCORE,
    GameId,
    NonNegInt,
    PosInt,
    column_records,
    fail,
    find_result_set,
    load_object,
    rowset_path,
    season_label,
    season_of_game,
    stat_problem,
    validate_records,
)
from .base import ParseOutput, Resolver, Row

_MATCHUP = re.compile(r"^([A-Z]{2,4}) (vs\.|@) ([A-Z]{2,4})$")
_GAME_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:T00:00:00)?$")
_SEASON_ID = re.compile(r"^[1-6](\d{4})$")
_SEASON_YEAR = re.compile(r"^(\d{4})-\d{2}$")

# output column -> header
_STATS = {
    "fgm": "FGM",
    "fga": "FGA",
    "fg3m": "FG3M",
    "fg3a": "FG3A",
    "ftm": "FTM",
    "fta": "FTA",
    "oreb": "OREB",
    "dreb": "DREB",
    "reb": "REB",
    "ast": "AST",
    "stl": "STL",
    "blk": "BLK",
    "tov": "TOV",
    "pf": "PF",
    "pts": "PTS",
}


@with_config(STRICT)
class _Row(TypedDict):
    TEAM_ID: PosInt
    TEAM_ABBREVIATION: str
    GAME_ID: GameId
    GAME_DATE: str
    MATCHUP: str
    MIN: int | float
    FGM: NonNegInt
    FGA: NonNegInt
    FG3M: NonNegInt
    FG3A: NonNegInt
    FTM: NonNegInt
    FTA: NonNegInt
    OREB: NonNegInt
    DREB: NonNegInt
    REB: NonNegInt
    AST: NonNegInt
    STL: NonNegInt
    BLK: NonNegInt
    TOV: NonNegInt
    PF: NonNegInt
    PTS: NonNegInt
    PLUS_MINUS: int | float


_ROWS = TypeAdapter(list[_Row])


def _team_minutes(value: float) -> float | None:
    """Team minutes (240, 265, ...); game minutes (48, 53, ...), as ``teamgamelogs`` may give
    them, are multiplied by the five players on the floor. Anything else is not a full game."""
    if value >= 200:
        return float(value)
    if 40 <= value < 100:
        return float(value) * 5
    return None


def parse(payload: bytes, file: RawFile, resolver: Resolver) -> ParseOutput:
    data = load_object(payload, file)
    k, _, headers, raw_rows = find_result_set(data, file, ("LeagueGameLog", "TeamGameLogs"))
    if "PLAYER_ID" in headers:
        fail(file, f"resultSets[{k}].headers", "a player game log; a team game log is expected")
    if "SEASON_ID" in headers:
        season_col = "SEASON_ID"
    elif "SEASON_YEAR" in headers:
        season_col = "SEASON_YEAR"
    else:
        fail(file, f"resultSets[{k}].headers", "missing column SEASON_ID or SEASON_YEAR")
    columns = [*_Row.__annotations__, season_col]
    records, pos = column_records(file, k, headers, raw_rows, columns)
    rows = validate_records(_ROWS, records, file, k, pos)

    out = ParseOutput(rows={TEAM_BOXSCORE: [], SCHEDULE: []})
    games: dict[str, dict[str, Any]] = {}
    for i, (r, rec) in enumerate(zip(rows, records, strict=True)):

        def where(column: str, i: int = i) -> str:
            return rowset_path(k, i, pos, column)

        game_id = r["GAME_ID"]
        season, season_type = season_of_game(game_id)

        raw_season = rec[season_col]
        m = (_SEASON_ID if season_col == "SEASON_ID" else _SEASON_YEAR).match(
            raw_season if isinstance(raw_season, str) else ""
        )
        if not m or season_label(int(m.group(1))) != season:
            fail(
                file,
                where(season_col),
                f"column {season_col}: {raw_season!r} does not match game {game_id} ({season})",
            )

        d = _GAME_DATE.match(r["GAME_DATE"])
        if not d:
            fail(file, where("GAME_DATE"), f"column GAME_DATE: not a date {r['GAME_DATE']!r}")
        if d.group(1) != file.game_date.isoformat():
            fail(
                file,
                where("GAME_DATE"),
                f"column GAME_DATE: row of {d.group(1)} in the folder of {file.game_date}",
            )

        abbr = r["TEAM_ABBREVIATION"]
        own = team_by_abbr(abbr)
        if own is not None and own.id != r["TEAM_ID"]:
            fail(
                file,
                where("TEAM_ID"),
                f"column TEAM_ID: {r['TEAM_ID']} is not the id of {abbr} ({own.id})",
            )
        mm = _MATCHUP.match(r["MATCHUP"])
        if not mm or mm.group(1) != abbr:
            fail(
                file,
                where("MATCHUP"),
                f"column MATCHUP: expected '{abbr} vs. XXX' or '{abbr} @ XXX' "
                f"(got {r['MATCHUP']!r})",
            )
        is_home = mm.group(2) == "vs."
        opponent = team_by_abbr(mm.group(3))
        if opponent is None:
            fail(file, where("MATCHUP"), f"column MATCHUP: unknown team {mm.group(3)!r}")
        if opponent.id == r["TEAM_ID"]:
            fail(file, where("MATCHUP"), "column MATCHUP: a team playing itself")

        minutes = _team_minutes(r["MIN"])
        if minutes is None:
            fail(file, where("MIN"), f"column MIN: not a team's minutes ({r['MIN']!r})")
        problem = stat_problem(
            *(
                r[_STATS[c]]
                for c in ("fgm", "fga", "fg3m", "fg3a", "ftm", "fta", "oreb", "dreb", "reb", "pts")
            )
        )
        if problem:
            col = _STATS[problem[0]]
            fail(file, where(col), f"column {col}: {problem[1]}")
        plus_minus = r["PLUS_MINUS"]
        if plus_minus != int(plus_minus):
            fail(file, where("PLUS_MINUS"), f"column PLUS_MINUS: not whole points ({plus_minus})")

        game = games.setdefault(
            game_id, {"season": season, "season_type": season_type, "home": None, "away": None}
        )
        side = "home" if is_home else "away"
        if game[side] is not None:
            fail(file, where("MATCHUP"), f"column MATCHUP: a second {side} team for {game_id}")
        game[side] = {
            "i": i,
            "team_id": r["TEAM_ID"],
            "abbr": abbr,
            "opp": opponent,
            "pts": r["PTS"],
            "pm": int(plus_minus),
        }

        row: Row = {
            "game_date": file.game_date,
            "game_id": game_id,
            "season": season,
            "team_id": r["TEAM_ID"],
            "team_abbr": abbr,
            "opponent_team_id": opponent.id,
            "is_home": is_home,
            "minutes": minutes,
        }
        for col, header in _STATS.items():
            row[col] = r[header]
        row["plus_minus"] = float(plus_minus)
        row["source"] = "gamelog"
        row["source_file"] = file.display
        out.add(TEAM_BOXSCORE, row)

    for game_id, g in games.items():
        home, away = g["home"], g["away"]
        if home and away:
            if home["opp"].abbr != away["abbr"] or away["opp"].abbr != home["abbr"]:
                fail(
                    file,
                    rowset_path(k, away["i"], pos, "MATCHUP"),
                    f"column MATCHUP: the two rows of {game_id} disagree on the teams",
                )
            if home["pts"] - away["pts"] != home["pm"] or away["pm"] != -home["pm"]:
                fail(
                    file,
                    rowset_path(k, home["i"], pos, "PLUS_MINUS"),
                    f"column PLUS_MINUS: {home['pm']} does not match the score "
                    f"{home['pts']}-{away['pts']}",
                )
            home_id, home_abbr, home_pts = home["team_id"], home["abbr"], home["pts"]
            away_id, away_abbr, away_pts = away["team_id"], away["abbr"], away["pts"]
        elif home:
            home_id, home_abbr, home_pts = home["team_id"], home["abbr"], home["pts"]
            away_id, away_abbr = home["opp"].id, home["opp"].abbr
            away_pts = home["pts"] - home["pm"]
        else:
            away_id, away_abbr, away_pts = away["team_id"], away["abbr"], away["pts"]
            home_id, home_abbr = away["opp"].id, away["opp"].abbr
            home_pts = away["pts"] - away["pm"]
        one = home or away
        if home_pts < 0 or away_pts < 0 or home_pts == away_pts:
            fail(
                file,
                rowset_path(k, one["i"], pos, "PLUS_MINUS"),
                f"column PLUS_MINUS: gives an impossible final score {home_pts}-{away_pts}",
            )
        out.add(
            SCHEDULE,
            {
                "game_date": file.game_date,
                "game_id": game_id,
                "season": g["season"],
                "season_type": g["season_type"],
                "game_status": 3,
                "game_status_text": "Final",
                "is_postponed": False,
                "tipoff_utc": None,
                "home_team_id": home_id,
                "home_team_abbr": home_abbr,
                "away_team_id": away_id,
                "away_team_abbr": away_abbr,
                "home_score": home_pts,
                "away_score": away_pts,
                "source_file": file.display,
            },
        )
    return out
