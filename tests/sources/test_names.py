"""A bookmaker's nickname Phase 2 cannot resolve is listed; an alias resolves it on the
next load of the dates the alias command names."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import orjson
from typer.testing import CliRunner

from backcourt import app as lib
from backcourt.cli import cli
from tests.conftest import make_context

FIXTURES = Path(__file__).parent.parent / "fixtures"
DAY = date(2025, 11, 5)               # MIA @ DEN; DraftKings calls Cameron Johnson "Cam"
CAM = 1629661
runner = CliRunner()


def _load(tmp_path, raw: Path) -> list[tuple]:
    ctx = make_context(tmp_path, str(raw))
    try:
        # the schedule (from the day's real scoreboard) makes the date a game date
        assert lib.run(ctx, lib.select(ctx, None, ["schedule", "odds_player_props"]), DAY,
                       DAY, "load props").ok
        return ctx.wh.query("SELECT DISTINCT player_name_raw, player_id FROM "
                            "nba_raw.odds_player_props ORDER BY 1")
    finally:
        ctx.wh.close()
        lib.release_locks()


def test_an_alias_resolves_a_listed_name_on_the_dates_it_names(tmp_path):
    raw = tmp_path / "raw"
    folder = raw / "odds_player_props" / DAY.isoformat()
    folder.mkdir(parents=True)
    shutil.copy(FIXTURES / "odds_props_pregame.json",
                folder / "e912304de2b2ce35b473ce2ecd3d1502_20251105T220000Z.json")
    board = raw / "nba_scoreboard" / DAY.isoformat()
    board.mkdir(parents=True)
    shutil.copy(FIXTURES / "nba_api_samples" / "scoreboardv3.json", board / "scoreboard.json")
    env = {"BACKCOURT_RAW": str(raw), "BACKCOURT_WAREHOUSE": str(tmp_path / "wh.duckdb")}
    assert ("Cam Johnson", None) in _load(tmp_path, raw)

    listed = runner.invoke(cli, ["names", "--unresolved", "--json"], env=env)
    assert listed.exit_code == 1                       # names remain unresolved
    [cam] = [r for r in orjson.loads(listed.stdout) if r["lookup"] == "camjohnson"]
    assert (cam["name"], cam["source"], cam["dates"], cam["alias_player_id"]) == (
        "Cam Johnson", "odds_player_props", 1, None)

    added = runner.invoke(cli, ["names", "--alias", "Cam Johnson", "--player-id", str(CAM),
                                "--json"], env=env)
    assert added.exit_code == 0, added.output
    body = orjson.loads(added.stdout)
    assert body["affected_dates"] == [DAY.isoformat()]
    assert body["fix"] == ["backcourt run --processor odds_player_props "
                           "--start 2025-11-05 --end 2025-11-05"]
    pending = orjson.loads(runner.invoke(cli, ["names", "--unresolved", "--json"],
                                         env=env).stdout)
    assert [r["alias_player_id"] for r in pending if r["lookup"] == "camjohnson"] == [CAM]

    assert ("Cam Johnson", CAM) in _load(tmp_path, raw)     # the printed fix, run
    after = runner.invoke(cli, ["names", "--unresolved", "--json"], env=env)
    assert not [r for r in orjson.loads(after.stdout) if r["lookup"] == "camjohnson"]


def test_names_needs_a_question(tmp_path):
    env = {"BACKCOURT_RAW": str(tmp_path / "raw"),
           "BACKCOURT_WAREHOUSE": str(tmp_path / "wh.duckdb")}
    assert runner.invoke(cli, ["names"], env=env).exit_code == 2
    assert runner.invoke(cli, ["names", "--alias", "X Y"], env=env).exit_code == 2
