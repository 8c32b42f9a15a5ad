"""``nba_rosters`` -> ``rosters``.

Accepts ``commonteamroster`` (one team, result set ``CommonTeamRoster``) and
``commonallplayers`` (result set ``CommonAllPlayers``: the players with ``ROSTERSTATUS`` 1 and
a team; it has no position, jersey or birth date, so those are NULL).
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from typing import Any, Literal

from pydantic import TypeAdapter, with_config
from typing_extensions import TypedDict

from backcourt.pipeline.phase2.names import player_lookup
from backcourt.rawstore.store import RawFile

from ._common import (
    ROSTERS,
    STRICT,
    NonEmptyStr,
    NonNegInt,
    PosInt,
    column_records,
    fail,
    find_result_set,
    load_object,
    rowset_path,
    season_label,
    validate_records,
)
from .base import ParseOutput, Resolver, Row

_MONTHS = {
    m: i
    for i, m in enumerate(
        ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"], 1
    )
}
_BIRTH = re.compile(r"^([A-Za-z]{3}) (\d{1,2}), (\d{4})$")
_YEAR = re.compile(r"^(\d{4})$")
_SEASON = re.compile(r"^(\d{4})-(\d{2})$")


@lru_cache(maxsize=8192)   # a player's birth date is on every day's roster of his team
def _birth_date(value: str) -> date | None:
    m = _BIRTH.match(value)
    if not m or m.group(1).upper() not in _MONTHS:
        return None
    try:
        return date(int(m.group(3)), _MONTHS[m.group(1).upper()], int(m.group(2)))
    except ValueError:
        return None


@lru_cache(maxsize=64)
def _season(value: str) -> str | None:
    """``"2023"`` (commonteamroster's SEASON) or ``"2023-24"`` -> ``"2023-24"``."""
    m = _YEAR.match(value)
    if m:
        return season_label(int(m.group(1)))
    m = _SEASON.match(value)
    if m and season_label(int(m.group(1))) == value:
        return value
    return None


@with_config(STRICT)
class _TeamRosterRow(TypedDict):
    TeamID: PosInt
    SEASON: str
    PLAYER: NonEmptyStr
    NUM: str | None
    POSITION: str | None
    BIRTH_DATE: str | None
    PLAYER_ID: PosInt


@with_config(STRICT)
class _AllPlayersRow(TypedDict):
    PERSON_ID: PosInt
    DISPLAY_FIRST_LAST: str
    ROSTERSTATUS: Literal[0, 1]
    TEAM_ID: NonNegInt


_TEAM_ROWS = TypeAdapter(list[_TeamRosterRow])
_ALL_ROWS = TypeAdapter(list[_AllPlayersRow])


def parse(payload: bytes, file: RawFile, resolver: Resolver) -> ParseOutput:
    data = load_object(payload, file)
    k, name, headers, rows = find_result_set(data, file, ("CommonTeamRoster", "CommonAllPlayers"))
    if name == "CommonTeamRoster":
        return _team_roster(file, k, headers, rows)
    return _all_players(file, data, k, headers, rows)


def _team_roster(file: RawFile, k: int, headers: list[str], rows: list[Any]) -> ParseOutput:
    records, pos = column_records(file, k, headers, rows, list(_TeamRosterRow.__annotations__))
    records = validate_records(_TEAM_ROWS, records, file, k, pos)
    rows: list[Row] = []
    seen: set[int] = set()
    source_file = file.display
    for i, r in enumerate(records):
        season = _season(r["SEASON"])
        if season is None:
            where = rowset_path(k, i, pos, "SEASON")
            fail(file, where, f"column SEASON: bad season {r['SEASON']!r}")
        birth = None
        if r["BIRTH_DATE"] is not None:
            birth = _birth_date(r["BIRTH_DATE"])
            if birth is None:
                fail(
                    file,
                    rowset_path(k, i, pos, "BIRTH_DATE"),
                    f"column BIRTH_DATE: expected 'MON DD, YYYY' (got {r['BIRTH_DATE']!r})",
                )
        if r["PLAYER_ID"] in seen:
            fail(file, rowset_path(k, i, pos, "PLAYER_ID"), f"player {r['PLAYER_ID']} listed twice")
        seen.add(r["PLAYER_ID"])
        rows.append(
            {
                "game_date": file.game_date,
                "team_id": r["TeamID"],
                "season": season,
                "player_id": r["PLAYER_ID"],
                "player_name": r["PLAYER"],
                "player_lookup": player_lookup(r["PLAYER"]),
                "position": r["POSITION"],
                "jersey": r["NUM"],
                "birth_date": birth,
                "source_file": source_file,
            },
        )
    return ParseOutput(rows={ROSTERS: rows})


def _all_players(
    file: RawFile, data: dict[str, Any], k: int, headers: list[str], rows: list[Any]
) -> ParseOutput:
    params = data.get("parameters")
    raw_season = params.get("Season") if isinstance(params, dict) else None
    season = _season(raw_season) if isinstance(raw_season, str) else None
    if season is None:
        fail(file, "parameters.Season", f"expected a season 'YYYY-YY' (got {raw_season!r})")
    records, pos = column_records(file, k, headers, rows, list(_AllPlayersRow.__annotations__))
    records = validate_records(_ALL_ROWS, records, file, k, pos)
    out = ParseOutput(rows={ROSTERS: []})
    for r in records:
        if r["ROSTERSTATUS"] != 1 or not r["TEAM_ID"]:
            continue
        name = r["DISPLAY_FIRST_LAST"]
        out.add(
            ROSTERS,
            {
                "game_date": file.game_date,
                "team_id": r["TEAM_ID"],
                "season": season,
                "player_id": r["PERSON_ID"],
                "player_name": name,
                "player_lookup": player_lookup(name),
                "position": None,
                "jersey": None,
                "birth_date": None,
                "source_file": file.display,
            },
        )
    return out
