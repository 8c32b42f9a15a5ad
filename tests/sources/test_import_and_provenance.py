"""``backcourt import`` splits a span of real game logs into date folders; a store of real
data is never simulated into, and the simulator's store takes no real data."""

from __future__ import annotations

import gzip
import shutil
from datetime import date
from pathlib import Path

import orjson
from typer.testing import CliRunner

from backcourt import app as lib
from backcourt.cli import cli
from backcourt.rawstore import RawStore, provenance
from tests.conftest import make_context

FIXTURES = Path(__file__).parent.parent / "fixtures"
SPAN = FIXTURES / "leaguegamelog_span.json"       # 2025-11-03..05, one bad row on the 5th
NOV3, NOV4 = date(2025, 11, 3), date(2025, 11, 4)
runner = CliRunner()


def invoke(*args: str, raw: Path, warehouse: Path | None = None):
    env = {"BACKCOURT_RAW": str(raw)}
    if warehouse is not None:
        env["BACKCOURT_WAREHOUSE"] = str(warehouse)
    return runner.invoke(cli, list(args), env=env)


def test_import_splits_a_span_by_date_and_names_what_it_rejects(tmp_path):
    raw = tmp_path / "raw"
    r = invoke("import", str(SPAN), "--json", raw=raw)
    assert r.exit_code == 1, r.stdout                 # one date rejected: not all done
    body = orjson.loads(r.stdout)
    assert body["dates"] == {"2025-11-03": 2, "2025-11-04": 2}
    [problem] = body["problems"]
    assert "rowSet[4][9]" in problem and "FGM" in problem and "2025-11-05" in problem
    store = RawStore(str(raw))
    assert store.list_dates("nba_team_gamelogs") == [NOV3, NOV4]
    day = orjson.loads(store.read_bytes(store.list_files("nba_team_gamelogs", NOV4)[0]))
    rows = day["resultSets"][0]["rowSet"]
    assert {row[5] for row in rows} == {"2025-11-04"} and len(rows) == 2
    assert day["resource"] == "leaguegamelog"
    assert day["resultSets"][0]["headers"] == orjson.loads(SPAN.read_bytes())[
        "resultSets"][0]["headers"]
    assert provenance.read(store).as_dict() == {"kind": "real",
                                                "sources": {"import": "real"}}
    # importing again (here gzipped) writes the same bytes
    first = (raw / "nba_team_gamelogs" / "2025-11-03" / "leaguegamelog_span.json").read_bytes()
    gz = tmp_path / "leaguegamelog_span.json.gz"
    gz.write_bytes(gzip.compress(SPAN.read_bytes()))
    assert invoke("import", str(gz), raw=raw).exit_code == 1
    assert (raw / "nba_team_gamelogs" / "2025-11-03" / "leaguegamelog_span.json"
            ).read_bytes() == first


def test_imported_dates_load_in_phase2(tmp_path):
    raw = tmp_path / "raw"
    invoke("import", str(SPAN), raw=raw)
    ctx = make_context(tmp_path, str(raw))
    try:
        summary = lib.run(ctx, lib.select(ctx, [2], ["schedule", "team_boxscore"]),
                          NOV3, NOV4, "imported")
        assert summary.ok
        games = ctx.wh.query("SELECT game_date, home_team_abbr, away_team_abbr FROM "
                             "nba_raw.schedule ORDER BY game_date")
        assert games == [(NOV3, "TOR", "MIL"), (NOV4, "LAC", "OKC")]
    finally:
        ctx.wh.close()
        lib.release_locks()


def test_a_file_that_is_not_a_game_log_is_a_named_failure(tmp_path):
    bad = tmp_path / "scoreboard.json"   # neither a game log nor a box score
    bad.write_bytes((FIXTURES / "nba_api_samples" / "scoreboardv3.json").read_bytes())
    r = invoke("import", str(bad), str(tmp_path / "nope.json"), raw=tmp_path / "raw")
    assert r.exit_code == 2 and "no such file" in r.output
    r = invoke("import", str(bad), raw=tmp_path / "raw")
    assert r.exit_code == 1 and "resultSets" in r.stdout and "box score" in r.stdout


def test_a_real_store_is_never_simulated_into(tmp_path):
    """The issue's case: real game logs in the store, then the default backfill (Phases
    1-3) and the simulator. Before, Phase 1 simulated the date beside the real game."""
    raw = tmp_path / "raw"
    folder = raw / "nba_team_gamelogs" / NOV3.isoformat()
    folder.mkdir(parents=True)
    # dropped in by hand, as before import existed: no provenance note yet
    shutil.copy(FIXTURES / "leaguegamelog.json", folder / "leaguegamelog.json")
    r = invoke("scrape", "--source", "sim", "--start", "2025-11-03", "--end", "2025-11-03",
               raw=raw)
    assert r.exit_code == 2 and "real data" in r.output
    wh = tmp_path / "wh.duckdb"
    r = invoke("backfill", "--start", "2025-11-03", "--end", "2025-11-03", "--phases", "1-3",
               "--json", raw=raw, warehouse=wh)
    body = orjson.loads(r.stdout)
    assert body["scraped_dates"] == [] and body["phase1"]["kind"] == "real"
    # nothing simulated: only the imported folder exists
    assert sorted(p.name for p in raw.iterdir() if not p.name.startswith((".", "_"))) == [
        "nba_team_gamelogs"]
    ctx = make_context(tmp_path, str(raw))
    try:
        teams = ctx.wh.query("SELECT home_team_abbr, away_team_abbr FROM nba_raw.schedule")
        assert teams == [("TOR", "MIL")]       # the real game, and no simulated one
    finally:
        ctx.wh.close()
        lib.release_locks()


def test_a_simulated_store_takes_no_real_data(tmp_path):
    raw = tmp_path / "raw"
    r = invoke("scrape", "--source", "sim", "--start", "2023-10-24", "--end", "2023-10-24",
               raw=raw)
    assert r.exit_code == 0, r.output
    assert provenance.read(RawStore(str(raw))).kind == "simulated"
    r = invoke("import", str(SPAN), raw=raw)
    assert r.exit_code == 2 and "simulated data" in r.output
    assert not (raw / "nba_team_gamelogs").exists()
    r = invoke("scrape", "--source", "nba", "--start", "2023-10-24", "--end", "2023-10-24",
               "--base-url", "http://127.0.0.1:9/stats", raw=raw)
    assert r.exit_code == 2 and "simulated data" in r.output


def test_scrape_help_offers_the_real_sources(tmp_path):
    r = invoke("scrape", "--help", raw=tmp_path)
    assert r.exit_code == 0
    for word in ("nba", "odds", "ODDS_API_KEY", "--max-requests", "--rate"):
        assert word in r.stdout


def test_preflight_of_a_real_store_suggests_import_not_the_simulator(tmp_path):
    raw = tmp_path / "raw"
    invoke("import", str(FIXTURES / "leaguegamelog.json"), raw=raw)
    r = invoke("preflight", "--start", "2024-01-01", "--end", "2024-01-02", "--json",
               raw=raw, warehouse=tmp_path / "wh.duckdb")
    assert r.exit_code == 1
    [check] = [c for c in orjson.loads(r.stdout)["checks"] if c["name"] == "raw store"]
    assert "real data from import" in check["detail"]
    assert "backcourt import" in check["detail"] and "scrape first" not in check["detail"]


def test_a_store_that_lost_its_note_is_judged_by_what_it_holds(tmp_path):
    store = RawStore(str(tmp_path / "raw"))
    store.write_note("fetch-log-nba.json", b"{}")      # written by the stats-site source
    store.write_json("nba_scoreboard", NOV3, "scoreboard.json", {"scoreboard": {}})
    assert provenance.read(store).kind == "real"
    sim_store = RawStore(str(tmp_path / "sim"))
    sim_store.write_json("nba_scoreboard", NOV3, "scoreboard.json", {"scoreboard": {}})
    assert provenance.read(sim_store).kind == "simulated"
    assert provenance.read(RawStore(str(tmp_path / "empty"))).kind is None


def test_an_abbreviation_of_another_season_is_named_by_import(tmp_path):
    """A 2025-26 log calling New Orleans 'NOH' (its name until 2013): import names the
    file, the field and the reason and leaves that date out; the other dates import."""
    doc = orjson.loads(SPAN.read_bytes())
    rows = doc["resultSets"][0]["rowSet"]
    headers = doc["resultSets"][0]["headers"]
    at = {h: headers.index(h) for h in ("TEAM_ID", "TEAM_ABBREVIATION", "MATCHUP")}
    rows[2][at["TEAM_ID"]], rows[2][at["TEAM_ABBREVIATION"]] = 1610612740, "NOH"
    rows[2][at["MATCHUP"]], rows[3][at["MATCHUP"]] = "NOH @ LAC", "LAC vs. NOH"
    log = tmp_path / "log.json"
    log.write_bytes(orjson.dumps(doc))
    r = invoke("import", str(log), "--json", raw=tmp_path / "raw")
    assert r.exit_code == 1
    body = orjson.loads(r.stdout)
    assert "2025-11-04" not in body["dates"] and "2025-11-03" in body["dates"]
    [noh] = [p for p in body["problems"] if f"rowSet[2][{at['TEAM_ABBREVIATION']}]" in p]
    assert str(log) in noh and "abbreviation NOH is team 1610612740's in" in noh
    assert "not in 2025-26 (then NOP)" in noh and "2025-11-04" in noh
