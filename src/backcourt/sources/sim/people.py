"""Real players (reference ids and names), invented biographies, and the rosters of each season.

2025-26 rosters come from ``rosters_2025_26.csv`` (trimmed to 14-15 players). Earlier seasons are
derived backwards one season at a time: players who had not yet debuted leave, a few players
change teams, and each roster is filled back up with other real players from
``nba_players.csv`` whose debut (estimated from the person id range) fits the season.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache, lru_cache
from importlib import resources

import numpy as np

from backcourt.sources.sim.rng import rng_for
from backcourt.sources.sim.teams import load_teams

BASE_SEASON = 2025
ROSTER_MAX = 15
ROSTER_MIN = 14

# NBA person ids grow with time; (first id, debut season) of each band, used to date the players
# of nba_players.csv that carry no seasons.
_ID_BANDS: tuple[tuple[int, int], ...] = (
    (0, 1995), (1700, 2000), (2200, 2002), (2600, 2004), (100000, 2005), (200000, 2006),
    (201100, 2007), (201500, 2008), (201900, 2009), (202300, 2010), (202600, 2011),
    (203100, 2012), (203400, 2013), (203900, 2014), (1626000, 2015), (1627000, 2016),
    (1628000, 2017), (1628900, 2018), (1629600, 2019), (1630100, 2020), (1630500, 2021),
    (1631000, 2022), (1641700, 2023), (1642200, 2024), (1642800, 2025),
)
_COLLEGES = (
    "Kentucky", "Duke", "Kansas", "North Carolina", "UCLA", "Gonzaga", "Villanova", "Michigan",
    "Arizona", "Texas", "Florida", "Michigan State", "Baylor", "Arkansas", "Tennessee",
    "Connecticut", "Southern California", "Oregon", "Virginia", "Alabama", "Louisville",
    "Ohio State", "Memphis", "Wake Forest", "Indiana", "Iowa State", "Marquette", "Houston",
    "Stanford", "Georgetown", "Syracuse", "Washington", "Purdue", "Auburn", "LSU",
)
_ABROAD = ("France", "Serbia", "Spain", "Australia", "Germany", "Lithuania", "Greece",
           "Slovenia", "Latvia", "Croatia", "Turkey", "Canada", "Nigeria", "Italy")
_POSITIONS = ("G", "G", "G-F", "F", "F", "F-C", "C")
_JERSEYS = (0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12, 13, 14, 15, 17, 20, 21, 22, 23, 24, 25, 30, 31,
            32, 33, 34, 35, 41, 42, 44, 45, 50, 55, 77)


@dataclass(frozen=True)
class Person:
    player_id: int
    first: str
    family: str
    full: str
    from_year: int
    birth: date
    position: str       # "G", "G-F", "F", "F-C", "C"
    height: str         # "6-7"
    weight: int
    school: str

    @property
    def role(self) -> str:
        """Box score position of a starter: G, F or C."""
        return self.position[0]


def estimated_debut(player_id: int) -> int:
    year = _ID_BANDS[0][1]
    for start, season in _ID_BANDS:
        if player_id >= start:
            year = season
    return year


@lru_cache(maxsize=1)
def _reference() -> tuple[dict[int, tuple[str, str, str, bool]], list[tuple[int, str, int, int]]]:
    ref = resources.files("backcourt.reference")
    players: dict[int, tuple[str, str, str, bool]] = {}
    for r in csv.DictReader(ref.joinpath("nba_players.csv").read_text("utf-8").splitlines()):
        players[int(r["player_id"])] = (r["first_name"], r["last_name"], r["full_name"],
                                        r["is_active"] == "True")
    roster: list[tuple[int, str, int, int]] = []
    for r in csv.DictReader(ref.joinpath("rosters_2025_26.csv").read_text("utf-8").splitlines()):
        roster.append((int(r["player_id"]), r["full_name"], int(r["team_id"]), int(r["from_year"])))
    return players, roster


def _split_name(full: str) -> tuple[str, str]:
    full = full.replace(", Jr.", " Jr.")
    parts = full.split(" ", 1)
    return (parts[0], parts[1]) if len(parts) == 2 else ("", parts[0])


@cache
def person(player_id: int) -> Person:
    """A player's (seed-independent) biography: real name and id, invented details."""
    players, roster = _reference()
    from_year = {pid: fy for pid, _, _, fy in roster}
    if player_id in players:
        first, last, full, _ = players[player_id]
        if not first or "," in last:
            first, last = _split_name(full)
    else:
        full = next(name for pid, name, _, _ in roster if pid == player_id)
        first, last = _split_name(full)
    debut = from_year.get(player_id, estimated_debut(player_id))
    rng = rng_for(0, 0, "bio", player_id)
    age_at_debut = rng.uniform(19.0, 22.9)
    birth = date(debut, 10, 20) - timedelta(days=int(age_at_debut * 365.25))
    position = _POSITIONS[int(rng.integers(len(_POSITIONS)))]
    base_in = {"G": 75, "F": 79, "C": 83}[position[0]]
    inches = int(base_in + rng.integers(-2, 3))
    weight = int(105 + 1.45 * inches + rng.integers(-12, 18))
    if any(ord(c) > 127 for c in full) or rng.random() < 0.12:
        school = _ABROAD[int(rng.integers(len(_ABROAD)))]
    else:
        school = _COLLEGES[int(rng.integers(len(_COLLEGES)))]
    return Person(player_id, first, last, full.replace(", Jr.", " Jr."), debut, birth, position,
                  f"{inches // 12}-{inches % 12}", weight, school)


def age_on(p: Person, day: date) -> int:
    years = day.year - p.birth.year
    if (day.month, day.day) < (p.birth.month, p.birth.day):
        years -= 1
    return years


@cache
def base_talent(seed: int, player_id: int) -> float:
    """A player's latent ability for a seed (the same in every season before aging)."""
    return float(rng_for(seed, 0, "talent", player_id).normal())


def season_talent(seed: int, player_id: int, season: int) -> float:
    """Ability in a season: the seed's base level, experience (long careers mean good players;
    players who are no longer in the league were weaker), youth and aging."""
    p = person(player_id)
    age = season - p.birth.year
    exp = season - p.from_year
    aging = -0.006 * (age - 28) ** 2
    rookie = -0.35 if exp == 0 else (-0.15 if exp == 1 else 0.0)
    gone = 0.0 if _in_base_roster(player_id) else -0.35
    return 0.85 * base_talent(seed, player_id) + aging + rookie + 0.07 * min(exp, 10) + gone


@lru_cache(maxsize=1)
def _base_ids() -> frozenset[int]:
    return frozenset(pid for pid, _, _, _ in _reference()[1])


def _in_base_roster(player_id: int) -> bool:
    return player_id in _base_ids()


@dataclass(frozen=True)
class SeasonRosters:
    season: int
    teams: tuple[tuple[int, ...], ...]        # per team index: player ids, best first
    came_from: dict[int, int]                 # player id -> team index he came from this season
    jersey: dict[int, int]


@lru_cache(maxsize=32)
def season_rosters(season: int, seed: int) -> SeasonRosters:
    if season == BASE_SEASON:
        return _base_rosters(seed)
    if season > BASE_SEASON:
        prev = season_rosters(season - 1, seed)
        lists = [list(t) for t in prev.teams]
        rng = rng_for(seed, season, "rosters")
        came = _move_players(lists, rng)
        return _finish(season, seed, lists, came, rng)
    nxt = season_rosters(season + 1, seed)
    rng = rng_for(seed, season, "rosters")
    lists = [[pid for pid in t if person(pid).from_year <= season] for t in nxt.teams]
    came = _move_players(lists, rng)
    used = {pid for t in lists for pid in t}
    pool = _fill_pool(season, used)
    order = [pool[i] for i in rng.permutation(len(pool))]
    k = 0
    for lst in lists:
        size = ROSTER_MAX if rng.random() < 0.7 else ROSTER_MIN
        while len(lst) < size and k < len(order):
            lst.append(order[k])
            k += 1
    return _finish(season, seed, lists, came, rng)


def _fill_pool(season: int, used: set[int]) -> list[int]:
    players, roster = _reference()
    on_base = {pid for pid, _, _, _ in roster}
    pool = []
    for pid, (_, _, _, _active) in sorted(players.items()):
        if pid in used or pid in on_base or pid < 200000:
            continue
        debut = estimated_debut(pid)
        if season - 9 <= debut <= season:
            pool.append(pid)
    return pool


def _base_rosters(seed: int) -> SeasonRosters:
    _, roster = _reference()
    teams = load_teams()
    by_id = {t.team_id: t.idx for t in teams}
    rng = rng_for(seed, BASE_SEASON, "rosters")
    lists: list[list[int]] = [[] for _ in teams]
    for pid, _, team_id, _ in sorted(roster):
        lists[by_id[team_id]].append(pid)
    for i, lst in enumerate(lists):
        size = ROSTER_MAX if rng.random() < 0.7 else ROSTER_MIN
        keep = sorted(lst, key=lambda p: -season_talent(seed, p, BASE_SEASON))[:size]
        lists[i] = keep
    return _finish(BASE_SEASON, seed, lists, {}, rng)


def _move_players(lists: list[list[int]], rng: np.random.Generator) -> dict[int, int]:
    """Swap a few players between teams; returns player -> the team he left."""
    came: dict[int, int] = {}
    for _ in range(int(rng.integers(4, 8))):
        a, b = (int(x) for x in rng.choice(len(lists), size=2, replace=False))
        if not lists[a] or not lists[b]:
            continue
        i, j = int(rng.integers(len(lists[a]))), int(rng.integers(len(lists[b])))
        pa, pb = lists[a][i], lists[b][j]
        lists[a][i], lists[b][j] = pb, pa
        came[pb], came[pa] = b, a
    return came


def _finish(season: int, seed: int, lists: list[list[int]], came: dict[int, int],
            rng: np.random.Generator) -> SeasonRosters:
    ordered = tuple(tuple(sorted(lst, key=lambda p: (-season_talent(seed, p, season), p)))
                    for lst in lists)
    jersey: dict[int, int] = {}
    for lst in ordered:
        numbers = rng.permutation(len(_JERSEYS))
        for pid, k in zip(lst, numbers, strict=False):
            jersey[pid] = _JERSEYS[int(k)]
    return SeasonRosters(season, ordered, came, jersey)
