"""The real state of partitions, read from the ledger and the tables (one grouped query
each), with staleness: a done partition is stale when its processor's code changed or an
upstream partition in its window was rewritten after it (its input fingerprint moved)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from backcourt.executor import dependencies
from backcourt.executor.runner import code_fingerprint
from backcourt.ledger import FAILED, SKIPPED, SUCCEEDED
from backcourt.registry import Processor

DONE, MISSING, STALE, BLOCKED = "done", "missing", "stale", "blocked"


@dataclass(frozen=True)
class State:
    state: str              # done | missing | failed | stale | skipped
    reason: str | None = None


def partition_states(ctx, processors: list[Processor], start: date,
                     end: date) -> dict[tuple[str, date], State]:
    names = [p.name for p in processors]
    upstream = {u.name for p in processors for u in ctx.registry.upstream(p)}
    latest = ctx.ledger.latest(sorted(set(names) | upstream))
    out: dict[tuple[str, date], State] = {}
    for p in processors:
        days = ctx.partitions(p, start, end)
        if not days:
            continue
        code_fp = code_fingerprint(ctx, p)
        have = ctx.wh.counts_by_date(p.table, start, end, p.partition_column)
        ready = dependencies.check(ctx, p, days, latest)
        for d in days:
            st = latest.get((p.name, d))
            if st is None:
                out[(p.name, d)] = State(MISSING, "never run")
            elif st.status == FAILED:
                first = (st.failure_message or "").splitlines()[0][:200]
                out[(p.name, d)] = State(FAILED, f"{st.failure_category}: {first}")
            elif st.code_fingerprint != code_fp:
                out[(p.name, d)] = State(STALE, "processor code changed")
            elif st.status == SKIPPED:
                out[(p.name, d)] = State(SKIPPED, st.failure_message)
            elif st.status == SUCCEEDED and have.get(d, 0) != st.rows_written:
                out[(p.name, d)] = State(
                    MISSING, f"ledger says {st.rows_written} rows, table has {have.get(d, 0)}")
            elif st.input_fingerprint != ready[d].fingerprint:
                out[(p.name, d)] = State(STALE, "an upstream partition in its window was "
                                                "rewritten since")
            else:
                out[(p.name, d)] = State(DONE)
    return out
