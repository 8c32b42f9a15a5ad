"""Phase 5 processors: ML feature store → predictions → grades → daily summary.

``player_prop_predictions`` is a Python processor (see ``predictions.py`` and the rules in
``systems.py``); grading and the daily summary are SQL. The first 14 days of a season have no
feature store rows, so Phase 5 records them as skipped like Phase 4.

Inputs and what the gbm reads: the predictions of date D read the feature store of D itself
and train on feature store rows joined with ``player_game_summary`` of the same season dated
before the Monday of D's week. The label table is declared with a ``season_to_date`` window,
so a rewritten box score of any earlier date of the season makes D stale; the earlier feature
store rows are themselves built from that window's data. Earlier seasons are not read.
"""

from __future__ import annotations

from importlib.resources import files

from backcourt.pipeline.phase4.specs import BOOTSTRAP_DAYS
from backcourt.pipeline.phase5.tables import (
    FEATURE_STORE,
    LOADER_NAME,
    MODEL_VERSION_COLUMNS,
    MODEL_VERSIONS_TABLE,
    PLAYER_GAME,
    PREDICTION_COLUMNS,
    PREDICTIONS_TABLE,
)
from backcourt.registry import Check, Expected, Input, Processor, rows_per_date, season_to_date
from backcourt.registry.pipeline import LoaderSpec

# the prediction processor's Python code, imported only when predictions run
LOADER = LoaderSpec(
    target="backcourt.pipeline.phase5.predictions:PredictionLoader",
    package="backcourt.pipeline.phase5",
    code=("systems.py", "predictions.py", "tables.py"),
    extra_tables={MODEL_VERSIONS_TABLE: MODEL_VERSION_COLUMNS},
)

GRADES_TABLE = "nba_predictions.prediction_grades"
SUMMARY_TABLE = "nba_predictions.daily_grading_summary"


def _sql(name: str) -> str:
    return files("backcourt.pipeline.phase5").joinpath("sql", f"{name}.sql").read_text()


# every player with a game who is not ruled Out gets a moving-average prediction
_PREDICTABLE = rows_per_date(FEATURE_STORE, "(injury_status IS NULL OR injury_status <> 'Out')")
_PREDICTIONS = rows_per_date(PREDICTIONS_TABLE)
_SYSTEMS = rows_per_date(PREDICTIONS_TABLE, measure="COUNT(DISTINCT system)")
# expected entities for `validate --reconcile`: a prediction per feature-store row of a player
# not ruled Out; a grade per prediction; a summary per system that predicted
_PREDICTABLE_PLAYERS = (
    f"SELECT game_date, player_id AS entity FROM {FEATURE_STORE} WHERE "
    "(injury_status IS NULL OR injury_status <> 'Out') AND game_date BETWEEN {start} AND {end}")
_PREDICTION = "CAST(player_id AS VARCHAR) || ':' || system"
_PREDICTION_IDS = (f"SELECT game_date, {_PREDICTION} AS entity FROM {PREDICTIONS_TABLE} "
                   "WHERE game_date BETWEEN {start} AND {end}")
_PREDICTING_SYSTEMS = (f"SELECT DISTINCT game_date, system AS entity FROM {PREDICTIONS_TABLE} "
                       "WHERE game_date BETWEEN {start} AND {end}")

PROCESSORS = (
    Processor(
        name="player_prop_predictions", phase=5, table=PREDICTIONS_TABLE,
        keys=("player_id", "system"), loader=LOADER_NAME, columns=PREDICTION_COLUMNS,
        inputs=(Input(FEATURE_STORE), Input(PLAYER_GAME, season_to_date())),
        bootstrap_days=BOOTSTRAP_DAYS,
        checks=(Check("predicted_points"), Check("predicted_points", "between", 0, 100),
                Check("model_version"), Check("recommendation"), Check("quality_tier"),
                Check("line_source", where="line IS NOT NULL"),
                Check("edge", where="line IS NOT NULL"),
                Check("confidence", "between", 0.5, 1.0, where="line IS NOT NULL"),
                Check("confidence", where="line IS NOT NULL")),
        expected=Expected(
            _PREDICTABLE,
            measure="SUM(CASE WHEN system = 'moving_average' THEN 1 ELSE 0 END)",
            entities_sql=_PREDICTABLE_PLAYERS, entity="player_id"),
        description="Predicted points, line, edge and OVER/UNDER/PASS/NO_LINE per system.",
    ),
    Processor(
        name="prediction_grades", phase=5, table=GRADES_TABLE,
        keys=("player_id", "system"), sql=_sql("prediction_grades"),
        inputs=(Input(PREDICTIONS_TABLE), Input(PLAYER_GAME)),
        bootstrap_days=BOOTSTRAP_DAYS,
        checks=(Check("grade_status"),
                Check("actual_points", where="grade_status <> 'void_dnp'"),
                Check("absolute_error", where="grade_status <> 'void_dnp'"),
                Check("is_correct", where="grade_status = 'graded'")),
        expected=Expected(_PREDICTIONS, entities_sql=_PREDICTION_IDS, entity=_PREDICTION),
        description="Each prediction against the actual points: errors and pick result.",
    ),
    Processor(
        name="daily_grading_summary", phase=5, table=SUMMARY_TABLE,
        keys=("system",), sql=_sql("daily_grading_summary"),
        inputs=(Input(GRADES_TABLE),),
        bootstrap_days=BOOTSTRAP_DAYS,
        checks=(Check("predictions", "non_zero"), Check("mae", where="played > 0"),
                Check("hit_rate", where="graded_picks > 0"),
                Check("hit_rate", "between", 0, 1, where="graded_picks > 0")),
        expected=Expected(_SYSTEMS, entities_sql=_PREDICTING_SYSTEMS),
        description="Per date and system: MAE, bias, hit rate on graded picks, counts.",
    ),
)
