"""Parse speed: a season is ~1,300 box scores and ~1,300 play-by-play files.

The bounds are loose (about 10x the measured time) so that a busy machine does not fail them;
they catch an accidental slow path (per-field Python work, validating every action).
"""

from __future__ import annotations

import copy
import time

import orjson

from backcourt.pipeline.phase2.names import PlayerResolver
from backcourt.pipeline.phase2.parsers import PARSERS

from ._helpers import SAMPLES, raw_file


def _pbp_500_actions() -> bytes:
    """The sample game (475 actions) topped up to 500 with copies of its shots, compact JSON."""
    data = orjson.loads((SAMPLES / "playbyplayv3.json").read_bytes())
    actions = data["game"]["actions"]
    shots = [a for a in actions if a["isFieldGoal"] == 1]
    top = max(a["actionNumber"] for a in actions)
    for k in range(500 - len(actions)):
        extra = copy.deepcopy(shots[k])
        extra["actionNumber"] = top + 1 + k
        actions.append(extra)
    assert len(actions) == 500
    return orjson.dumps(data)


def _best_of(fn, repeat: int, rounds: int = 3) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(repeat):
            fn()
        best = min(best, (time.perf_counter() - start) / repeat)
    return best


def test_playbyplay_speed(resolver: PlayerResolver) -> None:
    payload = _pbp_500_actions()
    f = raw_file("nba_playbyplay", "2024-10-22", "0022400001.json")
    parse = PARSERS["nba_playbyplay"]
    rows = len(parse(payload, f, resolver).rows["pbp_shots"])
    assert rows == 174 + 25
    per_file = _best_of(lambda: parse(payload, f, resolver), 50)
    assert per_file < 0.015, f"{per_file * 1e3:.2f} ms per 500-action file"


def test_boxscore_speed(resolver: PlayerResolver) -> None:
    payload = orjson.dumps(orjson.loads((SAMPLES / "boxscoretraditionalv3.json").read_bytes()))
    f = raw_file("nba_boxscore", "2025-11-03", "0022500165.json")
    parse = PARSERS["nba_boxscore"]
    per_file = _best_of(lambda: parse(payload, f, resolver), 100)
    assert per_file < 0.005, f"{per_file * 1e3:.2f} ms per box score"
