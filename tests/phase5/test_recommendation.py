"""The recommendation rule and the prediction processor on a hand-made feature store."""

from __future__ import annotations

import math
from datetime import date, timedelta
from types import SimpleNamespace

import numpy as np
import pytest

from backcourt.pipeline.catalog import REGISTRY
from backcourt.pipeline.phase5 import systems as S
from backcourt.pipeline.phase5.predictions import PredictionLoader
from backcourt.pipeline.phase5.tables import MODEL_VERSIONS_TABLE
from backcourt.warehouse import open_warehouse

nan = float("nan")


def test_rule_thresholds_quality_and_no_line():
    pred = np.array([22.0, 18.0, 18.0, 25.0, 10.0, 10.0, 30.0])
    line = np.array([20.0, 19.99, 20.0, 20.5, 12.0, nan, 20.5])
    ready = np.array([True, True, True, True, True, True, False])
    std = np.array([5.0, 5.0, 1.0, nan, 4.0, 4.0, 4.0])
    picks = S.recommend(pred, line, ready, std)
    assert picks.recommendation == ["OVER", "PASS", "UNDER", "OVER", "UNDER", "NO_LINE", "PASS"]
    assert picks.edge[:5].tolist() == [2.0, -1.99, -2.0, 4.5, -2.0]
    assert math.isnan(picks.edge[5]) and math.isnan(picks.confidence[5])
    # confidence = Φ(|edge| / max(std, 3)); 0.5 for no edge, rising with the edge
    assert picks.confidence[0] == pytest.approx(0.5 * (1 + math.erf(2.0 / 5.0 / math.sqrt(2))),
                                                abs=1e-3)
    assert picks.confidence[2] == pytest.approx(0.5 * (1 + math.erf(2.0 / 3.0 / math.sqrt(2))),
                                                abs=1e-3)    # σ floored at 3
    assert picks.confidence[3] == pytest.approx(0.5 * (1 + math.erf(4.5 / 3.0 / math.sqrt(2))),
                                                abs=1e-3)    # no spread: σ = 3
    assert all(0.5 <= c <= 1.0 for c in picks.confidence[~np.isnan(picks.confidence)])


def test_moving_average_formula():
    got = S.moving_average(np.array([20.0, 1.0]), np.array([30.0, 1.0]),
                           np.array([25.0, 1.0]), np.array([1.0, -9.0]))
    assert got.tolist() == [25.0, 0.0]          # 10 + 9 + 5 + 1; never below zero


# -- the processor on a hand-made feature store ---------------------------------------
MONDAY = date(2024, 1, 8)
TARGET = date(2024, 1, 10)
MLFS = "nba_precompute.ml_feature_store"
PGS = "nba_analytics.player_game_summary"
BASE = {"points_avg_l5": 20.0, "points_avg_l10": 30.0, "points_avg_season": 25.0,
        "total_adjustment": 1.0, "points_std_l10": 5.0}          # moving average 25.0

# player: (prop_line, prop_line_source, injury_status, is_quality_ready, expected)
TARGETS = {
    101: (18.5, "vegas", "Not Listed", True, "OVER"),
    102: (30.5, "vegas", "Probable", True, "UNDER"),
    103: (24.0, "vegas", None, True, "PASS"),
    104: (None, "missing", None, True, "NO_LINE"),
    105: (18.5, "vegas", "Out", True, None),             # ruled Out: no prediction
    106: (18.5, "vegas", None, False, "PASS"),           # not quality-ready
    107: (20.0, "missing", None, True, "NO_LINE"),       # a number without a Vegas source
}


def _mlfs_row(day: date, pid: int, values: dict) -> dict:
    row = {n: 0.0 for n in S.GBM_FEATURES}
    row.update(BASE, quality_score=95.0, prop_line=None)
    row.update(values)
    row.update(game_date=day, game_id=f"G{day.isoformat()}-{pid % 2}", season="2023-24",
               player_id=pid, player_lookup=f"p{pid}", team_id=pid % 2, opponent_team_id=9,
               injury_status=values.get("injury_status"),
               prop_line_source=values.get("prop_line_source", "missing"),
               quality_tier="gold", is_quality_ready=values.get("is_quality_ready", True))
    return row


@pytest.fixture
def store(tmp_path):
    """History Jan 1–9 (labels of Jan 8–9, on or after the Monday, are absurd on purpose)
    and the target day Jan 10."""
    wh = open_warehouse(str(tmp_path / "hand.duckdb"))
    rng = np.random.default_rng(3)
    rows, results = [], []
    for k in range(9):
        day = date(2024, 1, 1) + timedelta(days=k)
        for pid in range(1, 41):
            season_avg = 5.0 + pid * 0.6
            rows.append(_mlfs_row(day, pid, {"points_avg_season": season_avg,
                                             "points_avg_l5": season_avg,
                                             "points_avg_l10": season_avg}))
            pts = 1000 if day >= MONDAY else int(round(season_avg + rng.normal(0, 2)))
            results.append((day, rows[-1]["game_id"], pid, pts, False))
    for pid, (line, source, injury, ready, _) in TARGETS.items():
        rows.append(_mlfs_row(TARGET, pid, {"prop_line": line, "prop_line_source": source,
                                            "injury_status": injury,
                                            "is_quality_ready": ready}))
    cols = {"game_date": "DATE", "game_id": "VARCHAR", "season": "VARCHAR",
            "player_id": "BIGINT", "player_lookup": "VARCHAR", "team_id": "BIGINT",
            "opponent_team_id": "BIGINT", "injury_status": "VARCHAR",
            "prop_line_source": "VARCHAR", "quality_tier": "VARCHAR",
            "is_quality_ready": "BOOLEAN", **{n: "DOUBLE" for n in S.GBM_FEATURES}}
    wh.ensure_table(MLFS, cols)
    wh.con.executemany(f"INSERT INTO {MLFS} ({', '.join(cols)}) "
                       f"VALUES ({', '.join('?' * len(cols))})",
                       [[r[c] for c in cols] for r in rows])
    wh.ensure_table(PGS, {"game_date": "DATE", "game_id": "VARCHAR", "player_id": "BIGINT",
                          "points": "BIGINT", "is_dnp": "BOOLEAN"})
    wh.con.executemany(f"INSERT INTO {PGS} VALUES (?, ?, ?, ?, ?)", results)
    return wh


def test_predictions_on_hand_made_day(store):
    p = REGISTRY.get("player_prop_predictions")
    out = PredictionLoader(min_training_rows=200).load(SimpleNamespace(wh=store), p,
                                                       [TARGET], "run-1")
    assert out.table.column_names == list(p.columns)
    rows = out.table.to_pylist()
    ma = {r["player_id"]: r for r in rows if r["system"] == "moving_average"}
    gbm = {r["player_id"]: r for r in rows if r["system"] == "gbm"}
    expected = {pid: t[4] for pid, t in TARGETS.items() if t[4]}
    assert set(ma) == set(gbm) == set(expected)            # player 105 is Out
    for pid, rec in expected.items():
        r = ma[pid]
        assert r["predicted_points"] == 25.0
        assert r["recommendation"] == rec, pid
        if rec == "NO_LINE":
            assert (r["line"], r["line_source"], r["edge"], r["confidence"]) == (
                None, None, None, None)
        else:
            assert r["line"] == TARGETS[pid][0] and r["line_source"] == "vegas"
            assert r["edge"] == pytest.approx(25.0 - r["line"])
    # the gbm of the week was trained on Jan 1–7 only: the absurd labels never reached it
    assert all(0 <= r["predicted_points"] < 60 for r in gbm.values())
    assert {r["model_version"] for r in gbm.values()} == {"gbm-2024-01-08"}
    out.write_extras(store)
    reg = store.query(f"SELECT model_version, status, trained_through, training_rows "
                      f"FROM {MODEL_VERSIONS_TABLE} ORDER BY 1")
    assert reg == [("gbm-2024-01-08", "trained", date(2024, 1, 7), 7 * 40),
                   ("moving_average-v1", "rule", None, 0)]


def test_no_model_below_the_threshold(store):
    p = REGISTRY.get("player_prop_predictions")
    out = PredictionLoader(min_training_rows=281).load(SimpleNamespace(wh=store), p,
                                                       [TARGET], "run-2")
    assert set(out.table.column("system").to_pylist()) == {"moving_average"}
    (entry,) = [m for m in out.models if m["system"] == "gbm"]
    assert entry["status"] == "insufficient_data" and entry["training_rows"] == 280
    assert "280 training rows < 281" in entry["note"]
