"""The player alias table: bookmakers' (and the injury report's) spellings of a player's
name that the normalized lookup cannot resolve, each mapped by hand to an NBA player id.

The table is a small note in the raw store's hidden ``.backcourt/`` folder
(``player-aliases.json``), beside the files whose names it resolves. Phase 2 registers
every alias with its resolver before parsing; an alias wins over a lookup that is unknown
or ambiguous. Names still unresolved are the registry errors
(``nba_raw.player_registry_errors``), listed by ``unresolved``. Adding an alias marks the
dates whose files hold the name (``name-resolution.json``), so the next backfill loads
exactly those partitions again, and what reads them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

import orjson

from backcourt.pipeline.phase2.names import player_lookup
from backcourt.pipeline.phase2.specs import REGISTRY_ERRORS_TABLE
from backcourt.rawstore.store import RESOLUTION

NOTE = "player-aliases.json"


@dataclass(frozen=True)
class Alias:
    name: str           # as published
    lookup: str         # its normalized key
    player_id: int


@dataclass(frozen=True)
class Unresolved:
    name: str
    lookup: str
    source: str
    reason: str
    dates: int
    first: date
    last: date
    alias: int | None   # the player id an alias now gives (reload pending), if any

    def as_dict(self) -> dict:
        return {"name": self.name, "lookup": self.lookup, "source": self.source,
                "reason": self.reason, "dates": self.dates, "first": self.first.isoformat(),
                "last": self.last.isoformat(), "alias_player_id": self.alias}


def read(store) -> dict[str, Alias]:
    """lookup -> alias."""
    note = store.read_note(NOTE)
    if note is None:
        return {}
    return {k: Alias(v["name"], k, int(v["player_id"])) for k, v in orjson.loads(note).items()}


def add(store, name: str, player_id: int, wh=None) -> tuple[Alias, dict[str, list[date]]]:
    """Add (or replace) the alias of ``name``; a name with no letters is a ``ValueError``.
    With the warehouse: the dates whose files hold the name unresolved (per raw source) are
    marked in the store as resolving differently now, which makes exactly the partitions
    reading them stale (``RawStore.fingerprints``). Returns the alias and those dates."""
    key = player_lookup(name)
    if not key:
        raise ValueError(f"the name {name!r} has no letters or digits")
    if not known_player(int(player_id), wh):
        raise ValueError(f"--player-id {player_id}: no such player (not in the player "
                         "reference, nor in a roster or box score loaded here)")
    table = read(store)
    alias = table[key] = Alias(name.strip(), key, int(player_id))
    store.write_note(NOTE, orjson.dumps(
        {k: {"name": a.name, "player_id": a.player_id} for k, a in sorted(table.items())},
        option=orjson.OPT_INDENT_2))
    affected = _affected(wh, key) if wh is not None else {}
    if affected:
        _mark(store, affected, f"{key}={alias.player_id}")
    return alias, affected


# the loaded tables that name players by id (beside the reference list)
_PLAYER_TABLES = ("nba_raw.rosters", "nba_raw.gamebook_player_stats")


def known_player(player_id: int, wh=None) -> bool:
    """Whether the player registry has this id: the reference players, or (with the
    warehouse) a roster or box score loaded — a simulated league's players are there."""
    from backcourt.pipeline.phase2.names import PlayerResolver

    if PlayerResolver().knows_id(player_id):
        return True
    return wh is not None and any(
        wh.table_exists(t) and wh.query(f"SELECT 1 FROM {t} WHERE player_id = ? LIMIT 1",
                                        [player_id]) for t in _PLAYER_TABLES)


def _affected(wh, lookup: str) -> dict[str, list[date]]:
    if not wh.table_exists(REGISTRY_ERRORS_TABLE):
        return {}
    out: dict[str, list[date]] = {}
    for source, day in wh.query(
            f"SELECT DISTINCT source, game_date FROM {REGISTRY_ERRORS_TABLE} "
            "WHERE player_lookup = ? ORDER BY source, game_date", [lookup]):
        out.setdefault(source, []).append(day)
    return out


def _mark(store, affected: dict[str, list[date]], change: str) -> None:
    """Fold ``change`` into the digest of each affected (source, date)."""
    note = store.read_note(RESOLUTION)
    marks = orjson.loads(note) if note is not None else {}
    for source, days in affected.items():
        per = marks.setdefault(source, {})
        for d in days:
            before = per.get(d.isoformat(), "")
            per[d.isoformat()] = hashlib.sha256(f"{before}|{change}".encode()).hexdigest()[:12]
    store.write_note(RESOLUTION, orjson.dumps(marks, option=orjson.OPT_INDENT_2 |
                                              orjson.OPT_SORT_KEYS))


def apply(resolver, store) -> None:
    """Register the store's aliases with a ``PlayerResolver``."""
    for alias in read(store).values():
        resolver.add_alias(alias.lookup, alias.player_id)


def unresolved(wh, store) -> list[Unresolved]:
    """Every name Phase 2 could not resolve, by name and source, most dates first."""
    if not wh.table_exists(REGISTRY_ERRORS_TABLE):
        return []
    aliases = read(store)
    rows = wh.query(
        "SELECT min(player_name_raw), player_lookup, source, min(reason), "
        "count(DISTINCT game_date), min(game_date), max(game_date) "
        f"FROM {REGISTRY_ERRORS_TABLE} GROUP BY player_lookup, source "
        "ORDER BY count(DISTINCT game_date) DESC, player_lookup, source")
    return [Unresolved(name, lookup, source, reason, n, first, last,
                       aliases[lookup].player_id if lookup in aliases else None)
            for name, lookup, source, reason, n, first, last in rows]
