"""A corrupted, truncated or wrong-typed raw file is quarantined with a clear message; the
rest of its date still loads and the date is recorded failed until the file is fixed."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from backcourt import app as lib
from backcourt.status import status_matrix
from tests.conftest import SIM_END, SIM_START, make_context


def first_boxscore(raw: str) -> Path:
    days = sorted((Path(raw) / "nba_boxscore").iterdir())
    return sorted(days[3].glob("*.json"))[0]


def corrupt_truncate(path: Path) -> str:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return "<file>"


def corrupt_wrong_type(path: Path) -> str:
    doc = orjson.loads(path.read_bytes())
    doc["boxScoreTraditional"]["homeTeam"]["players"][0]["statistics"]["points"] = "twelve"
    path.write_bytes(orjson.dumps(doc))
    return "points"


def corrupt_missing_key(path: Path) -> str:
    doc = orjson.loads(path.read_bytes())
    del doc["boxScoreTraditional"]["awayTeam"]["players"][1]["statistics"]["fieldGoalsMade"]
    path.write_bytes(orjson.dumps(doc))
    return "fieldGoalsMade"


@pytest.mark.parametrize("corrupt", [corrupt_truncate, corrupt_wrong_type,
                                     corrupt_missing_key])
def test_bad_boxscore_is_quarantined_and_date_fails_loudly(tmp_path, raw_copy, corrupt):
    bad = first_boxscore(raw_copy)
    day = bad.parent.name
    field = corrupt(bad)
    ctx = make_context(tmp_path, raw_copy)
    procs = lib.select(ctx, [2])
    summary = lib.run(ctx, procs, SIM_START, SIM_END, "test")
    assert not summary.ok
    failed = {(f.processor, f.game_date.isoformat()) for f in summary.failures}
    assert ("gamebook_player_stats", day) in failed
    msg = next(f.message for f in summary.failures if f.processor == "gamebook_player_stats")
    assert bad.name in msg and field in msg           # names the file and the field
    # moved aside with its reason, nothing deleted
    moved = Path(raw_copy) / "_quarantine" / "nba_boxscore" / day / bad.name
    assert moved.exists() and not bad.exists()
    assert field in (moved.parent / (bad.name + ".error.txt")).read_text()
    q = ctx.wh.query("SELECT file, field, reason FROM backcourt_ops.quarantine")
    assert len(q) == 1 and bad.name in q[0][0]
    # the other games of the date loaded; the date is failed, other dates are done
    n_games = len(list(bad.parent.glob("*.json")))
    loaded = ctx.wh.query("SELECT count(DISTINCT game_id) FROM nba_raw.gamebook_player_stats "
                          "WHERE game_date = ?", [day])[0][0]
    assert loaded == n_games
    m = status_matrix(ctx, procs, SIM_START, SIM_END)
    cells = {d.isoformat(): m.cell("gamebook_player_stats", d).state for d in m.dates}
    assert cells[day] == "failed"
    assert sum(s == "done" for s in cells.values()) == len(cells) - 1
    # re-running without fixing the file does not turn the date green
    again = lib.backfill(ctx, procs, SIM_START, SIM_END, "rerun")[1]
    assert ("gamebook_player_stats", day) in {
        (f.processor, f.game_date.isoformat()) for f in again.failures}
    # Phase 3 on that date is blocked, not computed from the partial day
    p3 = lib.run(ctx, lib.select(ctx, [3]), SIM_START, SIM_END, "phase 3")
    blocked = {(f.processor, f.game_date.isoformat(), f.category) for f in p3.failures}
    assert ("player_game_summary", day, "MISSING_DEPENDENCY") in blocked
