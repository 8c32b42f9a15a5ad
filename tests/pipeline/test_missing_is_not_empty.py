"""Missing is never empty: a mistyped raw root is refused, an absent raw folder never
replaces rows with nothing, and a date without an optional source (betting lines) is an
explicit state, not a 0-row "done" partition."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from tests.conftest import SIM_END, SIM_START

RANGE = ["--start", SIM_START.isoformat(), "--end", SIM_END.isoformat()]
DAY = "2023-11-08"


class Result:
    def __init__(self, p: subprocess.CompletedProcess):
        self.exit_code = p.returncode
        self.stdout, self.stderr = p.stdout.decode(), p.stderr.decode()


def invoke(*args, env) -> Result:
    """The command in its own process (as an operator runs it)."""
    return Result(subprocess.run([sys.executable, "-m", "backcourt.cli", *args],
                                 env={**os.environ, **env}, capture_output=True,
                                 timeout=600))


def counts(path: str) -> dict[str, int]:
    import duckdb

    con = duckdb.connect(path, read_only=True)
    out = {f"{s}.{t}": con.execute(f"SELECT count(*) FROM {s}.{t}").fetchone()[0]
           for s, t in con.execute("SELECT table_schema, table_name FROM "
                                   "information_schema.tables WHERE table_schema LIKE 'nba_%'"
                                   ).fetchall()}
    con.close()
    return out


@pytest.fixture(scope="module")
def filled(tmp_path_factory, sim_raw):
    """A warehouse holding Phases 2-5 of the simulated window, and its raw store."""
    tmp = tmp_path_factory.mktemp("filled")
    raw = str(tmp / "raw")
    shutil.copytree(sim_raw, raw)
    path = str(tmp / "filled.duckdb")
    r = invoke("backfill", *RANGE, "--phases", "2-5", "--json",
               env={"BACKCOURT_WAREHOUSE": path, "BACKCOURT_RAW": raw})
    assert r.exit_code == 0, r.stdout[-2000:]
    return path, raw


@pytest.fixture
def warehouse(filled, tmp_path):
    path, raw = filled
    copy = str(tmp_path / "w.duckdb")
    shutil.copy(path, copy)
    mine = str(tmp_path / "raw")
    shutil.copytree(raw, mine)
    return copy, mine


def test_a_mistyped_raw_root_is_refused_and_changes_nothing(warehouse, tmp_path):
    path, raw = warehouse
    before = counts(path)
    typo = str(tmp_path / "rwa")
    for phases in ("2-5", "1-5"):
        r = invoke("backfill", *RANGE, "--phases", phases, "--raw", typo,
                   env={"BACKCOURT_WAREHOUSE": path})
        assert r.exit_code == 2, r.stdout[-1000:]
        assert "filled from the raw store" in r.stderr and "--switch-raw" in r.stderr
    assert not Path(typo).exists()                  # nothing simulated into a new folder
    for command in ("status", "plan", "validate"):
        assert invoke(command, *RANGE, "--raw", typo,
                      env={"BACKCOURT_WAREHOUSE": path}).exit_code == 2
    assert counts(path) == before
    # the right root still works, and a real move is accepted once asked for
    moved = str(tmp_path / "moved")
    shutil.copytree(raw, moved)
    r = invoke("backfill", *RANGE, "--phases", "2", "--raw", moved, "--switch-raw",
               env={"BACKCOURT_WAREHOUSE": path})
    assert r.exit_code == 0, r.stdout[-1000:]
    assert invoke("status", *RANGE, "--raw", raw,
                  env={"BACKCOURT_WAREHOUSE": path}).exit_code == 2   # now the old one is


def test_an_absent_raw_folder_never_replaces_rows(warehouse):
    path, raw = warehouse
    env = {"BACKCOURT_WAREHOUSE": path, "BACKCOURT_RAW": raw}
    before = counts(path)
    assert before["nba_raw.odds_player_props"] > 0
    for source in ("odds_player_props", "odds_game_lines"):
        shutil.rmtree(Path(raw) / source / DAY)
    r = invoke("backfill", "--start", DAY, "--end", DAY, "--phases", "2", "--json",
               "--switch-raw", env=env)   # (this copy of the raw store is its root now)
    assert r.exit_code == 1, r.stdout[-1000:]
    body = orjson.loads(r.stdout)
    named = {f["processor"] for f in body["failures"] if f["game_date"] == DAY}
    assert {"odds_player_props", "game_lines"} <= named
    assert all("kept" in f["message"] for f in body["failures"])
    assert counts(path)["nba_raw.odds_player_props"] == before["nba_raw.odds_player_props"]
    assert counts(path)["nba_raw.game_lines"] == before["nba_raw.game_lines"]


def test_a_date_without_betting_lines_is_explicit_and_settles(sim_raw, tmp_path):
    raw = str(tmp_path / "raw")
    shutil.copytree(sim_raw, raw)
    for source in ("odds_player_props", "odds_game_lines"):
        shutil.rmtree(Path(raw) / source / DAY)
    env = {"BACKCOURT_WAREHOUSE": str(tmp_path / "w.duckdb"), "BACKCOURT_RAW": raw}
    first = invoke("backfill", *RANGE, "--phases", "2-5", "--json", env=env)
    assert first.exit_code == 0, first.stdout[-2000:]
    status = orjson.loads(invoke("status", *RANGE, "--json", env=env).stdout)
    cell = status["processors"]["odds_player_props"]["dates"][DAY]
    assert cell["state"] == "skipped" and "optional" in cell["reason"]
    again = orjson.loads(invoke("backfill", *RANGE, "--phases", "2-5", "--json",
                                env=env).stdout)
    assert again["succeeded"] == 0 and again["failed"] == 0   # settled: nothing recomputed


def test_a_date_missing_one_game_file_keeps_its_rows(warehouse):
    """One box score deleted behind the tool's back (its date's scoreboard lists the game
    as final): a backfill without Phase 1 used to write the date's other 8 games over the
    9 it held and mark the partition failed. Missing is never empty, nor a partial
    replacement: the date is not loaded, its rows are kept, and the failure names the
    missing file and a fix that fetches it."""
    path, raw = warehouse
    env = {"BACKCOURT_WAREHOUSE": path, "BACKCOURT_RAW": raw}
    before = counts(path)
    box = sorted((Path(raw) / "nba_boxscore" / DAY).iterdir())[0]
    box.unlink()
    r = invoke("backfill", "--start", DAY, "--end", DAY, "--phases", "2", "--json",
               "--switch-raw", env=env)
    assert r.exit_code == 1, r.stdout[-1000:]
    body = orjson.loads(r.stdout)
    named = {f["processor"]: f["message"] for f in body["failures"] if f["game_date"] == DAY}
    assert "team_boxscore" in named and "gamebook_player_stats" in named, named
    for message in (named["team_boxscore"], named["gamebook_player_stats"]):
        assert box.name.split(".")[0] in message and "kept" in message, message
        assert "--phases 1-" in message, message
    after = counts(path)
    for table in ("nba_raw.team_boxscore", "nba_raw.gamebook_player_stats"):
        assert after[table] == before[table], table
