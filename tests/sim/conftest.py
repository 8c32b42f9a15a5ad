"""One simulated season (2023-24, seed 0) written once per test session (by two forked
workers) and shared; single dates written again in-process must give the same bytes."""

from __future__ import annotations

from datetime import date

import pytest

from backcourt.rawstore import RawStore
from backcourt.sources.sim import scrape
from backcourt.sources.sim.calendar import opening_day, season_last_possible_day
from backcourt.sources.sim.season import SeasonSim, simulate_season

from .sim_support import SEASON, SEED, SeasonFiles


@pytest.fixture(scope="session")
def season_files(tmp_path_factory: pytest.TempPathFactory) -> SeasonFiles:
    root = tmp_path_factory.mktemp("raw")
    calls: list[tuple[date, int]] = []
    result = scrape(RawStore(str(root)), opening_day(SEASON), season_last_possible_day(SEASON),
                    seed=SEED, on_date=lambda d, n: calls.append((d, n)), workers=2)
    return SeasonFiles(root, result, calls)


@pytest.fixture(scope="session")
def sim(season_files: SeasonFiles) -> SeasonSim:
    return simulate_season(SEASON, SEED)
