"""``odds_game_lines`` (The Odds API historical event odds, ``h2h``/``spreads``/``totals``) ->
``game_lines``: one row per bookmaker; a market the bookmaker does not offer leaves NULLs."""

from __future__ import annotations

from typing import Any

from backcourt.rawstore.store import RawFile

from ._common import GAME_LINES, fail
from ._odds import load_snapshot
from .base import ParseOutput, Resolver, Row

_MARKETS = ("h2h", "spreads", "totals")


def _outcomes_by_name(
    file: RawFile, market: dict[str, Any], path: str, allowed: tuple[str, ...], need_point: bool
) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for o, outcome in enumerate(market["outcomes"]):
        opath = f"{path}.outcomes[{o}]"
        name = outcome["name"]
        if name not in allowed:
            fail(file, f"{opath}.name", f"expected one of {', '.join(allowed)} (got {name!r})")
        if name in found:
            fail(file, f"{opath}.name", f"second outcome for {name!r}")
        if need_point and "point" not in outcome:
            fail(file, f"{opath}.point", "missing key")
        found[name] = outcome
    return found


def parse(payload: bytes, file: RawFile, resolver: Resolver) -> ParseOutput:
    snap, common = load_snapshot(payload, file)
    event = snap["data"]
    home, away = event["home_team"], event["away_team"]
    teams = (home, away)
    rows: list[Row] = []
    for b, book in enumerate(event["bookmakers"]):
        row: Row = {
            **common,
            "bookmaker": book["key"],
            "home_spread": None,
            "home_spread_price": None,
            "total": None,
            "over_price": None,
            "under_price": None,
            "home_moneyline": None,
            "away_moneyline": None,
            "source_file": file.display,
        }
        offered = False
        seen: set[str] = set()
        for m, market in enumerate(book["markets"]):
            key = market["key"]
            if key not in _MARKETS:
                continue
            path = f"data.bookmakers[{b}].markets[{m}]"
            if key in seen:
                fail(file, f"{path}.key", f"second {key} market for {book['key']}")
            seen.add(key)
            offered = True
            if key == "h2h":
                found = _outcomes_by_name(file, market, path, teams, need_point=False)
                row["home_moneyline"] = found[home]["price"] if home in found else None
                row["away_moneyline"] = found[away]["price"] if away in found else None
            elif key == "spreads":
                found = _outcomes_by_name(file, market, path, teams, need_point=True)
                if home in found:
                    row["home_spread"] = found[home]["point"]
                    row["home_spread_price"] = found[home]["price"]
                elif away in found:
                    fail(file, f"{path}.outcomes", f"spread for {away} only, none for {home}")
            else:
                found = _outcomes_by_name(file, market, path, ("Over", "Under"), need_point=True)
                points = {o["point"] for o in found.values()}
                if len(points) > 1:
                    fail(file, f"{path}.outcomes", f"Over and Under on different totals {points}")
                row["total"] = points.pop() if points else None
                row["over_price"] = found["Over"]["price"] if "Over" in found else None
                row["under_price"] = found["Under"]["price"] if "Under" in found else None
        if offered:
            rows.append(row)
    return ParseOutput(rows={GAME_LINES: rows})
