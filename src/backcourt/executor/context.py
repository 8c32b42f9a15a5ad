"""Everything a run needs, opened once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from backcourt.calendar import Calendar, CalendarSource
from backcourt.ledger import Ledger
from backcourt.rawstore import RawStore
from backcourt.registry import Processor, Registry
from backcourt.registry.mode import Mode

# A loader turns a processor's raw files for some dates into rows (see executor/loading.py).
Loader = Callable[..., object]


@dataclass
class Pipeline:
    """What a pipeline declares: its registry, its calendar, its Python loaders."""

    registry: Registry
    calendar: CalendarSource
    loaders: dict[str, Loader] = field(default_factory=dict)


@dataclass
class Context:
    wh: object
    store: RawStore
    pipeline: Pipeline
    mode: Mode
    ledger: Ledger = field(init=False)
    _calendar: Calendar | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.ledger = Ledger(self.wh)

    @property
    def registry(self) -> Registry:
        return self.pipeline.registry

    @property
    def calendar(self) -> Calendar:
        if self._calendar is None:
            self._calendar = Calendar(self.wh, self.store, self.pipeline.calendar)
        return self._calendar

    def refresh_calendar(self) -> None:
        self._calendar = None

    def partitions(self, p: Processor, start: date, end: date) -> list[date]:
        """The dates that are partitions of ``p`` in [start, end]."""
        if p.partitions == "raw_dates":
            days: set[date] = set()
            for i in p.inputs:
                if i.is_raw:
                    days.update(d for d in self.store.list_dates(i.raw_source)
                                if start <= d <= end)
            return sorted(days)
        return self.calendar.game_dates(start, end)
