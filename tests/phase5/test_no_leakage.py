"""No leakage: predictions dated D never see results dated D or later.

Baseline predictions are compared with predictions made after tampering with the warehouse:
every actual result (points, DNP flags) from the Monday of D's week on, and every feature
store row after D. Predictions dated up to D must not change — the gbm of D's week trains
only on rows before its Monday. A positive control shows the comparison can fail: changing
points before that Monday does change the week's gbm predictions.
"""

from __future__ import annotations

from datetime import date

import pytest

from backcourt import app as lib
from backcourt.pipeline.phase5.tables import MODEL_VERSIONS_TABLE
from tests.phase5.conftest import P5_END, P5_START, p5_context, table_rows

D = date(2023, 11, 15)             # a Wednesday
MONDAY = date(2023, 11, 13)
PREDICTIONS = "nba_predictions.player_prop_predictions"


def predict(ctx) -> None:
    s = lib.run(ctx, lib.select(ctx, names=["player_prop_predictions"]), P5_START, P5_END,
                "predictions")
    assert s.ok, [f.__dict__ for f in s.failures[:3]]


def predictions(ctx, until: date | None = None, after: date | None = None,
                system: str | None = None) -> list[tuple]:
    cond, params = ["TRUE"], []
    if until:
        cond.append("game_date <= ?")
        params.append(until)
    if after:
        cond.append("game_date > ?")
        params.append(after)
    if system:
        cond.append("system = ?")
        params.append(system)
    cols = ", ".join(f'"{c}"' for c in ctx.wh.columns(PREDICTIONS))
    return ctx.wh.query(f"SELECT {cols} FROM {PREDICTIONS} WHERE {' AND '.join(cond)} "
                        "ORDER BY ALL", params)


def model(ctx, version: str) -> tuple:
    return ctx.wh.query(
        f"SELECT trained_through, training_rows, in_sample_mae FROM {MODEL_VERSIONS_TABLE} "
        "WHERE model_version = ?", [version])[0]


@pytest.fixture(scope="module")
def baseline(tmp_path_factory, p5_raw, p5_base):
    ctx = p5_context(tmp_path_factory.mktemp("leak"), p5_raw, p5_base, "baseline.duckdb")
    predict(ctx)
    return ctx


def test_results_from_monday_and_features_after_d_do_not_matter(
        baseline, tmp_path, p5_raw, p5_base):
    ctx = p5_context(tmp_path, p5_raw, p5_base, "tampered.duckdb")
    ctx.wh.execute("UPDATE nba_analytics.player_game_summary "
                   "SET points = points + 17, minutes = minutes + 5 WHERE game_date >= ?",
                   [MONDAY])
    ctx.wh.execute("UPDATE nba_analytics.player_game_summary SET is_dnp = NOT is_dnp "
                   "WHERE game_date >= ? AND player_id % 3 = 0", [MONDAY])
    ctx.wh.execute("UPDATE nba_precompute.ml_feature_store "
                   "SET points_avg_l5 = points_avg_l5 + 9, points_avg_season = 40, "
                   "prop_line = NULL WHERE game_date > ?", [D])
    ctx.wh.execute("UPDATE nba_precompute.ml_feature_store SET injury_status = 'Out' "
                   "WHERE game_date > ? AND player_id % 4 = 0", [D])
    predict(ctx)
    assert predictions(ctx, until=D) == predictions(baseline, until=D)
    assert len(predictions(ctx, until=D, system="gbm")) > 0
    assert predictions(ctx, after=D) != predictions(baseline, after=D)   # the tamper bit
    # the model of D's week saw nothing from its Monday on, in both warehouses
    through, rows, mae = model(ctx, "gbm-2023-11-13")
    assert through < MONDAY
    assert (through, rows, mae) == model(baseline, "gbm-2023-11-13")
    # the next week's model did see the changed results (it trains through Nov 19)
    assert model(ctx, "gbm-2023-11-20") != model(baseline, "gbm-2023-11-20")


def test_positive_control_results_before_monday_change_the_gbm(
        baseline, tmp_path, p5_raw, p5_base):
    ctx = p5_context(tmp_path, p5_raw, p5_base, "control.duckdb")
    ctx.wh.execute("UPDATE nba_analytics.player_game_summary SET points = points * 2 "
                   "WHERE game_date = ?", [date(2023, 11, 10)])
    predict(ctx)
    assert predictions(ctx, system="moving_average") == \
        predictions(baseline, system="moving_average")
    assert predictions(ctx, until=date(2023, 11, 12), system="gbm") == []
    assert predictions(ctx, until=D, system="gbm") != predictions(baseline, until=D,
                                                                   system="gbm")
    assert table_rows(ctx.wh, MODEL_VERSIONS_TABLE, ("run_id",)) != \
        table_rows(baseline.wh, MODEL_VERSIONS_TABLE, ("run_id",))
