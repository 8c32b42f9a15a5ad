"""Everything a run needs, opened once."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from backcourt.calendar import Calendar
from backcourt.ledger import Ledger
from backcourt.rawstore import RawStore
from backcourt.registry import Processor, Registry
from backcourt.registry.mode import Mode
from backcourt.registry.pipeline import Pipeline


@dataclass
class Context:
    wh: object
    store: RawStore
    pipeline: Pipeline
    mode: Mode
    seed: int = 0               # what Phase 1 sources that simulate are seeded with
    ledger: Ledger = field(init=False)
    _calendar: Calendar | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.ledger = Ledger(self.wh)
        # tables with a declared schema exist from the start, so a check or a calendar
        # query that reads one before its processor ran sees it empty, not absent
        for p in self.pipeline.registry.processors:
            if p.columns:
                self.wh.ensure_table(p.table, p.columns, p.partition_column)
        for table, columns in self.pipeline.extra_tables().items():
            self.wh.ensure_table(table, dict(columns))

    @property
    def registry(self) -> Registry:
        return self.pipeline.registry

    @property
    def calendar(self) -> Calendar:
        if self._calendar is None:
            self._calendar = Calendar(self.wh, self.store, self.pipeline.calendar)
        return self._calendar

    def fork(self) -> Context:
        """The same run on another warehouse connection (a worker thread)."""
        other = Context(wh=self.wh.fork(), store=self.store, pipeline=self.pipeline,
                        mode=self.mode, seed=self.seed)
        other._calendar = self.calendar
        return other

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
