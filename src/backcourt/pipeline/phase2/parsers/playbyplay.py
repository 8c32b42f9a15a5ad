"""``nba_playbyplay`` (NBA stats ``playbyplayv3``) -> ``pbp_shots`` (field-goal attempts only).

Speed: the file is parsed and validated in one pass by pydantic's JSON reader. Each action is
dispatched on ``isFieldGoal`` (a tagged union): a field-goal attempt (1) is validated in full,
any other action (0) only has its ``isFieldGoal`` checked; so the filter to field goals happens
before their validation, inside the validator, with no Python per non-shot action. Shot fields
are validated straight into their output column names.
"""

from __future__ import annotations

import re
from operator import itemgetter
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, TypeAdapter, with_config
from typing_extensions import TypedDict

from backcourt.rawstore.store import RawFile

from ._common import PBP_SHOTS, STRICT, GameId, PosInt, describe, fail, validate_json
from .base import ColumnRows, ParseOutput, Resolver

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


# the shot fields taken as they were validated (the other columns are computed)
_AS_VALIDATED = ("action_number", "period", "clock", "team_id", "player_id", "shot_value",
                 "shot_distance", "x_legacy", "y_legacy", "action_type", "sub_type")


def parse(payload: bytes, file: RawFile, resolver: Resolver) -> ParseOutput:
    game = validate_json(_ROOT, payload, file, _fix)["game"]
    actions = game["actions"]
    shots = [s for s in actions if len(s) > 1]   # a non-shot holds isFieldGoal alone
    made = [r == "Made" for r in map(itemgetter("shotResult"), shots)]
    taken = {c: list(map(itemgetter(c), shots)) for c in _AS_VALIDATED}
    if made != [t == "Made Shot" for t in taken["action_type"]]:
        _contradiction(file, actions, made, taken["action_type"])
    n = len(shots)
    assisted = [False] * n
    assist_names: list[str | None] = [None] * n
    search = _ASSIST.search
    for k, (is_made, description) in enumerate(zip(made, map(itemgetter("description"), shots),
                                                    strict=True)):
        if is_made and "AST)" in description:
            assist = search(description)
            if assist is not None:
                assisted[k] = True
                assist_names[k] = assist.group(1)
    columns = {
        "game_date": [file.game_date] * n,
        "game_id": [game["gameId"]] * n,
        **{c: taken[c] for c in _AS_VALIDATED[:5]},
        "shot_value": taken["shot_value"],
        "is_made": made,
        **{c: taken[c] for c in _AS_VALIDATED[6:]},
        "is_assisted": assisted,
        "assist_player_name": assist_names,
        "source_file": [file.display] * n,
    }
    return ParseOutput(rows={PBP_SHOTS: ColumnRows(columns)})


def _contradiction(file: RawFile, actions: list[dict[str, Any]], made: list[bool],
                   action_types: list[str]) -> None:
    """Fail on the first shot whose result contradicts its action type, named by its
    place among all the actions."""
    shots = iter(zip(made, action_types, strict=True))
    for i, action in enumerate(actions):
        if len(action) == 1:
            continue
        is_made, action_type = next(shots)
        if is_made != (action_type == "Made Shot"):
            fail(
                file,
                f"game.actions[{i}].shotResult",
                f"{'Made' if is_made else 'Missed'!r} contradicts actionType {action_type!r}",
            )
