"""``scrape --source odds`` against a local server that answers like The Odds API's
historical endpoints: the latest 5-minute snapshot at or before the time asked, the quota
in the response headers, HTTP 401 once the account's credits are spent."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import orjson
import pytest

from backcourt.pipeline.phase2.names import PlayerResolver
from backcourt.pipeline.phase2.parsers import PARSERS
from backcourt.rawstore import RawStore, provenance
from backcourt.sources import odds
from backcourt.sources.polite import FetchLog
from tests.sources.replay import Replay, serve

FIXTURES = Path(__file__).parent.parent / "fixtures"
KEY = "test-key-0123456789abcdef"
NOV5, NOV6 = date(2025, 11, 5), date(2025, 11, 6)
# (id, commence UTC, home, away): two games on Nov 5 (US Eastern), one on Nov 6
EVENTS = [
    ("e912304de2b2ce35b473ce2ecd3d1502", "2025-11-06T02:00:00Z", "Denver Nuggets", "Miami Heat"),
    ("5b0c3cf9a7e24e7f9c2f0a1e6d4b8c11", "2025-11-06T00:00:00Z", "Cleveland Cavaliers",
     "Philadelphia 76ers"),
    ("7d1e2f3a4b5c6d7e8f901a2b3c4d5e6f", "2025-11-07T00:30:00Z", "Toronto Raptors",
     "Milwaukee Bucks"),
]
COST = {"player_points": 10, "h2h,spreads,totals": 30}


def _ts(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class OddsSite(Replay):
    def __init__(self, credits: int = 10_000):
        super().__init__(routes={"events": self._events, "odds": self._odds})
        self.remaining, self.used = credits, 0
        self.in_game: set[str] = set()   # events answered with an in-game snapshot
        self.no_lines: set[str] = set()  # events no bookmaker quotes game lines for

    def _charge(self, cost: int) -> tuple[int, bytes, dict] | dict:
        if self.remaining < cost:
            return 401, b'{"message": "Usage quota has been reached", ' \
                        b'"error_code": "OUT_OF_USAGE_CREDITS"}', self._quota(0)
        self.remaining -= cost
        self.used += cost
        return self._quota(cost)

    def _quota(self, last: int) -> dict:
        return {"x-requests-remaining": str(self.remaining), "x-requests-used": str(self.used),
                "x-requests-last": str(last)}

    def _events(self, path, query):
        assert query["apiKey"] == KEY
        charged = self._charge(1)
        if isinstance(charged, tuple):
            return charged
        lo, hi = _ts(query["commenceTimeFrom"]), _ts(query["commenceTimeTo"])
        data = [{"id": i, "sport_key": "basketball_nba", "sport_title": "NBA",
                 "commence_time": c, "home_team": h, "away_team": a}
                for i, c, h, a in EVENTS if lo <= _ts(c) < hi]
        return 200, orjson.dumps({"timestamp": query["date"], "previous_timestamp": None,
                                  "next_timestamp": None, "data": data}), charged

    def _odds(self, path, query):
        assert query["apiKey"] == KEY
        event_id = path.split("/")[-2]
        charged = self._charge(COST[query["markets"]])
        if isinstance(charged, tuple):
            return charged
        _, commence, home, away = next(e for e in EVENTS if e[0] == event_id)
        props = query["markets"] == "player_points"
        if event_id in self.in_game and props:
            body = orjson.loads((FIXTURES / "odds_props_ingame.json").read_bytes())
            taken = _ts(commence) + timedelta(minutes=30)
        else:
            name = "odds_props_pregame.json" if props else "odds_game_lines.json"
            # the recorded game's teams become this event's (outcome names included)
            text = (FIXTURES / name).read_text().replace("Denver Nuggets", home) \
                .replace("Miami Heat", away)
            body = orjson.loads(text)
            asked = _ts(query["date"])
            taken = asked - timedelta(minutes=asked.minute % 5, seconds=asked.second)
        body["timestamp"] = _iso(taken)
        body["data"].update(id=event_id, commence_time=commence, home_team=home,
                            away_team=away)
        if event_id in self.no_lines and not props:
            body["data"]["bookmakers"] = []
        return 200, orjson.dumps(body), charged


@pytest.fixture
def site(httpserver):
    replay = OddsSite()
    replay.url = serve(httpserver, replay)
    return replay


def _settings(site, **kw) -> odds.OddsSettings:
    return odds.OddsSettings(**{"base_url": site.url, "per_second": 200.0, "attempts": 2,
                                "backoff_s": 0.01, "timeout_s": 5.0, **kw})


def _files(store: RawStore, source: str) -> list[str]:
    return sorted(f.display for d in store.list_dates(source) for f in store.list_files(source, d))


def test_every_line_is_a_snapshot_before_tip_off_and_phase2_reads_it(site, tmp_path):
    store = RawStore(str(tmp_path / "raw"))
    result = odds.fetch(store, NOV5, NOV6, KEY, _settings(site, minutes_before=45))
    assert result.ok, result.failed
    assert result.dates == [NOV5, NOV6] and result.files == 6 and result.requests == 8
    assert result.quota == {"remaining": 10_000 - 2 - 3 * 40, "used": 122, "last": 30}
    assert _files(store, "odds_player_props") == [
        "odds_player_props/2025-11-05/5b0c3cf9a7e24e7f9c2f0a1e6d4b8c11_20251105T231500Z.json",
        "odds_player_props/2025-11-05/e912304de2b2ce35b473ce2ecd3d1502_20251106T011500Z.json",
        "odds_player_props/2025-11-06/7d1e2f3a4b5c6d7e8f901a2b3c4d5e6f_20251106T234500Z.json",
    ]
    assert len(_files(store, "odds_game_lines")) == 3
    commence = {i: _ts(c) for i, c, _, _ in EVENTS}
    for seen in site.paths("odds"):
        assert _ts(seen.query["date"]) == commence[seen.path.split("/")[-2]] - \
            timedelta(minutes=45)
    # the events are listed on the morning of the date (09:00 US Eastern)
    assert [s.query["date"] for s in site.paths("events")] == ["2025-11-05T14:00:00Z",
                                                               "2025-11-06T14:00:00Z"]
    resolver = PlayerResolver()
    for source in ("odds_player_props", "odds_game_lines"):
        for d in store.list_dates(source):
            for f in store.list_files(source, d):
                rows = next(iter(PARSERS[source](store.read_bytes(f), f, resolver)
                                 .rows.values()))
                assert rows and all(r["is_pregame"] for r in rows), f.display


def test_an_in_game_snapshot_is_never_written(site, tmp_path):
    site.in_game.add(EVENTS[0][0])
    store = RawStore(str(tmp_path / "raw"))
    result = odds.fetch(store, NOV5, NOV5, KEY, _settings(site))
    assert result.refused_in_game == [f"{EVENTS[0][0]} odds_player_props"]
    assert not result.ok
    assert f"2025-11-05 {EVENTS[0][0]} odds_player_props" in result.failed
    assert not any(EVENTS[0][0] in f for f in _files(store, "odds_player_props"))
    assert any(EVENTS[0][0] in f for f in _files(store, "odds_game_lines"))
    assert FetchLog.open(store, "odds").get("2025-11-05")["status"] == "failed"


def test_a_request_budget_stops_cleanly_and_a_rerun_fetches_only_the_rest(site, tmp_path):
    store = RawStore(str(tmp_path / "raw"))
    result = odds.fetch(store, NOV5, NOV6, KEY, _settings(site, max_requests=4))
    assert result.stopped == "--max-requests 4 reached" and not result.ok
    assert result.requests == 4 and result.files == 3 and result.dates == []
    entry = FetchLog.open(store, "odds").get("2025-11-05")
    assert entry["status"] == "stopped" and "events" not in entry
    # the event list is kept where the simulator keeps it: the date's raw odds index
    stored = orjson.loads((tmp_path / "raw" / "odds_events" / "2025-11-05" / "events.json")
                          .read_bytes())
    assert len(stored["data"]) == 2 and stored["timestamp"] == "2025-11-05T14:00:00Z"
    assert len(site.seen) == 4
    again = odds.fetch(store, NOV5, NOV6, KEY, _settings(site))
    assert again.ok and again.dates == [NOV5, NOV6]
    # Nov 5: its event list and three files were kept, one file was missing; Nov 6: all
    assert again.requests == 1 + 3 and again.files == 3
    assert len(_files(store, "odds_player_props")) == len(_files(store, "odds_game_lines")) == 3


def test_the_quota_running_out_mid_run_stops_it_and_a_later_run_resumes(site, tmp_path):
    site.remaining = 1 + 40 + 10     # the events, one event's lines, one more props call
    store = RawStore(str(tmp_path / "raw"))
    result = odds.fetch(store, NOV5, NOV6, KEY, _settings(site))
    assert result.stopped is not None and "quota" in result.stopped
    assert result.quota["remaining"] == 0 and result.files == 3
    # the key never reaches the fetch log or the result
    assert KEY not in (tmp_path / "raw" / ".backcourt" / "fetch-log-odds.json").read_text()
    assert KEY not in orjson.dumps(result.as_dict()).decode()
    site.remaining = 10_000           # the next month's credits
    again = odds.fetch(store, NOV5, NOV6, KEY, _settings(site))
    assert again.ok and again.files == 3
    assert len(_files(store, "odds_game_lines")) == 3


def test_a_store_of_simulated_data_is_refused(site, tmp_path):
    store = RawStore(str(tmp_path / "raw"))
    provenance.claim(store, "sim")
    with pytest.raises(provenance.ProvenanceError):
        odds.fetch(store, NOV5, NOV5, KEY, _settings(site))
    assert site.seen == []


def test_the_snapshot_asked_for_is_always_before_tip_off():
    tip = datetime(2025, 11, 6, 2, 0, tzinfo=UTC)
    for minutes in (-30, 0, 1, 60):
        assert odds.snapshot_time(tip, minutes) < tip


def test_the_scrape_command_needs_a_key_and_reports_a_budget_stop(site, tmp_path):
    from typer.testing import CliRunner

    from backcourt.cli import cli

    env = {"BACKCOURT_RAW": str(tmp_path / "raw"), "ODDS_API_KEY": "",
           "XDG_CONFIG_HOME": str(tmp_path / "no-config")}   # never the operator's own file
    args = ["scrape", "--source", "odds", "--start", "2025-11-05", "--end", "2025-11-06",
            "--base-url", site.url, "--rate", "100"]
    r = CliRunner().invoke(cli, args, env=env)
    assert r.exit_code == 2 and "ODDS_API_KEY" in r.output and not site.seen
    env["ODDS_API_KEY"] = KEY
    r = CliRunner().invoke(cli, [*args, "--max-requests", "2", "--json"], env=env)
    assert r.exit_code == 1
    body = orjson.loads(r.stdout)
    assert body["stopped"] == "--max-requests 2 reached" and body["files"] == 1
    assert KEY not in r.output
    r = CliRunner().invoke(cli, args, env=env)
    assert r.exit_code == 0, r.output
    assert "6 files" not in r.output and "5 files written" in r.output and KEY not in r.output


def test_the_key_comes_from_the_config_file_and_is_never_written_anywhere(site, tmp_path):
    """No ODDS_API_KEY: the key is read from the config file (BACKCOURT_CONFIG, or
    $XDG_CONFIG_HOME/backcourt/config.toml), sent to the API, and appears in no output, no
    --json, no ledger row and no file of the raw store or beside the warehouse."""
    import duckdb
    from typer.testing import CliRunner

    from backcourt import app as lib
    from backcourt.cli import cli

    config = tmp_path / "backcourt.toml"
    config.write_text(f'[odds]\napi_key = "{KEY}"\n')
    raw, wh = tmp_path / "raw", tmp_path / "wh" / "wh.duckdb"
    wh.parent.mkdir()
    env = {"BACKCOURT_RAW": str(raw), "BACKCOURT_WAREHOUSE": str(wh), "ODDS_API_KEY": "",
           "BACKCOURT_CONFIG": str(config), "BACKCOURT_ODDS_API_URL": site.url}
    r = CliRunner().invoke(cli, ["scrape", "--source", "odds", "--start", "2025-11-05",
                                 "--end", "2025-11-05", "--rate", "100", "--json"], env=env)
    assert r.exit_code == 0, r.output
    assert site.seen and KEY not in r.output          # the server checked apiKey == KEY
    r = CliRunner().invoke(cli, ["backfill", "--source", "odds", "--start", "2025-11-06",
                                 "--end", "2025-11-06", "--phases", "1", "--json"], env=env)
    assert orjson.loads(r.stdout)["phase1"]["sources"] == ["odds"], r.output
    assert KEY not in r.output
    lib.release_locks()
    for folder in (raw, wh.parent):
        for p in folder.rglob("*"):
            if p.is_file() and p.suffix not in (".duckdb", ".wal"):
                assert KEY.encode() not in p.read_bytes(), p
    con = duckdb.connect(str(wh))
    try:
        for schema, table, column in con.execute(
                "SELECT table_schema, table_name, column_name FROM information_schema.columns "
                "WHERE data_type = 'VARCHAR'").fetchall():
            [(n,)] = con.execute(f'SELECT count(*) FROM "{schema}"."{table}" '
                                 f'WHERE "{column}" LIKE ?', [f"%{KEY}%"]).fetchall()
            assert n == 0, (schema, table, column)
    finally:
        con.close()
    # the same key from $XDG_CONFIG_HOME/backcourt/config.toml
    xdg = tmp_path / "xdg" / "backcourt"
    xdg.mkdir(parents=True)
    config.rename(xdg / "config.toml")
    env.pop("BACKCOURT_CONFIG")
    env["XDG_CONFIG_HOME"] = str(tmp_path / "xdg")
    seen = len(site.seen)
    r = CliRunner().invoke(cli, ["scrape", "--source", "odds", "--start", "2025-11-07",
                                 "--end", "2025-11-07", "--rate", "100"], env=env)
    assert r.exit_code == 0, r.output
    assert len(site.seen) > seen and KEY not in r.output


def test_a_config_file_that_cannot_give_a_key_is_named_without_its_text(tmp_path):
    from typer.testing import CliRunner

    from backcourt.cli import cli

    config = tmp_path / "config.toml"
    config.write_text(f"[odds]\napi_key = {KEY}\n")       # unquoted: not TOML
    env = {"BACKCOURT_RAW": str(tmp_path / "raw"), "ODDS_API_KEY": "",
           "BACKCOURT_CONFIG": str(config)}
    args = ["scrape", "--source", "odds", "--start", "2025-11-05", "--end", "2025-11-05",
            "--base-url", "http://127.0.0.1:9"]
    r = CliRunner().invoke(cli, args, env=env)
    assert r.exit_code == 2 and str(config) in r.output and "not TOML" in r.output
    assert KEY not in r.output and "Traceback" not in r.output
    env["BACKCOURT_CONFIG"] = str(tmp_path / "missing.toml")
    r = CliRunner().invoke(cli, args, env=env)
    assert r.exit_code == 2 and "no such config file" in r.output
    config.write_text("[odds]\n")                          # no key at all
    env["BACKCOURT_CONFIG"] = str(config)
    r = CliRunner().invoke(cli, args, env=env)
    assert r.exit_code == 2 and "ODDS_API_KEY" in r.output and str(config) in r.output


def test_the_fetchers_event_list_is_the_odds_index_completeness_reads(site, tmp_path):
    """The real fetcher stores the events response it fetched where the simulator writes its
    event list (odds_events/<date>/events.json, the same shape), so the store's own index
    tells a half-fetched odds date from a complete one; a re-run reads the list back
    instead of asking the API again."""
    from backcourt.sources.completeness import event_ids, missing_files

    store = RawStore(str(tmp_path / "raw"))

    def odds_missing(day: date) -> list[str]:
        return [m for m in missing_files(store, day)[0] if "odds" in m]

    stopped = odds.fetch(store, NOV5, NOV5, KEY, _settings(site, max_requests=2))
    assert stopped.stopped is not None          # the events and one event's props only
    events_file = tmp_path / "raw" / "odds_events" / "2025-11-05" / "events.json"
    [events_call] = site.paths("events")
    assert orjson.loads(events_file.read_bytes())["timestamp"] == events_call.query["date"]
    listed = event_ids(orjson.loads(events_file.read_bytes()))
    assert sorted(listed) == sorted(e[0] for e in EVENTS[:2])
    assert odds_missing(NOV5) == sorted(f"odds_game_lines/2025-11-05/{ev}_<snapshot>.json"
                                        for ev in listed)
    again = odds.fetch(store, NOV5, NOV6, KEY, _settings(site))
    assert again.ok and len(site.paths("events")) == 2      # Nov 5's list was not asked again
    assert odds_missing(NOV5) == [] and odds_missing(NOV6) == []
    assert (tmp_path / "raw" / "odds_events" / "2025-11-06" / "events.json").exists()
    # the documented shape, the simulator's too (docs/RAW_FORMATS.md)
    doc = orjson.loads(events_file.read_bytes())
    assert set(doc) == {"timestamp", "previous_timestamp", "next_timestamp", "data"}
    assert {k for e in doc["data"] for k in e} == {"id", "sport_key", "sport_title",
                                                   "commence_time", "home_team", "away_team"}


def test_an_event_without_game_lines_keeps_the_empty_answer_and_its_date_is_complete(
        site, tmp_path):
    """No bookmaker quotes game lines for one event: the API's empty answer is its
    game-lines file (Phase 2 reads no line from it), so the index's one-file-per-event rule
    holds and the date is complete; a re-run asks nothing again."""
    from backcourt.sources.completeness import missing_files

    quiet = EVENTS[0][0]
    site.no_lines.add(quiet)
    store = RawStore(str(tmp_path / "raw"))
    result = odds.fetch(store, NOV5, NOV5, KEY, _settings(site))
    assert result.ok and result.files == 4
    [empty] = [f for f in store.list_files("odds_game_lines", NOV5) if f.name.startswith(quiet)]
    out = PARSERS["odds_game_lines"](store.read_bytes(empty), empty, PlayerResolver())
    assert out.rows["game_lines"] == []
    assert [m for m in missing_files(store, NOV5)[0] if "odds" in m] == []
    entry = FetchLog.open(store, "odds").get("2025-11-05")
    assert entry["outcomes"][f"{quiet} odds_game_lines"] == "empty"
    asked = len(site.seen)
    again = odds.fetch(store, NOV5, NOV5, KEY, _settings(site))
    assert again.ok and len(site.seen) == asked
    assert FetchLog.open(store, "odds").get("2025-11-05")["outcomes"][
        f"{quiet} odds_game_lines"] == "empty"
