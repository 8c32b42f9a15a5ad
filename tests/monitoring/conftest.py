"""A damaged warehouse to look at: a quarantined box score (failed partitions), deleted
rows (missing), an upstream re-run (stale), over ten simulated game dates."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import orjson
import pytest

from backcourt import app as lib
from tests.conftest import SIM_START, make_context

END = SIM_START + timedelta(days=9)
RANGE = ["--start", SIM_START.isoformat(), "--end", END.isoformat()]


@dataclass
class Damaged:
    warehouse: str
    raw: str
    failed: tuple[str, str]      # (processor, date) recorded failed: bad raw input
    missing: tuple[str, str]     # rows deleted after a successful run
    stale: tuple[str, str]       # reads a partition re-run after it

    @property
    def env(self) -> dict:
        return {**os.environ, "BACKCOURT_WAREHOUSE": self.warehouse,
                "BACKCOURT_RAW": self.raw}


def cli(args: list[str], env: dict, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "backcourt", *args], env=env,
                          capture_output=True, timeout=600, **kw)


@pytest.fixture
def damaged(tmp_path, raw_copy) -> Damaged:
    days = sorted(p.name for p in (Path(raw_copy) / "nba_boxscore").iterdir())
    bad_day = days[8]
    bad = sorted((Path(raw_copy) / "nba_boxscore" / bad_day).glob("*.json"))[0]
    doc = orjson.loads(bad.read_bytes())
    doc["boxScoreTraditional"]["homeTeam"]["players"][0]["statistics"]["points"] = "twelve"
    bad.write_bytes(orjson.dumps(doc))
    ctx = make_context(tmp_path, raw_copy)
    lib.backfill(ctx, lib.select(ctx, [2, 3]), SIM_START, END, "fill the fixture")
    gone = date.fromisoformat(days[1])
    ctx.wh.execute("DELETE FROM nba_analytics.team_offense_game_summary WHERE game_date = ?",
                   [gone])
    rerun = date.fromisoformat(days[3])
    assert lib.run(ctx, lib.select(ctx, names=["player_game_summary"]), rerun, rerun,
                   "a raw fix for one date").ok
    stale_day = days[6]
    ctx.wh.close()
    lib.release_locks()
    return Damaged(warehouse=str(tmp_path / "wh.duckdb"), raw=raw_copy,
                   failed=("gamebook_player_stats", bad_day),
                   missing=("team_offense_game_summary", days[1]),
                   stale=("upcoming_player_game_context", stale_day))
