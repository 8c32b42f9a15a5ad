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

from backcourt.rawstore.store import RawFile

from ._common import ODDS_PLAYER_PROPS, NameResolution, fail
from ._odds import load_snapshot
from .base import ParseOutput, Resolver, Row

MARKETS = frozenset({"player_points"})
_SIDES = {"Over": "over_price", "Under": "under_price"}


def _one_sided(row: Row) -> bool:
    return row["over_price"] is None or row["under_price"] is None


def _outcome_path(b: int, m: int, o: int) -> str:
    return f"data.bookmakers[{b}].markets[{m}].outcomes[{o}]"


def parse(payload: bytes, file: RawFile, resolver: Resolver) -> ParseOutput:
    snap, common = load_snapshot(payload, file)
    names = NameResolution(file, resolver)
    common["source_file"] = file.display
    rows: list[Row] = []
    for b, book in enumerate(snap["data"]["bookmakers"]):
        bookmaker = book["key"]
        for m, market in enumerate(book["markets"]):
            market_key = market["key"]
            if market_key not in MARKETS:
                continue
            lines: dict[tuple[str, float], dict[str, Any]] = {}
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
                row = lines.get(key)
                if row is None:
                    lookup, player_id = names(player)
                    row = {
                        **common,
                        "bookmaker": bookmaker,
                        "market": market_key,
                        "player_name_raw": player,
                        "player_lookup": lookup,
                        "player_id": player_id,
                        "line": point,
                        "over_price": None,
                        "under_price": None,
                    }
                    lines[key] = row
                elif row[side] is not None:
                    fail(file, f"{_outcome_path(b, m, o)}.name",
                         f"second {outcome['name']} for {player} {point}")
                row[side] = outcome["price"]
            # two-sided (main) lines first: a player's extra one-sided lines come after them
            rows.extend(sorted(lines.values(), key=_one_sided))
    out = ParseOutput(rows={ODDS_PLAYER_PROPS: rows})
    out.registry_errors = names.errors
    return out
