"""The partition core: windows mapped both ways over the calendar, the readiness of a
target date, and the one state pass every view reads (plan, status, validate, preflight)."""

from backcourt.partitions.mapping import WindowMapping
from backcourt.partitions.state import (
    BLOCKED,
    DONE,
    MISSING,
    STALE,
    STATES,
    State,
    States,
    state_pass,
)

__all__ = ["BLOCKED", "DONE", "MISSING", "STALE", "STATES", "State", "States",
           "WindowMapping", "state_pass"]
