"""A bookmaker's nickname Phase 2 cannot resolve is listed; adding an alias makes exactly
the dates holding it stale, and the next backfill resolves it there."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import orjson
from typer.testing import CliRunner

from backcourt import app as lib
from backcourt.cli import cli
from backcourt.planner import make_plan
from tests.conftest import make_context

FIXTURES = Path(__file__).parent.parent / "fixtures"
NOV3, NOV5 = date(2025, 11, 3), date(2025, 11, 5)   # MIL @ TOR; MIA @ DEN
CAM = 1629661                  # Cameron Johnson, "Cam Johnson" at DraftKings (Nov 5 only)
PROCS = ["schedule", "odds_player_props"]
runner = CliRunner()


def _store(raw: Path) -> None:
    """Two game dates, each with its scoreboard and one props snapshot."""
    for day, board in ((NOV3, FIXTURES / "stats_site" / "scoreboardv3_2025-11-03.json"),
                       (NOV5, FIXTURES / "nba_api_samples" / "scoreboardv3.json")):
        folder = raw / "nba_scoreboard" / day.isoformat()
        folder.mkdir(parents=True)
        shutil.copy(board, folder / "scoreboard.json")
    props = (FIXTURES / "odds_props_pregame.json").read_text()
    nov5 = raw / "odds_player_props" / NOV5.isoformat()
    nov5.mkdir(parents=True)
    (nov5 / "e912304de2b2ce35b473ce2ecd3d1502_20251105T220000Z.json").write_text(props)
    # the same shape for the TOR game of Nov 3, without the nickname
    nov3_props = (props.replace("Denver Nuggets", "Toronto Raptors")
                  .replace("Miami Heat", "Milwaukee Bucks")
                  .replace("Cam Johnson", "Scottie Barnes")
                  .replace("2025-11-06T02:00:00Z", "2025-11-04T00:30:00Z")
                  .replace("2025-11-05T", "2025-11-03T")
                  .replace("e912304de2b2ce35b473ce2ecd3d1502", "1d2c3b4a5f6e7d8c9b0a1f2e3d4c5b6a"))
    nov3 = raw / "odds_player_props" / NOV3.isoformat()
    nov3.mkdir(parents=True)
    (nov3 / "1d2c3b4a5f6e7d8c9b0a1f2e3d4c5b6a_20251103T220000Z.json").write_text(nov3_props)


def _backfill(tmp_path, raw: Path) -> tuple[dict, list[tuple]]:
    """(what the plan ran, the props' names and ids)."""
    ctx = make_context(tmp_path, str(raw))
    try:
        plan, summary = lib.backfill(ctx, lib.select(ctx, None, PROCS), NOV3, NOV5, "fill")
        assert summary.ok
        names = ctx.wh.query("SELECT DISTINCT game_date, player_name_raw, player_id FROM "
                             "nba_raw.odds_player_props ORDER BY 1, 2")
        return plan.targets(), names
    finally:
        ctx.wh.close()
        lib.release_locks()


def _stale(tmp_path, raw: Path) -> dict:
    ctx = make_context(tmp_path, str(raw))
    try:
        return make_plan(ctx, lib.select(ctx, None, PROCS), NOV3, NOV5).targets()
    finally:
        ctx.wh.close()
        lib.release_locks()


def test_an_alias_makes_exactly_the_dates_holding_the_name_stale(tmp_path):
    raw = tmp_path / "raw"
    _store(raw)
    env = {"BACKCOURT_RAW": str(raw), "BACKCOURT_WAREHOUSE": str(tmp_path / "wh.duckdb")}
    ran, names = _backfill(tmp_path, raw)
    assert ran["odds_player_props"] == {NOV3, NOV5}
    assert (NOV5, "Cam Johnson", None) in names
    assert _stale(tmp_path, raw) == {}

    listed = runner.invoke(cli, ["names", "--unresolved", "--json"], env=env)
    assert listed.exit_code == 1                       # names remain unresolved
    [cam] = [r for r in orjson.loads(listed.stdout) if r["lookup"] == "camjohnson"]
    assert (cam["name"], cam["source"], cam["dates"], cam["alias_player_id"]) == (
        "Cam Johnson", "odds_player_props", 1, None)

    added = runner.invoke(cli, ["names", "--alias", "Cam Johnson", "--player-id", str(CAM),
                                "--json"], env=env)
    assert added.exit_code == 0, added.output
    body = orjson.loads(added.stdout)
    assert body["stale"] == {"odds_player_props": ["2025-11-05"]}
    assert body["fix"] == "backcourt backfill --start 2025-11-05 --end 2025-11-05 --phases 2-5"
    pending = orjson.loads(runner.invoke(cli, ["names", "--unresolved", "--json"],
                                         env=env).stdout)
    assert [r["alias_player_id"] for r in pending if r["lookup"] == "camjohnson"] == [CAM]

    # exactly the partition holding the name is stale; Nov 3 and the schedule are not
    assert _stale(tmp_path, raw) == {"odds_player_props": {NOV5}}
    ran, names = _backfill(tmp_path, raw)
    assert ran == {"odds_player_props": {NOV5}}
    assert (NOV5, "Cam Johnson", CAM) in names
    assert _stale(tmp_path, raw) == {}
    after = runner.invoke(cli, ["names", "--unresolved", "--json"], env=env)
    assert not [r for r in orjson.loads(after.stdout) if r["lookup"] == "camjohnson"]


def test_names_needs_a_question(tmp_path):
    env = {"BACKCOURT_RAW": str(tmp_path / "raw"),
           "BACKCOURT_WAREHOUSE": str(tmp_path / "wh.duckdb")}
    assert runner.invoke(cli, ["names"], env=env).exit_code == 2
    assert runner.invoke(cli, ["names", "--alias", "X Y"], env=env).exit_code == 2
