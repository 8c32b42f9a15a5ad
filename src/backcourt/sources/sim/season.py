"""A whole season simulated in memory: availability, fatigue, form, the games, the records, the
props projections; cached per (season, seed) so any date serialises the same bytes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

import numpy as np

from backcourt.sources.sim.calendar import opening_day, regular_season_end
from backcourt.sources.sim.game import (
    PTS,
    W_FTDRAW,
    W_SHOT,
    W_TOV,
    GameOutcome,
    SideInput,
    simulate_game,
)
from backcourt.sources.sim.injuries import Availability, Status
from backcourt.sources.sim.playoffs import PostseasonGame, run_postseason
from backcourt.sources.sim.ratings import ZONE_FG, LeagueRatings, league_ratings
from backcourt.sources.sim.rng import rng_for
from backcourt.sources.sim.rotation import allocate_seconds
from backcourt.sources.sim.schedule import RegularGame, RegularSchedule, build_regular_schedule
from backcourt.sources.sim.teams import load_teams

# hidden causal effects
B2B_EFF = 0.03            # shooting efficiency lost on the 2nd night of a back-to-back
LOAD_EFF = 0.012          # ... per 25 minutes above 75 played in the previous 7 days
B2B_MIN = 0.09            # minutes lost on the 2nd night of a back-to-back (32-min player)
LOAD_MIN = 0.015
AGE_AMPLIFY = 1.6         # players aged 30+ feel fatigue this much more
HOME_EDGE = 0.012
ZONE_BASE = ZONE_FG * 0.997
P_TOV, P_FT, P_OREB = 0.125, 0.094, 0.245
EWMA_ALPHA = 0.15
NO_PROPS = 0.05


@dataclass
class TeamGame:
    """One team's side of a played game."""

    team: int
    player_ids: list[int]          # listed players in box-score order
    seconds: np.ndarray            # per listed player (0 for DNP)
    stats: np.ndarray              # (listed, N_STATS)
    plus_minus: np.ndarray         # per listed player
    starter: np.ndarray            # bool per listed player
    comments: list[str]
    active_pos: np.ndarray         # listed position of each outcome player index
    report: list[tuple[int, str, str]]     # (player id, status, reason)
    props: list[tuple[int, float]]         # (player id, pre-game projection)
    wins: int = 0
    losses: int = 0
    seed: int = 0


@dataclass
class PlayedGame:
    game_id: str
    kind: str                      # "regular" / "playin" / "playoff"
    day: date
    tip: int
    home: TeamGame
    away: TeamGame
    outcome: GameOutcome
    exp_home: float                # bookmakers' expected points
    exp_away: float
    has_props: bool
    meta: PostseasonGame | None = None
    series_text: str = ""


@dataclass
class PostponedGame:
    game_id: str
    day: date
    tip: int
    home: int
    away: int
    records: tuple[tuple[int, int], tuple[int, int]]


@dataclass
class Slate:
    finals: list[PlayedGame] = field(default_factory=list)
    postponed: list[PostponedGame] = field(default_factory=list)


@dataclass
class SeasonSim:
    season: int
    seed: int
    ratings: LeagueRatings
    schedule: RegularSchedule
    games: list[PlayedGame]
    slates: dict[date, Slate]
    opening: date

    def game_dates(self) -> list[date]:
        return sorted(d for d, s in self.slates.items() if s.finals)


def regular_game_id(season: int, number: int) -> str:
    return f"002{season % 100:02d}{number:05d}"


class _Runner:
    def __init__(self, season: int, seed: int) -> None:
        self.season, self.seed = season, seed
        self.r = league_ratings(season, seed)
        self.teams = load_teams()
        n = self.r.player_ids.size
        init = rng_for(seed, season, "season-init")
        self.avail = Availability()
        self.last_played = np.full(n, -10, dtype=np.int64)
        # the last five games of each player: day ordinal and minutes (ring buffer)
        self.hist_day = np.full((n, 5), -100, dtype=np.int64)
        self.hist_min = np.zeros((n, 5))
        self.hist_pos = np.zeros(n, dtype=np.int64)
        self.rows_of = [self.r.team_rows(t) for t in range(30)]
        r = self.r
        self.static_w = np.stack([r.tov, r.oreb, r.dreb, r.stl, r.blk, r.pf], axis=1)
        self.p_team = np.stack([P_TOV * r.team_tov, P_FT * r.team_ft, P_OREB * r.team_oreb],
                               axis=1).tolist()
        self.drift = init.normal(0.0, 0.1, n)
        self.team_last = np.full(30, -10, dtype=np.int64)
        self.record = np.zeros((30, 2), dtype=np.int64)
        self.team_for = np.full(30, 114.0)
        self.team_against = np.full(30, 114.0)
        self.ewma_min = self.r.base_min.copy()
        self.ewma_pts = np.zeros(n)
        for t in range(30):
            rows = self.r.team_rows(t)
            w = self.r.usage[rows] * self.r.base_min[rows]
            top = np.argsort(-w)[:10]
            share = np.zeros(rows.size)
            share[top] = w[top] / w[top].sum()
            self.ewma_pts[rows] = 113.0 * share
        self.stars = {t: set(self.r.team_rows(t)[:2].tolist()) for t in range(30)}
        self.games: list[PlayedGame] = []
        self.slates: dict[date, Slate] = {}
        self.results: list[tuple[int, int, int, int]] = []

    # -- one team before a game ------------------------------------------------
    def _prepare(self, rng: np.random.Generator, team: int, opp: int, day: date, home: bool,
                 postseason: bool) -> tuple[np.ndarray, list[Status], np.ndarray, SideInput]:
        r = self.r
        od = day.toordinal()
        rows = self.rows_of[team]
        team_b2b = bool(self.team_last[team] == od - 1)
        statuses = self.avail.pregame(rng, rows, self.stars[team], team_b2b, r.age[rows],
                                      postseason)
        plays = np.array([s.plays for s in statuses])
        avail = rows[plays]
        b2b = (self.last_played[avail] == od - 1).astype(float)
        recent = self.hist_day[avail] >= od - 7
        min7 = (self.hist_min[avail] * recent).sum(axis=1)
        load = np.minimum(np.maximum((min7 - 75.0) / 25.0, 0.0), 3.0)
        amp = np.where(r.age[avail] >= 30, AGE_AMPLIFY, 1.0)
        eff_pen = (B2B_EFF * b2b + LOAD_EFF * load) * amp
        heavy = (r.base_min[avail] / 32.0) ** 1.5      # coaches spare their heavy-minute men
        min_mult = 1.0 - (B2B_MIN * b2b + LOAD_MIN * load) * amp * heavy
        sec_avail = allocate_seconds(rng, r.base_min[avail], min_mult, postseason)
        on = sec_avail > 0
        act = avail[on]
        sec = sec_avail[on]
        n = act.size
        noise = rng.normal(0.0, 1.0, (2, n))
        usage = r.usage[act] * np.exp(self.drift[act] + 0.2 * noise[0])
        form = np.exp(0.015 * noise[1])
        edge = 1.0 + HOME_EDGE if home else 1.0 - HOME_EDGE
        pen = 1.0 - eff_pen[on]
        make = ZONE_BASE * r.zone_eff[act] * r.team_def[opp] * (pen * form * edge)[:, None]
        zone_p = r.zone_p[act]
        w = np.empty((8, n))
        w[W_SHOT] = usage * sec
        w[W_FTDRAW] = w[W_SHOT] * (0.4 + 2.0 * zone_p[:, 0])
        w[W_TOV:] = self.static_w[act].T * sec
        w[W_TOV] *= usage
        side = SideInput(
            pid=r.player_ids[act], seconds=sec, w=w, ast_w=r.ast[act] * sec, zone_p=zone_p,
            make_p=np.minimum(np.maximum(make, 0.05), 0.92),
            ft_p=np.minimum(np.maximum(r.ft[act] * (1.0 - eff_pen[on] / 3.0), 0.3), 0.97),
            p_tov=self.p_team[team][0], p_ft=self.p_team[team][1], p_oreb=self.p_team[team][2],
        )
        seconds_avail = np.zeros(rows.size, dtype=np.int64)
        seconds_avail[np.flatnonzero(plays)] = sec_avail
        return rows, statuses, seconds_avail, side

    def _projections(self, rng: np.random.Generator, rows: np.ndarray, statuses: list[Status],
                     seconds: np.ndarray) -> list[tuple[int, float]]:
        cands = []
        for k, row in enumerate(rows.tolist()):
            s = statuses[k]
            if s.report in ("Out", "Doubtful"):
                continue
            exp_min = seconds[k] / 60.0 if seconds[k] > 0 else self.ewma_min[row]
            ratio = min(max(exp_min / max(float(self.ewma_min[row]), 4.0), 0.5), 1.6)
            proj = self.ewma_pts[row] * (1.0 + 0.6 * (ratio - 1.0))
            cands.append((int(self.r.player_ids[row]), float(proj)))
        cands.sort(key=lambda x: -x[1])
        return cands[: int(rng.integers(5, 8))]

    # -- one game --------------------------------------------------------------
    def play(self, game_id: str, kind: str, day: date, tip: int, home: int, away: int,
             meta: PostseasonGame | None = None) -> PlayedGame:
        rng = rng_for(self.seed, self.season, "game", game_id)
        post = kind != "regular"
        hr, hs, hsec, hside = self._prepare(rng, home, away, day, True, post)
        ar, as_, asec, aside = self._prepare(rng, away, home, day, False, post)
        hprops = self._projections(rng, hr, hs, hsec)
        aprops = self._projections(rng, ar, as_, asec)
        exp_h = (self.team_for[home] + self.team_against[away]) / 2 + 1.25
        exp_a = (self.team_for[away] + self.team_against[home]) / 2 - 1.25
        pace = (self.r.team_pace[home] + self.r.team_pace[away]) / 2
        poss = int(round(pace + rng.normal(0.0, 1.5)))
        out = simulate_game(rng, hside, aside, poss)
        has_props = bool(rng.random() >= NO_PROPS)
        home_tg = self._team_game(home, hr, hs, hsec, out, 0, hprops)
        away_tg = self._team_game(away, ar, as_, asec, out, 1, aprops)
        game = PlayedGame(game_id, kind, day, tip, home_tg, away_tg, out, float(exp_h),
                          float(exp_a), has_props, meta)
        self._update(rng, day, home, away, hr, ar, out, (hside, aside))
        self.games.append(game)
        self.slates.setdefault(day, Slate()).finals.append(game)
        return game

    def _team_game(self, team: int, rows: np.ndarray, statuses: list[Status],
                   seconds: np.ndarray, out: GameOutcome, side: int,
                   props: list[tuple[int, float]]) -> TeamGame:
        ids = self.r.player_ids[rows]
        played = np.flatnonzero(seconds > 0)
        starters = played[:5]
        bench = played[5:]
        bench = bench[np.argsort(-seconds[bench], kind="stable")]
        dnp = np.flatnonzero(seconds == 0)
        order = np.concatenate([starters, bench, dnp])
        listed = [int(ids[k]) for k in order]
        pos_of = {int(k): i for i, k in enumerate(order)}
        n = len(listed)
        stats = np.zeros((n, out.box[side].shape[1]), dtype=np.int64)
        sec = np.zeros(n, dtype=np.int64)
        pm = np.zeros(n, dtype=np.int64)
        active_pos = np.array([pos_of[int(k)] for k in played], dtype=np.int64)
        stats[active_pos] = out.box[side]
        sec[active_pos] = out.seconds[side]
        pm[active_pos] = out.plus_minus[side]
        comments = []
        for k in order.tolist():
            s = statuses[k]
            comments.append(s.comment if not s.plays else
                            ("" if seconds[k] > 0 else "DNP - Coach's Decision"))
        report = [(int(ids[k]), s.report, s.reason) for k, s in enumerate(statuses) if s.report]
        return TeamGame(team, listed, sec, stats, pm, np.arange(n) < 5, comments, active_pos,
                        report, props)

    def _update(self, rng: np.random.Generator, day: date, home: int, away: int,
                hr: np.ndarray, ar: np.ndarray, out: GameOutcome,
                sides: tuple[SideInput, SideInput]) -> None:
        od = day.toordinal()
        hp, ap = out.score
        for team, rows, side, pts_for, pts_against in ((home, hr, 0, hp, ap),
                                                        (away, ar, 1, ap, hp)):
            self.team_last[team] = od
            self.record[team, 0 if pts_for > pts_against else 1] += 1
            self.team_for[team] += 0.1 * (pts_for - self.team_for[team])
            self.team_against[team] += 0.1 * (pts_against - self.team_against[team])
            pid_rows = np.array([self.r.index[int(p)] for p in sides[side].pid])
            minutes = out.seconds[side] / 60.0
            pts = out.box[side][:, PTS]
            self.last_played[pid_rows] = od
            slot = self.hist_pos[pid_rows] % 5
            self.hist_day[pid_rows, slot] = od
            self.hist_min[pid_rows, slot] = minutes
            self.hist_pos[pid_rows] += 1
            self.ewma_pts[pid_rows] += EWMA_ALPHA * (pts - self.ewma_pts[pid_rows])
            self.ewma_min[pid_rows] += EWMA_ALPHA * (minutes - self.ewma_min[pid_rows])
            self.drift[pid_rows] = 0.97 * self.drift[pid_rows] + rng.normal(
                0.0, 0.035, pid_rows.size)
            self.avail.after_game(rows)
        self.results.append((home, away, hp, ap))

    def postpone(self, g: RegularGame) -> None:
        h, a = self.record[g.home], self.record[g.away]
        rec = ((int(h[0]), int(h[1])), (int(a[0]), int(a[1])))
        stub = PostponedGame(regular_game_id(self.season, g.number), g.orig_day, g.orig_tip,
                             g.home, g.away, rec)
        self.slates.setdefault(g.orig_day, Slate()).postponed.append(stub)

    # -- standings ---------------------------------------------------------------
    def ranking(self) -> dict[str, list[int]]:
        diff = np.zeros(30)
        for h, a, hp, ap in self.results:
            diff[h] += hp - ap
            diff[a] += ap - hp
        key = {t: (-int(self.record[t, 0]), -float(diff[t]), self.teams[t].team_id)
               for t in range(30)}
        out: dict[str, list[int]] = {}
        for conf in ("East", "West"):
            members = [t.idx for t in self.teams if t.conference == conf]
            out[conf] = sorted(members, key=lambda t: key[t])
        out["_league"] = sorted(range(30), key=lambda t: key[t])
        return out


def _series_text(tri_home: str, tri_away: str, wins_home: int, wins_away: int) -> str:
    if wins_home == wins_away:
        return f"Series tied {wins_home}-{wins_away}"
    lead, w, lo = ((tri_home, wins_home, wins_away) if wins_home > wins_away
                   else (tri_away, wins_away, wins_home))
    verb = "wins" if w == 4 else "leads"
    return f"{lead} {verb} {w}-{lo}"


@lru_cache(maxsize=4)
def simulate_season(season: int, seed: int = 0) -> SeasonSim:
    run = _Runner(season, seed)
    schedule = build_regular_schedule(season, seed)
    events: list[tuple[date, int, int, int, RegularGame]] = []
    for g in schedule.games:
        events.append((g.day, g.tip, 1, g.number, g))
        if g.postponed:
            events.append((g.orig_day, g.orig_tip, 0, g.number, g))
    events.sort(key=lambda e: (e[0], e[1], e[2], e[3]))
    for day, tip, is_final, _, g in events:
        if is_final:
            run.play(regular_game_id(season, g.number), "regular", day, tip, g.home, g.away)
        else:
            run.postpone(g)
    ranking = run.ranking()
    # seeds for the scoreboard: playoff seeds 1..10 by conference
    seed_of = {t: k + 1 for conf in ("East", "West") for k, t in enumerate(ranking[conf])}
    teams = load_teams()

    def play(meta: PostseasonGame, before: tuple[int, int]) -> tuple[int, int]:
        game = run.play(meta.game_id, meta.kind, meta.day, meta.tip, meta.home, meta.away, meta)
        hp, ap = game.outcome.score
        if meta.kind == "playoff":
            wh, wa = before[0] + (hp > ap), before[1] + (ap > hp)
            game.home.wins, game.home.losses = wh, wa
            game.away.wins, game.away.losses = wa, wh
            game.series_text = _series_text(teams[meta.home].tricode, teams[meta.away].tricode,
                                            wh, wa)
        game.home.seed, game.away.seed = meta.home_seed, meta.away_seed
        return hp, ap

    # regular-season records as shown on each scoreboard (after the game)
    _stamp_records(run.games)
    run_postseason(season, regular_season_end(season), ranking, play)
    for g in run.games:
        if g.kind == "playin":
            g.home.seed, g.away.seed = seed_of[g.home.team], seed_of[g.away.team]
            g.home.wins, g.home.losses = (int(x) for x in run.record[g.home.team])
            g.away.wins, g.away.losses = (int(x) for x in run.record[g.away.team])
    return SeasonSim(season, seed, run.r, schedule, run.games, run.slates, opening_day(season))


def _stamp_records(games: list[PlayedGame]) -> None:
    rec = np.zeros((30, 2), dtype=np.int64)
    for g in games:
        if g.kind != "regular":
            continue
        hp, ap = g.outcome.score
        rec[g.home.team, 0 if hp > ap else 1] += 1
        rec[g.away.team, 0 if ap > hp else 1] += 1
        g.home.wins, g.home.losses = int(rec[g.home.team, 0]), int(rec[g.home.team, 1])
        g.away.wins, g.away.losses = int(rec[g.away.team, 0]), int(rec[g.away.team, 1])
