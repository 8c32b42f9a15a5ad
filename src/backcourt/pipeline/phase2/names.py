"""Player-name normalization, the player resolver and the team lookups used by Phase 2.

``player_lookup`` turns any spelling of a player's name into a stable key: lowercase ASCII
letters and digits only, accents removed, punctuation and spaces removed, and a trailing
generational suffix (Jr., Sr., II, III, IV, V) dropped. Names published as ``"Last, First"``
(the league's injury report) go through ``from_last_first`` first.

``PlayerResolver`` maps a lookup to a player id. It starts from the reference players shipped
with backcourt and learns more names with ``add_known`` (rosters, box scores).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "v"})

# Letters that NFKD does not decompose into an ASCII base letter plus marks.
_TRANSLIT = str.maketrans(
    {"đ": "d", "ł": "l", "ø": "o", "æ": "ae", "œ": "oe", "ı": "i", "þ": "th", "ð": "d"}
)
_DROP = re.compile(r"[^a-z0-9\s]+")


@lru_cache(maxsize=65536)
def player_lookup(name: str) -> str:
    """Normalized lookup key: ``"Gary Trent Jr."`` -> ``"garytrent"``.

    Case, accents, punctuation and spacing never matter; a trailing generational suffix is
    dropped when the name has at least a first and a last name besides it. The result is a
    fixed point: ``player_lookup(player_lookup(x)) == player_lookup(x)``.
    """
    text = unicodedata.normalize("NFKD", name.casefold()).translate(_TRANSLIT)
    tokens = _DROP.sub("", text).split()
    while len(tokens) > 2 and tokens[-1] in SUFFIXES:
        tokens.pop()
    return "".join(tokens)


def _is_suffix(part: str) -> bool:
    return _DROP.sub("", part.casefold()) in SUFFIXES


def from_last_first(name: str) -> str:
    """``"Murray, Jamal"`` -> ``"Jamal Murray"``; ``"Trent Jr., Gary"`` -> ``"Gary Trent Jr."``.

    A name without a comma is returned stripped. A comma that only separates a suffix
    (``"Gary Trent, Jr."``) is already first-last order. ``"Trent, Jr., Gary"`` and
    ``"Trent, Gary, Jr."`` both give ``"Gary Trent Jr."``.
    """
    parts = [p.strip() for p in name.split(",")]
    parts = [p for p in parts if p]
    if len(parts) <= 1:
        return parts[0] if parts else ""
    last, rest = parts[0], parts[1:]
    suffixes = [p for p in rest if _is_suffix(p)]
    firsts = [p for p in rest if not _is_suffix(p)]
    if not firsts:  # "Gary Trent, Jr."
        return " ".join([last, *suffixes])
    return " ".join([*firsts, last, *suffixes])


# -- teams ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Team:
    id: int
    abbr: str
    full_name: str


# Spellings of full names used by other publishers (The Odds API uses the official names).
_FULL_NAME_ALIASES = {"LA Clippers": "LAC"}


def _read_reference(name: str) -> list[dict[str, str]]:
    text = resources.files("backcourt.reference").joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


@lru_cache(maxsize=1)
def _teams() -> tuple[dict[int, Team], dict[str, Team], dict[str, Team]]:
    by_id: dict[int, Team] = {}
    by_abbr: dict[str, Team] = {}
    by_name: dict[str, Team] = {}
    for row in _read_reference("nba_teams.csv"):
        team = Team(int(row["team_id"]), row["abbreviation"], row["full_name"])
        by_id[team.id] = team
        by_abbr[team.abbr] = team
        by_name[team.full_name.casefold()] = team
    for alias, abbr in _FULL_NAME_ALIASES.items():
        by_name[alias.casefold()] = by_abbr[abbr]
    return by_id, by_abbr, by_name


def all_teams() -> list[Team]:
    return list(_teams()[0].values())


def team_by_id(team_id: int) -> Team | None:
    return _teams()[0].get(team_id)


def team_by_abbr(abbr: str) -> Team | None:
    return _teams()[1].get(abbr)


def team_by_full_name(full_name: str) -> Team | None:
    """Case-insensitive match on the full name (``"Denver Nuggets"``)."""
    return _teams()[2].get(full_name.strip().casefold())


# -- players -------------------------------------------------------------------------------


class PlayerResolver:
    """Resolves a ``player_lookup`` to a player id (implements ``parsers.base.Resolver``).

    When several players share a lookup, the one active or rostered player among them wins
    (active in the reference list, on the reference 2025-26 rosters, or registered with
    ``add_known``); if there is no such single player the lookup is ambiguous.
    """

    def __init__(self, *, reference: bool = True):
        self._ids: dict[str, set[int]] = {}
        self._active: set[int] = set()
        self._aliases: dict[str, int] = {}
        self._known: set[int] = set()   # every registered player id
        if reference:
            self._load_reference()

    def _register(self, player_id: int, name: str, active: bool) -> None:
        self._known.add(player_id)
        key = player_lookup(name)
        if not key:
            return
        self._ids.setdefault(key, set()).add(player_id)
        if active:
            self._active.add(player_id)

    def _load_reference(self) -> None:
        for row in _read_reference("nba_players.csv"):
            self._register(int(row["player_id"]), row["full_name"], row["is_active"] == "True")
        for row in _read_reference("rosters_2025_26.csv"):
            self._register(int(row["player_id"]), row["full_name"], True)

    def add_known(self, player_id: int, name: str) -> None:
        """Register a name seen with its id (roster, box score); the player counts as rostered."""
        self._register(int(player_id), name, True)

    @property
    def player_count(self) -> int:
        return len(set().union(*self._ids.values())) if self._ids else 0

    def knows_id(self, player_id: int) -> bool:
        """Whether the player registry (reference players, rosters seen) has this id."""
        return player_id in self._known

    def candidates(self, lookup: str) -> set[int]:
        return set(self._ids.get(lookup, ()))

    def add_alias(self, lookup: str, player_id: int) -> None:
        """A hand-made alias: ``lookup`` is this player, whoever else shares it."""
        self._aliases[lookup] = int(player_id)

    def resolve(self, lookup: str) -> tuple[int | None, str | None]:
        if lookup in self._aliases:
            return self._aliases[lookup], None
        ids = self._ids.get(lookup)
        if not ids:
            return None, "unknown name"
        if len(ids) == 1:
            return next(iter(ids)), None
        active = ids & self._active
        if len(active) == 1:
            return next(iter(active)), None
        return None, f"ambiguous: {len(active) if active else len(ids)} players"
