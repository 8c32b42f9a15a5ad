"""The 30 real teams (reference data) with conference, division and home time zone."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

DIVISIONS: dict[str, tuple[str, ...]] = {
    "Atlantic": ("BOS", "BKN", "NYK", "PHI", "TOR"),
    "Central": ("CHI", "CLE", "DET", "IND", "MIL"),
    "Southeast": ("ATL", "CHA", "MIA", "ORL", "WAS"),
    "Northwest": ("DEN", "MIN", "OKC", "POR", "UTA"),
    "Pacific": ("GSW", "LAC", "LAL", "PHX", "SAC"),
    "Southwest": ("DAL", "HOU", "MEM", "NOP", "SAS"),
}
EAST_DIVISIONS = ("Atlantic", "Central", "Southeast")

# hours behind US Eastern time at the home arena (0 ET, 1 CT, 2 MT, 3 PT)
_TZ_BEHIND = {
    "CHI": 1, "MIL": 1, "MIN": 1, "OKC": 1, "DAL": 1, "HOU": 1, "MEM": 1, "NOP": 1, "SAS": 1,
    "DEN": 2, "UTA": 2, "PHX": 2,
    "GSW": 3, "LAC": 3, "LAL": 3, "POR": 3, "SAC": 3,
}
_SLUG_OVERRIDES = {"76ers": "sixers", "Trail Blazers": "blazers"}
# the stats API's teamCity differs from the reference city for two teams
_CITY_OVERRIDES = {"GSW": "Golden State", "LAC": "LA"}


@dataclass(frozen=True)
class Team:
    idx: int
    team_id: int
    tricode: str
    city: str
    nickname: str
    full_name: str
    slug: str
    division: str
    conference: str  # "East" / "West"
    tz_behind: int


@lru_cache(maxsize=1)
def load_teams() -> tuple[Team, ...]:
    text = resources.files("backcourt.reference").joinpath("nba_teams.csv").read_text("utf-8")
    rows = sorted(csv.DictReader(text.splitlines()), key=lambda r: int(r["team_id"]))
    division_of = {tri: div for div, tris in DIVISIONS.items() for tri in tris}
    teams = []
    for i, r in enumerate(rows):
        tri = r["abbreviation"]
        div = division_of[tri]
        nick = r["nickname"]
        teams.append(Team(
            idx=i, team_id=int(r["team_id"]), tricode=tri,
            city=_CITY_OVERRIDES.get(tri, r["city"]), nickname=nick,
            full_name=r["full_name"],
            slug=_SLUG_OVERRIDES.get(nick, nick.lower().replace(" ", "-")),
            division=div, conference="East" if div in EAST_DIVISIONS else "West",
            tz_behind=_TZ_BEHIND.get(tri, 0),
        ))
    if len(teams) != 30:
        raise ValueError(f"expected 30 teams, found {len(teams)}")
    return tuple(teams)


def team_index() -> dict[str, int]:
    return {t.tricode: t.idx for t in load_teams()}
