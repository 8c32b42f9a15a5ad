"""Modes are data: every behavior that differs between daily and backfill runs is a field,
and every field is read by the code that behaves differently (tests/pipeline/test_modes.py
runs each in both modes). Unknown keys are rejected (a typo cannot silently disable a
check).

PIPELINE.md lists 13 behaviors. Four of them are not fields, each for a reason that
``modes`` prints (``NOT_FIELDS``): a switch for them could only do nothing or do harm.
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

# expected counts (12): the share of the expected rows a partition must hold
EXPECTED_RATIO = {"strict": 1.0, "relaxed": 0.9}


class Mode(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Literal["daily", "backfill"]
    dependency_check: Literal["window_complete", "window_exists"] = Field(description=(
        "1. dependency check: every upstream partition of every window complete (its rows "
        "still what the ledger recorded), or only present"))
    entity_completeness_check: bool = Field(description=(
        "2. per-entity completeness: every expected entity (player, team, game) of a "
        "partition has a row or an explained failure, or the partition fails"))
    alerts: Literal["notify", "summary"] = Field(description=(
        "4. alerts: each failed partition is also an 'alert' event for consumers of "
        "backcourt_ops.events, or only listed in the run summary"))
    query_timeout_s: int = Field(description="6. timeout of one statement, seconds")
    circuit_breakers: bool = Field(description=(
        "7. per-entity circuit breakers (an entity failing in a row is left out 24 h)"))
    downstream_triggers: bool = Field(description=(
        "9. emit partition_ready events that start the next phase"))
    date_too_old_days: int | None = Field(description=(
        "10. refuse (exit 2) a date more than this many days before the newest game date "
        "with data (use backfill for old dates); none: any date"))
    stale_upstream: Literal["fail", "warn"] = Field(description=(
        "11. a window reading an upstream partition that is stale (its inputs changed "
        "since it ran): the target fails, or it runs and the run summary warns"))
    expected_counts: Literal["strict", "relaxed"] = Field(description=(
        "12. expected counts: every expected row, or at least 90 % (the shortfall is a "
        "validate finding)"))
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

    @property
    def expected_ratio(self) -> float:
        return EXPECTED_RATIO[self.expected_counts]


# The behaviors of PIPELINE.md's table that are not fields, and why.
NOT_FIELDS = {
    "3. defensive checks (yesterday's upstream ok, lookback gaps)":
        "part of 1: daily's dependency check already requires every upstream partition "
        "of every window, yesterday's included, to be there and complete",
    "5. minimum thresholds (players / teams per date)":
        "the same thing as 12: the minimum players and teams per date are the expected "
        "counts",
    "8. reprocess-attempt recording":
        "every attempt is recorded in both modes: the ledger is the checkpoint, and a "
        "backfill that forgot its attempts could not resume",
    "13. mode validation (unknown keys and typos rejected)":
        "always on in both modes, not a switch: a mode with an unknown key is refused",
}

# How a run treats what its windows need, in both modes (printed by `backcourt modes`).
RUN_RULES = {
    "a date whose windows read dates never run":
        "both modes run those dates' partitions first when their raw files are there (the "
        "plan's upstream closure); what cannot be produced is blocked, named with its "
        "reason and the command that unblocks it, and the run exits 1",
    "partitions after --end that read what the run rewrites":
        "not run (the range is what was asked for): the run warns, names them and prints "
        "the command that refreshes them",
}

DAILY = Mode(
    name="daily", dependency_check="window_complete", entity_completeness_check=True,
    alerts="notify", query_timeout_s=600, circuit_breakers=True, downstream_triggers=True,
    date_too_old_days=14, stale_upstream="fail", expected_counts="strict",
)

BACKFILL = Mode(
    name="backfill", dependency_check="window_exists", entity_completeness_check=False,
    alerts="summary", query_timeout_s=120, circuit_breakers=False, downstream_triggers=False,
    date_too_old_days=None, stale_upstream="warn", expected_counts="relaxed",
)

MODES = {"daily": DAILY, "backfill": BACKFILL}


def get_mode(name: str, **overrides: object) -> Mode:
    """A mode by name, with overrides validated like the mode itself."""
    if name not in MODES:
        raise ValueError(f"unknown mode '{name}' (known: {', '.join(MODES)})")
    base = MODES[name].model_dump()
    base.update(overrides)
    return Mode.model_validate(base)
