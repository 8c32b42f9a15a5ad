"""Same seed -> same bytes, whatever the range; another seed -> other data."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

from backcourt.rawstore import RawStore
from backcourt.sources.sim import SOURCES, game_dates, scrape, season_of
from backcourt.sources.sim.calendar import opening_day

from .sim_support import SEASON, SEED, SeasonFiles


def _files_of(root: Path, day: date) -> dict[tuple[str, str], bytes]:
    out = {}
    for source in SOURCES:
        folder = root / source / day.isoformat()
        if folder.exists():
            for p in sorted(folder.iterdir()):
                out[(source, p.name)] = p.read_bytes()
    return out


def _interesting_dates(season_files: SeasonFiles) -> list[date]:
    """Opening night, the postponement nights, a December night, a night with in-game odds,
    the first play-in night and the last playoff night."""
    days = {opening_day(SEASON)}
    days |= {d for d, g in season_files.games if g["gameStatusText"] == "PPD"}
    days.add(min(d for d, _ in season_files.finals if d.month == 12))
    for path in season_files.files("odds_player_props"):
        doc = season_files.load(path)
        if doc["timestamp"] >= doc["data"]["commence_time"]:
            days.add(date.fromisoformat(path.parent.name))
            break
    days.add(min(d for d, g in season_files.finals if g["gameId"][2] == "5"))
    days.add(max(d for d, _ in season_files.finals))
    return sorted(days)


def test_one_date_alone_equals_the_same_date_in_the_range(season_files: SeasonFiles,
                                                          tmp_path: Path) -> None:
    """The session's range was written by forked workers; each date here in-process."""
    for day in _interesting_dates(season_files):
        root = tmp_path / day.isoformat()
        result = scrape(RawStore(str(root)), day, day, seed=SEED)
        assert result.dates == [day]
        alone = _files_of(root, day)
        in_range = _files_of(season_files.root, day)
        assert alone.keys() == in_range.keys(), day
        assert alone == in_range, day
        assert result.files == len(alone)


def test_another_process_writes_the_same_bytes(season_files: SeasonFiles, tmp_path: Path) -> None:
    day = sorted(d for d, g in season_files.finals if g["gameId"][2] == "2")[200]
    code = (
        "import sys; from datetime import date; from backcourt.rawstore import RawStore; "
        "from backcourt.sources.sim import scrape; "
        f"scrape(RawStore(sys.argv[1]), date.fromisoformat('{day}'), "
        f"date.fromisoformat('{day}'), seed={SEED})"
    )
    env = dict(os.environ, PYTHONHASHSEED="12345")
    subprocess.run([sys.executable, "-c", code, str(tmp_path)], check=True, env=env)
    assert _files_of(tmp_path, day) == _files_of(season_files.root, day)


def test_another_seed_gives_other_data(season_files: SeasonFiles, tmp_path: Path) -> None:
    day = opening_day(SEASON)
    scrape(RawStore(str(tmp_path)), day, day + timedelta(days=1), seed=SEED + 1)
    other = _files_of(tmp_path, day + timedelta(days=1))
    mine = _files_of(season_files.root, day + timedelta(days=1))
    assert other[("nba_scoreboard", "scoreboard.json")] != mine[("nba_scoreboard",
                                                                 "scoreboard.json")]
    assert (_files_of(tmp_path, day)[("nba_schedule", "schedule.json")]
            != _files_of(season_files.root, day)[("nba_schedule", "schedule.json")])


def test_scrape_result_and_progress_callback(season_files: SeasonFiles) -> None:
    result = season_files.result
    assert result.dates == season_files.dates("nba_scoreboard")
    assert [d for d, _ in season_files.calls] == result.dates
    assert sum(n for _, n in season_files.calls) == result.files
    root = season_files.root
    # raw files only: the hidden notes folder holds the store's provenance
    on_disk = [p for p in root.rglob("*.json")
               if not any(part.startswith(".") for part in p.relative_to(root).parts)]
    assert len(on_disk) == result.files
    assert (root / ".backcourt" / "provenance.json").exists()
    assert sum(p.stat().st_size for p in on_disk) == result.bytes
    assert result.seconds > 0
    assert not list(season_files.root.rglob(".*.tmp"))


def test_season_of_and_game_dates(season_files: SeasonFiles, tmp_path: Path) -> None:
    opening = opening_day(SEASON)
    assert season_of(opening) == SEASON
    assert season_of(opening - timedelta(days=1)) is None
    assert season_of(date(SEASON + 1, 6, 1)) == SEASON
    assert season_of(date(SEASON + 1, 8, 1)) is None
    for year in range(2021, 2026):
        assert season_of(opening_day(year)) == year
    dates = game_dates(SEASON, SEED)
    finals_dates = sorted({d for d, _ in season_files.finals})
    assert dates == finals_dates
    off = scrape(RawStore(str(tmp_path)), date(SEASON + 1, 7, 1), date(SEASON + 1, 9, 30))
    assert off.dates == [] and off.files == 0


def test_files_carry_no_wall_clock_of_the_run(season_files: SeasonFiles) -> None:
    today = datetime.now().strftime("%Y-%m-%d")
    for source in SOURCES:
        for path in season_files.files(source)[:50]:
            assert today.encode() not in path.read_bytes(), path
