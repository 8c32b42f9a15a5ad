"""The historical betting-lines operation: props missing for some dates give NO_LINE
predictions; when the props arrive, the plan marks everything downstream of them stale
(context, features, predictions, grading) and a backfill fixes it."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from backcourt import app as lib
from tests.conftest import SIM_END, SIM_START, make_context

LATE = [date(2023, 11, 9), date(2023, 11, 15)]          # two non-adjacent dates


def recs(ctx, day: date) -> dict[str, int]:
    return dict(ctx.wh.query(
        "SELECT recommendation, count(*) FROM nba_predictions.player_prop_predictions "
        "WHERE game_date = ? GROUP BY 1", [day]))


def test_lines_arriving_late_make_predictions_and_grades_stale(tmp_path, raw_copy):
    props = Path(raw_copy) / "odds_player_props"
    held = tmp_path / "held"
    for d in LATE:                                       # the props scrape failed
        shutil.move(props / d.isoformat(), held / d.isoformat())
    ctx = make_context(tmp_path, raw_copy)
    procs = lib.select(ctx, [2, 3, 4, 5])
    _, first = lib.backfill(ctx, procs, SIM_START, SIM_END, "fill")
    assert first.ok
    for d in LATE:
        assert set(recs(ctx, d)) == {"NO_LINE"}
        nulls = ctx.wh.query("SELECT count(*), count(line) FROM "
                             "nba_predictions.player_prop_predictions WHERE game_date = ?",
                             [d])[0]
        assert nulls[0] > 0 and nulls[1] == 0            # no placeholder line, ever
        graded = ctx.wh.query("SELECT count(*) FROM nba_predictions.prediction_grades "
                              "WHERE game_date = ? AND grade_status = 'graded'", [d])[0][0]
        assert graded == 0
    for d in LATE:                                       # the historical lines arrive
        shutil.move(held / d.isoformat(), props / d.isoformat())
    from backcourt.planner import make_plan

    plan = make_plan(ctx, procs, SIM_START, SIM_END)
    targets = plan.targets()
    for name in ("odds_player_props", "player_game_summary", "upcoming_player_game_context",
                 "ml_feature_store", "player_prop_predictions", "prediction_grades",
                 "daily_grading_summary"):
        assert set(LATE) <= targets[name], name
    assert plan.cells[("player_prop_predictions", LATE[0])].state == "stale"
    assert "schedule" not in targets and "pbp_shots" not in targets
    _, fix = lib.backfill(ctx, procs, SIM_START, SIM_END, "lines")
    assert fix.ok
    for d in LATE:
        r = recs(ctx, d)
        assert set(r) - {"NO_LINE"}, r                    # now OVER / UNDER / PASS
        graded = ctx.wh.query("SELECT count(*) FROM nba_predictions.prediction_grades "
                              "WHERE game_date = ? AND grade_status = 'graded'", [d])[0][0]
        assert graded > 0
    assert make_plan(ctx, procs, SIM_START, SIM_END).to_run == 0
