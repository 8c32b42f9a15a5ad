"""The loader contract: what a Python loader is and what it may do during a run.

A loader reads its inputs (the warehouse's tables, the raw store's files, the calendar),
returns the rows of the partitions it was asked for, and may quarantine a raw file that
fails validation, report a defect in part of one, run CPU-bound jobs in worker processes
or start work in the background that the run waits for. Everything else — the ledger,
transactions, thread and process pools of the run — is the core's: a loader reaches it
only through ``LoaderContext``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from datetime import date
from typing import Any, Protocol, TypeVar, runtime_checkable

from backcourt.registry.model import Processor

T = TypeVar("T")
J = TypeVar("J")


class LoaderContext(Protocol):
    """What a loader is given (``backcourt.partitions.context.Context`` is one)."""

    wh: Any          # read its inputs: query / arrow / table_exists on the warehouse
    store: Any       # and the raw store's files (list_files, read, fingerprint)

    @property
    def calendar(self) -> Any: ...   # game dates and seasons

    def quarantine(self, run_id: str, file: Any, field: str, reason: str,
                   message: str) -> str:
        """Move a raw file that failed validation aside and record why (file, field,
        reason), in the raw store and the ledger; returns where it went. Its date is then
        recorded as failed by the core."""
        ...

    def report_bad_record(self, run_id: str, file: Any, field: str, reason: str) -> None:
        """Record a defect confined to part of a raw file whose other records loaded (the
        file stays)."""
        ...

    def map_in_workers(self, fn: Callable[[J], T], jobs: Sequence[J],
                       workers: int | None = None) -> Iterator[T]:
        """``fn(job)`` for each job, in order; in forked worker processes when the core
        allows it (``fn`` is inherited, never pickled; jobs and results are pickled). A
        worker that dies raises ``BrokenProcessPool``."""
        ...

    def in_background(self, work: Callable[[Any], T], name: str = "background") -> Future[T]:
        """Run ``work(reader)`` on a connection of its own while the run goes on (in a
        thread named ``name``); the run waits for it before it ends."""
        ...


class LoadResult(Protocol):
    """What ``load`` returns: the rows of the partitions asked for, the raw files put
    aside per date, the dates it would not load, and the side tables to write in the same
    transaction."""

    table: Any                          # an Arrow table
    bad_files: dict[date, list[str]]
    # dates whose raw files are not all there (why, naming the files): the core records
    # them as failed and leaves their partitions as they are (a partial date never
    # replaces rows)
    incomplete: dict[date, str]

    def write_extras(self, wh: Any) -> None: ...


@runtime_checkable
class Loader(Protocol):
    """A Python loader. It may also have ``extra_tables`` (the tables it writes besides its
    processors' own) and ``prepare(ctx, processor, days, writes) -> Future | None``
    (work that nothing the run writes before it changes, started when the run starts)."""

    def fingerprint(self, processor: Processor) -> str: ...

    def load(self, ctx: LoaderContext, processor: Processor, days: list[date],
             run_id: str) -> LoadResult: ...

