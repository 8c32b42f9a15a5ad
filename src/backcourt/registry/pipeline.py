"""What a pipeline declares to the core: its registry, calendar and Python loaders."""

from __future__ import annotations

from dataclasses import dataclass, field

from backcourt.calendar import CalendarSource
from backcourt.registry.registry import Registry


@dataclass
class Pipeline:
    """``loaders`` maps a processor's ``loader`` name to an object with
    ``fingerprint(processor) -> str`` and ``load(ctx, processor, days, run_id)`` returning
    rows for those dates (see executor/runner.py)."""

    registry: Registry
    calendar: CalendarSource
    loaders: dict[str, object] = field(default_factory=dict)
