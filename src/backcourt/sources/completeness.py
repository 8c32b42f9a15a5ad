"""Whether a raw date is complete: every file its sources' own indexes expect is there.

A date folder that exists is not a complete date: a fetch killed half-way leaves some of a
date's files written and the rest missing. Each source's index says what to expect:

- the scoreboard (``nba_scoreboard/<date>/scoreboard.json``): one box score and one
  play-by-play file (``<gameId>.json``, or ``.json.gz``) per final game (``gameStatus`` 3);
- the odds event list (``odds_events/<date>/events.json``, The Odds API's historical
  events response): at least one game-lines file ``<eventId>_<snapshot>.json`` per listed
  event. Which snapshots exist is the fetcher's choice, so per event one file is what the
  index can demand; a store written by the simulator writes the event list after every
  odds file of the date, so a present list also means its snapshots are all there. The
  real fetcher (``sources/odds``) writes the events response it fetched to the same file
  first, so a date it left half-way names the events still without lines.

A box score or play-by-play file of a game the date's scoreboard does not list is reported
too (a game filed under the wrong date; Phase 2 quarantines it).

A store filled by ``backcourt import`` has team game logs (``nba_team_gamelogs``) instead of
scoreboards: on a date without a scoreboard, its logs' games are the index of the box
scores and play-by-play files, for each of those sources the date holds at all (imported
box scores without play-by-play are complete box scores, not a missing scoreboard).

A date whose index is missing while some of its other sources hold files is incomplete
(the index is the last file a date gets). Odds are optional: a date with no odds file and
no event list is not incomplete. Unreadable indexes are reported as such (Phase 2
quarantines them with the reason).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import orjson

SCOREBOARD = "nba_scoreboard"
BOXSCORE = "nba_boxscore"
PLAYBYPLAY = "nba_playbyplay"
ODDS_EVENTS = "odds_events"
LINES = "odds_game_lines"
PROPS = "odds_player_props"
GAMELOGS = "nba_team_gamelogs"
SCOREBOARD_FILE = "scoreboard.json"
EVENTS_FILE = "events.json"
# the sources whose files hang off the scoreboard's games
GAME_SOURCES = (BOXSCORE, PLAYBYPLAY)
DAILY_SOURCES = (SCOREBOARD, BOXSCORE, PLAYBYPLAY, "nba_injury_report", "nba_rosters",
                 LINES, PROPS, ODDS_EVENTS)


@dataclass(frozen=True)
class IncompleteDate:
    day: date
    missing: tuple[str, ...]   # "source/date/file", with why when it is an index
    unexpected: tuple[str, ...] = ()   # game files of games the scoreboard does not list

    def as_dict(self) -> dict:
        return {"date": self.day.isoformat(), "missing": list(self.missing),
                "unexpected": list(self.unexpected)}


def _names(store, source: str, day: date) -> set[str]:
    return {f.name for f in store.list_files(source, day)}


def _stem(name: str) -> str:
    return name.removesuffix(".gz").removesuffix(".json")


def _read_index(store, source: str, day: date, name: str):
    """The parsed index, or None when it cannot be read (an error string instead)."""
    files = [f for f in store.list_files(source, day) if _stem(f.name) == _stem(name)]
    if not files:
        return None, None
    try:
        return orjson.loads(store.read_bytes(files[0])), None
    except Exception as exc:  # any decode problem: the index cannot say what to expect
        return None, f"{source}/{day.isoformat()}/{files[0].name} (unreadable index: {exc})"


def game_ids(doc) -> set[str]:
    games = (doc or {}).get("scoreboard", {}).get("games", []) if isinstance(doc, dict) else []
    return {g["gameId"] for g in games if isinstance(g, dict) and "gameId" in g}


def final_game_ids(doc) -> list[str]:
    games = (doc or {}).get("scoreboard", {}).get("games", []) if isinstance(doc, dict) else []
    return sorted(g["gameId"] for g in games
                  if isinstance(g, dict) and g.get("gameStatus") == 3 and "gameId" in g)


def event_ids(doc) -> list[str]:
    data = doc.get("data", []) if isinstance(doc, dict) else []
    return sorted(e["id"] for e in data if isinstance(e, dict) and "id" in e)


def _logged_games(store, day: date) -> set[str]:
    """The games of the date's team game logs (``GAME_ID`` of every row; an unreadable log
    adds none: Phase 2 quarantines it)."""
    out: set[str] = set()
    for f in store.list_files(GAMELOGS, day):
        try:
            doc = orjson.loads(store.read_bytes(f))
            for rs in doc["resultSets"]:
                at = rs["headers"].index("GAME_ID")
                out |= {row[at] for row in rs["rowSet"] if isinstance(row[at], str)}
        except Exception:  # noqa: BLE001,S112 - any shape problem: this log dates nothing
            continue
    return out


def missing_files(store, day: date, expected: bool = False) -> tuple[list[str], list[str]]:
    """What ``day`` lacks by its sources' indexes (``expected``: the date is known to have
    games, so a date with nothing at all is missing its scoreboard too), and the game files
    its scoreboard does not list."""
    iso = day.isoformat()
    out: list[str] = []
    extra: list[str] = []
    names = {s: _names(store, s, day) for s in DAILY_SOURCES}
    board, bad = _read_index(store, SCOREBOARD, day, SCOREBOARD_FILE)
    logged = _logged_games(store, day) if board is None and not bad else None
    if bad:
        out.append(bad)
    elif logged:
        for source in GAME_SOURCES:
            if names[source]:
                out += [f"{source}/{iso}/{game}.json" for game in sorted(logged)
                        if not names[source] & {f"{game}.json", f"{game}.json.gz"}]
                extra += [f"{source}/{iso}/{n} (a game not in the date's team game logs)"
                          for n in sorted(names[source]) if _stem(n) not in logged]
    elif board is None:
        if expected or any(names[s] for s in DAILY_SOURCES if s != SCOREBOARD):
            out.append(f"{SCOREBOARD}/{iso}/{SCOREBOARD_FILE} (the date's index)")
    else:
        for game in final_game_ids(board):
            for source in GAME_SOURCES:
                if not names[source] & {f"{game}.json", f"{game}.json.gz"}:
                    out.append(f"{source}/{iso}/{game}.json")
        listed = game_ids(board)
        for source in GAME_SOURCES:
            extra += [f"{source}/{iso}/{n} (a game not on the date's scoreboard)"
                      for n in sorted(names[source]) if _stem(n) not in listed]
    events, bad = _read_index(store, ODDS_EVENTS, day, EVENTS_FILE)
    if bad:
        out.append(bad)
    elif events is None:
        if names[LINES] or names[PROPS]:
            out.append(f"{ODDS_EVENTS}/{iso}/{EVENTS_FILE} (the odds index)")
    else:
        have = {n.split("_", 1)[0] for n in names[LINES]}
        out += [f"{LINES}/{iso}/{ev}_<snapshot>.json" for ev in event_ids(events)
                if ev not in have]
    return out, extra


def incomplete_raw_dates(store, start: date, end: date,
                         expected: Iterable[date] = ()) -> list[IncompleteDate]:
    """The dates in [start, end] that are incomplete, with what each is missing (or holds
    unexpectedly): among the dates holding any raw file and the ``expected`` game dates
    (e.g. from a schedule)."""
    wanted = {d for d in expected if start <= d <= end}
    present: set[date] = set()
    for source in DAILY_SOURCES:
        present |= {d for d in store.list_dates(source) if start <= d <= end}
    out = []
    for day in sorted(present | wanted):
        missing, extra = missing_files(store, day, expected=day in wanted)
        if missing or extra:
            out.append(IncompleteDate(day, tuple(missing), tuple(extra)))
    return out


def incomplete_dates(store, start: date, end: date) -> dict[date, str]:
    """The dates of [start, end] with a file missing that their indexes expect, and what
    (the Phase 1 source's ``incomplete``: those dates are fetched again)."""
    out = {}
    for i in incomplete_raw_dates(store, start, end):
        if i.missing:
            out[i.day] = ", ".join(i.missing[:3]) + (
                f" and {len(i.missing) - 3} more" if len(i.missing) > 3 else "")
    return out
