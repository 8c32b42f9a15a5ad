"""Grading on a hand-made day: every exclusion (push, PASS, NO_LINE, DNP void, the old 20.0
placeholder line) and the daily summary's numbers, with the registry's SQL and checks."""

from __future__ import annotations

from datetime import date

import pytest

from backcourt.checks.partition import run_checks
from backcourt.pipeline.catalog import REGISTRY
from backcourt.pipeline.phase5.tables import PREDICTION_COLUMNS, PREDICTIONS_TABLE
from backcourt.registry.templating import render
from backcourt.warehouse import open_warehouse

DAY = date(2024, 1, 10)
PGS = "nba_analytics.player_game_summary"
PGS_COLUMNS = {"game_date": "DATE", "game_id": "VARCHAR", "player_id": "BIGINT",
               "points": "BIGINT", "minutes": "DOUBLE", "is_dnp": "BOOLEAN",
               "player_status": "VARCHAR"}

# player: (recommendation, predicted, line, line_source, actual points or None for DNP,
#          has a box-score row, expected grade_status, expected is_correct)
CASES = {
    1: ("OVER", 25.0, 20.5, "vegas", 25, True, "graded", True),
    2: ("UNDER", 12.0, 15.5, "vegas", 20, True, "graded", False),
    3: ("OVER", 21.0, 18.0, "vegas", 18, True, "push", None),
    4: ("PASS", 13.0, 12.5, "vegas", 30, True, "pass", None),
    5: ("NO_LINE", 9.0, None, None, 10, True, "no_line", None),
    6: ("OVER", 26.0, 22.5, "vegas", None, True, "void_dnp", None),
    7: ("OVER", 24.0, 20.0, None, 25, True, "no_line", None),       # old placeholder
    8: ("UNDER", 17.0, 20.0, "vegas", 15, True, "graded", True),    # a real 20.0 line
    9: ("OVER", 14.0, 10.5, "vegas", None, False, "void_dnp", None),  # not in the box score
}


@pytest.fixture
def graded(tmp_path):
    wh = open_warehouse(str(tmp_path / "grading.duckdb"))
    wh.ensure_table(PREDICTIONS_TABLE, PREDICTION_COLUMNS)
    wh.ensure_table(PGS, PGS_COLUMNS)
    cols = list(PREDICTION_COLUMNS)
    for pid, (rec, pred, line, source, actual, listed, _, _) in CASES.items():
        row = {c: None for c in cols}
        row.update(game_date=DAY, game_id="G1", season="2023-24", player_id=pid,
                   player_lookup=f"player{pid}", team_id=1, opponent_team_id=2,
                   system="moving_average", model_version="moving_average-v1",
                   predicted_points=pred, line=line, line_source=source,
                   edge=None if line is None else pred - line,
                   confidence=None if line is None else 0.6, recommendation=rec,
                   quality_tier="gold", is_quality_ready=True, quality_score=97.0)
        wh.execute(f"INSERT INTO {PREDICTIONS_TABLE} VALUES ({', '.join('?' * len(cols))})",
                   [row[c] for c in cols])
        if listed:
            wh.execute(f"INSERT INTO {PGS} VALUES (?, 'G1', ?, ?, ?, ?, ?)",
                       [DAY, pid, actual or 0, 0.0 if actual is None else 30.0,
                        actual is None, "DNP" if actual is None else "ACTIVE"])
    for name in ("prediction_grades", "daily_grading_summary"):
        p = REGISTRY.get(name)
        wh.execute(f"CREATE TABLE {p.table} AS {render(p.sql, DAY, DAY)}")
        count = wh.query(f"SELECT COUNT(*) FROM {p.table}")[0][0]
        assert run_checks(wh, p, [DAY], {DAY: count}) == {}, name
    return wh


def test_grade_status_and_correctness(graded):
    rows = graded.query(
        "SELECT player_id, grade_status, is_correct, actual_points, signed_error, "
        "absolute_error, within_3, within_5 FROM nba_predictions.prediction_grades")
    got = {r[0]: r[1:] for r in rows}
    assert set(got) == set(CASES)
    for pid, (_, pred, _, _, actual, _, status, correct) in CASES.items():
        g_status, g_correct, g_actual, signed, absolute, w3, w5 = got[pid]
        assert (g_status, g_correct) == (status, correct), pid
        if actual is None:                       # voided: no result, no error
            assert (g_actual, signed, absolute, w3, w5) == (None, None, None, None, None)
        else:                                    # errors for everybody who played
            assert g_actual == actual
            assert signed == pytest.approx(pred - actual)
            assert absolute == pytest.approx(abs(pred - actual))
            assert (w3, w5) == (abs(pred - actual) <= 3, abs(pred - actual) <= 5)


def test_daily_summary(graded):
    (row,) = graded.query(
        "SELECT predictions, played, voided_dnp, picks, graded_picks, correct_picks, pushes, "
        "passes, no_line, mae, bias, hit_rate FROM nba_predictions.daily_grading_summary")
    played = [c for c in CASES.values() if c[4] is not None]
    errors = [c[1] - c[4] for c in played]
    assert row[:9] == (9, 7, 2, 7, 3, 2, 1, 1, 2)
    assert row[9] == pytest.approx(sum(abs(e) for e in errors) / len(errors))
    assert row[10] == pytest.approx(sum(errors) / len(errors))
    assert row[11] == pytest.approx(2 / 3)
