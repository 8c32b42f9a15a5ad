"""The old runbook's betting-lines operation, end to end: predictions made without lines
(the odds files of some dates were missing) are found by `validate`, whose fix command
fetches exactly those files (Phase 1 with the store's own source), reloads them, predicts
and grades again; `validate` is clean afterwards."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import date

import orjson

from tests.conftest import SIM_END, SIM_START

DAYS = (date(2023, 11, 14), date(2023, 11, 15))
ODDS = ("odds_player_props", "odds_game_lines")


def cli(*args, env) -> tuple[int, dict]:
    p = subprocess.run([sys.executable, "-m", "backcourt.cli", *args, "--json"],
                       env={**os.environ, **env}, capture_output=True, timeout=900)
    return p.returncode, orjson.loads(p.stdout) if p.stdout.strip() else {}


def no_line(path: str) -> dict:
    import duckdb

    con = duckdb.connect(path, read_only=True)
    got = dict(con.execute(
        "SELECT game_date, count(*) FILTER (WHERE recommendation = 'NO_LINE') * 1.0 / "
        "count(*) FROM nba_predictions.player_prop_predictions WHERE game_date IN (?, ?) "
        "GROUP BY 1", list(DAYS)).fetchall())
    con.close()
    return got


def test_missing_lines_found_fetched_and_regraded(sim_raw, tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(sim_raw, raw)
    for d in DAYS:   # the lines of two dates never arrived (their event lists did)
        for source in ODDS:
            shutil.rmtree(raw / source / d.isoformat())
    path = str(tmp_path / "w.duckdb")
    env = {"BACKCOURT_WAREHOUSE": path, "BACKCOURT_RAW": str(raw)}
    rng = ["--start", SIM_START.isoformat(), "--end", SIM_END.isoformat()]
    code, body = cli("backfill", *rng, "--phases", "2-5", env=env)
    assert code == 0, body
    assert all(share == 1.0 for share in no_line(path).values())   # every pick NO_LINE

    code, v = cli("validate", *rng, "--strict", env=env)
    gaps = [f for f in v["findings"] if f["type"] == "absent_optional"]
    assert code == 1 and {f["processor"] for f in gaps} == {"odds_player_props", "game_lines"}
    assert {d for f in gaps for d in f["dates"]} == {d.isoformat() for d in DAYS}
    fix = gaps[0]["fix"]
    assert fix.startswith(f"backcourt backfill --start {DAYS[0]} --end {SIM_END} --phases 1-")

    code, body = cli(*fix.split()[1:], env=env)        # the fix, as validate printed it
    assert code == 0, [f["message"][:600] for f in body["failures"][:2]]
    for d in DAYS:
        for source in ODDS:
            assert any((raw / source / d.isoformat()).iterdir())   # fetched again
    assert all(share < 1.0 for share in no_line(path).values())     # lines now used
    code, v = cli("validate", *rng, env=env)
    assert code == 0, [(f["type"], f["processor"], f["dates"][:3], f["detail"][:200])
                       for f in v["findings"]]
    assert not [f for f in v["findings"] if f["type"] == "absent_optional"]
    import duckdb

    con = duckdb.connect(path, read_only=True)
    graded = con.execute("SELECT count(*) FROM nba_predictions.prediction_grades WHERE "
                         "game_date IN (?, ?) AND grade_status = 'graded'", list(DAYS))
    assert graded.fetchone()[0] > 0
    con.close()
