"""Before a partition runs: is every upstream partition its windows read there and good?

Returns, per target date, the reason it is blocked (or None) and its input fingerprint —
a hash of the upstream attempts (or raw files) it reads, so a rewritten upstream partition
changes the fingerprint of every downstream partition whose window covers it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from backcourt.ledger import FAILED, SKIPPED, SUCCEEDED, PartitionState
from backcourt.registry import Input, Processor

OK = (SUCCEEDED, SKIPPED)


@dataclass(frozen=True)
class Readiness:
    blocked: str | None
    fingerprint: str


def window_dates(ctx, i: Input, day: date) -> list[date]:
    span = i.window.calendar_span(day, ctx.calendar.season_start(day))
    if span is None:
        return []
    if i.window.kind == "same_day":
        return [day]
    return ctx.calendar.game_dates(*span)


def check(ctx, p: Processor, days: list[date],
          latest: dict[tuple[str, date], PartitionState]) -> dict[date, Readiness]:
    out: dict[date, Readiness] = {}
    raw_inputs = [i for i in p.inputs if i.is_raw]
    for day in days:
        problems: list[str] = []
        parts: list[str] = []
        raw_files = 0
        for i in raw_inputs:
            fp = ctx.store.fingerprint(i.raw_source, day)
            parts.append(f"{i.ref}:{fp}")
            if fp:
                raw_files += 1
            elif i.required:
                problems.append(f"no raw files in {i.raw_source}/{day.isoformat()}")
        if raw_inputs and not raw_files and not p.allow_empty and not problems:
            names = ", ".join(f"{i.raw_source}/{day.isoformat()}" for i in raw_inputs)
            problems.append(f"no raw files in {names}")
        for i in p.inputs:
            if i.is_raw:
                continue
            up = ctx.registry.by_table(i.ref)
            bad: list[str] = []
            for d in window_dates(ctx, i, day):
                st = latest.get((up.name, d))
                if st is None:
                    if i.required:
                        bad.append(f"{d.isoformat()} missing")
                    continue
                parts.append(f"{up.name}:{d.isoformat()}:{st.attempt_id}")
                if st.status in OK:
                    continue
                if st.status == FAILED and not i.required and \
                        st.failure_category == "MISSING_DEPENDENCY":
                    continue  # an optional input that is simply absent
                bad.append(f"{d.isoformat()} {st.status} ({st.failure_category})")
            if bad:
                shown = ", ".join(bad[:3]) + (f" and {len(bad) - 3} more" if len(bad) > 3 else "")
                problems.append(f"{up.name} [{i.window.describe()}]: {shown}")
        digest = hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]
        out[day] = Readiness("; ".join(problems) or None, digest)
    return out
