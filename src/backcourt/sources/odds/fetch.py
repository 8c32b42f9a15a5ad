"""``scrape --source odds``: historical NBA lines from The Odds API into the raw store.

Per game date (US Eastern): the events commencing that date, listed at a snapshot on the
morning of the date (09:00 Eastern, before any tip-off); then, per event, the
``player_points`` props (``odds_player_props``) and the ``h2h``/``spreads``/``totals`` lines
(``odds_game_lines``) at the snapshot ``minutes_before`` tip-off. The API answers with the
latest snapshot at or before the time asked; a snapshot at or after tip-off would be an
in-game line (leakage) and is never written, whatever the API sends.

The date's events response is kept as fetched in ``odds_events/<date>/events.json``, the
same raw file (and shape) the simulator writes: the odds index that completeness reads. It
is written as soon as it is fetched, so a run killed later leaves a date whose index names
the events still without lines.

Resumable: the event list is read back from that file (never asked for again), an event
whose file is in the store is not asked for again, nor one the fetch log
(``.backcourt/fetch-log-odds.json``) records as having no such lines. When
``max_requests`` or the quota runs out the run stops cleanly: everything fetched is
written and recorded, the date in progress is marked ``stopped``, and the same command
later continues from there.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import orjson

from backcourt.rawstore import RawStore, provenance
from backcourt.sources.odds.client import BudgetSpent, OddsClient, OddsSettings
from backcourt.sources.polite import FetchLog, describe

SOURCE = "odds"
EASTERN = ZoneInfo("America/New_York")
EVENTS_AT_HOUR = 9   # Eastern: the morning of the game date, before any tip-off
EVENTS_FOLDER, EVENTS_FILE = "odds_events", "events.json"   # the odds index (as the simulator's)
INDEXED = "odds_game_lines"   # the folder the odds index asks one file per event of
# raw folder -> markets asked for
MARKETS = {"odds_player_props": "player_points", "odds_game_lines": "h2h,spreads,totals"}


@dataclass
class OddsResult:
    dates: list[date] = field(default_factory=list)        # every event of the date done
    failed: dict[str, str] = field(default_factory=dict)   # date or "date event" -> why
    refused_in_game: list[str] = field(default_factory=list)   # files never written
    stopped: str | None = None                             # why the run stopped early
    files: int = 0
    requests: int = 0
    quota: dict = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failed and self.stopped is None

    def as_dict(self) -> dict:
        return {"source": SOURCE, "dates": [d.isoformat() for d in self.dates],
                "failed": dict(sorted(self.failed.items())),
                "refused_in_game": self.refused_in_game, "stopped": self.stopped,
                "files": self.files, "requests": self.requests, "quota": self.quota,
                "seconds": round(self.seconds, 3)}


def fetch(store: RawStore, start: date, end: date, api_key: str,
          settings: OddsSettings | None = None,
          on_date: Callable[[date, str], None] | None = None) -> OddsResult:
    """Fetch the missing lines of [start, end]. A store of simulated data is refused
    (``provenance.ProvenanceError``)."""
    provenance.claim(store, SOURCE)
    t0 = time.perf_counter()
    settings = settings or OddsSettings()
    client = OddsClient(api_key, settings)
    log = FetchLog.open(store, SOURCE)
    result = OddsResult()
    day = start
    while day <= end:
        try:
            status = _date(store, client, log, day, settings, result)
        except BudgetSpent as exc:
            result.stopped = str(exc)
            if on_date is not None:
                on_date(day, "stopped")
            break
        except Exception as exc:   # noqa: BLE001 - one date's failure never stops the rest
            status = "failed"
            result.failed[day.isoformat()] = describe(exc)
            log.record(day.isoformat(), "failed", reason=describe(exc))
        if on_date is not None:
            on_date(day, status)
        day += timedelta(days=1)
    result.requests = client.requests
    result.quota = client.quota.as_dict()
    result.seconds = time.perf_counter() - t0
    return result


def _date(store: RawStore, client: OddsClient, log: FetchLog, day: date,
          settings: OddsSettings, result: OddsResult) -> str:
    key = day.isoformat()
    entry = log.get(key) or {}
    events = _stored_events(store, day)
    problems: dict[str, str] = {}
    outcomes = dict(entry.get("outcomes", {}))
    try:
        if events is None:
            events = _events(store, client, day)
        for event in events:
            for folder, markets in MARKETS.items():
                done_key = f"{event['id']} {folder}"
                if _has(store, folder, day, event):
                    outcomes.setdefault(done_key, "written")   # an empty answer stays so
                    continue
                if outcomes.get(done_key) == "empty":
                    continue
                try:
                    outcome = _event(store, client, day, event, folder, markets, settings)
                except BudgetSpent:
                    raise
                except Exception as exc:   # noqa: BLE001 - recorded per event
                    problems[done_key] = describe(exc)
                    continue
                if outcome == "in-game":
                    result.refused_in_game.append(done_key)
                    problems[done_key] = "the snapshot answered is not before tip-off"
                    continue
                outcomes[done_key] = outcome
                result.files += outcome == "written" or (outcome == "empty"
                                                         and folder == INDEXED)
    except BudgetSpent as exc:
        # what is done stays recorded; the next run starts from here
        log.record(key, "stopped", reason=str(exc), outcomes=outcomes)
        raise
    log.record(key, "failed" if problems else "done", outcomes=outcomes,
               **({"problems": problems} if problems else {}))
    if problems:
        for k, reason in problems.items():
            result.failed[f"{key} {k}"] = reason
        return "failed"
    result.dates.append(day)
    return "done" if events else "no games"


def _events(store: RawStore, client: OddsClient, day: date) -> list[dict]:
    """The events commencing on ``day`` (US Eastern), listed on the morning of the date; the
    response is written as the date's odds index before anything else of the date."""
    morning = datetime(day.year, day.month, day.day, EVENTS_AT_HOUR, tzinfo=EASTERN)
    midnight = datetime(day.year, day.month, day.day, tzinfo=EASTERN)
    payload = client.events(morning.astimezone(UTC), midnight.astimezone(UTC),
                            (midnight + timedelta(days=1)).astimezone(UTC))
    listing = orjson.loads(payload)
    events = _of_date(listing, day)
    store.write(EVENTS_FOLDER, day, EVENTS_FILE, payload)
    return events


def _stored_events(store: RawStore, day: date) -> list[dict] | None:
    """The date's events from its stored index, or None when there is none (or it cannot
    be read: it is then fetched and written again)."""
    files = [f for f in store.list_files(EVENTS_FOLDER, day)
             if f.name in (EVENTS_FILE, EVENTS_FILE + ".gz")]
    if not files:
        return None
    try:
        return _of_date(orjson.loads(store.read_bytes(files[0])), day)
    except Exception:  # noqa: BLE001 - an unreadable index is fetched again
        return None


def _of_date(listing: dict, day: date) -> list[dict]:
    out = []
    for e in listing.get("data", []):
        commence = _utc(e["commence_time"])
        if commence.astimezone(EASTERN).date() == day:
            out.append({"id": e["id"], "commence_time": e["commence_time"],
                        "home_team": e["home_team"], "away_team": e["away_team"]})
    return sorted(out, key=lambda e: (e["commence_time"], e["id"]))


def _has(store: RawStore, folder: str, day: date, event: dict) -> bool:
    prefix = f"{event['id']}_"
    return any(f.name.startswith(prefix) for f in store.list_files(folder, day))


def snapshot_time(commence: datetime, minutes_before: int) -> datetime:
    """The snapshot asked for: ``minutes_before`` tip-off (at least one minute before)."""
    return commence - timedelta(minutes=max(1, minutes_before))


def _event(store: RawStore, client: OddsClient, day: date, event: dict, folder: str,
           markets: str, settings: OddsSettings) -> str:
    """``written``, ``empty`` (no bookmaker quotes these markets) or ``in-game`` (the
    snapshot sent is at or after tip-off: never written). An empty answer for the game
    lines is kept as the event's game-lines file all the same (Phase 2 reads no line from
    it): the odds index asks one game-lines file per event, and this is the API's answer."""
    commence = _utc(event["commence_time"])
    payload = client.event_odds(event["id"], markets,
                                snapshot_time(commence, settings.minutes_before))
    snap = orjson.loads(payload)
    taken = _utc(snap["timestamp"])
    tip = _utc(snap["data"].get("commence_time", event["commence_time"]))
    if taken >= min(tip, commence):
        return "in-game"
    wanted = set(markets.split(","))
    empty = not any(m["key"] in wanted for b in snap["data"].get("bookmakers", [])
                    for m in b.get("markets", []))
    if empty and folder != INDEXED:
        return "empty"
    store.write(folder, day, f"{event['id']}_{taken.strftime('%Y%m%dT%H%M%SZ')}.json",
                payload)
    return "empty" if empty else "written"


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)
