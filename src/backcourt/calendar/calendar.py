"""Game dates and seasons.

A date is a game date when the loaded schedule shows a game played (or to be played) on
it, or — while its schedule is not loaded yet — when the published season schedule lists
games on it or a raw folder of a schedule source exists for it. Seasons run from their first
game date to their last (playoffs included); history windows never cross a season start.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import date


def season_name(start_year: int) -> str:
    """'2023-24' for the season that starts in 2023 (the one spelling of a season)."""
    return f"{start_year}-{(start_year + 1) % 100:02d}"


def season_label(day: date) -> str:
    """'2023-24' for any date from August 2023 to July 2024."""
    return season_name(day.year if day.month >= 8 else day.year - 1)


@dataclass(frozen=True)
class CalendarSource:
    """Where a pipeline's calendar comes from (declared by the pipeline, read by the core)."""

    schedule_table: str        # the loaded schedule (one partition per date)
    played_sql: str            # -> (game_date, season): dates with games played / to be played
    planned_table: str         # the published season schedule
    planned_sql: str           # -> (game_date, season): dates of the published schedule
    raw_sources: tuple[str, ...] = ()   # raw folders that mark a game date
    date_column: str = "game_date"      # the schedule table's date column


class Calendar:
    def __init__(self, wh, store, source: CalendarSource):
        season: dict[date, str] = {}
        played: dict[date, str] = {}
        loaded: set[date] = set()
        candidates: dict[date, str] = {}
        if wh.table_exists(source.schedule_table):
            played = dict(wh.query(source.played_sql))
            loaded = {r[0] for r in wh.query(
                f"SELECT DISTINCT {source.date_column} FROM {source.schedule_table}")}
        if wh.table_exists(source.planned_table):
            candidates = dict(wh.query(source.planned_sql))
        with_data = set(played)   # dates with games loaded or raw files: not just planned
        if store is not None:
            for src in source.raw_sources:
                for d in store.list_dates(src):
                    candidates.setdefault(d, season_label(d))
                    with_data.add(d)
        self.newest_with_data: date | None = max(with_data, default=None)
        for d, s in candidates.items():
            if d not in loaded:
                season[d] = s
        season.update(played)
        self._season = season
        self.dates: list[date] = sorted(season)
        self.iso: list[str] = [d.isoformat() for d in self.dates]   # same positions
        self._season_start: dict[str, date] = {}
        for d in self.dates:
            s = season[d]
            if s not in self._season_start:
                self._season_start[s] = d

    def game_dates(self, start: date | None = None, end: date | None = None) -> list[date]:
        lo = bisect.bisect_left(self.dates, start) if start else 0
        hi = bisect.bisect_right(self.dates, end) if end else len(self.dates)
        return self.dates[lo:hi]

    def season(self, day: date) -> str:
        return self._season.get(day) or season_label(day)

    def season_start(self, day: date) -> date:
        return self._season_start.get(self.season(day), day)

    def days_into_season(self, day: date) -> int:
        return (day - self.season_start(day)).days
