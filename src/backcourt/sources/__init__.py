"""Phase 1 sources. ``sim`` is the default: a deterministic simulated league."""

from __future__ import annotations

from datetime import date, timedelta

# the raw folders every simulated game date has (odds may legitimately be absent)
SIM_DAILY_SOURCES = ("nba_scoreboard", "nba_boxscore", "nba_playbyplay", "nba_injury_report",
                     "nba_rosters")


def sim_game_dates(start: date, end: date, seed: int = 0) -> list[date]:
    """The simulated league's game dates in [start, end]."""
    from backcourt.sources import sim

    seasons = sorted({s for d in _days(start, end) if (s := sim.season_of(d)) is not None})
    out: list[date] = []
    for season in seasons:
        out.extend(d for d in sim.game_dates(season, seed) if start <= d <= end)
    return sorted(out)


def missing_raw_dates(store, start: date, end: date, seed: int = 0) -> list[date]:
    """Simulated game dates in [start, end] with a daily raw folder missing."""
    have = {src: set(store.list_dates(src)) for src in SIM_DAILY_SOURCES}
    if all(d in days for d in _days(start, end) for days in have.values()):
        return []   # every date has every folder: nothing to simulate to find out
    return [d for d in sim_game_dates(start, end, seed)
            if any(d not in days for days in have.values())]


def _days(start: date, end: date):
    d = start
    while d <= end:
        yield d
        d += timedelta(days=1)
