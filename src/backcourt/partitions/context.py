"""Everything a plan or a run needs, opened once: the typed context every room is given
(a Python loader sees it through ``registry.loader.LoaderContext``)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from backcourt.calendar import Calendar
from backcourt.ledger import Ledger
from backcourt.partitions import workers as W
from backcourt.rawstore import RawStore
from backcourt.rawstore import quarantine as Q
from backcourt.registry import Processor, Registry
from backcourt.registry.mode import Mode
from backcourt.registry.pipeline import Pipeline
from backcourt.warehouse.base import Warehouse

T = TypeVar("T")
J = TypeVar("J")


@dataclass
class Context:
    wh: Warehouse
    store: RawStore
    pipeline: Pipeline
    mode: Mode
    seed: int = 0               # what Phase 1 sources that simulate are seeded with
    keep_states: bool = False   # a read command's: keep the state pass (partitions.kept)
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

    # -- what a Python loader may do (registry.loader.LoaderContext) -----------------
    def quarantine(self, run_id: str, file, field: str, reason: str, message: str) -> str:
        """Move a raw file that failed validation aside, remember its bytes with the raw
        store (its date stays failed until they change) and record it in the ledger."""
        digest = self.store.content_hash(file)
        moved = self.store.quarantine(file, message)
        Q.record(self.store, file, digest, field, reason, moved)
        self.ledger.record_quarantine(run_id, file.source, file.game_date, file.display,
                                      moved, field, reason)
        return moved

    def report_bad_record(self, run_id: str, file, field: str, reason: str) -> None:
        """Record a defect confined to part of a raw file (its other records loaded): the
        file stays where it is."""
        self.ledger.record_quarantine(run_id, file.source, file.game_date, file.display,
                                      "", field, reason)

    def map_in_workers(self, fn: Callable[[J], T], jobs: Sequence[J],
                       workers: int | None = None) -> Iterator[T]:
        """``fn(job)`` for each job, in order, in forked worker processes when allowed
        (``partitions.workers``: the run's one process pool and its rules)."""
        return W.map_in_workers(fn, jobs, workers)

    def in_background(self, work: Callable[[Warehouse], T],
                      name: str = "background") -> Future[T]:
        """``work(reader)`` in a thread named ``name``, on a connection of its own (closed
        after)."""
        wh = self.wh.fork()
        future: Future[T] = Future()

        def run() -> None:
            try:
                future.set_result(work(wh))
            except BaseException as exc:   # the caller sees it in the future
                future.set_exception(exc)
            finally:
                wh.close()   # now, in this process: not whenever it is garbage collected

        threading.Thread(target=run, name=name, daemon=True).start()
        return future

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
