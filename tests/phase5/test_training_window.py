"""A week's gbm trains on the most recent ``MAX_TRAINING_ROWS`` rows before its Monday."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from backcourt.pipeline.phase5 import systems as S


def _rows(n: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(3)
    x = np.round(rng.normal(10.0, 4.0, size=(n, len(S.GBM_FEATURES))), 2)
    y = np.round(np.maximum(x[:, 0] * 1.2 + x[:, 4] * 0.3 + rng.normal(0, 3, n), 0))
    return x, y


def _train(x: np.ndarray, y: np.ndarray) -> S.TrainedModel:
    return S.train_gbm(x, y, version="gbm-2024-01-08", season="2023-24",
                       week_start=date(2024, 1, 8), trained_through=date(2024, 1, 7),
                       min_rows=500)


@pytest.fixture
def window(monkeypatch) -> int:
    monkeypatch.setattr(S, "MAX_TRAINING_ROWS", 600)
    return 600


def test_rows_older_than_the_window_do_not_reach_the_model(window):
    x, y = _rows(1000)
    model = _train(x, y)
    assert model.trained and model.training_rows == window
    assert model.params["max_training_rows"] == window
    assert "(the most recent of 1000)" in model.note
    older = y.copy()
    older[: 1000 - window] = 99.0                # absurd labels, all before the window
    same = _train(x, older)
    assert same.booster.model_to_string() == model.booster.model_to_string()
    assert same.in_sample_mae == model.in_sample_mae
    inside = y.copy()
    inside[1000 - window:] += 5.0                # a control: the window's own labels move it
    moved = _train(x, inside)
    assert not np.array_equal(moved.booster.predict(x[:50]), model.booster.predict(x[:50]))


def test_a_week_below_the_window_trains_on_every_row(window):
    x, y = _rows(550)
    model = _train(x, y)
    assert model.trained and model.training_rows == 550
    assert "most recent" not in model.note
