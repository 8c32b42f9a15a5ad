"""One state pass: every (processor, date) cell gets exactly one state with one reason.

Computed once, from the ledger's latest attempts, the rows really in the tables and the
raw listing; ``plan``, ``status``, ``validate``, ``preflight`` and the runner's plan read
it and nothing else, so they cannot disagree. In three steps, in dependency order:

1. recorded: what the ledger says, checked against the table (rows gone → missing), the
   processor's code (changed → stale) and the input fingerprint (an upstream partition in
   its window rewritten since, or a raw file changed → stale);
2. through the windows: a done partition whose window reads a partition that is not done
   is stale too (rows deleted behind the tool's back upstream leave no fingerprint);
3. blocked: a partition that is not done and needs what cannot be produced — raw files
   that are not there, or a required upstream partition that is itself blocked.

Whether a partition is ready to run (every partition its windows read there and good, its
raw files present) and its input fingerprint are one function of the pass,
``States.ready``: the pass asks it for the fingerprints of done partitions, the runner
before each processor (``States.wrote`` re-reads what earlier stages of the run recorded),
validation for its cascades. A cell a run in progress is working on is ``running``: only
that run's published progress knows it (``status.matrix.live_matrix`` reads it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, NamedTuple

from backcourt.ledger import FAILED, SKIPPED, SUCCEEDED, PartitionState
from backcourt.ledger.ledger import ABSENT_OPTIONAL_INPUT, MISSING_DEPENDENCY
from backcourt.partitions import kept
from backcourt.partitions.mapping import WindowMapping
from backcourt.partitions.readiness import Readiness, TableRows, check
from backcourt.registry import Processor, Source
from backcourt.registry.commands import backfill_command

if TYPE_CHECKING:
    from backcourt.partitions.context import Context

DONE, MISSING, STALE, BLOCKED = "done", "missing", "stale", "blocked"
RUNNING = "running"   # a run in progress is working on it (seen in its live progress)
# every state a cell can be in (FAILED and SKIPPED are the ledger's own words)
STATES = (DONE, MISSING, FAILED, STALE, BLOCKED, SKIPPED, RUNNING)
CURRENT = (DONE, SKIPPED)            # nothing to do
NOT_DONE = (MISSING, FAILED, STALE, BLOCKED)


class State(NamedTuple):   # one per partition: cheap to make
    state: str
    reason: str | None = None
    # the upstream partition that made it stale or blocked through a window, if any
    cause: tuple[str, date] | None = None


NEVER_RUN = State(MISSING, "never run")
DONE_STATE = State(DONE)
STALE_CODE = State(STALE, "processor code changed")
STALE_INPUT = State(STALE, "an upstream partition in its window was rewritten since")


@dataclass
class States:
    """The pass over [first, end]: ``first`` is the season start of the range asked for,
    since windows read back to it."""

    start: date
    end: date
    first: date
    cells: dict[tuple[str, date], State]
    days: dict[str, list[date]]                  # each processor's partitions, sorted
    latest: dict[tuple[str, date], PartitionState]
    rows: TableRows
    readiness: dict[str, dict[date, Readiness]] = field(default_factory=dict)
    processors: bool = True   # whether the processors' attempts were read (not only sources)

    def kept_fields(self) -> dict:
        """What ``partitions.kept`` keeps of this pass (everything but the connection)."""
        return {"start": self.start, "end": self.end, "first": self.first,
                "cells": self.cells, "days": self.days, "latest": self.latest,
                "rows": self.rows.known, "readiness": self.readiness,
                "processors": self.processors}

    @classmethod
    def from_kept(cls, ctx: Context, f: dict) -> States:
        return cls(f["start"], f["end"], f["first"], f["cells"], f["days"], f["latest"],
                   TableRows(ctx.wh, f["first"], f["end"], f["rows"]), f["readiness"],
                   f["processors"])

    def get(self, name: str, day: date) -> State:
        return self.cells.get((name, day), NEVER_RUN)

    def ready(self, ctx: Context, p: Processor, days: list[date],
              complete: bool | None = None) -> dict[date, Readiness]:
        """Is each of ``p``'s ``days`` ready to run — every upstream partition its windows
        read there and good (``complete``: its rows still what the ledger recorded; default
        as the mode says), its raw files present — and its input fingerprint, from this
        pass's latest attempts and row counts. The one definition of ready: the pass, the
        runner and validation all ask here. ``ctx`` may be a worker's fork (its own
        connection counts the rows)."""
        rows = self.rows if ctx.wh is self.rows.wh else TableRows(ctx.wh, self.first, self.end)
        return check(ctx, p, days, self.latest, complete, rows)

    def covers(self, ctx: Context, start: date, end: date) -> bool:
        """Whether the pass's attempts and rows cover what a run of [start, end] reads."""
        return (self.processors and self.first <= ctx.calendar.season_start(start)
                and end <= self.end)

    def wrote(self, ctx: Context, processors: list[Processor],
              tables: list[str] = ()) -> None:
        """A run recorded attempts of ``processors`` (and wrote ``tables`` besides theirs)
        since the pass read the ledger: re-read their latest attempts, forget their rows,
        so that what reads them next sees them as they are now."""
        if processors:
            self.latest.update(ctx.ledger.latest([p.name for p in processors],
                                                 self.first, self.end))
        for table in [p.table for p in processors] + list(tables):
            self.rows.forget(table)


def state_pass(ctx: Context, start: date, end: date, *, complete: bool | None = None,
               scrape: bool = False, sources: list[Source] = (),
               processors: bool = True) -> States:
    """The state of every processor's partitions in [season start of ``start``, end].

    Done partitions before ``start`` are not compared with their input fingerprints (they
    matter for what the range reads, not for what it rewrites). ``complete``: the
    dependency check's completeness (default: as the mode says); ``scrape``: raw files
    absent now will be fetched first, so they block nothing. ``sources``: the Phase 1
    sources whose cells to add (asking a source for its dates may cost a simulator's
    import); a raw file they will write blocks nothing either. ``processors=False``: the
    sources' cells alone (they depend on nothing else). A read command's context keeps
    the pass between commands (``partitions.kept``)."""
    k = kept.key(ctx, start, end, complete, scrape, list(sources), processors)
    if k is not None and (fields := kept.load(ctx, k)) is not None:
        # a read command before this one computed it, and nothing it reads changed since
        return States.from_kept(ctx, fields)
    order = ctx.registry.order() if processors else []
    first = ctx.calendar.season_start(start)
    latest = ctx.ledger.latest([p.name for p in order], first, end) if order else {}
    rows = TableRows(ctx.wh, first, end)
    s = States(start, end, first, {}, {}, latest, rows, processors=bool(order))
    fetched = _phase1(ctx, sources, s)
    _recorded(ctx, order, s, complete)
    _through_windows(ctx, order, s, scrape, fetched)
    if k is not None:
        kept.save(ctx, k, s.kept_fields())
    return s


def run_pass(ctx: Context, start: date, end: date) -> States:
    """The part of the pass a run without a plan reads (``backcourt run``): the latest
    attempts of every processor and the row counts over [season start of ``start``, end],
    no cells; the runner asks it ``ready`` and tells it what it ``wrote``."""
    first = ctx.calendar.season_start(start)
    order = ctx.registry.order()
    latest = ctx.ledger.latest([p.name for p in order], first, end) if order else {}
    return States(start, end, first, {}, {}, latest, TableRows(ctx.wh, first, end))


def _phase1(ctx: Context, sources: list[Source], s: States) -> dict[str, set[date]]:
    """Phase 1 cells: a source's date is done when each of its ``complete_when`` folders
    holds files for it. Returns, per raw folder, the dates a source will (re)write."""
    fetched: dict[str, set[date]] = {}
    for src in sources:
        have = {f: set(ctx.store.list_dates(f)) for f in src.complete_when}
        every = [s.start + timedelta(days=k) for k in range((s.end - s.start).days + 1)]
        if all(d in dates for d in every for dates in have.values()):
            days = every   # every day complete: no need to ask the source for its dates
        else:
            days = src.function(src.dates)(s.start, s.end, ctx.seed, ctx.store)
        s.days[src.name] = days
        partial = (src.function(src.incomplete)(ctx.store, s.start, s.end)
                   if src.incomplete else {})
        for d in days:
            absent = [f for f in src.complete_when if d not in have[f]]
            if absent or d in partial:
                why = ("no raw files in " + ", ".join(f"{f}/{d}" for f in absent)
                       if absent else f"incomplete: {partial[d]}")
                s.cells[(src.name, d)] = State(MISSING, why)
                for f in src.produces:
                    fetched.setdefault(f, set()).add(d)
            else:
                s.cells[(src.name, d)] = DONE_STATE
    return fetched


def _recorded(ctx: Context, order: list[Processor], s: States, complete: bool | None) -> None:
    checks: list[tuple[Processor, list[tuple[date, str]]]] = []
    out = s.cells
    for p in order:
        days = ctx.partitions(p, s.first, s.end)
        s.days[p.name] = days
        if not days:
            continue
        code_fp = ctx.pipeline.code_fingerprint(p)
        have = s.rows(p.table, p.partition_column)
        reads_raw = any(i.is_raw for i in p.inputs)
        # only a partition the ledger says is done and current needs its input
        # fingerprint (the upstream attempts and raw files its windows read)
        compare: list[tuple[date, str]] = []
        for d in days:
            st = s.latest.get((p.name, d))
            if st is None:
                out[(p.name, d)] = NEVER_RUN
            elif st.status == FAILED:
                first = st.failure_message.splitlines()[0][:200] if st.failure_message else ""
                out[(p.name, d)] = State(FAILED, f"{st.failure_category}: {first}")
            elif st.code_fingerprint != code_fp:
                out[(p.name, d)] = STALE_CODE
            elif st.status == SKIPPED:
                out[(p.name, d)] = State(SKIPPED, st.failure_message)
                if st.failure_category == ABSENT_OPTIONAL_INPUT and d >= s.start:
                    compare.append((d, st.input_fingerprint))   # stale once files arrive
            elif st.status == SUCCEEDED and have.get(d, 0) != st.rows_written:
                out[(p.name, d)] = State(
                    MISSING, f"ledger says {st.rows_written} rows, table has {have.get(d, 0)}")
            else:
                out[(p.name, d)] = DONE_STATE
                # before start too (a window of the range may read a stale partition: the
                # mode fails or warns), except what reads raw files: nothing in the range
                # reads those dates through a window
                if d >= s.start or not reads_raw:
                    compare.append((d, st.input_fingerprint))
        if compare:
            checks.append((p, compare))
    # processors reading raw files last: their fingerprints may come from a listing of the
    # raw store still running in the background (RawStore.listing_ahead)
    checks.sort(key=lambda pc: any(i.is_raw for i in pc[0].inputs))
    for p, compare in checks:
        ready = s.ready(ctx, p, [d for d, _ in compare], complete)
        s.readiness[p.name] = ready
        for d, fp in compare:
            if fp != ready[d].fingerprint:
                out[(p.name, d)] = STALE_INPUT


def _absent_optional(st: PartitionState | None) -> bool:
    """An optional input's partition that is simply not there (never run, or failed for
    want of its own inputs): reading it is what the reader always did."""
    return st is None or (st.status == FAILED and st.failure_category == MISSING_DEPENDENCY)


def _through_windows(ctx: Context, order: list[Processor], s: States, scrape: bool,
                     fetched: dict[str, set[date]]) -> None:
    cells = s.cells
    not_done: dict[str, list[date]] = {}   # per processor done with, its sorted bad dates
    for p in order:
        days = s.days[p.name]
        if not days:
            continue
        name = p.name
        pending = [d for d in days if cells[(name, d)].state not in CURRENT]
        if not scrape and pending:
            fix = _fetch_hint(ctx, p)
            for d, why in raw_gaps(ctx, p, pending, fetched).items():
                cells[(name, d)] = State(BLOCKED, why + fix(d))
        ups = []
        for i in p.inputs:
            if i.is_raw:
                continue
            u = ctx.registry.by_table(i.ref).name
            bad = not_done.get(u, [])
            if not i.required:
                bad = [d for d in bad if not _absent_optional(s.latest.get((u, d)))]
            if bad:
                blocked = [d for d in bad if cells[(u, d)].state == BLOCKED]
                ups.append((u, WindowMapping(i, ctx.calendar), bad,
                            blocked if i.required else []))
        changed: list[date] = []
        for u, m, bad, _ in ups:   # done, but reading what is not done: stale
            for d in days:
                if cells[(name, d)].state == DONE:
                    hit = m.reads(d, bad)
                    if hit is not None:
                        cells[(name, d)] = State(
                            STALE, f"reads {u} {hit}, which is {cells[(u, hit)].state}",
                            (u, hit))
                        changed.append(d)
        todo = sorted(set(pending) | set(changed)) if changed else pending
        for u, m, _, blocked in ups:   # not done, and needing what is blocked: blocked
            if not blocked:
                continue
            for d in todo:
                if cells[(name, d)].state in (MISSING, FAILED, STALE):
                    hit = m.reads(d, blocked)
                    if hit is not None:
                        cells[(name, d)] = State(BLOCKED, f"upstream {u} {hit} is blocked",
                                                 (u, hit))
        not_done[name] = todo


def _fetch_hint(ctx: Context, p: Processor):
    """What fixes a raw gap of ``p``: the Phase 1 sources that write its folders, if any."""
    folders = {i.raw_source for i in p.inputs if i.is_raw}
    names = [s.name for s in ctx.registry.sources if folders & set(s.produces)]
    if not names:
        return lambda d: ""
    first = min(s.phase for s in ctx.registry.sources)
    return lambda d: (f" (Phase 1 {', '.join(names)} writes it: "
                      f"{backfill_command(d, d, first, p.phase)})")


def raw_gaps(ctx: Context, p: Processor, days: list[date],
             fetched: dict[str, set[date]] | None = None) -> dict[date, str]:
    """The dates of ``days`` whose raw files ``p`` cannot do without are not there (nor
    will a Phase 1 source of the plan write them: ``fetched``): a required raw input's
    folder, or (a Python loader not allowed to be empty) every one."""
    out: dict[date, str] = {}
    raws = [i for i in p.inputs if i.is_raw]
    if not days or not raws:
        return out
    fetched = fetched or {}
    present = {i.raw_source: ctx.store.dates_with_files(i.raw_source, days)
               | fetched.get(i.raw_source, set()) for i in raws}
    for i in raws:
        if i.required:
            for d in days:
                if d not in present[i.raw_source] and d not in out:
                    out[d] = f"no raw files in {i.raw_source}/{d}"
    if p.loader and not p.allow_empty:
        anywhere = set().union(*present.values())
        for d in days:
            if d not in anywhere and d not in out:
                out[d] = "no raw files for " + ", ".join(f"{i.raw_source}/{d}" for i in raws)
    return out
