"""Modes are data: every behavior that differs between daily and backfill runs is a field.

Unknown keys are rejected (a typo cannot silently disable a check).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from backcourt.ledger.ledger import (
    INCOMPLETE_DATA,
    MISSING_DEPENDENCY,
    NO_SHOT_ZONE,
    PROCESSING_ERROR,
)


class Mode(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Literal["daily", "backfill"]
    dependency_check: Literal["window_complete", "window_exists"] = Field(
        description="1. full window completeness, or existence of every upstream partition")
    entity_completeness_check: bool = Field(description="2. per-entity completeness check")
    defensive_checks: bool = Field(
        description="3. yesterday's upstream ok and no gaps in the lookback")
    alerts: Literal["notify", "summary"] = Field(
        description="4. send alerts, or aggregate them in the run summary")
    min_thresholds: Literal["strict", "relaxed"] = Field(
        description="5. minimum players / teams per date")
    query_timeout_s: int = Field(description="6. timeout of one statement, seconds")
    circuit_breakers: bool = Field(description="7. per-entity circuit breakers")
    record_reprocess_attempts: bool = Field(description="8. reprocess-attempt recording")
    downstream_triggers: bool = Field(description="9. emit events that start the next phase")
    date_too_old_exit: bool = Field(description="10. exit early for a date too far back")
    stale_upstream: Literal["fail", "warn"] = Field(description="11. stale upstream")
    expected_counts: Literal["strict", "relaxed"] = Field(description="12. expected counts")
    validate_mode_keys: bool = Field(
        default=True, description="13. unknown keys and typos rejected")
    expected_ratio: float = Field(
        description="share of the expected rows a partition must hold (from 12)")
    retries: int = Field(default=2, ge=0,
                         description="retries of a batch after a transient engine error")
    breaker_after: int = Field(default=3, ge=1, description=(
        "consecutive failed batches after which a processor's circuit opens for the run"))
    entity_breaker_after: int = Field(default=3, ge=1, description=(
        "entity breakers (with 7): an entity whose last N attempts all failed with a "
        "retryable category trips its breaker"))
    entity_breaker_cooldown_h: float = Field(default=24.0, ge=0, description=(
        "entity breakers (with 7): hours a breaker stays open (the entity's row is left "
        "out, recorded as CIRCUIT_BREAKER_ACTIVE); then it is tried again"))
    entity_breaker_categories: tuple[str, ...] = Field(
        default=(INCOMPLETE_DATA, MISSING_DEPENDENCY, NO_SHOT_ZONE, PROCESSING_ERROR),
        description=("entity breakers (with 7): failure categories that count as failed attempts "
                     "(retrying may help); INSUFFICIENT_DATA is expected (too few games) "
                     "and never trips a breaker"))


DAILY = Mode(
    name="daily", dependency_check="window_complete", entity_completeness_check=True,
    defensive_checks=True, alerts="notify", min_thresholds="strict", query_timeout_s=600,
    circuit_breakers=True, record_reprocess_attempts=True, downstream_triggers=True,
    date_too_old_exit=True, stale_upstream="fail", expected_counts="strict",
    expected_ratio=1.0,
)

BACKFILL = Mode(
    name="backfill", dependency_check="window_exists", entity_completeness_check=False,
    defensive_checks=False, alerts="summary", min_thresholds="relaxed", query_timeout_s=120,
    circuit_breakers=False, record_reprocess_attempts=False, downstream_triggers=False,
    date_too_old_exit=False, stale_upstream="warn", expected_counts="relaxed",
    expected_ratio=1.0,
)

MODES = {"daily": DAILY, "backfill": BACKFILL}


def get_mode(name: str, **overrides: object) -> Mode:
    """A mode by name, with overrides validated like the mode itself."""
    if name not in MODES:
        raise ValueError(f"unknown mode '{name}' (known: {', '.join(MODES)})")
    base = MODES[name].model_dump()
    base.update(overrides)
    return Mode.model_validate(base)
