"""The partition core: windows mapped both ways over the calendar, the readiness of a
target date, and the one state pass every view reads (plan, status, validate, preflight) and the
runner asks whether a partition is ready."""

from backcourt.partitions.mapping import WindowMapping
from backcourt.partitions.state import (
    BLOCKED,
    DONE,
    MISSING,
    RUNNING,
    STALE,
    STATES,
    State,
    States,
    run_pass,
    state_pass,
)

__all__ = ["BLOCKED", "DONE", "MISSING", "RUNNING", "STALE", "STATES", "State", "States",
           "WindowMapping", "run_pass", "state_pass"]
