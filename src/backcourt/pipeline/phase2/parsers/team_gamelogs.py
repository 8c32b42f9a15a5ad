"""``nba_team_gamelogs`` (NBA stats ``leaguegamelog`` / ``teamgamelogs``, team mode) ->
``team_boxscore`` (source ``'gamelog'``) and ``schedule`` (one final game per ``GAME_ID``).

Columns are matched by header name. ``leaguegamelog`` has ``SEASON_ID`` (``'22023'``) and
``GAME_DATE`` ``'2023-10-24'``; ``teamgamelogs`` has ``SEASON_YEAR`` (``'2023-24'``),
``GAME_DATE`` ``'2023-10-24T00:00:00'`` and rank columns (ignored). Every row must be of the
folder's date. ``MATCHUP`` is ``"DEN vs. LAL"`` at home and ``"LAL @ DEN"`` away.

Real responses are taken as they come: counts may be integral floats (``11.0``); a team is
resolved by its id and its abbreviation checked against the franchise's history
(``franchises``: ``NOH``, ``NJN``, ``SEA``…); a row repeated exactly (or differing only in
columns not read, the ranks) is dropped with a warning. A defect in one row leaves out only
that row's game, with the file, row, field and reason (``ParseOutput.row_errors``); the
file's other games load. A problem with the file itself (no result set, a missing column)
rejects the whole file.
"""

from __future__ import annotations

import re
from typing import Any

import orjson
from pydantic import TypeAdapter, ValidationError, with_config
from typing_extensions import TypedDict

from backcourt.pipeline.phase2.franchises import abbr_problem, team_id_of_abbr
from backcourt.rawstore.store import RawFile

from ._common import (
    SCHEDULE,
    STRICT,
    TEAM_BOXSCORE,
    GameId,
    NonNegInt,
    PosInt,
    column_records,
    describe,
    fail,
    find_result_set,
    load_object,
    rowset_path,
    season_label,
    season_of_game,
    season_start_of_game,
    stat_problem,
)
from .base import ParseOutput, RawRecordError, Resolver, Row

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


_ONE_ROW = TypeAdapter(_Row)


def _team_minutes(value: float) -> float | None:
    """Team minutes (240, 265, ...); game minutes (48, 53, ...), as ``teamgamelogs`` may give
    them, are multiplied by the five players on the floor. Anything else is not a full game."""
    if value >= 200:
        return float(value)
    if 40 <= value < 100:
        return float(value) * 5
    return None


class _GameError(Exception):
    """A defect of one row: its game is left out of the file's output."""

    def __init__(self, game_id: str | None, error: RawRecordError):
        self.game_id, self.error = game_id, error


def _dedupe(file: RawFile, raw_rows: list[Any], k: int, width: int,
            out: ParseOutput) -> list[tuple[int, Any]]:
    """(row index, row) of the rowSet without rows identical in every value, each repeat
    recorded as a warning (rows that differ only in columns not read, the ranks, are
    dropped later, when their values are read)."""
    seen: dict[str, int] = {}
    kept = []
    for i, row in enumerate(raw_rows):
        key = orjson.dumps(row) if isinstance(row, list) and len(row) == width else None
        if key is not None and key in seen:
            out.warnings.append(_warning(file, f"resultSets[{k}].rowSet[{i}]",
                                         f"an exact repeat of row {seen[key]}: dropped"))
            continue
        if key is not None:
            seen[key] = i
        kept.append((i, row))
    return kept


def _warning(file: RawFile, field: str, reason: str) -> Row:
    return {"game_date": file.game_date, "source": file.source, "source_file": file.display,
            "field": field, "reason": reason}


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
    column_records(file, k, headers, [], columns)   # every column there, exactly once
    pos = {name: headers.index(name) for name in columns}
    out = ParseOutput(rows={TEAM_BOXSCORE: [], SCHEDULE: []})
    width = len(headers)
    bad: dict[str, list[RawRecordError]] = {}
    rows_of: dict[tuple[str, int], tuple[int, tuple]] = {}   # (game, team) -> (row, values)
    games: dict[str, dict[str, Any]] = {}
    for i, raw in _dedupe(file, raw_rows, k, width, out):
        try:
            _read_row(file, k, i, raw, width, pos, season_col, out, games, rows_of)
        except _GameError as exc:
            if exc.game_id is None:   # a row that names no game: the file is unusable
                raise exc.error from None
            bad.setdefault(exc.game_id, []).append(exc.error)
    for game_id, g in games.items():
        if game_id in bad:
            continue
        try:
            out.add(SCHEDULE, _schedule_row(file, k, pos, game_id, g))
        except _GameError as exc:
            bad.setdefault(game_id, []).append(exc.error)
    if bad:
        out.rows = {t: [r for r in rows if r["game_id"] not in bad]
                    for t, rows in out.rows.items()}
        out.row_errors = [e for errs in bad.values() for e in errs]
    return out


def _read_row(file: RawFile, k: int, i: int, raw: Any, width: int, pos: dict[str, int],
              season_col: str, out: ParseOutput, games: dict[str, dict[str, Any]],
              rows_of: dict[tuple[str, int], tuple[int, tuple]]) -> None:
    path = f"resultSets[{k}].rowSet[{i}]"
    game_guess = None
    if isinstance(raw, list) and len(raw) > pos["GAME_ID"] and isinstance(
            raw[pos["GAME_ID"]], str):
        game_guess = raw[pos["GAME_ID"]]

    def bad(field: str, reason: str, game: str | None = game_guess) -> _GameError:
        return _GameError(game, RawRecordError(file.display, field, reason))

    if not isinstance(raw, list) or len(raw) != width:
        got = f"{len(raw)} values" if isinstance(raw, list) else type(raw).__name__
        raise bad(path, f"expected {width} values (one per header): {got}")
    rec = {name: raw[j] for name, j in pos.items()}
    try:
        r = _ONE_ROW.validate_python(rec)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        column = err["loc"][0] if err["loc"] else None
        where_ = f"{path}[{pos[column]}]" if column in pos else path
        raise bad(where_, f"column {column}: {describe(err)}" if column else describe(err)
                  ) from None

    def where(column: str) -> str:
        return rowset_path(k, i, pos, column)

    game_id = r["GAME_ID"]
    season, season_type = season_of_game(game_id)
    raw_season = rec[season_col]
    m = (_SEASON_ID if season_col == "SEASON_ID" else _SEASON_YEAR).match(
        raw_season if isinstance(raw_season, str) else "")
    if not m or season_label(int(m.group(1))) != season:
        raise bad(where(season_col),
                  f"column {season_col}: {raw_season!r} does not match game {game_id} ({season})")
    d = _GAME_DATE.match(r["GAME_DATE"])
    if not d:
        raise bad(where("GAME_DATE"), f"column GAME_DATE: not a date {r['GAME_DATE']!r}")
    if d.group(1) != file.game_date.isoformat():
        raise bad(where("GAME_DATE"),
                  f"column GAME_DATE: row of {d.group(1)} in the folder of {file.game_date}")
    abbr = r["TEAM_ABBREVIATION"]
    start = season_start_of_game(game_id)
    problem = abbr_problem(r["TEAM_ID"], abbr, start)
    if problem:
        column = "TEAM_ABBREVIATION" if "abbreviation" in problem else "TEAM_ID"
        raise bad(where(column), f"column {column}: {problem}")
    mm = _MATCHUP.match(r["MATCHUP"])
    if not mm or mm.group(1) != abbr:
        raise bad(where("MATCHUP"), f"column MATCHUP: expected '{abbr} vs. XXX' or "
                                    f"'{abbr} @ XXX' (got {r['MATCHUP']!r})")
    is_home = mm.group(2) == "vs."
    opponent_id = team_id_of_abbr(mm.group(3), start)
    if opponent_id is None:
        raise bad(where("MATCHUP"), f"column MATCHUP: unknown team {mm.group(3)!r} in {season}")
    if opponent_id == r["TEAM_ID"]:
        raise bad(where("MATCHUP"), "column MATCHUP: a team playing itself")
    minutes = _team_minutes(r["MIN"])
    if minutes is None:
        raise bad(where("MIN"), f"column MIN: not a team's minutes ({r['MIN']!r})")
    problem2 = stat_problem(*(r[_STATS[c]] for c in ("fgm", "fga", "fg3m", "fg3a", "ftm", "fta",
                                                     "oreb", "dreb", "reb", "pts")))
    if problem2:
        col = _STATS[problem2[0]]
        raise bad(where(col), f"column {col}: {problem2[1]}")
    plus_minus = r["PLUS_MINUS"]
    if plus_minus != int(plus_minus):
        raise bad(where("PLUS_MINUS"), f"column PLUS_MINUS: not whole points ({plus_minus})")

    values = tuple(sorted((c, repr(v)) for c, v in r.items()))
    earlier = rows_of.get((game_id, r["TEAM_ID"]))
    if earlier is not None:
        if earlier[1] == values:   # the same team row again, rank columns aside
            out.warnings.append(_warning(file, path, f"repeats row {earlier[0]} of team "
                                         f"{r['TEAM_ID']} in {game_id} (only columns not "
                                         "read differ): dropped"))
            return
        raise bad(where("TEAM_ID"), f"column TEAM_ID: a second, different row of team "
                                    f"{r['TEAM_ID']} in {game_id} (row {earlier[0]})")
    rows_of[(game_id, r["TEAM_ID"])] = (i, values)
    game = games.setdefault(
        game_id, {"season": season, "season_type": season_type, "home": None, "away": None})
    side = "home" if is_home else "away"
    if game[side] is not None:
        raise bad(where("MATCHUP"), f"column MATCHUP: a second {side} team for {game_id}")
    opp_abbr = mm.group(3)
    game[side] = {"i": i, "team_id": r["TEAM_ID"], "abbr": abbr, "opp_id": opponent_id,
                  "opp_abbr": opp_abbr, "pts": r["PTS"], "pm": int(plus_minus)}
    row: Row = {
        "game_date": file.game_date,
        "game_id": game_id,
        "season": season,
        "team_id": r["TEAM_ID"],
        "team_abbr": abbr,
        "opponent_team_id": opponent_id,
        "is_home": is_home,
        "minutes": minutes,
    }
    for col, header in _STATS.items():
        row[col] = r[header]
    row["plus_minus"] = float(plus_minus)
    row["source"] = "gamelog"
    row["source_file"] = file.display
    out.add(TEAM_BOXSCORE, row)


def _schedule_row(file: RawFile, k: int, pos: dict[str, int], game_id: str,
                  g: dict[str, Any]) -> Row:
    def bad(i: int, column: str, reason: str) -> _GameError:
        return _GameError(game_id, RawRecordError(file.display, rowset_path(k, i, pos, column),
                                                  reason))

    home, away = g["home"], g["away"]
    if home and away:
        if home["opp_id"] != away["team_id"] or away["opp_id"] != home["team_id"]:
            raise bad(away["i"], "MATCHUP",
                      f"column MATCHUP: the two rows of {game_id} disagree on the teams")
        if home["pts"] - away["pts"] != home["pm"] or away["pm"] != -home["pm"]:
            raise bad(home["i"], "PLUS_MINUS", f"column PLUS_MINUS: {home['pm']} does not "
                                               f"match the score {home['pts']}-{away['pts']}")
        home_id, home_abbr, home_pts = home["team_id"], home["abbr"], home["pts"]
        away_id, away_abbr, away_pts = away["team_id"], away["abbr"], away["pts"]
    elif home:
        home_id, home_abbr, home_pts = home["team_id"], home["abbr"], home["pts"]
        away_id, away_abbr = home["opp_id"], home["opp_abbr"]
        away_pts = home["pts"] - home["pm"]
    else:
        away_id, away_abbr, away_pts = away["team_id"], away["abbr"], away["pts"]
        home_id, home_abbr = away["opp_id"], away["opp_abbr"]
        home_pts = away["pts"] - away["pm"]
    one = home or away
    if home_pts < 0 or away_pts < 0 or home_pts == away_pts:
        raise bad(one["i"], "PLUS_MINUS", f"column PLUS_MINUS: gives an impossible final "
                                          f"score {home_pts}-{away_pts}")
    return {
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
    }
