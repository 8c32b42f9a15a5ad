"""``nba_injury_report`` (backcourt's JSON form of the league's report) -> ``injury_report``.

Names are published as ``"Last, First"``; they are turned around, normalized and resolved.
An unresolved name keeps its row (``player_id`` NULL) and adds a registry error.
"""

from __future__ import annotations

from typing import Literal

from pydantic import TypeAdapter, with_config
from typing_extensions import TypedDict

from backcourt.pipeline.phase2.names import from_last_first, team_by_abbr
from backcourt.rawstore.store import RawFile

from ._common import (
    INJURY_REPORT,
    STRICT,
    GameId,
    IsoDate,
    NameResolution,
    NonEmptyStr,
    UtcTs,
    fail,
    validate_json,
)
from .base import ParseOutput, Resolver

Status = Literal["Out", "Doubtful", "Questionable", "Probable", "Available"]


@with_config(STRICT)
class _Entry(TypedDict):
    gameId: GameId
    gameDate: IsoDate
    matchup: str
    teamTricode: str
    playerName: NonEmptyStr
    currentStatus: Status
    reason: str | None


@with_config(STRICT)
class _Root(TypedDict):
    reportDate: IsoDate
    reportTimeUTC: UtcTs
    entries: list[_Entry]


_ROOT = TypeAdapter(_Root)


def parse(payload: bytes, file: RawFile, resolver: Resolver) -> ParseOutput:
    data = validate_json(_ROOT, payload, file)
    names = NameResolution(file, resolver)
    out = ParseOutput(rows={INJURY_REPORT: []})
    report_time = data["reportTimeUTC"]
    for i, e in enumerate(data["entries"]):
        path = f"entries[{i}]"
        if e["gameDate"] != file.game_date:
            fail(
                file,
                f"{path}.gameDate",
                f"entry of {e['gameDate']} in the folder of {file.game_date}",
            )
        if team_by_abbr(e["teamTricode"]) is None:
            fail(file, f"{path}.teamTricode", f"unknown team {e['teamTricode']!r}")
        raw = e["playerName"]
        lookup, player_id = names(raw, from_last_first(raw))
        if not lookup:
            fail(file, f"{path}.playerName", f"no letters in the name {raw!r}")
        out.add(
            INJURY_REPORT,
            {
                "game_date": file.game_date,
                "report_time_utc": report_time,
                "game_id": e["gameId"],
                "team_abbr": e["teamTricode"],
                "player_name_raw": raw,
                "player_lookup": lookup,
                "player_id": player_id,
                "status": e["currentStatus"],
                "reason": e["reason"],
                "source_file": file.display,
            },
        )
    out.registry_errors = names.errors
    return out
