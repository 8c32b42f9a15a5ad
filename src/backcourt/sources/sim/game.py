"""One game: possessions, shots by zone, free throws, rebounds, turnovers, overtime.

Everything is vectorised per team and game segment (regulation, each overtime). The inputs
(``SideInput``) already carry each player's minutes and per-zone make probabilities, so the
causal effects (fatigue, opponent zone defence, absences, pace) live in how the season builds
them; this module only plays the game out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

N_ZONES = 5          # 0 restricted area, 1 other paint, 2 mid-range, 3 corner 3, 4 above-break 3
ZONE_VALUE = np.array([2, 2, 2, 3, 3], dtype=np.int64)
AND_ONE = np.array([0.07, 0.045, 0.02, 0.006, 0.006])
ASSISTED = np.array([0.55, 0.45, 0.37, 0.93, 0.85])
BLOCKED = np.array([0.27, 0.17, 0.06, 0.015, 0.025])
STEAL_SHARE = 0.58
THREE_SHOT_TRIP = 0.08
NON_SHOOTING_FOULS = 7.5          # per 99 possessions
MAX_ATTEMPTS = 4                  # field-goal attempts in one possession (3 offensive boards)
REG_SECONDS = 2880.0
OT_SECONDS = 300.0
FORCE_TIE = 0.27                  # chance a 1-3 point regulation margin ends in a tying shot
MAX_OT = 4

# stat columns of a box score row
FGM, FGA, FG3M, FG3A, FTM, FTA, OREB, DREB, AST, STL, BLK, TOV, PF, PTS = range(14)
N_STATS = 14

SUBTYPES: tuple[tuple[str, ...], ...] = (
    ("Driving Layup Shot", "Layup Shot", "Dunk Shot", "Cutting Layup Shot", "Driving Dunk Shot",
     "Alley Oop Dunk Shot", "Driving Reverse Layup Shot", "Tip Layup Shot",
     "Putback Layup Shot", "Driving Finger Roll Layup Shot"),
    ("Driving Floating Jump Shot", "Floating Jump shot", "Hook Shot", "Turnaround Hook Shot",
     "Driving Hook Shot", "Turnaround Jump Shot"),
    ("Jump Shot", "Pullup Jump shot", "Fadeaway Jump Shot", "Step Back Jump shot",
     "Turnaround Fadeaway shot", "Driving Floating Bank Jump Shot"),
    ("Jump Shot", "Pullup Jump shot", "Step Back Jump shot", "Running Jump Shot"),
    ("Jump Shot", "Pullup Jump shot", "Step Back Jump shot", "Running Pull-Up Jump Shot"),
)


# rows of SideInput.w
W_SHOT, W_FTDRAW, W_TOV, W_OREB, W_DREB, W_STL, W_BLK, W_PF = range(8)


@dataclass
class SideInput:
    """One team in one game, restricted to the players who play (``n`` of them)."""

    pid: np.ndarray            # (n,) person ids
    seconds: np.ndarray        # (n,) regulation seconds, summing to 14,400
    w: np.ndarray              # (8, n) weights: shots, drawn shooting fouls, turnovers,
    #                            offensive and defensive rebounds, steals, blocks, fouls
    ast_w: np.ndarray          # (n,) who passes to a made basket
    zone_p: np.ndarray         # (n, 5) zone preferences
    make_p: np.ndarray         # (n, 5) make probability per zone in this game
    ft_p: np.ndarray           # (n,)
    p_tov: float               # share of possessions ending in a turnover
    p_ft: float                # share ending in a shooting-foul trip without a field-goal attempt
    p_oreb: float              # share of misses rebounded by the offence

    @property
    def n(self) -> int:
        return int(self.pid.size)

    @property
    def shot_w(self) -> np.ndarray:
        return self.w[W_SHOT]


@dataclass
class GameOutcome:
    periods: int
    period_points: np.ndarray      # (2, periods) home, away
    box: list[np.ndarray]          # per side (n, N_STATS)
    seconds: list[np.ndarray]      # per side (n,) incl. overtime
    plus_minus: list[np.ndarray]   # per side (n,)
    # play-by-play events (field-goal attempts and free throws), time ordered
    ev_t: np.ndarray               # seconds since tip-off
    ev_side: np.ndarray            # 0 home, 1 away
    ev_player: np.ndarray          # index into that side's players
    ev_kind: np.ndarray            # 0 field-goal attempt, 1 free throw
    ev_made: np.ndarray
    ev_zone: np.ndarray            # -1 for free throws
    ev_ast: np.ndarray             # assisting player index or -1
    ev_ftn: np.ndarray             # free throw k of m
    ev_ftm: np.ndarray
    ev_x: np.ndarray
    ev_y: np.ndarray
    ev_dist: np.ndarray
    ev_sub: np.ndarray             # index into SUBTYPES[zone]

    @property
    def score(self) -> tuple[int, int]:
        return int(self.period_points[0].sum()), int(self.period_points[1].sum())


def _draw(rng: np.random.Generator, cum: np.ndarray, size: int) -> np.ndarray:
    if size == 0:
        return np.zeros(0, dtype=np.int64)
    idx = np.searchsorted(cum, rng.random(size), side="right")
    return np.minimum(idx, cum.size - 1)


# rows of an event table: time, side, player, kind (0 field goal, 1 free throw), made, zone,
# assisting player, free throw k, free throws m
_EV_ROWS = 9


class _Chunks:
    """Event tables and box-score counters of one side, appended segment by segment."""

    def __init__(self, side: int, n: int) -> None:
        self.side = side
        self.events: list[np.ndarray] = []
        self.counts = np.zeros((n, N_STATS), dtype=np.int64)   # OREB, DREB, STL, BLK, TOV, PF
        self.points = 0

    def add_fga(self, t: np.ndarray, player: np.ndarray, made: np.ndarray, zone: np.ndarray,
                ast: np.ndarray) -> None:
        m = t.size
        ev = np.zeros((_EV_ROWS, m))
        ev[0], ev[1], ev[2], ev[4], ev[5], ev[6] = t, self.side, player, made, zone, ast
        self.events.append(ev)
        self.points += int(ZONE_VALUE[zone[made]].sum())

    def add_ft(self, t: np.ndarray, player: np.ndarray, made: np.ndarray, k: np.ndarray,
               m_of: np.ndarray) -> None:
        ev = np.empty((_EV_ROWS, t.size))
        ev[0], ev[1], ev[2], ev[3], ev[4], ev[5], ev[6], ev[7], ev[8] = (
            t, self.side, player, 1.0, made, -1.0, -1.0, k, m_of)
        self.events.append(ev)
        self.points += int(made.sum())


class _Prepared:
    """Cumulative weight tables of a side, computed once per game."""

    def __init__(self, s: SideInput) -> None:
        self.s = s
        c = np.cumsum(s.w, axis=1)
        c /= c[:, -1:]
        self.shot, self.ftdraw = c[W_SHOT], c[W_FTDRAW]
        # all tables end to end, table k shifted by k: one search serves several draws
        self.flat = (c + np.arange(c.shape[0])[:, None]).ravel()
        self.zone = np.cumsum(s.zone_p, axis=1)[:, :-1]
        ast = np.tile(s.ast_w, (s.n, 1))
        np.fill_diagonal(ast, 0.0)
        ast = np.cumsum(ast, axis=1)
        self.ast = ast / ast[:, -1:]


_ATTEMPT_AT = 0.45 + 0.5 * (1.0 - 0.5 ** np.arange(MAX_ATTEMPTS))


def _offense(rng: np.random.Generator, off: _Prepared, deff: _Prepared, starts: np.ndarray,
             durs: np.ndarray, oc: _Chunks, dc: _Chunks) -> None:
    """One side's possessions in a segment: turnovers, free-throw trips and shot chains
    (a miss rebounded by the offence gives another attempt, up to MAX_ATTEMPTS)."""
    s = off.s
    n = s.n
    n_poss = starts.size
    u = rng.random(n_poss)
    is_tov = u < s.p_tov
    is_ft = ~is_tov & (u < s.p_tov + s.p_ft)
    sp = ~is_tov & ~is_ft
    st, du = starts[sp], durs[sp]
    m = st.size
    draws = rng.random((4, m, MAX_ATTEMPTS))
    shooter = np.minimum(np.searchsorted(off.shot, draws[0]), n - 1)
    zone = (draws[1][..., None] > off.zone[shooter]).sum(axis=-1)
    made = draws[2] < s.make_p[shooter, zone]
    oreb = ~made & (draws[3] < s.p_oreb)
    oreb[:, -1] = False
    exists = np.ones((m, MAX_ATTEMPTS), dtype=bool)
    exists[:, 1:] = np.cumprod(oreb[:, :-1], axis=1).astype(bool)
    t = (st[:, None] + du[:, None] * _ATTEMPT_AT[None, :])[exists]
    shooter, zone, made = shooter[exists], zone[exists], made[exists]
    n_oreb = int((oreb & exists).sum())
    n_miss = int((~made).sum())
    k_att = made.size
    extra = rng.random((3, k_att))
    blocked = ~made & (extra[0] < BLOCKED[zone])
    assisted = made & (extra[1] < ASSISTED[zone])
    and1 = made & (extra[2] < AND_ONE[zone])
    ast = np.full(k_att, -1, dtype=np.int64)
    n_ast = int(assisted.sum())
    if n_ast and n > 1:
        ast[assisted] = (rng.random(n_ast)[:, None] > off.ast[shooter[assisted]]).sum(axis=1)
    oc.add_fga(t, shooter, made, zone, ast)
    # free-throw trips without a field-goal attempt, and the and-ones
    trip_start = starts[is_ft] + 0.7 * durs[is_ft]
    k = trip_start.size
    trip_player = _draw(rng, off.ftdraw, k)
    trip_n = 2 + (rng.random(k) < THREE_SHOT_TRIP).astype(np.int64)
    n_and1 = int(and1.sum())
    ft_player = np.concatenate([np.repeat(trip_player, trip_n), shooter[and1]])
    ft_t = np.concatenate([np.repeat(trip_start, trip_n), t[and1]])
    ft_m = np.concatenate([np.repeat(trip_n, trip_n), np.ones(n_and1, dtype=np.int64)])
    first = np.cumsum(trip_n) - trip_n
    ft_k = np.concatenate([np.arange(int(trip_n.sum())) - np.repeat(first, trip_n) + 1,
                           np.ones(n_and1, dtype=np.int64)])
    ft_made = rng.random(ft_player.size) < s.ft_p[ft_player]
    oc.add_ft(ft_t, ft_player, ft_made, ft_k, ft_m)
    n_tov = int(is_tov.sum())
    n_stl = int((rng.random(n_tov) < STEAL_SHARE).sum())
    n_fouls = k + n_and1 + int(rng.poisson(NON_SHOOTING_FOULS * n_poss / 99.0))
    _credit(rng, off, ((W_OREB, n_oreb, OREB), (W_TOV, n_tov, TOV)), oc.counts)
    _credit(rng, deff, ((W_DREB, n_miss - n_oreb, DREB), (W_BLK, int(blocked.sum()), BLK),
                        (W_STL, n_stl, STL), (W_PF, n_fouls, PF)), dc.counts)


def _credit(rng: np.random.Generator, prep: _Prepared, draws: tuple[tuple[int, int, int], ...],
            counts: np.ndarray) -> None:
    """Credit events to players: for each (weight table, number of events, box column)."""
    n = prep.s.n
    sizes = np.array([d[1] for d in draws])
    table = np.repeat(np.array([d[0] for d in draws]), sizes)
    g = np.searchsorted(prep.flat, rng.random(table.size) + table, side="right")
    player = np.minimum(g - table * n, n - 1)
    which = np.repeat(np.arange(len(draws)), sizes)
    hist = np.bincount(which * n + player, minlength=len(draws) * n).reshape(len(draws), n)
    for j, (_, _, col) in enumerate(draws):
        counts[:, col] += hist[j]


def _timeline(rng: np.random.Generator, n0: int, n1: int, t0: float,
              length: float) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Alternating possessions of sides 0 and 1 (the side with more possessions starts)."""
    total = n0 + n1
    d = rng.gamma(4.0, 1.0, total)
    d *= length / d.sum()
    st = t0 + np.cumsum(d) - d
    first = 0 if n0 > n1 or (n0 == n1 and rng.random() < 0.5) else 1
    lab = (np.arange(total) + first) % 2
    a, b = lab == 0, lab == 1
    return (st[a], d[a]), (st[b], d[b])


def _force_shot(chunks: _Chunks, prep: _Prepared, value: int, t: float,
                rng: np.random.Generator) -> None:
    who = int(np.argmax(prep.s.shot_w))
    zone = 4 if value == 3 else int(rng.choice([0, 2]))
    chunks.add_fga(np.array([t]), np.array([who]), np.array([True]), np.array([zone]),
                   np.array([-1]))


def _force_ft(chunks: _Chunks, other: _Chunks, prep: _Prepared, oprep: _Prepared, made: list[bool],
              t: float, rng: np.random.Generator) -> None:
    who = int(np.argmax(prep.s.w[W_FTDRAW]))
    m = len(made)
    chunks.add_ft(np.full(m, t), np.full(m, who), np.array(made), np.arange(1, m + 1),
                  np.full(m, m))
    _credit(rng, oprep, ((W_PF, 1, PF),), other.counts)


_R_LO = np.array([0.0, 4.6, 8.6, 0.0, 23.85])
_R_SPAN = np.array([3.4, 3.8, 12.8, 0.0, 0.0])
_R_POW = np.array([1.5, 1.0, 0.8, 1.0, 1.0])
_ANG_MAX = np.radians(np.array([100.0, 75.0, 85.0, 0.0, 0.0]))
_N_SUB = np.array([len(s) for s in SUBTYPES])


def _shot_geometry(rng: np.random.Generator, zone: np.ndarray) -> tuple[np.ndarray, ...]:
    """Court location (tenths of a foot from the rim), distance and shot type of each attempt."""
    m = zone.size
    u, v, w, k = rng.random((4, m))
    halfnorm = np.minimum(np.abs(rng.normal(0.0, 1.8, m)), 9.0)
    r = _R_LO[zone] + _R_SPAN[zone] * u ** _R_POW[zone]
    atb = zone == 4
    r = np.where(atb, _R_LO[4] + halfnorm, r)
    reach = np.arccos(np.clip(97.0 / (10.0 * np.maximum(r, 1.0)), -1.0, 1.0))
    amax = np.where(atb, reach, _ANG_MAX[zone])
    ang = amax * (2.0 * v - 1.0)
    x = np.rint(10.0 * r * np.sin(ang))
    y = np.rint(10.0 * r * np.cos(ang))
    corner = zone == 3
    x = np.where(corner, np.where(v < 0.5, -1.0, 1.0) * np.floor(221.0 + 14.0 * u), x)
    y = np.where(corner, np.floor(90.0 * w), y)
    dist = np.rint(np.sqrt(x * x + y * y) / 10.0)
    sub = np.minimum((k * _N_SUB[zone]).astype(np.int64), _N_SUB[zone] - 1)
    return x.astype(np.int64), y.astype(np.int64), dist.astype(np.int64), sub


def _ot_seconds(reg: np.ndarray, extra: int, per_player_max: int) -> np.ndarray:
    """Share the overtime minutes, mostly to the heavy-minute players (at most the length of
    the overtime periods each)."""
    if extra == 0:
        return reg.copy()
    w = reg.astype(float) ** 2
    add = np.zeros(reg.size, dtype=np.int64)
    left = extra
    for _ in range(reg.size):
        room = per_player_max - add
        open_ = room > 0
        share = np.where(open_, w, 0.0)
        share = share / share.sum() * left
        share = np.minimum(share, room)
        step = np.floor(share).astype(np.int64)
        add += step
        left = extra - int(add.sum())
        if left <= 0 or not (share < room).any():
            break
        if step.sum() == 0:
            order = np.argsort(-np.where(add < per_player_max, w, -1.0), kind="stable")
            for i in order[:left]:
                add[i] += 1
            left = 0
            break
    return reg + add


def _plus_minus(rng: np.random.Generator, seconds: np.ndarray, margin: int) -> np.ndarray:
    total = 5 * margin
    share = seconds / seconds.sum() * total
    noise = rng.normal(0.0, 4.0, seconds.size) * np.sqrt(seconds / 2000.0)
    noise -= noise.mean()
    raw = share + noise
    base = np.floor(raw).astype(np.int64)
    rest = total - int(base.sum())
    order = np.argsort(-(raw - base), kind="stable")
    base[order[:rest]] += 1
    return base


def _cap_fouls(pf: np.ndarray, weights: np.ndarray) -> None:
    for _ in range(20):
        over = pf > 6
        if not over.any():
            return
        excess = int((pf[over] - 6).sum())
        pf[over] = 6
        room = np.flatnonzero(pf < 5)
        if room.size == 0:
            return
        order = room[np.argsort(-weights[room], kind="stable")]
        for i in range(excess):
            pf[order[i % order.size]] += 1


def simulate_game(rng: np.random.Generator, home: SideInput, away: SideInput,
                  possessions: int) -> GameOutcome:
    preps = (_Prepared(home), _Prepared(away))
    chunks = (_Chunks(0, home.n), _Chunks(1, away.n))
    n_h = possessions
    n_a = possessions + int(rng.integers(-1, 2))
    (hs, hd), (as_, ad) = _timeline(rng, n_h, n_a, 0.0, REG_SECONDS - 2.0)
    _offense(rng, preps[0], preps[1], hs, hd, chunks[0], chunks[1])
    _offense(rng, preps[1], preps[0], as_, ad, chunks[1], chunks[0])
    pts = [chunks[0].points, chunks[1].points]
    diff = pts[0] - pts[1]
    if 1 <= abs(diff) <= 3 and rng.random() < FORCE_TIE:
        trail = 0 if diff < 0 else 1
        t_end = REG_SECONDS - 1.0 - 0.8 * rng.random()
        if abs(diff) == 1:
            made = [True, False] if rng.random() < 0.5 else [False, True]
            _force_ft(chunks[trail], chunks[1 - trail], preps[trail], preps[1 - trail], made,
                      t_end, rng)
        else:
            _force_shot(chunks[trail], preps[trail], abs(diff), t_end, rng)
        pts = [chunks[0].points, chunks[1].points]
    n_ot = 0
    while pts[0] == pts[1]:
        n_ot += 1
        t0 = REG_SECONDS + OT_SECONDS * (n_ot - 1)
        if n_ot > MAX_OT:
            n_ot -= 1
            _force_ft(chunks[0], chunks[1], preps[0], preps[1], [True], t0 - 0.5, rng)
            break
        n = max(6, int(round(possessions * OT_SECONDS / REG_SECONDS + rng.normal(0.0, 1.0))))
        (hs, hd), (as_, ad) = _timeline(rng, n, n + int(rng.integers(-1, 2)), t0,
                                        OT_SECONDS - 1.0)
        _offense(rng, preps[0], preps[1], hs, hd, chunks[0], chunks[1])
        _offense(rng, preps[1], preps[0], as_, ad, chunks[1], chunks[0])
        pts = [chunks[0].points, chunks[1].points]
    periods = 4 + n_ot
    return _assemble(rng, (home, away), chunks, periods)


def _assemble(rng: np.random.Generator, sides: tuple[SideInput, SideInput],
              chunks: tuple[_Chunks, _Chunks], periods: int) -> GameOutcome:
    ev = np.concatenate(chunks[0].events + chunks[1].events, axis=1)
    ev = ev[:, np.lexsort((ev[7], ev[3], ev[1], ev[0]))]
    t = ev[0]
    side, player, kind, zone, ast, ftn, ftm = (ev[k].astype(np.int64)
                                               for k in (1, 2, 3, 5, 6, 7, 8))
    made = ev[4] > 0.5
    nh = sides[0].n
    n_all = nh + sides[1].n
    who = player + side * nh
    fga = kind == 0
    three = fga & (zone >= 3)
    has_ast = ast >= 0
    keys = np.concatenate([who[fga] * 7, who[fga & made] * 7 + 1, who[three] * 7 + 2,
                           who[three & made] * 7 + 3, who[~fga] * 7 + 4,
                           who[~fga & made] * 7 + 5,
                           (ast[has_ast] + side[has_ast] * nh) * 7 + 6])
    c = np.bincount(keys, minlength=n_all * 7).reshape(n_all, 7)
    box: list[np.ndarray] = []
    for si, (lo, hi) in enumerate(((0, nh), (nh, n_all))):
        b = chunks[si].counts
        part = c[lo:hi]
        for col, k in ((FGA, 0), (FGM, 1), (FG3A, 2), (FG3M, 3), (FTA, 4), (FTM, 5), (AST, 6)):
            b[:, col] = part[:, k]
        b[:, PTS] = 2 * b[:, FGM] + b[:, FG3M] + b[:, FTM]
        _cap_fouls(b[:, PF], sides[si].w[W_PF])
        box.append(b)
    value = np.where(fga, ZONE_VALUE[np.maximum(zone, 0)], 1) * made
    per = np.where(t < REG_SECONDS, np.minimum(t // 720.0, 3), 4 + (t - REG_SECONDS) // 300.0)
    per = np.minimum(per.astype(np.int64), periods - 1)
    period_points = np.bincount(side * periods + per, weights=value,
                                minlength=2 * periods).astype(np.int64).reshape(2, periods)
    m = t.size
    x = np.zeros(m, dtype=np.int64)
    y = np.zeros(m, dtype=np.int64)
    dist = np.zeros(m, dtype=np.int64)
    sub = np.zeros(m, dtype=np.int64)
    x[fga], y[fga], dist[fga], sub[fga] = _shot_geometry(rng, zone[fga])
    extra = 5 * int(OT_SECONDS) * (periods - 4)
    seconds = [_ot_seconds(s.seconds, extra, int(OT_SECONDS) * (periods - 4)) for s in sides]
    margin = int(period_points[0].sum() - period_points[1].sum())
    pm = [_plus_minus(rng, seconds[0], margin), _plus_minus(rng, seconds[1], -margin)]
    return GameOutcome(periods, period_points, box, seconds, pm, t, side, player, kind, made,
                       zone, ast, ftn, ftm, x, y, dist, sub)
