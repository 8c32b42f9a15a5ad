"""The regular-season schedule: matchups (82 games a team), game nights, tip times, the 30
December additions and the postponed games.

The published schedule holds 1,200 games; 30 more (two per team) are added on two December nights
left free for them, as the league does after the group stage of its in-season tournament. A few
games are postponed: they stay on their original night as "PPD" and are replayed later with the
same game number.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from backcourt.sources.sim.calendar import (
    blackout_days,
    december_addition_days,
    opening_day,
    regular_season_end,
)
from backcourt.sources.sim.rng import rng_for
from backcourt.sources.sim.teams import DIVISIONS, EAST_DIVISIONS, load_teams

N_TEAMS = 30
GAMES_PER_TEAM = 82
TOTAL_GAMES = N_TEAMS * GAMES_PER_TEAM // 2          # 1230
ADDED_GAMES = 30
MAX_PER_NIGHT = 15
MAX_B2B = 17
MIN_B2B = 13
TARGET_B2B = 15.0
# relative weight of a weekday in game counts (Mon..Sun)
_WEEKDAY_WEIGHT = (8.0, 7.0, 10.5, 6.0, 9.5, 8.0, 6.5)
_CHRISTMAS_TIPS = (12 * 60, 14 * 60 + 30, 17 * 60, 20 * 60, 22 * 60 + 30)


@dataclass
class RegularGame:
    home: int
    away: int
    orig_day: date
    orig_tip: int           # minutes after midnight ET on orig_day
    day: date               # the date the game is played
    tip: int
    added: bool = False     # one of the 30 December additions (not in the published schedule)
    postponed: bool = False
    number: int = 0         # 1..1230, the last five digits of the game id


@dataclass(frozen=True)
class RegularSchedule:
    season: int
    games: tuple[RegularGame, ...]      # ordered by number
    nights: tuple[date, ...]            # dates with at least one game played


def build_matchups(rng: np.random.Generator) -> list[tuple[int, int]]:
    """(home, away) for all 1,230 games: 4 vs division rivals, 4 or 3 vs the rest of the
    conference, 2 vs the other conference; exactly 41 home games each."""
    teams = load_teams()
    by_tri = {t.tricode: t.idx for t in teams}
    div_members = {d: [by_tri[x] for x in tris] for d, tris in DIVISIONS.items()}
    games: list[tuple[int, int]] = []

    def series(a: int, b: int, home_a: int, home_b: int) -> None:
        games.extend([(a, b)] * home_a + [(b, a)] * home_b)

    for members in div_members.values():
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                series(a, b, 2, 2)
    for conf_divs in (EAST_DIVISIONS, tuple(d for d in DIVISIONS if d not in EAST_DIVISIONS)):
        for i, da in enumerate(conf_divs):
            for db in conf_divs[i + 1:]:
                a = list(div_members[da])
                b = [div_members[db][k] for k in rng.permutation(5)]
                three: dict[tuple[int, int], tuple[int, int]] = {}
                for k in range(5):
                    # a 10-cycle a_k - b_{k+1} - a_{k+1}: each team hosts twice in one 3-game
                    # series and once in the other
                    three[(a[k], b[(k + 1) % 5])] = (2, 1)
                    three[(a[(k + 1) % 5], b[(k + 1) % 5])] = (1, 2)
                for x in a:
                    for y in b:
                        h = three.get((x, y), (2, 2))
                        series(x, y, h[0], h[1])
    east = [t.idx for t in teams if t.conference == "East"]
    west = [t.idx for t in teams if t.conference == "West"]
    for x in east:
        for y in west:
            series(x, y, 1, 1)
    if len(games) != TOTAL_GAMES:
        raise AssertionError(len(games))
    return games


def default_tip(home_tz_behind: int, rng: np.random.Generator) -> int:
    if home_tz_behind == 0:
        return int(rng.choice([19 * 60, 19 * 60 + 30, 19 * 60 + 30]))
    if home_tz_behind == 1:
        return int(rng.choice([20 * 60, 20 * 60, 20 * 60 + 30]))
    if home_tz_behind == 2:
        return 21 * 60
    return int(rng.choice([22 * 60, 22 * 60, 22 * 60 + 30]))


def assign_tips(day: date, pairs: list[tuple[int, int]], rng: np.random.Generator) -> list[int]:
    teams = load_teams()
    tips = [default_tip(teams[h].tz_behind, rng) for h, _ in pairs]
    if day.month == 12 and day.day == 25:
        order = rng.permutation(len(pairs))
        for slot, gi in enumerate(order):
            tips[gi] = _CHRISTMAS_TIPS[slot % len(_CHRISTMAS_TIPS)]
    elif day.weekday() in (5, 6) and len(pairs) > 2:
        for gi in range(len(pairs)):
            if rng.random() < 0.22:
                tips[gi] = int(rng.choice([13 * 60, 15 * 60, 15 * 60 + 30, 18 * 60]))
    return tips


def _night_plan(season: int, rng: np.random.Generator) -> tuple[list[date], dict[date, int]]:
    """Game nights of the published schedule (without the two addition nights) and their
    target game counts summing to 1,200."""
    start, end = opening_day(season), regular_season_end(season)
    blocked = blackout_days(season) | set(december_addition_days(season))
    christmas = date(season, 12, 25)
    days = [start + timedelta(days=k) for k in range((end - start).days + 1)]
    days = [d for d in days if d not in blocked]
    candidates = [d for d in days if start + timedelta(days=7) <= d <= end - timedelta(days=12)
                  and d != christmas and d.weekday() in (0, 3)]
    dark = {candidates[i] for i in rng.choice(len(candidates), size=4, replace=False)}
    nights = [d for d in days if d not in dark]
    fixed = {start: 2, start + timedelta(days=1): 12, christmas: 5, end: 15}
    free = [d for d in nights if d not in fixed]
    budget = (TOTAL_GAMES - ADDED_GAMES) - sum(fixed.values())
    w = np.array([_WEEKDAY_WEIGHT[d.weekday()] * rng.uniform(0.8, 1.2) for d in free])
    raw = w / w.sum() * budget
    counts = np.minimum(np.floor(raw).astype(int), 14)
    counts = np.maximum(counts, 2)
    short = budget - int(counts.sum())
    order = np.argsort(-(raw - np.floor(raw)), kind="stable")
    k = 0
    while short != 0:
        i = order[k % len(order)]
        if short > 0 and counts[i] < 14:
            counts[i] += 1
            short -= 1
        elif short < 0 and counts[i] > 2:
            counts[i] -= 1
            short += 1
        k += 1
    plan = dict(fixed)
    plan.update({d: int(c) for d, c in zip(free, counts, strict=True)})
    return nights, plan


class _Retry(Exception):
    """This attempt at a schedule broke a rule; try again with the next random stream."""


class _TeamState:
    def __init__(self) -> None:
        self.days: list[list[int]] = [[] for _ in range(N_TEAMS)]   # ordinal dates played
        self.b2b = np.zeros(N_TEAMS, dtype=int)

    def played(self, t: int, ordinal: int) -> bool:
        return ordinal in self.days[t][-3:]

    def add(self, t: int, ordinal: int) -> None:
        if self.days[t] and self.days[t][-1] == ordinal - 1:
            self.b2b[t] += 1
        self.days[t].append(ordinal)


def _can_play(state: _TeamState, t: int, ordinal: int, fixed: set[int]) -> bool:
    """fixed: ordinals of this team's already fixed future games (the December additions)."""
    days = state.days[t]
    if days and days[-1] >= ordinal:
        return False
    y1 = bool(days) and days[-1] == ordinal - 1
    y2 = len(days) >= 2 and days[-2] == ordinal - 2
    t1 = ordinal + 1 in fixed
    t2 = ordinal + 2 in fixed
    if (y1 and y2) or (y1 and t1) or (t1 and t2):
        return False
    return not ((y1 or t1) and state.b2b[t] >= MAX_B2B - 1)


def _fill_nights(season: int, rng: np.random.Generator, pool: np.ndarray,
                 nights: list[date], plan: dict[date, int],
                 additions: dict[date, list[tuple[int, int]]]) -> list[tuple[date, int, int]]:
    """Greedy night-by-night assignment keeping every team on pace and ~15 back-to-backs."""
    state = _TeamState()
    placed: list[tuple[date, int, int]] = []
    remaining = pool.sum(axis=1) + pool.sum(axis=0)
    all_nights = sorted(set(nights) | set(additions))
    plan_nights = [d for d in all_nights if d not in additions]
    left_nights = len(plan_nights)
    first, last = all_nights[0].toordinal(), all_nights[-1].toordinal()
    fixed_days = {d.toordinal() for d in additions}
    for day in all_nights:
        od = day.toordinal()
        if day in additions:
            for h, a in additions[day]:
                state.add(h, od)
                state.add(a, od)
            continue
        frac = (od - first) / max(1, last - first)
        want = plan[day]
        urgency = remaining / max(left_nights, 1)
        score = urgency + rng.normal(0.0, 0.06, N_TEAMS)
        for t in range(N_TEAMS):
            days = state.days[t]
            if days and days[-1] == od - 1:
                behind = TARGET_B2B * frac - state.b2b[t]
                score[t] += -0.30 + 0.18 * float(np.clip(behind, -1.5, 1.5))
        elig = np.array([remaining[t] > 0 and _can_play(state, t, od, fixed_days)
                         for t in range(N_TEAMS)])
        picked = np.zeros(N_TEAMS, dtype=bool)
        n_games = 0
        for t in np.argsort(-score, kind="stable"):
            if n_games >= want:
                break
            if picked[t] or not elig[t]:
                continue
            opp = (pool[t] + pool[:, t]) > 0
            cand = np.flatnonzero(opp & elig & ~picked)
            cand = cand[cand != t]
            if cand.size == 0:
                continue
            u = int(cand[np.argmax(score[cand] + rng.normal(0.0, 0.05, cand.size))])
            n_home, n_away = pool[t, u], pool[u, t]
            if rng.random() < n_home / (n_home + n_away):
                h, a = int(t), u
            else:
                h, a = u, int(t)
            pool[h, a] -= 1
            remaining[h] -= 1
            remaining[a] -= 1
            picked[h] = picked[a] = True
            state.add(h, od)
            state.add(a, od)
            placed.append((day, h, a))
            n_games += 1
        left_nights -= 1
    # games the greedy pass could not place: put each on the latest night that fits
    leftovers = [(h, a) for h in range(N_TEAMS) for a in range(N_TEAMS) for _ in range(pool[h, a])]
    if leftovers:
        placed = _place_leftovers(placed, leftovers, plan_nights, additions)
    return placed


def _team_days(placed: list[tuple[date, int, int]],
               additions: dict[date, list[tuple[int, int]]]) -> list[set[int]]:
    days: list[set[int]] = [set() for _ in range(N_TEAMS)]
    for d, h, a in placed:
        days[h].add(d.toordinal())
        days[a].add(d.toordinal())
    for d, games in additions.items():
        for h, a in games:
            days[h].add(d.toordinal())
            days[a].add(d.toordinal())
    return days


def _fits(days: set[int], od: int) -> bool:
    if od in days:
        return False
    trial = days | {od}
    return all(not {x - 1, x - 2} <= trial for x in range(od, od + 3) if x in trial)


def _b2b_count(days: set[int]) -> int:
    return sum(1 for x in days if x - 1 in days)


def _place_leftovers(placed: list[tuple[date, int, int]], leftovers: list[tuple[int, int]],
                     plan_nights: list[date],
                     additions: dict[date, list[tuple[int, int]]]) -> list[tuple[date, int, int]]:
    days = _team_days(placed, additions)
    per_night: dict[date, int] = {}
    for d, _, _ in placed:
        per_night[d] = per_night.get(d, 0) + 1
    for h, a in leftovers:
        for d in reversed(plan_nights):
            od = d.toordinal()
            if per_night.get(d, 0) >= MAX_PER_NIGHT or d.month == 12 and d.day == 25:
                continue
            if not (_fits(days[h], od) and _fits(days[a], od)):
                continue
            if _b2b_count(days[h] | {od}) > MAX_B2B or _b2b_count(days[a] | {od}) > MAX_B2B:
                continue
            placed.append((d, h, a))
            days[h].add(od)
            days[a].add(od)
            per_night[d] = per_night.get(d, 0) + 1
            break
        else:
            raise _Retry("could not place a leftover game")
    return placed


def _postpone(games: list[RegularGame], rng: np.random.Generator, season: int) -> None:
    """Postpone 2-4 games to a later night where both teams are idle around that night."""
    n = int(rng.integers(2, 5))
    per_night: dict[date, int] = {}
    days: list[set[int]] = [set() for _ in range(N_TEAMS)]
    for g in games:
        per_night[g.day] = per_night.get(g.day, 0) + 1
        days[g.home].add(g.day.toordinal())
        days[g.away].add(g.day.toordinal())
    lo, hi = date(season, 11, 10), date(season + 1, 2, 28)
    end = regular_season_end(season)
    nights = sorted(per_night)
    cands = [i for i, g in enumerate(games)
             if not g.added and lo <= g.day <= hi and per_night[g.day] >= 5
             and not (g.day.month == 12 and g.day.day == 25)]
    done = 0
    for i in rng.permutation(len(cands)):
        if done >= n:
            break
        g = games[cands[i]]
        if per_night[g.day] < 5:
            continue
        for d in nights:
            if d < g.day + timedelta(days=14) or d > end - timedelta(days=10):
                continue
            if per_night[d] >= MAX_PER_NIGHT - 1:
                continue
            od = d.toordinal()
            free = all(not ({od - 1, od, od + 1} & days[t]) for t in (g.home, g.away))
            if not free:
                continue
            for t in (g.home, g.away):
                days[t].discard(g.day.toordinal())
                days[t].add(od)
            per_night[g.day] -= 1
            per_night[d] += 1
            g.postponed = True
            g.day = d
            g.tip = default_tip(load_teams()[g.home].tz_behind, rng)
            done += 1
            break


def build_regular_schedule(season: int, seed: int) -> RegularSchedule:
    for attempt in range(200):
        try:
            return _attempt(season, seed, attempt)
        except _Retry:
            continue
    raise RuntimeError(f"no valid schedule for season {season} seed {seed}")


def _attempt(season: int, seed: int, attempt: int) -> RegularSchedule:
    rng = rng_for(seed, season, "schedule", attempt)
    pool = np.zeros((N_TEAMS, N_TEAMS), dtype=int)
    for h, a in build_matchups(rng):
        pool[h, a] += 1
    # the December additions: a random 30-cycle over the teams, each team hosting once;
    # alternate edges form the two nights' slates (every team plays on both nights)
    d1, d2 = december_addition_days(season)
    perm = [int(x) for x in rng.permutation(N_TEAMS)]
    additions: dict[date, list[tuple[int, int]]] = {d1: [], d2: []}
    for k in range(N_TEAMS):
        h, a = perm[k], perm[(k + 1) % N_TEAMS]
        pool[h, a] -= 1
        additions[d1 if k % 2 == 0 else d2].append((h, a))
    nights, plan = _night_plan(season, rng)
    placed = _fill_nights(season, rng, pool, nights, plan, additions)
    games: list[RegularGame] = []
    by_night: dict[date, list[tuple[int, int]]] = {}
    for d, h, a in placed:
        by_night.setdefault(d, []).append((h, a))
    for d in sorted(by_night):
        pairs = by_night[d]
        for (h, a), tip in zip(pairs, assign_tips(d, pairs, rng), strict=True):
            games.append(RegularGame(h, a, d, tip, d, tip))
    for d in (d1, d2):
        pairs = additions[d]
        for (h, a), tip in zip(pairs, assign_tips(d, pairs, rng), strict=True):
            games.append(RegularGame(h, a, d, tip, d, tip, added=True))
    teams = load_teams()
    games.sort(key=lambda g: (g.added, g.orig_day, g.orig_tip, teams[g.home].team_id))
    for i, g in enumerate(games):
        g.number = i + 1
    _postpone(games, rng, season)
    _validate(games)
    nights_played = tuple(sorted({g.day for g in games}))
    return RegularSchedule(season=season, games=tuple(games), nights=nights_played)


def _validate(games: list[RegularGame]) -> None:
    days: list[set[int]] = [set() for _ in range(N_TEAMS)]
    count = np.zeros(N_TEAMS, dtype=int)
    for g in games:
        for t in (g.home, g.away):
            days[t].add(g.day.toordinal())
            count[t] += 1
    for t in range(N_TEAMS):
        if len(days[t]) != count[t] or count[t] != GAMES_PER_TEAM:
            raise _Retry("a team plays twice a night or not 82 games")
        if not MIN_B2B <= _b2b_count(days[t]) <= MAX_B2B:
            raise _Retry("back-to-back count out of range")
        if any(x - 1 in days[t] and x - 2 in days[t] for x in days[t]):
            raise _Retry("three games in three nights")
