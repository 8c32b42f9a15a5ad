"""The Phase 5 prediction processor: ML feature store rows → one prediction per system.

For a batch of consecutive game dates it reads the feature store rows of those dates (players
ruled Out on the injury report get no prediction), applies the moving average to every row,
and for each week (Monday to Sunday) the batch touches trains that week's gbm on the feature
store rows of the same season dated before the Monday, joined with the actual points of the
players who played. Everything is read through the warehouse adapter (``wh.arrow``).

Every trained (or not trainable) model of the batch is written to
``nba_predictions.model_versions`` in the partition transaction, replacing the rows of the same
versions: version, season, week, trained_through, training rows, features, parameters,
in-sample MAE, status ('trained' / 'insufficient_data' / 'rule') and a note.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial
from types import SimpleNamespace

import numpy as np
import pyarrow.compute as pc

from backcourt.arrow import pa
from backcourt.pipeline.phase5 import systems as S
from backcourt.pipeline.phase5.specs import LOADER
from backcourt.pipeline.phase5.tables import (
    FEATURE_STORE,
    MODEL_VERSION_COLUMNS,
    MODEL_VERSIONS_TABLE,
    PLAYER_GAME,
    PREDICTION_COLUMNS,
)
from backcourt.registry import Processor
from backcourt.registry.loader import LoaderContext
from backcourt.registry.pipeline import source_fingerprint

_ARROW = {"DATE": pa.date32(), "VARCHAR": pa.string(), "BIGINT": pa.int64(),
          "DOUBLE": pa.float64(), "BOOLEAN": pa.bool_()}


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _features_select(alias: str) -> str:
    return ", ".join(f"CAST({alias}.{n} AS DOUBLE) AS {n}" for n in S.GBM_FEATURES)


def _day_rows_sql() -> str:
    return (
        "SELECT f.game_date, f.game_id, f.season, f.player_id, f.player_lookup, f.team_id, "
        "f.opponent_team_id, f.injury_status, f.prop_line_source, f.quality_tier, "
        f"f.is_quality_ready, {_features_select('f')} "
        f"FROM {FEATURE_STORE} AS f "
        "WHERE f.game_date BETWEEN ? AND ? "
        "AND (f.injury_status IS NULL OR f.injury_status <> 'Out') "
        "ORDER BY f.game_date, f.player_id")


def _training_sql() -> str:
    return (
        f"SELECT f.game_date, {_features_select('f')}, CAST(g.points AS DOUBLE) AS points "
        f"FROM {FEATURE_STORE} AS f "
        f"JOIN {PLAYER_GAME} AS g "
        "ON g.game_date = f.game_date AND g.player_id = f.player_id AND g.game_id = f.game_id "
        "WHERE f.season = ? AND f.game_date < ? AND NOT g.is_dnp AND g.points IS NOT NULL "
        "ORDER BY f.game_date, f.player_id")


def _matrix(tbl: pa.Table) -> np.ndarray:
    return np.column_stack([tbl.column(n).to_numpy().astype(float) for n in S.GBM_FEATURES])


def _flags(values: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """A boolean column as a numpy array, NULL as False."""
    return pc.fill_null(values, False).to_numpy(zero_copy_only=False).astype(bool)


def _column(values, kind: str) -> pa.Array:
    if kind == "DOUBLE":
        arr = np.asarray(values, dtype=float)
        return pa.array(arr, mask=np.isnan(arr), type=pa.float64())
    return pa.array(list(values), type=_ARROW[kind])


@dataclass
class Predictions:
    """What a batch produced: the prediction rows and the model registry rows."""

    table: pa.Table
    models: list[dict] = field(default_factory=list)
    bad_files: dict[date, list[str]] = field(default_factory=dict)

    def write_extras(self, wh) -> None:
        """Replace the registry rows of the model versions this batch used."""
        if not self.models:
            return
        wh.ensure_table(MODEL_VERSIONS_TABLE, MODEL_VERSION_COLUMNS)
        versions = sorted({m["model_version"] for m in self.models})
        rows = pa.Table.from_arrays(
            [_column([m[c] for m in self.models], kind)
             for c, kind in MODEL_VERSION_COLUMNS.items()], names=list(MODEL_VERSION_COLUMNS))
        wh.replace_rows(MODEL_VERSIONS_TABLE,
                        f"model_version IN ({', '.join('?' * len(versions))})", versions, rows)


class PredictionLoader:
    """The Python processor behind ``player_prop_predictions``.

    ``min_training_rows``: fewer played rows before a week's Monday means no gbm that week
    (3,000 by default; tests use a smaller number on a short simulated window).
    """

    # tables it writes besides its processor's own (created up front, not mid-run)
    extra_tables = LOADER.extra_tables

    def __init__(self, min_training_rows: int = S.MIN_TRAINING_ROWS) -> None:
        self.min_training_rows = min_training_rows
        self._code_fp: str | None = None
        # (weeks, their models being trained) by prepare(), taken by the next batch
        self._prefetched: tuple[frozenset, Future] | None = None

    def fingerprint(self, p: Processor) -> str:
        """Hash of the model code (its parameters live in systems.py), and of
        ``min_training_rows`` when it is not the default."""
        if self._code_fp is None:
            changed = self.min_training_rows != S.MIN_TRAINING_ROWS
            self._code_fp = source_fingerprint(
                LOADER.package, LOADER.code,
                [("min_training_rows", self.min_training_rows)] if changed else None)
        return self._code_fp

    # -- the batch ---------------------------------------------------------
    def load(self, ctx: LoaderContext, p: Processor, days: list[date],
             run_id: str) -> Predictions:
        rows = ctx.wh.arrow(_day_rows_sql(), [min(days), max(days)])
        days_d = rows.column("game_date").to_numpy().astype("datetime64[D]")
        keep = np.isin(days_d, np.array(days, dtype="datetime64[D]"))
        if not keep.all():
            rows, days_d = rows.filter(pa.array(keep)), days_d[keep]
        n = rows.num_rows
        code_fp = self.fingerprint(p)
        x = _matrix(rows)
        col = {name: x[:, i] for i, name in enumerate(S.GBM_FEATURES)}
        vegas = _flags(pc.equal(rows.column("prop_line_source"), "vegas"))
        line = np.where(vegas, col["prop_line"], np.nan)
        ready = _flags(rows.column("is_quality_ready"))

        parts: list[pa.Table] = []
        ma = S.moving_average(col["points_avg_l5"], col["points_avg_l10"],
                              col["points_avg_season"], col["total_adjustment"])
        parts.append(self._rows(rows, np.ones(n, dtype=bool), S.MOVING_AVERAGE,
                                np.full(n, S.MOVING_AVERAGE_VERSION, dtype=object), ma, line,
                                ready, col["points_std_l10"]))
        models = [self._moving_average_entry(code_fp, run_id)]

        # gbm: one model per (season, Monday) the batch touches
        mondays = days_d - (days_d.astype(np.int64) + 3) % 7     # 1970-01-01 was a Thursday
        season_of = rows.column("season").to_numpy(zero_copy_only=False).astype(str)
        # np.unique sorts by (Monday, season): the order the weeks are trained and listed in
        pairs, row_week = np.unique(np.rec.fromarrays([mondays, season_of]),
                                    return_inverse=True)
        weeks = [(str(season), monday.item()) for monday, season in pairs]
        row_week = row_week.reshape(-1)
        ahead = self._take_prefetched(weeks)
        rest = [w for w in weeks if w not in ahead]
        trained = {**ahead, **(self._train_weeks(ctx, rest) if rest else {})}
        gbm_pred = np.full(n, np.nan)
        versions = np.full(n, "", dtype=object)
        for k, key in enumerate(weeks):
            model = trained[key]
            models.append(self._model_entry(model, code_fp, run_id))
            if not model.trained:
                continue
            sel = row_week == k
            if sel.any():
                gbm_pred[sel] = S.predict_gbm(model, x[sel])
                versions[sel] = model.version
        has_gbm = ~np.isnan(gbm_pred)
        if has_gbm.any():
            parts.append(self._rows(rows, has_gbm, S.GBM, versions[has_gbm],
                                    gbm_pred[has_gbm], line[has_gbm], ready[has_gbm],
                                    col["points_std_l10"][has_gbm]))
        table = pa.concat_tables(parts)
        return Predictions(table=table, models=models)

    # -- training ahead of the batch ---------------------------------------
    def prepare(self, ctx: LoaderContext, p: Processor, days: list[date],
                writes: dict[str, list[date]]) -> Future | None:
        """Called when a run starts: train the weeks of ``days`` in the background, on
        another connection, when nothing the run writes can change their training data (a
        week trains on the dates before its Monday: every write to the feature store and to
        the played games must be on or after it). A daily run's Phases 3–4 write only its
        date, so its week's model trains while they run instead of after them. Returns the
        training started, if any: none before the training tables exist."""
        self._prefetched = None
        first_write = min((d for t in (FEATURE_STORE, PLAYER_GAME) for d in writes.get(t, ())),
                          default=None)
        weeks = sorted({(ctx.calendar.season(d), monday_of(d)) for d in days
                        if first_write is None or monday_of(d) <= first_write},
                       key=lambda sm: (sm[1], sm[0]))
        if not weeks or not all(ctx.wh.table_exists(t) for t in (FEATURE_STORE, PLAYER_GAME)):
            return None   # nothing to train on yet (a first backfill): the batch trains
        # the run's background work, on a connection of its own (the loader contract)
        future = ctx.in_background(
            lambda wh: self._train_weeks(SimpleNamespace(wh=wh), weeks), "train-ahead")
        self._prefetched = (frozenset(weeks), future)
        return future

    def _take_prefetched(self, weeks: list[tuple[str, date]]
                         ) -> dict[tuple[str, date], S.TrainedModel]:
        """Those of these weeks whose models ``prepare`` trained ahead (one batch takes
        them; a week it did not ask for is left to train normally)."""
        ahead, self._prefetched = self._prefetched, None
        if ahead is None or not ahead[0] & set(weeks):
            return {}
        try:
            models = ahead[1].result()
        except Exception:
            return {}
        return {key: models[key] for key in weeks if key in models}

    def _train_weeks(self, ctx, weeks: list[tuple[str, date]]
                     ) -> dict[tuple[str, date], S.TrainedModel]:
        """Train the models of these (season, Monday) weeks: one read of each season's
        history, then the weeks in parallel threads (LightGBM releases the GIL; each model
        still trains on one thread, so it is the same model whichever thread trains it)."""
        jobs: list[tuple[tuple[str, date], int, Callable[[], S.TrainedModel]]] = []
        for season in sorted({s for s, _ in weeks}):
            mondays = [m for s, m in weeks if s == season]
            hist = ctx.wh.arrow(_training_sql(), [season, max(mondays)])
            hist_days = hist.column("game_date").to_numpy().astype("datetime64[D]")
            x = _matrix(hist)
            y = hist.column("points").to_numpy().astype(float)
            for monday in mondays:
                # rows are sorted by date: the training set of a week is a prefix
                n = int(np.searchsorted(hist_days, np.datetime64(monday, "D"), side="left"))
                through = hist_days[n - 1].astype(date) if n else None
                jobs.append(((season, monday), n, partial(
                    S.train_gbm, x[:n], y[:n], version=S.gbm_version(monday), season=season,
                    week_start=monday, trained_through=through,
                    min_rows=self.min_training_rows)))
        threads = min(len(jobs), os.cpu_count() or 1)
        if threads <= 1:
            return {key: train() for key, _, train in jobs}
        # the largest weeks first, so that the last thread to finish is not left alone
        order = sorted(range(len(jobs)), key=lambda k: -jobs[k][1])
        with ThreadPoolExecutor(max_workers=threads) as pool:
            done = dict(zip(order, pool.map(lambda k: jobs[k][2](), order), strict=True))
        return {jobs[k][0]: done[k] for k in range(len(jobs))}

    # -- output rows -------------------------------------------------------
    @staticmethod
    def _rows(rows: pa.Table, sel: np.ndarray, system: str, versions: np.ndarray,
              predicted: np.ndarray, line: np.ndarray, ready: np.ndarray,
              points_std: np.ndarray) -> pa.Table:
        sub = rows.filter(pa.array(sel))
        predicted = np.round(np.asarray(predicted, dtype=float), 2)
        picks = S.recommend(predicted, line, ready, points_std)
        has_line = ~np.isnan(line)
        n = sub.num_rows
        out = {
            "game_date": sub.column("game_date"),
            "game_id": sub.column("game_id"),
            "season": sub.column("season"),
            "player_id": sub.column("player_id"),
            "player_lookup": sub.column("player_lookup"),
            "team_id": sub.column("team_id"),
            "opponent_team_id": sub.column("opponent_team_id"),
            "system": _column([system] * n, "VARCHAR"),
            "model_version": _column(versions, "VARCHAR"),
            "predicted_points": _column(predicted, "DOUBLE"),
            "line": _column(line, "DOUBLE"),
            "line_source": _column(np.where(has_line, "vegas", None), "VARCHAR"),
            "edge": _column(picks.edge, "DOUBLE"),
            "confidence": _column(picks.confidence, "DOUBLE"),
            "recommendation": _column(picks.recommendation, "VARCHAR"),
            "points_std_l10": _column(points_std, "DOUBLE"),
            "quality_score": sub.column("quality_score").cast(pa.float64()),
            "quality_tier": sub.column("quality_tier"),
            "is_quality_ready": sub.column("is_quality_ready"),
            "injury_status": sub.column("injury_status"),
        }
        arrays = [out[c] for c in PREDICTION_COLUMNS]
        arrays = [a.combine_chunks() if isinstance(a, pa.ChunkedArray) else a for a in arrays]
        arrays = [a.cast(_ARROW[PREDICTION_COLUMNS[c]])
                  for a, c in zip(arrays, PREDICTION_COLUMNS, strict=True)]
        return pa.Table.from_arrays(arrays, names=list(PREDICTION_COLUMNS))

    # -- model registry rows -----------------------------------------------
    @staticmethod
    def _moving_average_entry(code_fp: str, run_id: str) -> dict:
        return {
            "model_version": S.MOVING_AVERAGE_VERSION, "system": S.MOVING_AVERAGE,
            "season": None, "week_start": None, "trained_through": None, "training_rows": 0,
            "status": "rule",
            "features": json.dumps([*S.MOVING_AVERAGE_WEIGHTS, "total_adjustment"]),
            "params": json.dumps(S.MOVING_AVERAGE_WEIGHTS, sort_keys=True),
            "in_sample_mae": None,
            "note": "0.5*points_avg_l5 + 0.3*points_avg_l10 + 0.2*points_avg_season "
                    "+ total_adjustment",
            "code_fingerprint": code_fp, "run_id": run_id,
        }

    @staticmethod
    def _model_entry(m: S.TrainedModel, code_fp: str, run_id: str) -> dict:
        return {
            "model_version": m.version, "system": S.GBM, "season": m.season,
            "week_start": m.week_start, "trained_through": m.trained_through,
            "training_rows": m.training_rows,
            "status": "trained" if m.trained else "insufficient_data",
            "features": json.dumps(list(S.GBM_FEATURES)),
            "params": json.dumps(m.params, sort_keys=True),
            "in_sample_mae": m.in_sample_mae, "note": m.note,
            "code_fingerprint": code_fp, "run_id": run_id,
        }
