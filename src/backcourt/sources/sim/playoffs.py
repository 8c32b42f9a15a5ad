"""After the regular season: standings, the play-in tournament and four best-of-seven rounds.

Game ids: play-in ``005YY000NN``; playoffs ``004YY00RSG`` (round, series, game).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from backcourt.sources.sim.calendar import PLAYIN_OFFSETS, PLAYOFF_START_OFFSET

GAME_OFFSETS = (0, 2, 4, 6, 8, 10, 12)
FINALS_OFFSETS = (0, 3, 5, 8, 10, 13, 16)
HIGH_SEED_HOSTS = (True, True, False, False, True, False, True)
ROUND_LABEL = {1: "First Round", 2: "Conf. Semifinals", 3: "Conf. Finals", 4: "NBA Finals"}
_WEEKDAY_TIPS = (19 * 60, 19 * 60 + 30, 21 * 60 + 30, 22 * 60)
_WEEKEND_TIPS = (13 * 60, 15 * 60 + 30, 18 * 60, 20 * 60 + 30)


@dataclass(frozen=True)
class PostseasonGame:
    game_id: str
    kind: str                  # "playin" / "playoff"
    day: date
    tip: int
    home: int
    away: int
    home_seed: int
    away_seed: int
    label: str                 # gameLabel
    sub_label: str             # gameSubLabel
    series_game: str           # seriesGameNumber
    conference: str            # seriesConference
    round_desc: str            # poRoundDesc
    round: int                 # 0 play-in


# (game, series wins of home and away before it) -> (home points, away points)
PlayFn = Callable[[PostseasonGame, tuple[int, int]], tuple[int, int]]


def _tip(day: date, slot: int, final: bool = False) -> int:
    if final:
        return 20 * 60 + 30
    tips = _WEEKEND_TIPS if day.weekday() >= 5 else _WEEKDAY_TIPS
    return tips[slot % len(tips)]


def run_postseason(season: int, end: date, ranking: dict[str, list[int]], play: PlayFn) -> None:
    """Play the play-in, then the playoffs round by round and series by series through
    ``play`` (each team's games come in date order)."""
    yy = season % 100
    seeds: dict[str, dict[int, int]] = {c: {} for c in ("East", "West")}
    for conf in ("East", "West"):
        for k, team in enumerate(ranking[conf][:6]):
            seeds[conf][k + 1] = team
    seed_of = {t: k + 1 for conf in ("East", "West") for k, t in enumerate(ranking[conf])}
    tue, wed, fri = (end + timedelta(days=o) for o in PLAYIN_OFFSETS)
    number = 0

    def playin(conf: str, day: date, slot: int, high: int, low: int) -> tuple[int, int]:
        nonlocal number
        number += 1
        g = PostseasonGame(f"005{yy:02d}{number:05d}", "playin", day, _tip(day, slot), high, low,
                           seed_of[high], seed_of[low], "Play-In Tournament", "", "", conf, "", 0)
        hp, ap = play(g, (0, 0))
        return (high, low) if hp > ap else (low, high)

    results: dict[str, dict[str, tuple[int, int]]] = {"East": {}, "West": {}}
    for conf, day in (("East", tue), ("West", wed)):
        order = ranking[conf]
        results[conf]["78"] = playin(conf, day, 0, order[6], order[7])
        results[conf]["910"] = playin(conf, day, 1, order[8], order[9])
    for slot, conf in enumerate(("East", "West")):
        w78, l78 = results[conf]["78"]
        w910, _ = results[conf]["910"]
        seeds[conf][7] = w78
        winner, _ = playin(conf, fri, slot, l78, w910)
        seeds[conf][8] = winner
    for conf in ("East", "West"):
        for s, team in seeds[conf].items():
            seed_of[team] = s

    # playoffs
    start = end + timedelta(days=PLAYOFF_START_OFFSET)
    pairs: list[tuple[str, int, int]] = []
    for conf in ("East", "West"):
        sd = seeds[conf]
        pairs += [(conf, sd[1], sd[8]), (conf, sd[4], sd[5]), (conf, sd[3], sd[6]),
                  (conf, sd[2], sd[7])]
    for rnd in (1, 2, 3, 4):
        winners: list[tuple[str, int]] = []
        last_day = start
        for idx, (conf, a, b) in enumerate(pairs):
            high, low = _order(a, b, seed_of, rnd, ranking)
            offsets = FINALS_OFFSETS if rnd == 4 else GAME_OFFSETS
            s_start = start + timedelta(days=idx % 2)
            wins = {high: 0, low: 0}
            g = 0
            while max(wins.values()) < 4:
                day = s_start + timedelta(days=offsets[g])
                home, away = (high, low) if HIGH_SEED_HOSTS[g] else (low, high)
                label_conf = "" if rnd == 4 else conf
                label = "NBA Finals" if rnd == 4 else f"{conf} {ROUND_LABEL[rnd]}"
                game = PostseasonGame(
                    f"004{yy:02d}00{rnd}{idx}{g + 1}", "playoff", day,
                    _tip(day, idx // 2, final=rnd >= 3), home, away, seed_of[home],
                    seed_of[away], label, f"Game {g + 1}", f"Game {g + 1}", label_conf,
                    ROUND_LABEL[rnd], rnd)
                hp, ap = play(game, (wins[home], wins[away]))
                wins[home if hp > ap else away] += 1
                g += 1
                last_day = max(last_day, day)
            winners.append((conf if rnd < 3 else "", high if wins[high] == 4 else low))
        start = last_day + timedelta(days=2)
        if rnd < 3:
            pairs = [(winners[k][0], winners[k][1], winners[k + 1][1])
                     for k in range(0, len(winners), 2)]
        elif rnd == 3:
            pairs = [("", winners[0][1], winners[1][1])]


def _order(a: int, b: int, seed_of: dict[int, int], rnd: int,
           ranking: dict[str, list[int]]) -> tuple[int, int]:
    if rnd < 4:
        return (a, b) if seed_of[a] < seed_of[b] else (b, a)
    overall = ranking["_league"]
    return (a, b) if overall.index(a) < overall.index(b) else (b, a)
