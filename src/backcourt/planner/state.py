"""The real state of partitions, read from the ledger and the tables (one grouped query
each), with staleness: a done partition is stale when its processor's code changed or an
upstream partition in its window was rewritten after it (its input fingerprint moved)."""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from backcourt.executor import dependencies
from backcourt.executor.dependencies import Readiness, TableRows
from backcourt.ledger import FAILED, SKIPPED, SUCCEEDED, PartitionState
from backcourt.registry import Processor

DONE, MISSING, STALE, BLOCKED = "done", "missing", "stale", "blocked"


class State(NamedTuple):   # one per partition: cheap to make
    state: str              # done | missing | failed | stale | skipped
    reason: str | None = None


DONE_STATE = State(DONE)
STALE_CODE = State(STALE, "processor code changed")
STALE_INPUT = State(STALE, "an upstream partition in its window was rewritten since")


def partition_states(ctx, processors: list[Processor], start: date, end: date,
                     latest: dict[tuple[str, date], PartitionState] | None = None,
                     rows: TableRows | None = None, complete: bool | None = None,
                     readiness: dict[str, dict[date, Readiness]] | None = None,
                     stale_from: date | None = None) -> dict[tuple[str, date], State]:
    """``latest`` (the ledger's latest attempts) and ``rows`` (rows per date from
    ``start``) are read when not given; ``complete`` is passed to the dependency check,
    whose results are kept in ``readiness`` (per processor) when given.

    ``stale_from``: done partitions before this date are reported done without comparing
    their input fingerprints (a plan reads them only to know what is missing or failed in
    the lookback of its range; staleness matters only inside the range)."""
    if latest is None:
        names = [p.name for p in processors]
        upstream = {u.name for p in processors for u in ctx.registry.upstream(p)}
        latest = ctx.ledger.latest(sorted(set(names) | upstream),
                                   ctx.calendar.season_start(start), end)
    rows = rows or TableRows(ctx.wh, start, end)
    out: dict[tuple[str, date], State] = {}
    checks: list[tuple[Processor, list[tuple[date, str]]]] = []
    for p in processors:
        days = ctx.partitions(p, start, end)
        if not days:
            continue
        code_fp = ctx.pipeline.code_fingerprint(p)
        have = rows(p.table, p.partition_column)
        # only a partition the ledger says is done and current needs its input
        # fingerprint (the upstream attempts and raw files its windows read)
        compare: list[tuple[date, str]] = []
        for d in days:
            st = latest.get((p.name, d))
            if st is None:
                out[(p.name, d)] = State(MISSING, "never run")
            elif st.status == FAILED:
                first = st.failure_message.splitlines()[0][:200] if st.failure_message else ""
                out[(p.name, d)] = State(FAILED, f"{st.failure_category}: {first}")
            elif st.code_fingerprint != code_fp:
                out[(p.name, d)] = STALE_CODE
            elif st.status == SKIPPED:
                out[(p.name, d)] = State(SKIPPED, st.failure_message)
                if st.failure_category == "ABSENT_OPTIONAL_INPUT":   # until files arrive
                    compare.append((d, st.input_fingerprint))
            elif st.status == SUCCEEDED and have.get(d, 0) != st.rows_written:
                out[(p.name, d)] = State(
                    MISSING, f"ledger says {st.rows_written} rows, table has {have.get(d, 0)}")
            else:
                out[(p.name, d)] = DONE_STATE     # (kept in date order) unless stale below
                if stale_from is None or d >= stale_from:
                    compare.append((d, st.input_fingerprint))
        if compare:
            checks.append((p, compare))
    # processors reading raw files last: their fingerprints may come from a listing of the
    # raw store still running in the background (RawStore.listing_ahead)
    checks.sort(key=lambda pc: any(i.is_raw for i in pc[0].inputs))
    for p, compare in checks:
        ready = dependencies.check(ctx, p, [d for d, _ in compare], latest, complete, rows)
        if readiness is not None:
            readiness[p.name] = ready
        for d, fp in compare:
            if fp != ready[d].fingerprint:
                out[(p.name, d)] = STALE_INPUT
    return out
