"""Bookmakers: player points props and game lines (moneyline, spread, total) at a few snapshot
times per game — about 20 h, 6 h and 1 h before tip-off, plus an in-game snapshot for ~30% of
games with lines moved by the live score — as The Odds API historical event-odds documents.

Pre-game prop lines sit at x.5 next to a recent-weighted projection of the player's points
(bookmakers differ by at most a point); prices are American odds around -110.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np

from backcourt.sources.sim.calendar import iso_z, tip_utc
from backcourt.sources.sim.game import REG_SECONDS, ZONE_VALUE
from backcourt.sources.sim.rng import rng_for
from backcourt.sources.sim.teams import load_teams

if TYPE_CHECKING:
    from backcourt.sources.sim.game import GameOutcome
    from backcourt.sources.sim.season import PlayedGame, TeamGame

BOOKS: tuple[tuple[str, str], ...] = (
    ("draftkings", "DraftKings"), ("fanduel", "FanDuel"), ("betmgm", "BetMGM"),
    ("caesars", "Caesars"),
)
PRE_GAME_HOURS = (20.0, 6.0, 1.0)
PROJ_NOISE = (0.06, 0.035, 0.015)      # how far each snapshot's number is from the closing one
IN_GAME_SHARE = 0.30
REAL_SECONDS_PER_GAME_SECOND = 8100.0 / REG_SECONDS
VIG = 1.0475
PRICE_MIN, PRICE_MAX = -130, 110
MARGIN_SD = 12.0
STEP = timedelta(minutes=5)            # the historical endpoint's snapshot grid

Doc = dict[str, Any]


def event_id(seed: int, game_id: str) -> str:
    return hashlib.md5(f"sim-event|{seed}|{game_id}".encode()).hexdigest()


def american(p: float) -> int:
    p = min(max(p, 0.01), 0.99)
    if p >= 0.5:
        return -int(round(100.0 * p / (1.0 - p)))
    return int(round(100.0 * (1.0 - p) / p))


def american_array(p: np.ndarray) -> np.ndarray:
    p = np.minimum(np.maximum(p, 0.01), 0.99)
    fav = -np.rint(100.0 * p / (1.0 - p))
    dog = np.rint(100.0 * (1.0 - p) / p)
    return np.where(p >= 0.5, fav, dog).astype(np.int64)


def snapshot_times(rng: np.random.Generator, tip: datetime) -> list[tuple[datetime, int]]:
    """(time, stage) with stages 0, 1, 2 before tip-off and 3 in-game."""
    snaps = []
    for stage, hours in enumerate(PRE_GAME_HOURS):
        jitter = int(rng.integers(-5, 4 if hours <= 1 else 6))
        snaps.append((tip - timedelta(hours=hours) + jitter * STEP, stage))
    if rng.random() < IN_GAME_SHARE:
        snaps.append((tip + int(rng.integers(5, 23)) * STEP, 3))
    return snaps


def _live_points(out: GameOutcome, sides: tuple[TeamGame, TeamGame],
                 elapsed: float) -> tuple[dict[int, int], int, int]:
    """Points per player id and per side scored in the first ``elapsed`` game seconds."""
    sel = out.ev_t < elapsed
    value = np.where(out.ev_kind == 0, ZONE_VALUE[np.maximum(out.ev_zone, 0)], 1) * out.ev_made
    live: dict[int, int] = {}
    totals = []
    for side, tg in enumerate(sides):
        s = sel & (out.ev_side == side)
        totals.append(int(value[s].sum()))
        listed = np.asarray(tg.player_ids)[tg.active_pos]
        pts = np.bincount(out.ev_player[s], weights=value[s], minlength=listed.size)
        live.update(zip(listed.tolist(), pts.astype(np.int64).tolist(), strict=True))
    return live, totals[0], totals[1]


def game_documents(game: PlayedGame, seed: int, season: int,
                   spell: Callable[[int, str], str]) -> list[tuple[str, Doc | None, Doc]]:
    """(file name, props document or None, game-lines document) for each snapshot of a game.
    ``spell(player_id, book)`` gives a bookmaker's spelling of a player."""
    teams = load_teams()
    home_name = teams[game.home.team].full_name
    away_name = teams[game.away.team].full_name
    ev = event_id(seed, game.game_id)
    rng = rng_for(seed, season, "odds", game.game_id)
    tip = tip_utc(game.day, game.tip)
    commence = iso_z(tip)
    snaps = snapshot_times(rng, tip)
    n_books = 4 if rng.random() < 0.75 else 3
    books = [BOOKS[i] for i in sorted(rng.choice(len(BOOKS), size=n_books, replace=False))]
    sides = (game.home, game.away)
    players = [(pid, proj) for tg in sides for pid, proj in tg.props]
    played = {pid: sec > 0 for tg in sides
              for pid, sec in zip(tg.player_ids, tg.seconds.tolist(), strict=True)}
    n_p, n_b = len(players), len(books)
    direction = rng.choice([-1.0, 1.0], size=n_p)
    book_shift = (rng.random((n_p, n_b)) < 0.35) * direction[:, None]
    covered = rng.random((n_p, n_b)) < 0.93
    projs = np.array([proj for _, proj in players], dtype=float)
    pids = [pid for pid, _ in players]
    did_play = np.array([played.get(pid, False) for pid in pids], dtype=bool)
    names = [[spell(pid, key) for key, _ in books] for pid in pids]
    for b in range(n_b):            # two players never share a spelling within one book
        seen: set[str] = set()
        for k, pid in enumerate(pids):
            if names[k][b] in seen:
                names[k][b] = spell(pid, "")
            seen.add(names[k][b])
    margin0 = game.exp_home - game.exp_away
    total0 = game.exp_home + game.exp_away
    docs = []
    for ts, stage in snaps:
        in_game = stage == 3
        noise = rng.normal(0.0, 1.0, n_p)
        price_noise = rng.normal(0.0, 0.012, (n_p, n_b))
        lag = rng.integers(5, 290, (2, n_b)).tolist()
        if in_game:
            elapsed = min(REG_SECONDS - 1.0,
                          (ts - tip).total_seconds() / REAL_SECONDS_PER_GAME_SECOND)
            live, hs, as_ = _live_points(game.outcome, sides, elapsed)
            frac_left = 1.0 - elapsed / REG_SECONDS
            base = np.array([live.get(pid, 0) for pid in pids], dtype=float) + projs * frac_left
        else:
            base = projs * np.exp(PROJ_NOISE[stage] * noise)
        point = np.floor(base[:, None] + book_shift) + 0.5
        q = np.minimum(np.maximum(0.5 + 0.045 * (base[:, None] - point) + price_noise, 0.3), 0.7)
        over = np.minimum(np.maximum(american_array(q * VIG), PRICE_MIN), PRICE_MAX).tolist()
        under = np.minimum(np.maximum(american_array((1.0 - q) * VIG), PRICE_MIN),
                           PRICE_MAX).tolist()
        show = (covered & did_play[:, None]) if stage >= 2 else covered
        show_l = show.tolist()
        points = point.tolist()
        head = {"timestamp": iso_z(ts), "previous_timestamp": iso_z(ts - STEP),
                "next_timestamp": iso_z(ts + STEP)}
        prop_books = []
        for b, (key, title) in enumerate(books):
            outcomes = []
            for k in range(n_p):
                if show_l[k][b]:
                    name, pt = names[k][b], points[k][b]
                    outcomes.append({"name": "Over", "description": name, "price": over[k][b],
                                     "point": pt})
                    outcomes.append({"name": "Under", "description": name,
                                     "price": under[k][b], "point": pt})
            if outcomes:
                upd = iso_z(ts - timedelta(seconds=lag[0][b]))
                prop_books.append({"key": key, "title": title, "last_update": upd,
                                   "markets": [{"key": "player_points", "last_update": upd,
                                                "outcomes": outcomes}]})
        if in_game:
            margin = (hs - as_) + margin0 * frac_left
            total = hs + as_ + total0 * frac_left
            sd = MARGIN_SD * math.sqrt(max(frac_left, 0.05))
        else:
            margin = margin0 + rng.normal(0.0, 0.6)
            total = total0 + rng.normal(0.0, 1.2)
            sd = MARGIN_SD
        book_noise = rng.normal(0.0, 1.0, (n_b, 2)).tolist()
        jigs = rng.integers(-3, 4, n_b).tolist()
        line_books = []
        for b, (key, title) in enumerate(books):
            m = margin + 0.3 * book_noise[b][0]
            t = total + 0.5 * book_noise[b][1]
            p_home = 0.5 * (1.0 + math.erf(m / (sd * math.sqrt(2.0))))
            spread = -round(m * 2.0) / 2.0 + 0.0
            jig = jigs[b]
            upd = iso_z(ts - timedelta(seconds=lag[1][b]))
            total_pt = math.floor(t) + 0.5
            line_books.append({"key": key, "title": title, "last_update": upd, "markets": [
                {"key": "h2h", "last_update": upd, "outcomes": [
                    {"name": home_name, "price": american(p_home * VIG * 0.99)},
                    {"name": away_name, "price": american((1.0 - p_home) * VIG * 0.99)}]},
                {"key": "spreads", "last_update": upd, "outcomes": [
                    {"name": home_name, "price": -110 + jig, "point": spread},
                    {"name": away_name, "price": -110 - jig, "point": -spread + 0.0}]},
                {"key": "totals", "last_update": upd, "outcomes": [
                    {"name": "Over", "price": -110 + jig, "point": total_pt},
                    {"name": "Under", "price": -110 - jig, "point": total_pt}]},
            ]})

        def doc(bookmakers: list[Doc], head: Doc = head) -> Doc:
            return {**head, "data": {"id": ev, "sport_key": "basketball_nba",
                                     "sport_title": "NBA", "commence_time": commence,
                                     "home_team": home_name, "away_team": away_name,
                                     "bookmakers": bookmakers}}

        name = f"{ev}_{ts:%Y%m%dT%H%M%SZ}.json"
        props_doc = doc(prop_books) if game.has_props and prop_books else None
        docs.append((name, props_doc, doc(line_books)))
    return docs
