"""Helpers shared by the Phase 2 parsers: JSON loading, strict validation, error paths.

Every problem becomes a ``RawRecordError(file, json_path, reason)``. Validation is pydantic v2
in strict mode (no ``"12"`` -> 12, no ``null`` -> 0), on TypedDict schemas through cached
``TypeAdapter`` objects, which validate whole lists in one call.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime
from functools import lru_cache, partial
from typing import Annotated, Any, NoReturn
from zoneinfo import ZoneInfo

import orjson
from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
)
from pydantic import ValidationError as _ValidationError
from pydantic_core import SchemaValidator

from backcourt.calendar.calendar import season_name as season_label
from backcourt.pipeline.phase2.names import player_lookup
from backcourt.rawstore.store import RawFile

from .base import RawRecordError, Resolver, Row

STRICT = ConfigDict(strict=True, extra="ignore")

EASTERN = ZoneInfo("America/New_York")

# -- table names (keys of ParseOutput.rows) ----------------------------------------------
SCHEDULE = "schedule"
SEASON_SCHEDULE = "season_schedule"
GAMEBOOK_PLAYER_STATS = "gamebook_player_stats"
TEAM_BOXSCORE = "team_boxscore"
PBP_SHOTS = "pbp_shots"
INJURY_REPORT = "injury_report"
ROSTERS = "rosters"
ODDS_PLAYER_PROPS = "odds_player_props"
GAME_LINES = "game_lines"


# -- failing ------------------------------------------------------------------------------


def fail(file: RawFile, field: str, reason: str) -> NoReturn:
    raise RawRecordError(file.display, field, reason)


def join_path(prefix: str, loc: Iterable[Any]) -> str:
    """``("players", 3, "points")`` under ``"box"`` -> ``"box.players[3].points"``."""
    out = prefix
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out = f"{out}.{part}" if out else str(part)
    return out or "<file>"


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def describe(err: dict[str, Any]) -> str:
    """A one-line reason from a pydantic error."""
    kind = err["type"]
    if kind == "missing":
        return "missing key"
    msg = err["msg"]
    if kind == "value_error" and msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    if kind in ("model_type", "dict_type", "typed_dict_type", "list_type"):
        return f"{msg} (got {type(err['input']).__name__})"
    return f"{msg} (got {_short(err['input'])})"


# -- loading and validating ----------------------------------------------------------------


def load_json(payload: bytes, file: RawFile) -> Any:
    try:
        return orjson.loads(payload)
    except orjson.JSONDecodeError as exc:
        fail(file, "<file>", f"invalid JSON ({exc})")


def load_object(payload: bytes, file: RawFile) -> dict[str, Any]:
    data = load_json(payload, file)
    if not isinstance(data, dict):
        fail(file, "<file>", f"expected a JSON object at the top level, got {type(data).__name__}")
    return data


def validate_json(
    ta: TypeAdapter[Any],
    payload: bytes,
    file: RawFile,
    fix: Callable[[tuple[Any, ...], dict[str, Any]], tuple[tuple[Any, ...], str]] | None = None,
) -> Any:
    """Parse and validate in one pass (pydantic's own JSON reader).

    Invalid JSON is reported on the field ``<file>``; any other problem on the JSON path of the
    first bad field, with pydantic's reason.

    ``fix(loc, error)`` may rewrite an error's location and reason, e.g. to drop the union tag
    that pydantic inserts into the location.
    """
    try:
        return _native_first(ta, "validate_json", payload)
    except _ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        loc = tuple(err["loc"])
        if err["type"] == "json_invalid":
            fail(file, "<file>", f"invalid JSON ({err.get('ctx', {}).get('error', err['msg'])})")
        if not loc and err["type"] in _OBJECT_TYPES:
            got = type(err["input"]).__name__
            fail(file, "<file>", f"expected a JSON object at the top level, got {got}")
        reason = describe(err)
        if fix is not None:
            loc, reason = fix(loc, err)
        raise RawRecordError(file.display, join_path("", loc), reason) from None


_OBJECT_TYPES = frozenset({"model_type", "dict_type", "typed_dict_type", "model_attributes_type"})


def get_list(file: RawFile, parent: dict[str, Any], key: str, path: str) -> list[Any]:
    if key not in parent:
        fail(file, path, "missing key")
    value = parent[key]
    if not isinstance(value, list):
        fail(file, path, f"expected an array (got {type(value).__name__})")
    return value


# -- field types ---------------------------------------------------------------------------

def _integral(value: Any) -> Any:
    """A float with a whole value (``11.0``, as real stats responses send counts) is that
    integer; anything else goes on to strict integer validation (``10.5`` is rejected)."""
    if type(value) is float and value.is_integer():
        return int(value)
    return value


# integer fields: strict (no "12", no null, no true), but an integral float is accepted
Int = Annotated[int, BeforeValidator(_integral)]
NonNegInt = Annotated[int, BeforeValidator(_integral), Field(ge=0)]
PosInt = Annotated[int, BeforeValidator(_integral), Field(gt=0)]
NonEmptyStr = Annotated[str, StringConstraints(min_length=1)]
GameId = Annotated[str, StringConstraints(pattern=r"^00[1-6]\d{7}$")]

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# a file named for its game (``0022300001.json``)
GAME_FILE_NAME = re.compile(r"^00[1-6]\d{7}$")


def _to_utc_naive(value: str) -> datetime:
    try:
        ts = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError("not an ISO-8601 timestamp") from None
    if ts.tzinfo is not None:
        ts = ts.astimezone(UTC).replace(tzinfo=None)
    return ts


def _to_date(value: str) -> date:
    if not _ISO_DATE.match(value):
        raise ValueError("not a YYYY-MM-DD date")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError("not a valid date") from None


# A UTC timestamp string ("2023-10-24T23:30:00Z"); validated into a naive UTC datetime.
UtcTs = Annotated[str, AfterValidator(_to_utc_naive)]
# A "YYYY-MM-DD" string; validated into a date.
IsoDate = Annotated[str, AfterValidator(_to_date)]


def eastern_date(ts_utc_naive: datetime) -> date:
    return ts_utc_naive.replace(tzinfo=UTC).astimezone(EASTERN).date()


# -- the same schemas, validated without calling back into Python -----------------------
#
# ``Int`` and its bounded kinds validate every integer through two Python functions
# (``_integral``, then pydantic's bound check, which a Python validator moves out of the
# integer schema): a million calls a season. A document whose integers are all JSON
# integers needs neither, so each schema also gets a native twin: the same core schema
# with ``_integral`` removed and the bounds put back into the integer schema. A document
# the twin accepts gives the very same output (``_integral`` returns an int unchanged, and
# a native bound is the same comparison); one it rejects (an ``11.0``, or a real error) is
# validated again by the schema as declared, which accepts it or names the error as before.

_BOUNDS = {"greater_than_validator": "gt", "greater_than_or_equal_validator": "ge",
           "less_than_validator": "lt", "less_than_or_equal_validator": "le"}


def _function(schema: dict[str, Any]) -> Any:
    inner = schema.get("function")
    return inner.get("function") if isinstance(inner, dict) else None


def _native_schema(schema: Any) -> Any:
    """The core schema without ``_integral`` and with integer bounds checked natively."""
    if isinstance(schema, list):
        return [_native_schema(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: _native_schema(v) for k, v in schema.items()}
    kind, fn = out.get("type"), _function(out)
    if kind == "function-before" and fn is _integral:
        return out["schema"]
    if (kind == "function-after" and isinstance(fn, partial)
            and _BOUNDS.get(fn.func.__name__) in fn.keywords and len(fn.keywords) == 1
            and isinstance(out["schema"], dict) and out["schema"].get("type") == "int"
            and not set(fn.keywords) & set(out["schema"])):
        return {**out["schema"], **fn.keywords}
    return out


_NATIVE: dict[int, tuple[TypeAdapter[Any], SchemaValidator | None]] = {}


def native_validator(ta: TypeAdapter[Any]) -> SchemaValidator | None:
    """The native twin of ``ta``'s schema (None when it has nothing to remove, or ``ta``
    was given a config of its own: the parsers' schemas carry theirs in their types)."""
    hit = _NATIVE.get(id(ta))
    if hit is None or hit[0] is not ta:
        schema = _native_schema(ta.core_schema)
        same = schema == ta.core_schema or getattr(ta, "_config", None) is not None
        hit = _NATIVE[id(ta)] = (ta, None if same else SchemaValidator(schema))
    return hit[1]


# -- NBA specifics -------------------------------------------------------------------------

SEASON_TYPES = {
    "1": "Pre Season",
    "2": "Regular Season",
    "3": "All-Star",
    "4": "Playoffs",
    "5": "Play-In",
    "6": "NBA Cup Final",
}


def _native_first(ta: TypeAdapter[Any], method: str, data: Any) -> Any:
    """Validate with the native twin first; when it rejects, the schema as declared says
    what is wrong (or takes 11.0 as 11): its ``ValidationError`` is the caller's."""
    fast = native_validator(ta)
    if fast is not None:
        try:
            return getattr(fast, method)(data)
        except _ValidationError:
            pass
    return getattr(ta, method)(data)


def season_start_of_game(game_id: str) -> int:
    """The start year of a game's season from its id's two digits: ``"0029900123"`` ->
    1999, ``"0022300001"`` -> 2023 (the league's first season is 1946-47)."""
    yy = int(game_id[3:5])
    return (1900 if yy >= 46 else 2000) + yy


def season_of_game(game_id: str) -> tuple[str, str]:
    """``"0022300001"`` -> ``("2023-24", "Regular Season")``. The id is assumed validated."""
    return season_label(season_start_of_game(game_id)), SEASON_TYPES[game_id[2]]


_MMSS = re.compile(r"^(\d{1,3}):([0-5]\d)$")
_ISO_MIN = re.compile(r"^PT(\d{1,3})M(\d{1,2}(?:\.\d+)?)S$")


@lru_cache(maxsize=8192)
def parse_minutes(raw: str) -> float | None:
    """``"30:49"``/``"240:00"``/``"PT34M12.00S"`` -> decimal minutes, ``""`` -> 0.0, else None."""
    if raw == "":
        return 0.0
    m = _MMSS.match(raw)
    if m:
        return int(m.group(1)) + int(m.group(2)) / 60.0
    m = _ISO_MIN.match(raw)
    if m:
        seconds = float(m.group(2))
        if seconds >= 60:
            return None
        return int(m.group(1)) + seconds / 60.0
    return None


def stat_problem(
    fgm: int,
    fga: int,
    fg3m: int,
    fg3a: int,
    ftm: int,
    fta: int,
    oreb: int,
    dreb: int,
    reb: int,
    pts: int,
) -> tuple[str, str] | None:
    """The first impossible combination of counting stats, as (canonical field, reason)."""
    if fgm > fga:
        return "fgm", f"field goals made {fgm} > attempted {fga}"
    if fg3m > fg3a:
        return "fg3m", f"three-pointers made {fg3m} > attempted {fg3a}"
    if ftm > fta:
        return "ftm", f"free throws made {ftm} > attempted {fta}"
    if fg3m > fgm:
        return "fg3m", f"three-pointers made {fg3m} > field goals made {fgm}"
    if fg3a > fga:
        return "fg3a", f"three-pointers attempted {fg3a} > field goals attempted {fga}"
    if oreb + dreb != reb:
        return "reb", f"rebounds {reb} != offensive {oreb} + defensive {dreb}"
    if pts != 2 * fgm + fg3m + ftm:
        return "pts", f"points {pts} != 2*FGM + 3PM + FTM = {2 * fgm + fg3m + ftm}"
    return None


def known_id(resolver: Resolver, player_id: int) -> bool:
    """Whether the resolver's player registry has this id (a resolver that keeps no
    registry of ids knows every id)."""
    knows = getattr(resolver, "knows_id", None)
    return True if knows is None else knows(player_id)


# -- names ---------------------------------------------------------------------------------


class NameResolution:
    """Resolves names of one file once each and collects registry errors (one per name)."""

    def __init__(self, file: RawFile, resolver: Resolver):
        self.file = file
        self.resolver = resolver
        self._seen: dict[str, tuple[str, int | None]] = {}
        self.errors: list[Row] = []

    def __call__(self, raw_name: str, display_name: str | None = None) -> tuple[str, int | None]:
        """(player_lookup, player_id or None) for a name as published."""
        hit = self._seen.get(raw_name)
        if hit is not None:
            return hit
        lookup = player_lookup(display_name if display_name is not None else raw_name)
        player_id, reason = self.resolver.resolve(lookup)
        if player_id is None:
            self.errors.append(
                {
                    "game_date": self.file.game_date,
                    "source": self.file.source,
                    "source_file": self.file.display,
                    "player_name_raw": raw_name,
                    "player_lookup": lookup,
                    "reason": reason or "unknown name",
                }
            )
        self._seen[raw_name] = (lookup, player_id)
        return lookup, player_id


# -- resultSets (NBA stats "headers"/"rowSet" tables) -----------------------------------------


def find_result_set(
    data: dict[str, Any], file: RawFile, names: Iterable[str]
) -> tuple[int, str, list[str], list[Any]]:
    """(index, name, headers, rowSet) of the first result set whose name is in ``names``."""
    wanted = set(names)
    sets = get_list(file, data, "resultSets", "resultSets")
    for i, rs in enumerate(sets):
        if not isinstance(rs, dict):
            fail(file, f"resultSets[{i}]", f"expected an object (got {type(rs).__name__})")
        if rs.get("name") in wanted:
            path = f"resultSets[{i}]"
            headers = get_list(file, rs, "headers", f"{path}.headers")
            for j, h in enumerate(headers):
                if not isinstance(h, str):
                    fail(file, f"{path}.headers[{j}]", f"expected a string (got {_short(h)})")
            rows = get_list(file, rs, "rowSet", f"{path}.rowSet")
            return i, rs["name"], headers, rows
    fail(file, "resultSets", f"no result set named {' or '.join(sorted(wanted))}")


def column_records(
    file: RawFile,
    set_index: int,
    headers: list[str],
    rows: list[Any],
    columns: Sequence[str],
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Rows as dicts holding only ``columns`` (matched by header name, never by position)."""
    path = f"resultSets[{set_index}]"
    pos: dict[str, int] = {}
    for name in columns:
        count = headers.count(name)
        if count != 1:
            problem = "missing" if not count else "duplicate"
            fail(file, f"{path}.headers", f"{problem} column {name}")
        pos[name] = headers.index(name)
    width = len(headers)
    items = list(pos.items())
    out = []
    for i, row in enumerate(rows):
        if not isinstance(row, list) or len(row) != width:
            got = f"{len(row)} values" if isinstance(row, list) else type(row).__name__
            fail(file, f"{path}.rowSet[{i}]", f"expected {width} values (one per header): {got}")
        out.append({name: row[j] for name, j in items})
    return out, pos


def validate_records(
    ta: TypeAdapter[Any],
    records: list[dict[str, Any]],
    file: RawFile,
    set_index: int,
    pos: dict[str, int],
) -> list[dict[str, Any]]:
    """Validate rowSet records; errors name ``resultSets[k].rowSet[i][j]`` and the column."""
    try:
        return _native_first(ta, "validate_python", records)
    except _ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        loc = err["loc"]
        row_i = loc[0] if loc else 0
        column = loc[1] if len(loc) > 1 else None
        path = f"resultSets[{set_index}].rowSet[{row_i}]"
        if isinstance(column, str) and column in pos:
            path += f"[{pos[column]}]"
            raise RawRecordError(file.display, path, f"column {column}: {describe(err)}") from None
        raise RawRecordError(file.display, path, describe(err)) from None


def rowset_path(set_index: int, row: int, pos: dict[str, int], column: str) -> str:
    return f"resultSets[{set_index}].rowSet[{row}][{pos[column]}]"
