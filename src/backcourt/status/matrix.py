"""State of every partition (processor × game date): done / missing / failed / stale /
skipped / blocked — the one state pass the planner reads too (backcourt.partitions)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from backcourt.ledger import FAILED
from backcourt.partitions.context import Context
from backcourt.partitions.no_gc import no_gc
from backcourt.partitions.state import BLOCKED, MISSING, STALE, STATES, state_pass
from backcourt.registry import Processor, Source


@dataclass(frozen=True)
class Cell:
    state: str                  # done | missing | failed | stale | skipped
    rows: int = 0
    reason: str | None = None


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
        return [d for d in self.dates if (p.name, d) in self.cells or
                getattr(p, "partitions", "") == "game_dates"]

    @property
    def complete(self) -> bool:
        """Every cell done or skipped, and there are dates (an empty range is not done)."""
        return bool(self.dates) and all(
            c[MISSING] == 0 and c[FAILED] == 0 and c[STALE] == 0 and c[BLOCKED] == 0
            for c in self.counts().values())

    def as_dict(self) -> dict:
        return {
            "dates": [d.isoformat() for d in self.dates],
            "complete": self.complete,
            "summary": self.counts(),
            "processors": {
                p.name: {
                    "phase": p.phase, "table": getattr(p, "table", None),
                    "dates": {d.isoformat(): {"state": self.cell(p.name, d).state,
                                              "rows": self.cell(p.name, d).rows,
                                              "reason": self.cell(p.name, d).reason}
                              for d in self.partition_dates(p)},
                } for p in [*self.sources, *self.processors]
            },
        }


def status_matrix(ctx: Context, processors: list[Processor], start: date, end: date,
                  sources: list[Source] = ()) -> StatusMatrix:
    """The state pass's cells of ``processors`` (and of the Phase 1 ``sources``) in
    [start, end], laid out as a matrix."""
    m = StatusMatrix(dates=ctx.calendar.game_dates(start, end), processors=processors,
                     sources=list(sources))
    with no_gc():
        with ctx.store.listing_ahead(len(m.dates)):
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
