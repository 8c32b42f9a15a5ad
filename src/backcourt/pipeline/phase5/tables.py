"""The tables of Phase 5's Python processor, and its name: declarations only (no imports),
so that planning and checks can name them without loading the model code."""

from __future__ import annotations

FEATURE_STORE = "nba_precompute.ml_feature_store"
PLAYER_GAME = "nba_analytics.player_game_summary"
PREDICTIONS_TABLE = "nba_predictions.player_prop_predictions"
MODEL_VERSIONS_TABLE = "nba_predictions.model_versions"
LOADER_NAME = "phase5_predictions"

PREDICTION_COLUMNS: dict[str, str] = {
    "game_date": "DATE",
    "game_id": "VARCHAR",
    "season": "VARCHAR",
    "player_id": "BIGINT",
    "player_lookup": "VARCHAR",
    "team_id": "BIGINT",
    "opponent_team_id": "BIGINT",
    "system": "VARCHAR",
    "model_version": "VARCHAR",
    "predicted_points": "DOUBLE",
    "line": "DOUBLE",
    "line_source": "VARCHAR",
    "edge": "DOUBLE",
    "confidence": "DOUBLE",
    "recommendation": "VARCHAR",
    "points_std_l10": "DOUBLE",
    "quality_score": "DOUBLE",
    "quality_tier": "VARCHAR",
    "is_quality_ready": "BOOLEAN",
    "injury_status": "VARCHAR",
}

MODEL_VERSION_COLUMNS: dict[str, str] = {
    "model_version": "VARCHAR",
    "system": "VARCHAR",
    "season": "VARCHAR",
    "week_start": "DATE",
    "trained_through": "DATE",
    "training_rows": "BIGINT",
    "status": "VARCHAR",
    "features": "VARCHAR",
    "params": "VARCHAR",
    "in_sample_mae": "DOUBLE",
    "note": "VARCHAR",
    "code_fingerprint": "VARCHAR",
    "run_id": "VARCHAR",
}
