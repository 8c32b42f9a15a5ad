"""Minutes: the coach's rotation over the available players, summing to exactly 240 minutes."""

from __future__ import annotations

import numpy as np

from backcourt.sources.sim.ratings import SLOT_MINUTES

TEAM_SECONDS = 5 * 48 * 60
MAX_MINUTES = 42.0
MAX_MINUTES_PLAYOFFS = 44.0


def allocate_seconds(rng: np.random.Generator, base_min: np.ndarray, min_mult: np.ndarray,
                     postseason: bool) -> np.ndarray:
    """Seconds for each available player (depth-chart order); 0 means a coach's decision DNP.

    A player's target blends his own minutes level with the slot he fills tonight, so when a
    teammate is out everybody below him moves up and plays more.
    """
    k = base_min.size
    choices = (8, 9, 9, 10) if postseason else (9, 10, 10, 11)
    n_play = min(k, int(rng.choice(choices)))
    slot = SLOT_MINUTES[:n_play].copy()
    if postseason:
        slot[:5] *= 1.08
        slot[5:] *= 0.85
    target = (0.5 * slot + 0.5 * base_min[:n_play]) * min_mult[:n_play]
    target *= np.exp(rng.normal(0.0, 0.06, n_play))
    cap = MAX_MINUTES_PLAYOFFS if postseason else MAX_MINUTES
    for _ in range(12):
        target *= 240.0 / target.sum()
        if target.max() <= cap and target.min() >= 1.5:
            break
        np.clip(target, 1.5, cap, out=target)
    raw = target / target.sum() * TEAM_SECONDS
    sec = np.floor(raw).astype(np.int64)
    rest = TEAM_SECONDS - int(sec.sum())
    order = np.argsort(-(raw - sec), kind="stable")
    sec[order[:rest]] += 1
    out = np.zeros(k, dtype=np.int64)
    out[:n_play] = sec
    return out
