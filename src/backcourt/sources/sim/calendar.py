"""Season dates: opening night, end of the regular season, blackout days, playoff window, clocks.

All dates are US Eastern game dates. Times inside a date are minutes after midnight ET.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

from backcourt.calendar.calendar import season_name as season_label  # noqa: F401 (the writer's)

FIRST_SEASON = 2015
LAST_SEASON = 2030
REGULAR_SEASON_DAYS = 173          # opening Tuesday -> closing Sunday
PLAYIN_OFFSETS = (2, 3, 5)          # Tue, Wed, Fri after the closing Sunday
PLAYOFF_START_OFFSET = 6            # Saturday after the closing Sunday
SEASON_WINDOW_DAYS = 240            # opening night + this covers the latest possible Finals game


def opening_day(season: int) -> date:
    """The Tuesday in Oct 18-24 of the season's start year."""
    d = date(season, 10, 18)
    return d + timedelta(days=(1 - d.weekday()) % 7)


def regular_season_end(season: int) -> date:
    return opening_day(season) + timedelta(days=REGULAR_SEASON_DAYS)


def nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    d = date(year, month, 1)
    d += timedelta(days=(weekday - d.weekday()) % 7)
    return d + timedelta(weeks=n - 1)


def thanksgiving(season: int) -> date:
    return nth_weekday(season, 11, 3, 4)


def all_star_break(season: int) -> list[date]:
    """Six days around the All-Star Game (third Sunday of February): Friday to Wednesday."""
    sunday = nth_weekday(season + 1, 2, 6, 3)
    return [sunday + timedelta(days=k) for k in range(-2, 4)]


def blackout_days(season: int) -> set[date]:
    return {thanksgiving(season), date(season, 12, 24), *all_star_break(season)}


def december_addition_days(season: int) -> tuple[date, date]:
    """The two December nights kept free in the published schedule for the 30 added games."""
    d = date(season, 12, 6)
    wed = d + timedelta(days=(2 - d.weekday()) % 7)
    return wed, wed + timedelta(days=2)


def season_last_possible_day(season: int) -> date:
    return opening_day(season) + timedelta(days=SEASON_WINDOW_DAYS)


def season_of(day: date) -> int | None:
    """Start year of the season whose window (opening night to the last possible Finals day)
    holds ``day``; None in the off-season."""
    for season in (day.year, day.year - 1):
        if FIRST_SEASON <= season <= LAST_SEASON and (
            opening_day(season) <= day <= season_last_possible_day(season)
        ):
            return season
    return None


@lru_cache(maxsize=4096)
def is_dst(day: date) -> bool:
    """US daylight saving time: second Sunday of March to first Sunday of November."""
    start = nth_weekday(day.year, 3, 6, 2)
    end = nth_weekday(day.year, 11, 6, 1)
    return start <= day < end


def tip_utc(day: date, minutes_et: int) -> datetime:
    offset = 4 if is_dst(day) else 5
    local = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(minutes=minutes_et)
    return local + timedelta(hours=offset)


def iso_z(moment: datetime) -> str:
    return (f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}T{moment.hour:02d}:"
            f"{moment.minute:02d}:{moment.second:02d}Z")


def et_clock_text(minutes_et: int) -> str:
    """'7:30 pm ET' as in the NBA schedule feeds."""
    h, m = divmod(minutes_et, 60)
    suffix = "pm" if h >= 12 else "am"
    h12 = h % 12 or 12
    return f"{h12}:{m:02d} {suffix} ET"


