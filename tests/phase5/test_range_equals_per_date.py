"""Phase 5 over a range equals Phase 5 date by date, row for row (the real runner, DuckDB)."""

from __future__ import annotations

from datetime import date

import pytest

from backcourt import app as lib
from backcourt.pipeline.catalog import REGISTRY
from backcourt.pipeline.phase5.report import report
from backcourt.pipeline.phase5.tables import MODEL_VERSIONS_TABLE
from tests.phase5.conftest import P5_END, P5_START, p5_context, table_rows

PHASE5 = REGISTRY.in_phase(5)
PREDICTIONS = "nba_predictions.player_prop_predictions"


@pytest.fixture(scope="module")
def both(tmp_path_factory, p5_raw, p5_base):
    tmp = tmp_path_factory.mktemp("p5range")
    ranged = p5_context(tmp, p5_raw, p5_base, "range.duckdb")
    summary = lib.run(ranged, lib.select(ranged, [5]), P5_START, P5_END, "range")
    assert summary.ok, [f.__dict__ for f in summary.failures[:3]]
    assert summary.succeeded == 3 * 16 and summary.skipped == 3 * 14

    daily = p5_context(tmp, p5_raw, p5_base, "per_date.duckdb")
    for day in daily.calendar.game_dates(P5_START, P5_END):
        s = lib.run(daily, lib.select(daily, [5]), day, day, f"per date {day}")
        assert s.ok, s.failures[:3]
    return ranged, daily


@pytest.mark.parametrize("p", PHASE5, ids=lambda p: p.name)
def test_range_equals_per_date(both, p):
    ranged, daily = both
    a, b = table_rows(ranged.wh, p.table), table_rows(daily.wh, p.table)
    assert len(a) > 0
    assert a == b


def test_model_registry_equal_and_complete(both):
    ranged, daily = both
    a = table_rows(ranged.wh, MODEL_VERSIONS_TABLE, exclude=("run_id",))
    b = table_rows(daily.wh, MODEL_VERSIONS_TABLE, exclude=("run_id",))
    assert a == b
    got = {r[0]: r for r in ranged.wh.query(
        f"SELECT model_version, status, trained_through, training_rows, in_sample_mae "
        f"FROM {MODEL_VERSIONS_TABLE}")}
    assert set(got) == {"moving_average-v1", "gbm-2023-11-06", "gbm-2023-11-13",
                        "gbm-2023-11-20"}
    assert got["gbm-2023-11-06"][1:4] == ("insufficient_data", None, 0)
    for version, monday in (("gbm-2023-11-13", date(2023, 11, 13)),
                            ("gbm-2023-11-20", date(2023, 11, 20))):
        _, status, through, rows, mae = got[version]
        assert status == "trained" and through < monday and rows >= 500 and mae > 0


def test_gbm_only_from_its_first_trained_week(both):
    ranged, _ = both
    per_day = dict(ranged.wh.query(
        f"SELECT game_date, COUNT(*) FROM {PREDICTIONS} WHERE system = 'gbm' GROUP BY 1"))
    days = ranged.calendar.game_dates(date(2023, 11, 7), P5_END)
    assert all(d not in per_day for d in days if d < date(2023, 11, 13))
    assert all(per_day.get(d, 0) > 0 for d in days if d >= date(2023, 11, 13))
    # the gbm predicts exactly the players the moving average predicts, in its weeks
    mismatch = ranged.wh.query(
        f"SELECT COUNT(*) FROM {PREDICTIONS} AS m LEFT JOIN {PREDICTIONS} AS g "
        "ON g.game_date = m.game_date AND g.player_id = m.player_id AND g.system = 'gbm' "
        "WHERE m.system = 'moving_average' AND m.game_date >= DATE '2023-11-13' "
        "AND g.player_id IS NULL")[0][0]
    assert mismatch == 0


def test_lines_and_out_players(both):
    wh = both[0].wh
    # NO_LINE predictions carry a NULL line, source, edge and confidence; others a Vegas line
    bad = wh.query(
        f"SELECT COUNT(*) FROM {PREDICTIONS} WHERE (recommendation = 'NO_LINE') <> "
        "(line IS NULL) OR (line IS NULL) <> (line_source IS NULL) "
        "OR (line IS NULL) <> (edge IS NULL) OR (line IS NULL) <> (confidence IS NULL) "
        "OR line_source <> 'vegas'")[0][0]
    assert bad == 0
    counts = dict(wh.query(f"SELECT recommendation, COUNT(*) FROM {PREDICTIONS} GROUP BY 1"))
    assert counts.get("NO_LINE", 0) > 0 and counts.get("OVER", 0) + counts.get("UNDER", 0) > 0
    # players ruled Out get no prediction; everybody else with a game gets one per system
    outs = wh.query(
        f"SELECT COUNT(*) FROM {PREDICTIONS} AS p JOIN nba_precompute.ml_feature_store AS f "
        "ON f.game_date = p.game_date AND f.player_id = p.player_id "
        "WHERE f.injury_status = 'Out'")[0][0]
    assert outs == 0
    missing = wh.query(
        "SELECT COUNT(*) FROM nba_precompute.ml_feature_store AS f "
        f"LEFT JOIN {PREDICTIONS} AS p ON p.game_date = f.game_date "
        "AND p.player_id = f.player_id AND p.system = 'moving_average' "
        "WHERE COALESCE(f.injury_status, '') <> 'Out' AND p.player_id IS NULL")[0][0]
    assert missing == 0


def test_report_matches_daily_summary(both):
    wh = both[0].wh
    r = report(wh, P5_START, P5_END)
    assert set(r["systems"]) == {"gbm", "moving_average"}
    for system, blocks in r["systems"].items():
        graded, correct, picks, played, abs_sum = wh.query(
            "SELECT SUM(graded_picks), SUM(correct_picks), SUM(picks), SUM(played), "
            "SUM(mae * played) FROM nba_predictions.daily_grading_summary "
            "WHERE system = ?", [system])[0]
        whole = blocks["all"]
        assert (whole["graded_picks"], whole["correct_picks"], whole["picks"]) == (
            graded, correct, picks)
        assert whole["mae"] == pytest.approx(abs_sum / played, abs=1e-3)
        assert whole["hit_rate"] == pytest.approx(correct / graded, abs=1e-3)
        second = blocks["second_half"]
        first = blocks["first_half"]
        assert second["graded_picks"] + (first["graded_picks"] if first else 0) == graded
    assert r["systems"]["gbm"]["first_half"] is None or \
        r["systems"]["gbm"]["first_half"]["first_date"] >= "2023-11-13"
    assert report(wh, P5_START, P5_END, systems=["gbm"])["systems"].keys() == {"gbm"}
