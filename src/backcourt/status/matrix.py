"""State of every partition (processor × game date): done / missing / failed / stale /
skipped / blocked — the one state pass the planner reads too (backcourt.partitions)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from backcourt.ledger import FAILED
from backcourt.partitions import kept
from backcourt.partitions.context import Context
from backcourt.partitions.no_gc import no_gc
from backcourt.partitions.state import (
    BLOCKED,
    MISSING,
    RUNNING,
    STALE,
    STATES,
    state_pass,
)
from backcourt.registry import Processor, Source


@dataclass(frozen=True)
class Cell:
    state: str                  # done | missing | failed | stale | skipped | blocked | running
    rows: int = 0
    reason: str | None = None
    run: bool = False           # live: the run in progress runs it (queued or running)


@dataclass
class StatusMatrix:
    dates: list[date]
    processors: list[Processor]
    cells: dict[tuple[str, date], Cell] = field(default_factory=dict)
    sources: list[Source] = field(default_factory=list)   # Phase 1, when asked for

    def cell(self, p: str, d: date) -> Cell:
        return self.cells.get((p, d), Cell(MISSING))

    def counts(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for p in [*self.sources, *self.processors]:
            c = out.setdefault(p.name, dict.fromkeys(STATES, 0))
            for d in self.partition_dates(p):
                c[self.cell(p.name, d).state] += 1
        return out

    def partition_dates(self, p: Processor | Source) -> list[date]:
        if getattr(p, "partitions", "") == "game_dates":
            return list(self.dates)
        return [d for d in self.dates if (p.name, d) in self.cells]

    @property
    def complete(self) -> bool:
        return _complete(self.dates, self.counts())

    def as_dict(self) -> dict:
        counts = self.counts()   # 17,000 cells in 4 seasons: each looked up once here
        processors = {}
        for p in [*self.sources, *self.processors]:
            dates = {}
            for d in self.partition_dates(p):
                c = self.cell(p.name, d)
                dates[d.isoformat()] = {"state": c.state, "rows": c.rows, "reason": c.reason}
            processors[p.name] = {"phase": p.phase, "table": getattr(p, "table", None),
                                  "dates": dates}
        return {
            "dates": [d.isoformat() for d in self.dates],
            "complete": _complete(self.dates, counts),
            "summary": counts,
            "processors": processors,
        }


def _complete(dates: list[date], counts: dict[str, dict[str, int]]) -> bool:
    """Every cell done or skipped, and there are dates (an empty range is not done)."""
    return bool(dates) and all(
        c[MISSING] == 0 and c[FAILED] == 0 and c[STALE] == 0 and c[BLOCKED] == 0
        for c in counts.values())


def status_matrix(ctx: Context, processors: list[Processor], start: date, end: date,
                  sources: list[Source] = ()) -> StatusMatrix:
    """The state pass's cells of ``processors`` (and of the Phase 1 ``sources``) in
    [start, end], laid out as a matrix (a read command's is kept: ``partitions.kept``)."""
    dates = ctx.calendar.game_dates(start, end)
    with no_gc(), ctx.store.listing_ahead(len(dates)):
        return kept.answer(ctx, kept.key(ctx, start, end, None, False, list(sources), True),
                           ("status", [p.name for p in processors],
                            [s.name for s in sources]),
                           StatusMatrix,
                           lambda: _matrix(ctx, processors, start, end, sources, dates))


def _matrix(ctx: Context, processors: list[Processor], start: date, end: date,
            sources: list[Source], dates: list[date]) -> StatusMatrix:
    m = StatusMatrix(dates=dates, processors=processors, sources=list(sources))
    states = state_pass(ctx, start, end, sources=sources)
    for src in sources:
        for d in states.days.get(src.name, []):
            st = states.get(src.name, d)
            m.cells[(src.name, d)] = Cell(st.state, 0, st.reason)
    for p in processors:
        have = states.rows(p.table, p.partition_column)
        for d in states.days[p.name]:
            if d >= start:
                st = states.get(p.name, d)
                m.cells[(p.name, d)] = Cell(st.state, have.get(d, 0), st.reason)
    extra = {d for (n, d) in m.cells if n in {p.name for p in processors
                                              if p.partitions == "raw_dates"}
             | {src.name for src in sources}}
    m.dates = sorted(set(m.dates) | extra)
    return m


# the words of a run's published progress that are not states: a cell the plan queued
QUEUED = "queued"


def live_cells(data: dict, start: date, end: date) -> dict[tuple[str, date], Cell]:
    """The cells of [start, end] as a run in progress publishes them (``backcourt.live``):
    the state pass's states, with ``running`` for the cells the run is working on. A cell
    queued for the run keeps the state its plan gave it (missing, failed, stale) until the
    run records it; recorded ones are done, failed or skipped."""
    run = data.get("run_id") or "(starting)"
    before = data.get("planned_states", {})
    failures = {(f["processor"], f["game_date"]): f"{f['category']}: {f['message']}"
                for f in data.get("failures", [])}
    lo, hi = start.isoformat(), end.isoformat()
    out: dict[tuple[str, date], Cell] = {}
    for name, days in data.get("cells", {}).items():
        for day, word in days.items():
            if not lo <= day <= hi:
                continue
            if word == RUNNING:
                cell = Cell(RUNNING, 0, f"run {run} is working on it", True)
            elif word == QUEUED:
                cell = Cell(before.get(name, {}).get(day, MISSING), 0,
                            f"queued in run {run}", True)
            else:
                cell = Cell(word, 0, failures.get((name, day)) or f"live: {word} in run {run}")
            out[(name, date.fromisoformat(day))] = cell
    return out


def live_status(data: dict, start: date, end: date) -> dict:
    """``status --json``'s matrix (dates, summary, processors) while a run holds the
    warehouse, from its published progress (``live_cells``); never complete."""
    cells = live_cells(data, start, end)
    phases = {**{n: r.get("phase") for n, r in data.get("processors", {}).items()},
              **data.get("phases", {})}
    summary: dict[str, dict[str, int]] = {}
    processors: dict[str, dict] = {}
    for (name, day), c in sorted(cells.items(), key=lambda kv: (phases.get(kv[0][0]) or 0,
                                                                 kv[0])):
        counts = summary.setdefault(name, dict.fromkeys(STATES, 0))
        counts[c.state] = counts.get(c.state, 0) + 1
        row = processors.setdefault(name, {"phase": phases.get(name), "table": None,
                                           "dates": {}})
        row["dates"][day.isoformat()] = {"state": c.state, "rows": None, "reason": c.reason}
    return {"dates": sorted({d.isoformat() for _, d in cells}), "complete": False,
            "summary": summary, "processors": processors}


def live_plan(data: dict, start: date, end: date) -> dict:
    """``plan --json``'s cells while a run holds the warehouse (``live_cells``): what that
    run does (``run``: queued or running) and the state of each cell."""
    cells = live_cells(data, start, end)
    return {"cells": [{"processor": n, "game_date": d.isoformat(), "state": c.state,
                       "run": c.run, "reason": c.reason}
                      for (n, d), c in sorted(cells.items())]}
