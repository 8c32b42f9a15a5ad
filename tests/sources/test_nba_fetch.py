"""``scrape --source nba`` against a local server replaying the stats site's responses
(the real samples, and hand-written fixtures in the documented shapes)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import orjson
import pytest

from backcourt.pipeline.phase2.names import PlayerResolver
from backcourt.pipeline.phase2.parsers import PARSERS
from backcourt.rawstore import RawStore, provenance
from backcourt.sources import nba
from backcourt.sources.nba.client import StatsSettings
from backcourt.sources.polite import FetchLog
from tests.sources.replay import Replay, serve

FIXTURES = Path(__file__).parent.parent / "fixtures"
SITE = FIXTURES / "stats_site"
OFF_DAY, GAME_DAY, LIVE_DAY = date(2025, 11, 2), date(2025, 11, 3), date(2025, 11, 4)
GAME = "0022500165"                       # MIL 100 @ TOR 128
TEAMS = {1610612761, 1610612749}
OPENING = date(2025, 11, 5)               # the first date of the schedule fixture


def _json(path: Path):
    return lambda _path, _query: (200, path.read_bytes(), {})


def _scoreboard(_path, query):
    name = {GAME_DAY.isoformat(): "scoreboardv3_2025-11-03.json",
            LIVE_DAY.isoformat(): "scoreboardv3_live.json"}.get(query["GameDate"],
                                                               "scoreboardv3_empty.json")
    return 200, (SITE / name).read_bytes(), {}


def _roster(_path, query):
    body = orjson.loads((FIXTURES / "commonteamroster.json").read_bytes())
    team = int(query["TeamID"])
    body["parameters"]["TeamID"] = team
    for row in body["resultSets"][0]["rowSet"]:
        row[0] = team
    return 200, orjson.dumps(body), {}


@pytest.fixture
def site(httpserver):
    replay = Replay(routes={
        "scoreboardv3": _scoreboard,
        "boxscoretraditionalv3": _json(FIXTURES / "nba_api_samples"
                                       / "boxscoretraditionalv3.json"),
        "playbyplayv3": _json(SITE / "playbyplayv3_0022500165.json"),
        "commonteamroster": _roster,
        "scheduleleaguev2": _json(FIXTURES / "scheduleleaguev2.json"),
    })
    replay.url = serve(httpserver, replay) + "/stats"
    return replay


def _settings(site, **kw) -> StatsSettings:
    return StatsSettings(**{"base_url": site.url, "per_second": 200.0, "attempts": 3,
                            "backoff_s": 0.01, "timeout_s": 5.0, **kw})


def _names(store: RawStore, source: str, day: date) -> list[str]:
    return [f.name for f in store.list_files(source, day)]


def test_a_range_lands_in_the_documented_folders_and_phase2_parses_it(site, tmp_path):
    store = RawStore(str(tmp_path / "raw"))
    result = nba.fetch(store, OFF_DAY, GAME_DAY, _settings(site))
    assert result.ok, result.failed
    assert result.dates == [GAME_DAY] and result.no_games == [OFF_DAY]
    assert _names(store, "nba_scoreboard", GAME_DAY) == ["scoreboard.json"]
    assert _names(store, "nba_boxscore", GAME_DAY) == [f"{GAME}.json"]
    assert _names(store, "nba_playbyplay", GAME_DAY) == [f"{GAME}.json"]
    assert _names(store, "nba_rosters", GAME_DAY) == sorted(f"{t}.json" for t in TEAMS)
    assert _names(store, "nba_schedule", OPENING) == ["schedule.json"]
    assert store.list_dates("nba_scoreboard") == [GAME_DAY]   # an off day writes nothing
    # the bytes are the site's own
    box = store.list_files("nba_boxscore", GAME_DAY)[0]
    assert store.read_bytes(box) == (FIXTURES / "nba_api_samples"
                                     / "boxscoretraditionalv3.json").read_bytes()
    # the headers the stats site needs were sent
    headers = site.seen[0].headers
    assert "Chrome" in headers["User-Agent"]
    assert headers["Referer"] == "https://www.nba.com/"
    assert headers["Origin"] == "https://www.nba.com"
    # every file fetched is accepted by its Phase 2 parser
    resolver = PlayerResolver()
    for source in ("nba_scoreboard", "nba_boxscore", "nba_playbyplay", "nba_rosters"):
        for f in store.list_files(source, GAME_DAY):
            out = PARSERS[source](store.read_bytes(f), f, resolver)
            assert any(out.rows.values()), f.display
    log = FetchLog.open(store, "nba").entries
    assert log[OFF_DAY.isoformat()]["status"] == "no games"
    assert log[GAME_DAY.isoformat()]["status"] == "done"
    assert log[GAME_DAY.isoformat()]["files"] == 5
    assert provenance.read(store).as_dict() == {"kind": "real", "sources": {"nba": "real"}}


def test_a_rerun_requests_nothing_that_is_already_there(site, tmp_path):
    store = RawStore(str(tmp_path / "raw"))
    nba.fetch(store, OFF_DAY, GAME_DAY, _settings(site))
    first = len(site.seen)
    again = nba.fetch(store, OFF_DAY, GAME_DAY, _settings(site))
    assert again.ok and again.dates == [GAME_DAY] and again.files == 0
    assert again.requests == 0 and len(site.seen) == first


def test_the_rate_limit_spaces_every_request(site, tmp_path):
    store = RawStore(str(tmp_path / "raw"))
    result = nba.fetch(store, GAME_DAY, GAME_DAY, _settings(site, per_second=2.0))
    assert result.ok and result.requests == 6   # schedule, scoreboard, box, pbp, 2 rosters
    times = [s.at for s in site.seen]
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    # 0.5 s apart when sent; arrival times jitter by a few ms on a loaded machine
    assert len(gaps) == 5 and min(gaps) >= 0.45, gaps
    assert times[-1] - times[0] >= 5 * 0.5 - 0.05


def test_a_429_is_retried_after_a_backoff_then_succeeds(site, tmp_path):
    site.fail("boxscoretraditionalv3", 429)
    store = RawStore(str(tmp_path / "raw"))
    result = nba.fetch(store, GAME_DAY, GAME_DAY, _settings(site))
    assert result.ok and result.dates == [GAME_DAY]
    assert len(site.paths("boxscoretraditionalv3")) == 2
    assert _names(store, "nba_boxscore", GAME_DAY) == [f"{GAME}.json"]


def test_a_timeout_is_retried(site, tmp_path):
    site.slow("scoreboardv3", 0.8)
    store = RawStore(str(tmp_path / "raw"))
    result = nba.fetch(store, GAME_DAY, GAME_DAY, _settings(site, timeout_s=0.4))
    assert result.ok and result.dates == [GAME_DAY]
    assert len(site.paths("scoreboardv3")) == 2


def test_5xx_until_the_retries_run_out_fails_the_date_and_a_rerun_resumes(site, tmp_path):
    site.fail("playbyplayv3", 503, 503, 503)
    store = RawStore(str(tmp_path / "raw"))
    result = nba.fetch(store, OFF_DAY, GAME_DAY, _settings(site, attempts=3))
    assert result.failed == {GAME_DAY.isoformat(): "HTTP 503"}
    assert result.no_games == [OFF_DAY] and result.dates == []
    assert len(site.paths("playbyplayv3")) == 3
    entry = FetchLog.open(store, "nba").get(GAME_DAY.isoformat())
    assert (entry["status"], entry["reason"]) == ("failed", "HTTP 503")
    assert store.list_dates("nba_playbyplay") == []     # nothing half-written
    assert _names(store, "nba_boxscore", GAME_DAY) == [f"{GAME}.json"]
    # the next run asks only for what is missing
    before = {e: len(site.paths(e)) for e in ("scoreboardv3", "boxscoretraditionalv3")}
    again = nba.fetch(store, OFF_DAY, GAME_DAY, _settings(site))
    assert again.ok and again.dates == [GAME_DAY]
    assert {e: len(site.paths(e)) for e in before} == before
    assert FetchLog.open(store, "nba").get(GAME_DAY.isoformat())["status"] == "done"


def test_a_date_with_a_live_game_writes_nothing_and_is_not_done(site, tmp_path):
    store = RawStore(str(tmp_path / "raw"))
    result = nba.fetch(store, LIVE_DAY, LIVE_DAY, _settings(site))
    assert not result.ok and "not final" in result.failed[LIVE_DAY.isoformat()]
    assert store.list_dates("nba_scoreboard") == []
    assert not site.paths("boxscoretraditionalv3")


def test_a_store_of_simulated_data_is_refused_before_any_request(site, tmp_path):
    store = RawStore(str(tmp_path / "raw"))
    provenance.claim(store, "sim")
    with pytest.raises(provenance.ProvenanceError, match="simulated"):
        nba.fetch(store, GAME_DAY, GAME_DAY, _settings(site))
    assert site.seen == []


def test_phase1_of_a_backfill_fetches_what_a_real_store_misses_with_its_source(
        site, tmp_path, monkeypatch):
    import shutil

    from backcourt import app as lib
    from tests.conftest import make_context

    raw = tmp_path / "raw"
    store = RawStore(str(raw))
    assert nba.fetch(store, GAME_DAY, GAME_DAY, _settings(site)).ok
    shutil.rmtree(raw / "nba_playbyplay")
    before = len(site.seen)
    monkeypatch.setenv("BACKCOURT_NBA_STATS_URL", site.url)
    ctx = make_context(tmp_path, str(raw))
    try:
        first = lib.phase1(ctx, GAME_DAY, GAME_DAY, seed=0)
    finally:
        ctx.wh.close()
        lib.release_locks()
    assert first.ok and (first.kind, first.sources, first.dates) == ("real", ["nba"],
                                                                      [GAME_DAY])
    assert [s.path for s in site.seen[before:]] == ["/stats/playbyplayv3"]
    assert _names(store, "nba_playbyplay", GAME_DAY) == [f"{GAME}.json"]
    assert not (raw / "nba_injury_report").exists()      # nothing simulated


def test_backfill_with_source_nba_fills_an_empty_store_then_loads_it(site, tmp_path):
    from typer.testing import CliRunner

    from backcourt.cli import cli

    env = {"BACKCOURT_RAW": str(tmp_path / "raw"),
           "BACKCOURT_WAREHOUSE": str(tmp_path / "wh.duckdb"),
           "BACKCOURT_NBA_STATS_URL": site.url}
    rng = ["--start", GAME_DAY.isoformat(), "--end", GAME_DAY.isoformat()]
    mixed = CliRunner().invoke(cli, ["backfill", *rng, "--source", "sim", "--source", "nba"],
                               env=env)
    assert mixed.exit_code == 2 and not site.seen
    r = CliRunner().invoke(cli, ["backfill", *rng, "--source", "nba", "--phases", "1-2",
                                 "--json"], env=env)
    body = orjson.loads(r.stdout)
    assert body["phase1"] == {"kind": "real", "sources": ["nba"], "dates": ["2025-11-03"],
                              "failed": {}, "skipped": {}}
    # no source fetches the league's injury report yet: an absent optional input
    assert r.exit_code == 0, r.stdout
    assert body["succeeded"] > 0 and body["failed"] == 0 and not body["blocked"]["count"]
    from backcourt import app as lib
    from tests.conftest import make_context

    ctx = make_context(tmp_path, str(tmp_path / "raw"))
    try:
        assert ctx.wh.query("SELECT home_team_abbr, away_team_abbr FROM nba_raw.schedule"
                            ) == [("TOR", "MIL")]
        players = ctx.wh.query("SELECT count(DISTINCT player_id) FROM "
                               "nba_raw.gamebook_player_stats")[0][0]
    finally:
        ctx.wh.close()
        lib.release_locks()
    assert players > 20
