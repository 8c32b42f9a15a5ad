"""Deterministic NBA league simulator: writes every raw source of a date as the real feeds would.

A season (regular season, play-in, playoffs) is simulated once in memory per (season, seed) and
cached in the process; files are serialised only for the requested dates, so one date written
alone has exactly the bytes it has inside a longer range.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import groupby

from backcourt import stop_signals
from backcourt.rawstore import RawStore
from backcourt.sources.sim.calendar import season_of
from backcourt.sources.sim.season import simulate_season
from backcourt.sources.sim.writer import SOURCES, files_for_date

__all__ = ["SOURCES", "ScrapeResult", "game_dates", "scrape", "season_of"]

_MIN_DATES_PER_WORKER = 8
# a test hook: the process kills itself (SIGKILL) after writing this many files, to show
# that a Phase 1 killed half-way through a date is completed by the next run
KILL_AFTER_FILES_ENV = "BACKCOURT_SIM_KILL_AFTER_FILES"
_written_in_process = 0


@dataclass(frozen=True)
class ScrapeResult:
    dates: list[date]
    files: int
    seconds: float
    bytes: int = 0


def game_dates(season_start_year: int, seed: int = 0) -> list[date]:
    """Dates with at least one game played (regular season, play-in, playoffs)."""
    return simulate_season(season_start_year, seed).game_dates()


def _write_date(store: RawStore, seed: int, day: date,
                only_missing: bool = False) -> tuple[date, int, int]:
    season = season_of(day)
    if season is None:
        return day, 0, 0
    size = 0
    files = files_for_date(simulate_season(season, seed), day)
    if only_missing:
        have: dict[str, set[str]] = {}
        for source in {s for s, _, _ in files}:
            have[source] = {f.name for f in store.list_files(source, day)}
        files = [f for f in files if f[1] not in have[f[0]]]
    for source, name, payload in files:
        store.write(source, day, name, payload)
        size += len(payload)
        _count_written()
    return day, len(files), size


def _count_written() -> None:
    """The kill hook: SIGKILL this process once it has written the configured count."""
    global _written_in_process
    limit = os.environ.get(KILL_AFTER_FILES_ENV)
    if not limit:
        return
    _written_in_process += 1
    if _written_in_process >= int(limit):
        os.kill(os.getpid(), signal.SIGKILL)


# the store and seed of a forked worker (inherited from the parent, never pickled)
_worker_args: tuple[RawStore, int] | None = None


def _init_worker(store: RawStore, seed: int) -> None:
    global _worker_args
    _worker_args = (store, seed)
    # the pool's terminate (its end, or the parent stopped) is a SIGTERM: gone quietly
    stop_signals.in_worker()


def _worker_date(day: date) -> tuple[date, int, int]:
    assert _worker_args is not None
    return _write_date(_worker_args[0], _worker_args[1], day)


def _worker_season(days: list[date]) -> list[tuple[date, int, int]]:
    """A whole season in one worker: simulated there, then every date written."""
    assert _worker_args is not None
    return [_write_date(_worker_args[0], _worker_args[1], day) for day in days]


def _results(store: RawStore, seed: int, days: list[date],
             workers: int) -> Iterator[tuple[date, int, int]]:
    can_fork = "fork" in multiprocessing.get_all_start_methods()
    seasons = _by_season(days)
    long_seasons = sum(len(s) >= _MIN_DATES_PER_WORKER for s in seasons)
    if workers > 1 and can_fork and long_seasons >= workers:
        # several seasons: one season per worker at a time (each worker simulates its own
        # season, so the simulations run in parallel too)
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(workers, initializer=_init_worker, initargs=(store, seed)) as pool:
            for written in pool.imap(_worker_season, seasons):
                yield from written
        return
    for season, group in groupby(days, key=season_of):
        season_days = list(group)
        if season is None:
            continue
        if workers <= 1 or not can_fork or len(season_days) < _MIN_DATES_PER_WORKER * workers:
            for day in season_days:
                yield _write_date(store, seed, day)
            continue
        simulate_season(season, seed)       # simulated once here, shared by the forked workers
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(workers, initializer=_init_worker, initargs=(store, seed)) as pool:
            yield from pool.imap(_worker_date, season_days, chunksize=2)


def _by_season(days: list[date]) -> list[list[date]]:
    """The days of each season, in order (days outside any season dropped)."""
    return [list(group) for season, group in groupby(days, key=season_of)
            if season is not None]


def complete(store: RawStore, day: date, seed: int = 0) -> int:
    """Write the files of ``day`` that are missing (the others are already these bytes:
    the simulation is deterministic and every write is atomic). Returns the count."""
    return _write_date(store, seed, day, only_missing=True)[1]


def fill(store: RawStore, start: date, end: date, seed: int = 0,
         on_date: Callable[[date, int], None] | None = None) -> int:
    """Phase 1's fetch: write what is missing of each date in [start, end] (all of a date
    that has nothing yet, only the missing files of a half-written one). Returns the count
    of files written."""
    from backcourt.rawstore import provenance

    provenance.claim(store, "sim")   # refuses a store of real data before writing anything
    provenance.claim_sim_seed(store, seed)   # and one of another simulated league
    written = 0
    day = start
    while day <= end:
        n = complete(store, day, seed=seed)
        written += n
        if on_date is not None:
            on_date(day, n)
        day += timedelta(days=1)
    return written


def scrape(store: RawStore, start: date, end: date, seed: int = 0,
           on_date: Callable[[date, int], None] | None = None, *,
           workers: int = 1) -> ScrapeResult:
    """Write every source's files for each date in [start, end] that has games (and the season
    schedule on opening night); ``on_date(day, files_written)`` runs after each such date, in
    date order.

    ``workers`` > 1 serialises and writes the dates of a long range in that many forked
    processes (POSIX only; call it from the main thread). The files are the same bytes either way.
    """
    from backcourt.rawstore import provenance

    provenance.claim(store, "sim")   # refuses a store of real data before writing anything
    provenance.claim_sim_seed(store, seed)   # and one of another simulated league
    t0 = time.perf_counter()
    days = [start + timedelta(days=k) for k in range((end - start).days + 1)]
    written: list[date] = []
    n_files = n_bytes = 0
    for day, count, size in _results(store, seed, days, workers):
        if count:
            written.append(day)
            n_files += count
            n_bytes += size
            if on_date is not None:
                on_date(day, count)
    return ScrapeResult(dates=written, files=n_files, seconds=time.perf_counter() - t0,
                        bytes=n_bytes)
