"""The prediction systems and the rule that turns a prediction into a pick.

Systems
-------
``moving_average`` (version ``moving_average-v1``)
    predicted = 0.5 · points_avg_l5 + 0.3 · points_avg_l10 + 0.2 · points_avg_season
                + total_adjustment                       (clipped at 0)

``gbm`` (version ``gbm-<Monday>``)
    A LightGBM regressor on the ML feature store's features (``FEATURE_NAMES`` plus
    ``quality_score``) with the player's actual points as label, trained on the rows of
    players who played, of the same season, dated strictly before the Monday of the
    prediction date's week — the most recent ``MAX_TRAINING_ROWS`` of them. One model per
    week; training is deterministic (fixed seed,
    ``deterministic=True``, one thread, rows in (game_date, player_id) order), so the model
    of a week is the same whether it is trained for a range or for one date. With fewer than
    ``min_training_rows`` training rows there is no model and no gbm prediction that week
    (the model registry records the week as ``insufficient_data``).

Recommendation rule (the same for every system)
-----------------------------------------------
    line        the feature store's ``prop_line`` (the last pre-tip Vegas points line) when
                its source is 'vegas'; otherwise NULL — never a placeholder number
    edge        predicted − line, rounded to 0.01 (NULL without a line)
    NO_LINE     no line
    PASS        a line, but the features are not quality-ready, or |edge| < 2.0
    OVER        edge ≥ +2.0 and quality-ready
    UNDER       edge ≤ −2.0 and quality-ready
    confidence  Φ(|edge| / σ) with σ = max(points_std_l10, 3.0): the probability, under a
                normal error with the player's recent spread, that the result lands on the
                predicted side of the line; between 0.5 and 1 (NULL without a line)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from backcourt.pipeline.phase4.features import FEATURE_NAMES
from backcourt.without_pandas import pandas_refused

MOVING_AVERAGE = "moving_average"
GBM = "gbm"
SYSTEMS = (MOVING_AVERAGE, GBM)
MOVING_AVERAGE_VERSION = "moving_average-v1"
MOVING_AVERAGE_WEIGHTS = {"points_avg_l5": 0.5, "points_avg_l10": 0.3, "points_avg_season": 0.2}

EDGE_THRESHOLD = 2.0
MIN_SIGMA = 3.0
OVER, UNDER, PASS, NO_LINE = "OVER", "UNDER", "PASS", "NO_LINE"

GBM_FEATURES: tuple[str, ...] = (*FEATURE_NAMES, "quality_score")
# A light model (issue 18): the 112 weekly models of four seasons should train in about 3 s
# on two cores. Against the earlier one (60 rounds at 0.15, every row, 63 bins found from all
# rows) it takes 2.7x less CPU for +0.006 walk-forward MAE (docs/MODEL.md).
GBM_PARAMS: dict = {
    "objective": "regression",
    "learning_rate": 0.3,
    "num_leaves": 7,
    "min_data_in_leaf": 40,
    "max_bin": 31,
    "bin_construct_sample_cnt": 3000,   # bin edges from 3,000 sampled rows (seeded)
    "feature_fraction": 0.5,            # each tree sees half the features (seeded)
    "lambda_l2": 1.0,
    "seed": 7,
    "deterministic": True,
    "force_row_wise": True,
    "num_threads": 1,
    "verbose": -1,
}
GBM_ROUNDS = 30
MIN_TRAINING_ROWS = 3000
# a week's model trains on at most this many rows: the most recent before its Monday
MAX_TRAINING_ROWS = 12000


def gbm_version(monday) -> str:
    return f"gbm-{monday.isoformat()}"


def moving_average(points_l5: np.ndarray, points_l10: np.ndarray, points_season: np.ndarray,
                   total_adjustment: np.ndarray) -> np.ndarray:
    w = MOVING_AVERAGE_WEIGHTS
    pred = (w["points_avg_l5"] * points_l5 + w["points_avg_l10"] * points_l10
            + w["points_avg_season"] * points_season + np.nan_to_num(total_adjustment))
    return np.maximum(pred, 0.0)


@dataclass
class Picks:
    edge: np.ndarray            # NaN without a line
    confidence: np.ndarray      # NaN without a line
    recommendation: list[str]


def recommend(predicted: np.ndarray, line: np.ndarray, quality_ready: np.ndarray,
              points_std: np.ndarray) -> Picks:
    """The recommendation rule above, vectorised. ``line`` is NaN where there is none."""
    predicted = np.asarray(predicted, dtype=float)
    line = np.asarray(line, dtype=float)
    ready = np.asarray(quality_ready, dtype=bool)
    has_line = ~np.isnan(line)
    edge = np.where(has_line, np.round(predicted - np.where(has_line, line, 0.0), 2), np.nan)
    sigma = np.maximum(np.nan_to_num(np.asarray(points_std, dtype=float), nan=MIN_SIGMA),
                       MIN_SIGMA)
    conf = np.full(predicted.shape, np.nan)
    at = np.flatnonzero(has_line)
    # math.erf and Python's round on Python floats, one row at a time (numpy has no erf)
    z = (np.abs(edge[at]) / sigma[at]).tolist()
    root2 = math.sqrt(2.0)
    conf[at] = [round(0.5 * (1.0 + math.erf(v / root2)), 3) for v in z]
    with np.errstate(invalid="ignore"):     # NaN edges (no line) compare False
        rec = np.select([~has_line, ready & (edge >= EDGE_THRESHOLD),
                         ready & (edge <= -EDGE_THRESHOLD)], [NO_LINE, OVER, UNDER], PASS)
    return Picks(edge, conf, rec.tolist())


@dataclass
class TrainedModel:
    """One week's gbm: trained, or the reason there is none."""

    version: str
    season: str
    week_start: object                 # date: the Monday of the week it predicts
    training_rows: int
    trained_through: object | None     # date of the last training row
    booster: object | None = None
    in_sample_mae: float | None = None
    note: str = ""
    params: dict = field(default_factory=dict)

    @property
    def trained(self) -> bool:
        return self.booster is not None


def train_gbm(x: np.ndarray, y: np.ndarray, *, version: str, season: str, week_start,
              trained_through, min_rows: int) -> TrainedModel:
    """Train one week's model on rows already restricted to dates before ``week_start`` and
    sorted by (game_date, player_id): on the last ``MAX_TRAINING_ROWS`` of them."""
    with pandas_refused():   # LightGBM imports pandas only to recognise pandas inputs
        import lightgbm as lgb

    params = {**GBM_PARAMS, "num_boost_round": GBM_ROUNDS,
              "max_training_rows": MAX_TRAINING_ROWS}
    available = int(y.size)
    if available < min_rows:
        return TrainedModel(version, season, week_start, available, trained_through,
                            params=params,
                            note=f"{available} training rows < {min_rows}: no gbm predictions "
                                 "this week")
    x, y = x[-MAX_TRAINING_ROWS:], y[-MAX_TRAINING_ROWS:]
    n = int(y.size)
    ds = lgb.Dataset(x, label=y, feature_name=list(GBM_FEATURES), params=dict(GBM_PARAMS),
                     free_raw_data=True)
    in_sample: list[float] = []

    def _in_sample_mae(env) -> None:
        # after the last round, from the scores LightGBM keeps for its training rows: the
        # same numbers as predicting the rows again, without that second pass
        if env.iteration == env.end_iteration - 1:
            for _, name, value, _ in env.model.eval_train(_mae_of(y)):
                if name == "in_sample_mae":
                    in_sample.append(value)

    booster = lgb.train(dict(GBM_PARAMS), ds, num_boost_round=GBM_ROUNDS,
                        callbacks=[_in_sample_mae])
    mae = in_sample[0]
    return TrainedModel(version, season, week_start, n, trained_through, booster=booster,
                        in_sample_mae=round(mae, 4), params=params,
                        note=f"trained on {n} rows through {trained_through}"
                             + (f" (the most recent of {available})" if n < available else ""))


def _mae_of(y: np.ndarray):
    """A LightGBM evaluation function: mean absolute error of the scores against ``y``."""
    def mae(scores: np.ndarray, _data) -> tuple[str, float, bool]:
        return "in_sample_mae", float(np.mean(np.abs(scores - y))), False
    return mae


def predict_gbm(model: TrainedModel, x: np.ndarray) -> np.ndarray:
    # one thread: a week predicts a few thousand rows, too few to share out
    return np.maximum(model.booster.predict(x, num_threads=1), 0.0)
