"""The Odds API historical event-odds shape, shared by the props and game-lines parsers."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NotRequired

from pydantic import TypeAdapter, with_config
from typing_extensions import TypedDict

from backcourt.pipeline.phase2.names import team_by_full_name
from backcourt.rawstore.store import RawFile

from ._common import STRICT, NonEmptyStr, UtcTs, eastern_date, fail, validate_json


@with_config(STRICT)
class Outcome(TypedDict):
    name: NonEmptyStr
    price: int
    point: NotRequired[float]
    description: NotRequired[str]


@with_config(STRICT)
class Market(TypedDict):
    key: NonEmptyStr
    outcomes: list[Outcome]


@with_config(STRICT)
class Bookmaker(TypedDict):
    key: NonEmptyStr
    markets: list[Market]


@with_config(STRICT)
class Event(TypedDict):
    id: NonEmptyStr
    commence_time: UtcTs
    home_team: NonEmptyStr
    away_team: NonEmptyStr
    bookmakers: list[Bookmaker]


@with_config(STRICT)
class Snapshot(TypedDict):
    timestamp: UtcTs
    data: Event


_SNAPSHOT = TypeAdapter(Snapshot)


def load_snapshot(payload: bytes, file: RawFile) -> tuple[dict[str, Any], dict[str, Any]]:
    """(snapshot, columns common to every row of the file)."""
    snap = validate_json(_SNAPSHOT, payload, file)
    event = snap["data"]
    home = team_by_full_name(event["home_team"])
    if home is None:
        fail(file, "data.home_team", f"unknown team {event['home_team']!r}")
    away = team_by_full_name(event["away_team"])
    if away is None:
        fail(file, "data.away_team", f"unknown team {event['away_team']!r}")
    if home.id == away.id:
        fail(file, "data.away_team", "same team as the home team")
    commence: datetime = event["commence_time"]
    if eastern_date(commence) != file.game_date:
        fail(
            file,
            "data.commence_time",
            f"game of {eastern_date(commence)} (US Eastern) in the folder of {file.game_date}",
        )
    taken: datetime = snap["timestamp"]
    common = {
        "game_date": file.game_date,
        "event_id": event["id"],
        "home_team_abbr": home.abbr,
        "away_team_abbr": away.abbr,
        "commence_time": commence,
        "snapshot_time": taken,
        "minutes_before_tip": (commence - taken).total_seconds() / 60.0,
        "is_pregame": taken < commence,
    }
    return snap, common
