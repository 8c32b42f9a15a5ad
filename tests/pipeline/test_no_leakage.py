"""No leakage: changing any post-game fact dated D or later does not change a feature row
dated D (the pre-game context of D itself is, by design, an input of D)."""

from __future__ import annotations

from datetime import date

import pytest

from backcourt import app as lib
from backcourt.pipeline.catalog import REGISTRY
from tests.conftest import SIM_END, SIM_START, make_context

D = date(2023, 11, 16)
FEATURE_TABLES = [p for p in REGISTRY.order()
                  if p.phase == 4 or p.name.startswith("upcoming_")]

# every post-game fact from D on is rewritten, and every later pre-game context too
MUTATIONS = [
    "UPDATE nba_analytics.player_game_summary SET points = points + 7, "
    "usage_rate = usage_rate * 1.5, minutes = minutes + 5, paint_fga = paint_fga + 3 "
    "WHERE game_date >= ?",
    "UPDATE nba_analytics.team_offense_game_summary SET pace = pace + 10, "
    "defensive_rating = defensive_rating - 20, win_flag = NOT win_flag WHERE game_date >= ?",
    "UPDATE nba_analytics.team_defense_game_summary SET opp_paint_fgm = opp_paint_fga, "
    "opp_three_fgm = 0 WHERE game_date >= ?",
    "UPDATE nba_analytics.upcoming_player_game_context SET points_avg_last_5 = 99, "
    "injury_status = 'Out' WHERE game_date > ?",
]


def snapshot(wh, table: str, day: date) -> list[tuple]:
    cols = ", ".join(f'"{c}"' for c in wh.columns(table))
    return wh.query(f"SELECT {cols} FROM {table} WHERE game_date = ? ORDER BY ALL", [day])


@pytest.fixture(scope="module")
def ctx(tmp_path_factory, sim_raw):
    c = make_context(tmp_path_factory.mktemp("leak"), sim_raw)
    assert lib.run(c, lib.select(c, [2, 3, 4]), SIM_START, SIM_END, "full").ok
    return c


def test_features_of_d_ignore_everything_from_d_on(ctx):
    before = {p.table: snapshot(ctx.wh, p.table, D) for p in FEATURE_TABLES}
    assert all(before.values()), "every feature table has rows on D"
    for sql in MUTATIONS:
        ctx.wh.execute(sql, [D])
    rerun = lib.run(ctx, FEATURE_TABLES, D, D, "recompute D")
    assert rerun.ok and rerun.succeeded == len(FEATURE_TABLES)
    for p in FEATURE_TABLES:
        assert snapshot(ctx.wh, p.table, D) == before[p.table], p.name
