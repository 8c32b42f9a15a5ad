"""Phase 1 sources. ``sim`` is the default: a deterministic simulated league."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import orjson

# the raw folders every simulated game date has (odds may legitimately be absent)
SIM_DAILY_SOURCES = ("nba_scoreboard", "nba_boxscore", "nba_playbyplay", "nba_injury_report",
                     "nba_rosters")
# the folders it writes on some dates only (the season schedule on opening night, odds)
SIM_OPTIONAL_SOURCES = ("nba_schedule", "odds_game_lines", "odds_player_props")
# the reference data the simulated league is drawn from
REFERENCE_FILES = ("nba_players.csv", "nba_teams.csv", "rosters_2025_26.csv")


def sim_game_dates(start: date, end: date, seed: int = 0, store=None) -> list[date]:
    """The simulated league's game dates in [start, end]. With a ``store``, each season's
    dates are remembered beside its raw files, so a later backfill need not simulate the
    season again (~4 s each) to find out that no date is missing."""
    from backcourt.sources import sim

    seasons = sorted({s for d in _days(start, end) if (s := sim.season_of(d)) is not None})
    out: list[date] = []
    for season in seasons:
        out.extend(d for d in _season_game_dates(season, seed, store) if start <= d <= end)
    return sorted(out)


def _season_game_dates(season: int, seed: int, store) -> list[date]:
    name = f"sim-game-dates-{season}-seed{seed}-{_sim_fingerprint()}.json"
    note = store.read_note(name) if store is not None else None
    if note is not None:
        return [date.fromisoformat(d) for d in orjson.loads(note)]
    from backcourt.sources import sim

    days = sim.game_dates(season, seed)
    if store is not None:
        store.write_note(name, orjson.dumps([d.isoformat() for d in days]))
    return days


@lru_cache(maxsize=1)
def _sim_fingerprint() -> str:
    """What the simulated dates depend on: the simulator's code, its reference data and
    the random generator's library."""
    from importlib.metadata import version

    from backcourt.registry.pipeline import source_fingerprint

    code = source_fingerprint("backcourt.sources", ("sim/",), version("numpy"))
    data = source_fingerprint("backcourt.reference", REFERENCE_FILES)
    return f"{code[:8]}{data[:8]}"


def missing_raw_dates(store, start: date, end: date, seed: int = 0) -> list[date]:
    """Simulated game dates in [start, end] that are not complete: a daily raw folder
    missing, or a file that the date's own indexes expect (see ``completeness``)."""
    from backcourt.sources.completeness import incomplete_raw_dates

    have = {src: set(store.list_dates(src)) for src in SIM_DAILY_SOURCES}
    incomplete = {i.day for i in incomplete_raw_dates(store, start, end) if i.missing}
    if not incomplete and all(d in days for d in _days(start, end) for days in have.values()):
        return []   # every date has every folder, all complete: nothing to simulate
    return [d for d in sim_game_dates(start, end, seed, store)
            if d in incomplete or any(d not in days for days in have.values())]


def _days(start: date, end: date):
    d = start
    while d <= end:
        yield d
        d += timedelta(days=1)
