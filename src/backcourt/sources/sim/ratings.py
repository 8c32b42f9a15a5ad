"""Persistent per-season attributes of players (usage, zone preferences and efficiency, minutes,
free throws, rebounding…) and teams (pace, per-zone defence, turnover/foul/rebound tendencies).

These hidden levels are what make recent box scores predictive: they persist over a season and
players carry their base ability from season to season.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import numpy as np

from backcourt.sources.sim.calendar import opening_day
from backcourt.sources.sim.game import N_ZONES
from backcourt.sources.sim.people import age_on, person, season_rosters, season_talent
from backcourt.sources.sim.rng import rng_for

ZONE_SHARE = np.array([0.28, 0.20, 0.10, 0.11, 0.31])
ZONE_FG = np.array([0.66, 0.44, 0.42, 0.39, 0.35])
LEAGUE_PACE = 99.0
# minutes by depth-chart slot (starters first)
SLOT_MINUTES = np.array([34.5, 33.5, 32.5, 31.5, 30.5, 24.0, 20.0, 16.0, 12.0, 8.0, 5.0, 3.0,
                         2.0, 1.0, 1.0])
_ROLE_ZONES = {
    "G": np.array([0.20, 0.17, 0.12, 0.10, 0.41]),
    "F": np.array([0.27, 0.19, 0.10, 0.14, 0.30]),
    "C": np.array([0.50, 0.26, 0.08, 0.05, 0.11]),
}
_ROLE_W = {  # ast, oreb, dreb, stl, blk, pf, tov
    "G": (2.2, 0.5, 0.8, 1.3, 0.35, 0.9, 1.15),
    "F": (1.0, 1.1, 1.2, 1.0, 0.9, 1.0, 1.0),
    "C": (0.7, 2.6, 2.2, 0.8, 2.6, 1.3, 0.95),
}


@dataclass(frozen=True)
class LeagueRatings:
    season: int
    player_ids: np.ndarray       # (N,) every rostered player, team by team, best first
    team_of: np.ndarray          # (N,)
    rank: np.ndarray             # (N,) depth-chart slot within the team
    index: dict[int, int]        # player id -> row
    talent: np.ndarray
    usage: np.ndarray
    zone_p: np.ndarray           # (N, 5)
    zone_eff: np.ndarray         # (N, 5) multiplier on the league zone FG%
    ft: np.ndarray
    ast: np.ndarray
    oreb: np.ndarray
    dreb: np.ndarray
    stl: np.ndarray
    blk: np.ndarray
    pf: np.ndarray
    tov: np.ndarray
    base_min: np.ndarray
    age: np.ndarray              # age on opening night
    team_pace: np.ndarray        # (30,)
    team_def: np.ndarray         # (30, 5) multiplier on the opponent's zone FG%
    team_tov: np.ndarray         # (30,)
    team_ft: np.ndarray
    team_oreb: np.ndarray

    def team_rows(self, team: int) -> np.ndarray:
        return np.flatnonzero(self.team_of == team)


def _mix(position: str) -> np.ndarray:
    parts = position.split("-")
    return np.mean([_ROLE_ZONES[p] for p in parts], axis=0)


def _role_w(position: str) -> np.ndarray:
    return np.mean([_ROLE_W[p] for p in position.split("-")], axis=0)


@lru_cache(maxsize=8)
def league_ratings(season: int, seed: int) -> LeagueRatings:
    rosters = season_rosters(season, seed)
    rng = rng_for(seed, season, "ratings")
    open_day: date = opening_day(season)
    ids: list[int] = []
    team_of: list[int] = []
    rank: list[int] = []
    for t, plist in enumerate(rosters.teams):
        for r, pid in enumerate(plist):
            ids.append(pid)
            team_of.append(t)
            rank.append(r)
    n = len(ids)
    people = [person(pid) for pid in ids]
    talent = np.array([season_talent(seed, pid, season) for pid in ids])
    roles = np.array([_role_w(p.position) for p in people])
    big = np.array([p.position in ("C", "F-C") for p in people])
    usage = np.exp(0.36 * talent + rng.normal(0.0, 0.16, n)) * np.where(big, 0.9, 1.0)
    usage = np.clip(usage, 0.35, 2.4)
    zone_p = np.array([rng.dirichlet(_mix(p.position) * 40.0) for p in people])
    rank_arr = np.array(rank)
    base_min = np.maximum(SLOT_MINUTES[np.minimum(rank_arr, 14)] + rng.normal(0.0, 1.5, n), 1.0)
    # calibrate the league's shot mix to the target zone shares (iterative proportional fit)
    w = usage * base_min
    for _ in range(8):
        agg = (zone_p * w[:, None]).sum(axis=0) / w.sum()
        zone_p = zone_p * (ZONE_SHARE / agg)[None, :]
        zone_p /= zone_p.sum(axis=1, keepdims=True)
    zone_eff = np.clip(np.exp(0.035 * talent[:, None] + rng.normal(0.0, 0.05, (n, N_ZONES))),
                       0.82, 1.18)
    ft = np.clip(rng.normal(0.81, 0.06, n) - np.where(big, 0.06, 0.0), 0.5, 0.93)

    def jitter(sd: float) -> np.ndarray:
        return np.exp(rng.normal(0.0, sd, n))

    ages = np.array([age_on(p, open_day) for p in people], dtype=float)
    team_def = np.exp(rng.normal(0.0, 0.055, (30, N_ZONES)))
    team_def /= team_def.mean(axis=0, keepdims=True)
    return LeagueRatings(
        season=season, player_ids=np.array(ids, dtype=np.int64), team_of=np.array(team_of),
        rank=rank_arr, index={pid: i for i, pid in enumerate(ids)}, talent=talent, usage=usage,
        zone_p=zone_p, zone_eff=zone_eff, ft=ft,
        ast=roles[:, 0] * jitter(0.25) * np.exp(0.2 * talent),
        oreb=roles[:, 1] * jitter(0.2), dreb=roles[:, 2] * jitter(0.2),
        stl=roles[:, 3] * jitter(0.2), blk=roles[:, 4] * jitter(0.25),
        pf=roles[:, 5] * jitter(0.15), tov=roles[:, 6] * jitter(0.15),
        base_min=base_min, age=ages,
        team_pace=rng.normal(LEAGUE_PACE, 1.8, 30),
        team_def=team_def,
        team_tov=np.exp(rng.normal(0.0, 0.07, 30)),
        team_ft=np.exp(rng.normal(0.0, 0.10, 30)),
        team_oreb=np.exp(rng.normal(0.0, 0.08, 30)),
    )
