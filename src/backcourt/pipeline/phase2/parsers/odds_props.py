"""``odds_player_props`` (The Odds API historical event odds, market ``player_points``) ->
``odds_player_props``: one row per bookmaker x player x line, Over and Under paired.

Other markets in the file are ignored (the table's key has no market column). When a bookmaker
quotes a player on several lines, the two-sided lines come first, so the main line is the one
kept by a loader that keeps the first row per (event, bookmaker, player, snapshot).

A snapshot taken at or after tip-off is kept but flagged ``is_pregame`` false (negative
``minutes_before_tip``). Names are resolved; an unresolved name gives ``player_id`` NULL and one
registry error per name and file.
"""

from __future__ import annotations

from typing import Any

from backcourt.pipeline.phase2 import tables as T
from backcourt.rawstore.store import RawFile

from ._common import ODDS_PLAYER_PROPS, NameResolution, fail
from ._odds import load_snapshot
from .base import ColumnRows, ParseOutput, Resolver

MARKETS = frozenset({"player_points"})
# the columns that vary from line to line (the others are the file's, common to its rows)
_PER_LINE = ("bookmaker", "market", "player_name_raw", "player_lookup", "player_id", "line",
             "over_price", "under_price")
_COLUMNS = tuple(T.ODDS_PLAYER_PROPS)


def _outcome_path(b: int, m: int, o: int) -> str:
    return f"data.bookmakers[{b}].markets[{m}].outcomes[{o}]"


# a line as it is gathered: the values of _PER_LINE[2:] (player, lookup, player id, point,
# over price, under price)
_OVER, _UNDER = 4, 5
_SIDES = {"Over": _OVER, "Under": _UNDER}


def parse(payload: bytes, file: RawFile, resolver: Resolver) -> ParseOutput:
    snap, common = load_snapshot(payload, file)
    names = NameResolution(file, resolver)
    resolved: dict[str, tuple[str, int | None]] = {}   # (names resolves each name once)
    gathered: list[list[Any]] = []   # the file's lines, in output order
    bookmakers: list[str] = []
    markets: list[str] = []
    for b, book in enumerate(snap["data"]["bookmakers"]):
        bookmaker = book["key"]
        for m, market in enumerate(book["markets"]):
            market_key = market["key"]
            if market_key not in MARKETS:
                continue
            lines: dict[tuple[str, float], list[Any]] = {}
            for o, outcome in enumerate(market["outcomes"]):
                side = _SIDES.get(outcome["name"])
                player = outcome.get("description")
                if side is None or player is None or "point" not in outcome \
                        or not player.strip():
                    path = _outcome_path(b, m, o)
                    if side is None:
                        fail(file, f"{path}.name",
                             f"expected Over or Under (got {outcome['name']!r})")
                    if player is None:
                        fail(file, f"{path}.description", "missing key")
                    if not player.strip():
                        fail(file, f"{path}.description", "empty player name")
                    fail(file, f"{path}.point", "missing key")
                point = outcome["point"]
                key = (player, point)
                line = lines.get(key)
                if line is None:
                    name = resolved.get(player)
                    if name is None:
                        name = resolved[player] = names(player)
                    line = lines[key] = [player, *name, point, None, None]
                elif line[side] is not None:
                    fail(file, f"{_outcome_path(b, m, o)}.name",
                         f"second {outcome['name']} for {player} {point}")
                line[side] = outcome["price"]
            # two-sided (main) lines first: a player's extra one-sided lines come after them
            before = len(gathered)
            gathered.extend(v for v in lines.values()
                            if v[_OVER] is not None and v[_UNDER] is not None)
            gathered.extend(v for v in lines.values() if v[_OVER] is None or v[_UNDER] is None)
            bookmakers.extend([bookmaker] * (len(gathered) - before))
            markets.extend([market_key] * (len(gathered) - before))
    n = len(gathered)
    per_line = dict(zip(_PER_LINE[2:], map(list, zip(*gathered, strict=True)), strict=True)) \
        if gathered else {c: [] for c in _PER_LINE[2:]}
    per_line["bookmaker"], per_line["market"] = bookmakers, markets
    common["source_file"] = file.display
    columns = {c: per_line[c] if c in per_line else [common[c]] * n for c in _COLUMNS}
    out = ParseOutput(rows={ODDS_PLAYER_PROPS: ColumnRows(columns)})
    out.registry_errors = names.errors
    return out
