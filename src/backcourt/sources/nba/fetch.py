"""``scrape --source nba``: a date range from the NBA stats site into the raw store.

Per date: the scoreboard, then for every final game its box score and play-by-play, and
the roster of every team that played; once per season touched, the published schedule (in
its opening date's folder). Only missing files are requested, so a re-run resumes where
the last one stopped. A date whose games are not all final (a live game) writes nothing:
its scoreboard would show a game that is not over. Each date's outcome goes to the store's
fetch log (``.backcourt/fetch-log-nba.json``).

Rosters come from ``commonteamroster``, which gives a team's roster as of the request, not
of the game date: for a past season it is that season's last roster.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

import orjson

from backcourt.rawstore import RawStore, provenance
from backcourt.sources.nba.client import StatsClient, StatsSettings
from backcourt.sources.polite import FetchLog, describe

SCOREBOARD, BOXSCORE, PLAYBYPLAY = "nba_scoreboard", "nba_boxscore", "nba_playbyplay"
ROSTERS, SCHEDULE = "nba_rosters", "nba_schedule"
FINAL, SCHEDULED = 3, 1
SOURCE = "nba"


@dataclass
class FetchResult:
    dates: list[date] = field(default_factory=list)           # dates with games, complete
    no_games: list[date] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)   # date (or "schedule <season>") -> why
    files: int = 0
    requests: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failed

    def as_dict(self) -> dict:
        return {"source": SOURCE, "dates": [d.isoformat() for d in self.dates],
                "no_games": [d.isoformat() for d in self.no_games],
                "failed": dict(sorted(self.failed.items())),
                "files": self.files, "requests": self.requests,
                "seconds": round(self.seconds, 3)}


def season_of(day: date) -> str:
    """The NBA season a date belongs to: ``2023-24`` from August 2023 to July 2024."""
    start = day.year if day.month >= 8 else day.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def fetch(store: RawStore, start: date, end: date, settings: StatsSettings | None = None,
          on_date: Callable[[date, str], None] | None = None) -> FetchResult:
    """Fetch every missing file of [start, end]; ``on_date(day, status)`` after each date.
    A store of simulated data is refused (``provenance.ProvenanceError``)."""
    provenance.claim(store, SOURCE)
    t0 = time.perf_counter()
    client = StatsClient(settings)
    log = FetchLog.open(store, SOURCE)
    result = FetchResult()
    day = start
    seasons: set[str] = set()
    while day <= end:
        season = season_of(day)
        if season not in seasons:
            seasons.add(season)
            try:
                result.files += _schedule(store, client, log, season)
            except Exception as exc:   # noqa: BLE001 - recorded, the dates go on
                result.failed[f"schedule {season}"] = describe(exc)
                log.record(f"schedule {season}", "failed", reason=describe(exc))
        entry = log.get(day.isoformat())
        if entry is not None and entry["status"] == "no games":
            result.no_games.append(day)   # known from an earlier run: nothing to ask
            if on_date is not None:
                on_date(day, "no games")
            day += timedelta(days=1)
            continue
        try:
            status, written = _date(store, client, day, season)
        except Exception as exc:   # noqa: BLE001 - one date's failure never stops the rest
            reason = describe(exc)
            log.record(day.isoformat(), "failed", reason=reason)
            result.failed[day.isoformat()] = reason
            status = "failed"
        else:
            result.files += written
            if status == "no games":
                result.no_games.append(day)
                log.record(day.isoformat(), status)
            elif status == "done":
                result.dates.append(day)
                log.record(day.isoformat(), status, files=written)
            else:
                result.failed[day.isoformat()] = status
                log.record(day.isoformat(), "incomplete", reason=status)
        if on_date is not None:
            on_date(day, status)
        day += timedelta(days=1)
    result.requests = client.requests
    result.seconds = time.perf_counter() - t0
    return result


def _have(store: RawStore, source: str, day: date) -> set[str]:
    return {f.name for f in store.list_files(source, day)}


def _date(store: RawStore, client: StatsClient, day: date, season: str) -> tuple[str, int]:
    """(status, files written): status ``done``, ``no games``, or why the date is
    incomplete."""
    written = 0
    boards = store.list_files(SCOREBOARD, day)
    if boards:
        board = orjson.loads(store.read_bytes(boards[0]))
    else:
        payload = client.scoreboard(day.isoformat())
        board = orjson.loads(payload)
    games = board["scoreboard"]["games"]
    if not games:
        return "no games", 0
    live = [g["gameId"] for g in games
            if g["gameStatus"] != FINAL and not _postponed(g)]
    if live:
        return f"{len(live)} game(s) not final yet: {', '.join(live)}", 0
    if not boards:
        store.write(SCOREBOARD, day, "scoreboard.json", payload)
        written += 1
    final = [g for g in games if g["gameStatus"] == FINAL]
    for source, get in ((BOXSCORE, client.boxscore), (PLAYBYPLAY, client.playbyplay)):
        have = _have(store, source, day)
        for g in final:
            name = f"{g['gameId']}.json"
            if name not in have:
                store.write(source, day, name, get(g["gameId"]))
                written += 1
    have = _have(store, ROSTERS, day)
    teams = sorted({g[side]["teamId"] for g in final for side in ("homeTeam", "awayTeam")})
    for team in teams:
        name = f"{team}.json"
        if name not in have:
            store.write(ROSTERS, day, name, client.roster(team, season))
            written += 1
    return "done", written


def _postponed(game: dict) -> bool:
    return game["gameStatus"] == SCHEDULED and game.get("gameStatusText", "").upper() == "PPD"


def _schedule(store: RawStore, client: StatsClient, log: FetchLog, season: str) -> int:
    """The season's published schedule, once, in its opening date's folder."""
    key = f"schedule {season}"
    entry = log.get(key)
    if entry is not None and entry["status"] == "done" \
            and _have(store, SCHEDULE, date.fromisoformat(entry["date"])):
        return 0
    payload = client.schedule(season)
    opening = opening_date(orjson.loads(payload))
    if opening is None:
        log.record(key, "no games")
        return 0
    store.write(SCHEDULE, opening, "schedule.json", payload)
    log.record(key, "done", date=opening.isoformat())
    return 1


def opening_date(schedule: dict) -> date | None:
    """The first date with a regular-season game (game ids ``002…``)."""
    days = [_schedule_day(gd["gameDate"]) for gd in schedule["leagueSchedule"]["gameDates"]
            if any(g["gameId"].startswith("002") for g in gd["games"])]
    return min(days) if days else None


def _schedule_day(text: str) -> date:
    """``"10/24/2023 00:00:00"`` (as published) or ``"2023-10-24…"``."""
    if "/" in text:
        month, day_, year = text.split(" ")[0].split("/")
        return date(int(year), int(month), int(day_))
    return date.fromisoformat(text[:10])
