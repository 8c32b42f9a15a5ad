"""``nba_playbyplay`` (NBA stats ``playbyplayv3``) -> ``pbp_shots`` (field-goal attempts only).

Speed: the file is parsed and validated in one pass by pydantic's JSON reader. Each action is
dispatched on ``isFieldGoal`` (a tagged union): a field-goal attempt (1) is validated in full,
any other action (0) only has its ``isFieldGoal`` checked; so the filter to field goals happens
before their validation, inside the validator, with no Python per non-shot action. Shot fields
are validated straight into their output column names.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, TypeAdapter, with_config
from typing_extensions import TypedDict

from backcourt.rawstore.store import RawFile

from ._common import PBP_SHOTS, STRICT, GameId, PosInt, describe, fail, validate_json
from .base import ParseOutput, Resolver, Row

# "Johnson 26' 3PT Jump Shot (3 PTS) (Wallace 1 AST)" -> "Wallace"
_ASSIST = re.compile(r"\(([^()]+?) (\d+) AST\)\s*$")


_ShotType = Literal["Made Shot", "Missed Shot"]


@with_config(STRICT)
class _Shot(TypedDict):
    """A field-goal attempt; keys are the ``pbp_shots`` columns, aliases the API names."""

    isFieldGoal: Literal[1]
    action_number: Annotated[PosInt, Field(validation_alias="actionNumber")]
    period: PosInt
    clock: str
    team_id: Annotated[PosInt, Field(validation_alias="teamId")]
    player_id: Annotated[PosInt, Field(validation_alias="personId")]
    shot_value: Annotated[Literal[2, 3], Field(validation_alias="shotValue")]
    shotResult: Literal["Made", "Missed"]
    shot_distance: Annotated[float, Field(ge=0, validation_alias="shotDistance")]
    x_legacy: Annotated[int, Field(validation_alias="xLegacy")]
    y_legacy: Annotated[int, Field(validation_alias="yLegacy")]
    action_type: Annotated[_ShotType, Field(validation_alias="actionType")]
    sub_type: Annotated[str, Field(validation_alias="subType")]
    description: str


@with_config(STRICT)
class _Other(TypedDict):
    isFieldGoal: Literal[0]


_Action = Annotated[_Shot | _Other, Field(discriminator="isFieldGoal")]


@with_config(STRICT)
class _Game(TypedDict):
    gameId: GameId
    actions: list[_Action]


# Only keys are worth caching: values (descriptions, clocks) rarely repeat.
@with_config(ConfigDict(strict=True, extra="ignore", cache_strings="keys"))
class _Root(TypedDict):
    game: _Game


_ROOT = TypeAdapter(_Root)


def _fix(loc: tuple[Any, ...], err: dict[str, Any]) -> tuple[tuple[Any, ...], str]:
    """``game.actions[i].<tag>.field`` -> ``game.actions[i].field``; a bad tag names its key."""
    reason = describe(err)
    if len(loc) >= 3 and loc[:2] == ("game", "actions"):
        if err["type"].startswith("union_tag"):
            action = err["input"]
            if isinstance(action, dict) and "isFieldGoal" in action:
                return (*loc[:3], "isFieldGoal"), f"expected 0 or 1 (got {action['isFieldGoal']!r})"
            return (*loc[:3], "isFieldGoal"), "missing key"
        if len(loc) >= 4:
            return (*loc[:3], *loc[4:]), reason
    return loc, reason


def parse(payload: bytes, file: RawFile, resolver: Resolver) -> ParseOutput:
    game = validate_json(_ROOT, payload, file, _fix)["game"]
    common = {"game_date": file.game_date, "game_id": game["gameId"], "source_file": file.display}
    rows: list[Row] = []
    search = _ASSIST.search
    for i, s in enumerate(game["actions"]):
        if len(s) == 1:  # not a field-goal attempt
            continue
        del s["isFieldGoal"]
        made = s.pop("shotResult") == "Made"
        description = s.pop("description")
        if made != (s["action_type"] == "Made Shot"):
            fail(
                file,
                f"game.actions[{i}].shotResult",
                f"{'Made' if made else 'Missed'!r} contradicts actionType {s['action_type']!r}",
            )
        assist = search(description) if made and "AST)" in description else None
        s["is_made"] = made
        s["is_assisted"] = assist is not None
        s["assist_player_name"] = assist.group(1) if assist is not None else None
        s.update(common)
        rows.append(s)
    return ParseOutput(rows={PBP_SHOTS: rows})
