"""A daily run trains its week's gbm while Phases 2–4 run (``PredictionLoader.prepare``):
the same models and predictions as training when the batch runs, and never when the run
rewrites part of the training data."""

from __future__ import annotations

import shutil
import threading
from datetime import date

from backcourt import app as lib
from backcourt.pipeline.phase5.predictions import PredictionLoader
from backcourt.pipeline.phase5.tables import LOADER_NAME, MODEL_VERSIONS_TABLE, PREDICTIONS_TABLE
from tests.phase5.conftest import TEST_MIN_TRAINING_ROWS, p5_context, table_rows

MONDAY = date(2023, 11, 20)


class Recording(PredictionLoader):
    """Remembers which thread trained each batch of weeks."""

    def __init__(self, ahead: bool = True) -> None:
        super().__init__(min_training_rows=TEST_MIN_TRAINING_ROWS)
        self.ahead = ahead
        self.trained_on: list[str] = []

    def prepare(self, ctx, p, days, writes) -> None:
        if self.ahead:
            super().prepare(ctx, p, days, writes)

    def _train_weeks(self, ctx, weeks):
        self.trained_on.append(threading.current_thread().name)
        return super()._train_weeks(ctx, weeks)


def _run(tmp_path, raw, base, name, loader, phases, start, end):
    ctx = p5_context(tmp_path, raw, base, name)
    ctx.pipeline.loaders[LOADER_NAME] = loader
    # the partitions of the range are rewritten (as a re-run after a fix would)
    summary = lib.run(ctx, lib.select(ctx, phases), start, end, name)
    assert summary.ok, [f.__dict__ for f in summary.failures[:3]]
    return ctx


def test_daily_run_trains_ahead_with_the_same_result(tmp_path, p5_raw, p5_base):
    ahead, behind = Recording(ahead=True), Recording(ahead=False)
    a = _run(tmp_path, p5_raw, p5_base, "ahead.duckdb", ahead, [3, 4, 5], MONDAY, MONDAY)
    b = _run(tmp_path, p5_raw, p5_base, "behind.duckdb", behind, [3, 4, 5], MONDAY, MONDAY)
    assert ahead.trained_on == ["train-ahead"]        # trained while Phases 3-4 ran
    assert behind.trained_on == ["MainThread"]
    assert table_rows(a.wh, PREDICTIONS_TABLE) == table_rows(b.wh, PREDICTIONS_TABLE)
    models = table_rows(a.wh, MODEL_VERSIONS_TABLE, exclude=("run_id",))
    assert models == table_rows(b.wh, MODEL_VERSIONS_TABLE, exclude=("run_id",))
    trained = [m for m in models if m[0] == "gbm-2023-11-20"]
    assert len(trained) == 1 and trained[0][6] == "trained"
    assert a.wh.query(f"SELECT count(*) FROM {PREDICTIONS_TABLE} WHERE game_date = ? "
                      "AND system = 'gbm'", [MONDAY])[0][0] > 0


def test_only_weeks_whose_training_data_the_run_leaves_alone(tmp_path, p5_raw, p5_base):
    # Phases 3-5 from the Friday before: the week of Nov 13 trains ahead (its training set
    # ends before Nov 13), the week of Nov 20 after the run rewrote Nov 17-19
    start = date(2023, 11, 17)
    ahead, behind = Recording(ahead=True), Recording(ahead=False)
    a = _run(tmp_path, p5_raw, p5_base, "a.duckdb", ahead, [3, 4, 5], start, MONDAY)
    b = _run(tmp_path, p5_raw, p5_base, "b.duckdb", behind, [3, 4, 5], start, MONDAY)
    assert ahead.trained_on == ["train-ahead", "MainThread"]
    assert behind.trained_on == ["MainThread"]
    assert table_rows(a.wh, PREDICTIONS_TABLE) == table_rows(b.wh, PREDICTIONS_TABLE)
    assert (table_rows(a.wh, MODEL_VERSIONS_TABLE, exclude=("run_id",))
            == table_rows(b.wh, MODEL_VERSIONS_TABLE, exclude=("run_id",)))


def test_prepare_decides_from_what_the_run_writes(tmp_path, p5_raw, p5_base):
    ctx = p5_context(tmp_path, p5_raw, p5_base, "prepare.duckdb")
    p = ctx.registry.get("player_prop_predictions")
    loader = PredictionLoader(min_training_rows=TEST_MIN_TRAINING_ROWS)
    feature_store = "nba_precompute.ml_feature_store"
    loader.prepare(ctx, p, [MONDAY], {feature_store: [date(2023, 11, 19)]})
    assert loader._prefetched is None            # Nov 19 is in the week's training set
    loader.prepare(ctx, p, [MONDAY, date(2023, 11, 21)], {feature_store: [MONDAY]})
    assert loader._prefetched is not None
    weeks, future = loader._prefetched
    assert weeks == {(ctx.calendar.season(MONDAY), MONDAY)}
    model = future.result(timeout=120)[(ctx.calendar.season(MONDAY), MONDAY)]
    assert model.trained and model.week_start == MONDAY and model.trained_through < MONDAY
    # a batch of other weeks does not take it; the next matching batch would have
    assert loader._take_prefetched([(ctx.calendar.season(MONDAY), date(2023, 11, 13))]) == {}
    assert loader._prefetched is None


def test_training_ahead_waits_for_the_stages_that_may_fork(tmp_path, p5_raw, p5_base,
                                                           monkeypatch):
    # Phase 2 parses in forked workers on long ranges: a thread training meanwhile would be
    # copied mid-operation into the children. Training ahead starts after Phase 2.
    from backcourt.pipeline.phase2.loader import RawFileLoader

    events: list[str] = []
    loader = Recording(ahead=True)
    prepare = loader.prepare

    def recorded_prepare(ctx, p, days, writes):
        events.append("prepare")
        return prepare(ctx, p, days, writes)

    loader.prepare = recorded_prepare
    load = RawFileLoader.load

    def recorded_load(self, ctx, p, days, run_id):
        events.append("phase 2")
        return load(self, ctx, p, days, run_id)

    monkeypatch.setattr(RawFileLoader, "load", recorded_load)
    _run(tmp_path, p5_raw, p5_base, "order.duckdb", loader, [2, 3, 4, 5], MONDAY, MONDAY)
    assert events.count("prepare") == 1 and events.count("phase 2") >= 8
    assert events.index("prepare") > max(i for i, e in enumerate(events) if e == "phase 2")
    assert loader.trained_on == ["train-ahead"] and loader._prefetched is None   # taken


def test_no_training_ahead_before_the_feature_store_exists(tmp_path, p5_raw, p5_base):
    """A first backfill of Phases 2–5 starts before the feature store's table exists: there
    is nothing to train ahead on, and asking anyway made Spark log a missing-table error on
    every such run (the run then trained as usual)."""
    import duckdb

    from backcourt.config import Settings

    fresh = tmp_path / "fresh.duckdb"
    shutil.copy(p5_base, fresh)
    with duckdb.connect(str(fresh)) as con:
        con.execute("DROP TABLE nba_precompute.ml_feature_store")
    ctx = lib.open_context(Settings(warehouse=str(fresh), raw=p5_raw))
    loader = PredictionLoader(min_training_rows=TEST_MIN_TRAINING_ROWS)
    p = ctx.registry.get("player_prop_predictions")
    assert loader.prepare(ctx, p, [MONDAY], {}) is None
    assert loader._prefetched is None
