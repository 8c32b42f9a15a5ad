"""State of every partition (processor × game date): done / missing / failed / skipped.

Read from the ledger (the latest attempt of each partition) and checked against the rows
really in the table, so a partition deleted behind the ledger's back shows as missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from backcourt.ledger import FAILED, SKIPPED, SUCCEEDED
from backcourt.registry import Processor

DONE, MISSING = "done", "missing"


@dataclass(frozen=True)
class Cell:
    state: str                  # done | missing | failed | skipped
    rows: int = 0
    reason: str | None = None


@dataclass
class StatusMatrix:
    dates: list[date]
    processors: list[Processor]
    cells: dict[tuple[str, date], Cell] = field(default_factory=dict)

    def cell(self, p: str, d: date) -> Cell:
        return self.cells.get((p, d), Cell(MISSING))

    def counts(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for p in self.processors:
            c = out.setdefault(p.name, {DONE: 0, MISSING: 0, FAILED: 0, SKIPPED: 0})
            for d in self.partition_dates(p):
                c[self.cell(p.name, d).state] += 1
        return out

    def partition_dates(self, p: Processor) -> list[date]:
        return [d for d in self.dates if (p.name, d) in self.cells or
                p.partitions == "game_dates"]

    @property
    def complete(self) -> bool:
        return all(c[MISSING] == 0 and c[FAILED] == 0 for c in self.counts().values())

    def as_dict(self) -> dict:
        return {
            "dates": [d.isoformat() for d in self.dates],
            "complete": self.complete,
            "summary": self.counts(),
            "processors": {
                p.name: {
                    "phase": p.phase, "table": p.table,
                    "dates": {d.isoformat(): {"state": self.cell(p.name, d).state,
                                              "rows": self.cell(p.name, d).rows,
                                              "reason": self.cell(p.name, d).reason}
                              for d in self.partition_dates(p)},
                } for p in self.processors
            },
        }


def status_matrix(ctx, processors: list[Processor], start: date, end: date) -> StatusMatrix:
    latest = ctx.ledger.latest([p.name for p in processors], start, end)
    m = StatusMatrix(dates=ctx.calendar.game_dates(start, end), processors=processors)
    for p in processors:
        actual = ctx.wh.counts_by_date(p.table, start, end, p.partition_column)
        for d in ctx.partitions(p, start, end):
            st = latest.get((p.name, d))
            if st is None:
                m.cells[(p.name, d)] = Cell(MISSING, actual.get(d, 0), "never run")
            elif st.status == SUCCEEDED:
                have = actual.get(d, 0)
                if have != st.rows_written:
                    m.cells[(p.name, d)] = Cell(
                        MISSING, have, f"ledger says {st.rows_written} rows, table has {have}")
                else:
                    m.cells[(p.name, d)] = Cell(DONE, have)
            elif st.status == SKIPPED:
                m.cells[(p.name, d)] = Cell(SKIPPED, 0, st.failure_message)
            else:
                m.cells[(p.name, d)] = Cell(
                    FAILED, actual.get(d, 0),
                    f"{st.failure_category}: {(st.failure_message or '').splitlines()[0]}")
        if p.partitions == "raw_dates":
            m.dates = sorted(set(m.dates) | {d for (n, d) in m.cells if n == p.name})
    return m
