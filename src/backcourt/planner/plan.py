"""Plan a range: which partitions run, in which order, and why.

1. wanted: the selected processors' partitions in [start, end] whose state the chosen
   ``reprocess`` level covers (missing; + failed; + stale; or all);
2. reverse closure: a selected partition whose window reads a partition that will be
   rewritten is rewritten too (the closure of "stale");
3. lookback closure: every partition a planned one reads through its windows must be done
   or planned; missing or failed ones inside the season are added (any processor, dates
   before ``start`` included), or the target is reported blocked when the raw data it
   needs is not there.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from backcourt.executor.dependencies import window_dates
from backcourt.ledger import FAILED, SKIPPED
from backcourt.planner.no_gc import no_gc
from backcourt.planner.state import BLOCKED, DONE, MISSING, STALE, State, partition_states
from backcourt.registry import Input, Processor

NEVER_RUN = State(MISSING)   # a partition the ledger has no attempt for

REPROCESS = {
    "missing": {MISSING},
    "failed": {MISSING, FAILED},
    "failed-only": {FAILED},
    "stale": {MISSING, FAILED, STALE},
    "all": {MISSING, FAILED, STALE, DONE, SKIPPED},
}


class PlanCell(NamedTuple):   # one per partition of the range: 17,000 in 4 seasons
    processor: str
    game_date: date
    state: str          # done | missing | failed | stale | skipped | blocked
    run: bool
    reason: str | None


@dataclass
class Plan:
    start: date
    end: date
    reprocess: str
    processors: list[Processor]              # every processor with a cell, in order
    cells: dict[tuple[str, date], PlanCell] = field(default_factory=dict)
    seconds_per_partition: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)   # e.g. reads of stale upstream

    def targets(self) -> dict[str, set[date]]:
        out: dict[str, set[date]] = {}
        for (name, d), c in self.cells.items():
            if c.run:
                out.setdefault(name, set()).add(d)
        return out

    @property
    def blocked(self) -> list[PlanCell]:
        return [c for c in self.cells.values() if c.state == BLOCKED]

    @property
    def to_run(self) -> int:
        return sum(c.run for c in self.cells.values())

    @property
    def span(self) -> tuple[date, date] | None:
        days = [d for (_, d), c in self.cells.items() if c.run]
        return (min(days), max(days)) if days else None

    def estimate_seconds(self) -> float:
        return sum(self.seconds_per_partition.get(n, 0.05) * len(ds)
                   for n, ds in self.targets().items())

    def stages(self, registry) -> list[list[tuple[str, list[date]]]]:
        targets = self.targets()
        chosen = [p for p in self.processors if p.name in targets]
        return [[(p.name, sorted(targets[p.name])) for p in stage]
                for stage in registry.stages(chosen)]

    def commands(self) -> list[str]:
        span = self.span
        if span is None:
            return []
        phases = sorted({p.phase for p in self.processors if p.name in self.targets()})
        spec = f"{phases[0]}-{phases[-1]}" if len(phases) > 1 else str(phases[0])
        return [f"backcourt backfill --start {span[0]} --end {span[1]} --phases {spec}"
                + (f" --reprocess {self.reprocess}" if self.reprocess != "stale" else "")]

    def blocked_fix(self) -> str | None:
        """The command that unblocks: fetch the missing raw files (Phase 1) and run
        everything from the earliest blocked date to the end of the range."""
        days = [c.game_date for c in self.blocked]
        if not days:
            return None
        return (f"backcourt backfill --start {min(days)} --end {max(max(days), self.end)} "
                "--phases 1-5")

    def counts(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for (name, _), c in self.cells.items():
            row = out.setdefault(name, {"run": 0})
            row[c.state] = row.get(c.state, 0) + 1
            row["run"] += c.run
        return out

    def as_dict(self, registry) -> dict:
        return {
            "start": self.start.isoformat(), "end": self.end.isoformat(),
            "reprocess": self.reprocess,
            "partitions_to_run": self.to_run,
            "blocked": len(self.blocked),
            "estimate_seconds": round(self.estimate_seconds(), 2),
            "summary": self.counts(),
            "stages": [[{"processor": n, "dates": [d.isoformat() for d in ds]}
                        for n, ds in stage] for stage in self.stages(registry)],
            "commands": self.commands(),
            "warnings": self.warnings,
            "cells": [{"processor": c.processor, "game_date": c.game_date.isoformat(),
                       "state": c.state, "run": c.run, "reason": c.reason}
                      for c in sorted(self.cells.values(),
                                      key=lambda c: (c.processor, c.game_date))],
        }


def _reads(ctx, i: Input, day: date, planned: list[date]) -> date | None:
    """A planned upstream date that the window of ``i`` at ``day`` reads, if any."""
    if not planned:
        return None
    if i.window.kind == "same_day":
        span: tuple[date, date] | None = (day, day)
    else:
        span = i.window.calendar_span(day, ctx.calendar.season_start(day))
    if span is None:
        return None
    k = bisect.bisect_left(planned, span[0])
    return planned[k] if k < len(planned) and planned[k] <= span[1] else None


def _union_of_windows(ctx, i: Input, days: list[date]):
    """Each upstream date any of ``days`` reads through ``i``, once, with the last reader.

    Windows of consecutive targets overlap (season-to-date ones entirely), so their union
    is walked once instead of once per target."""
    if i.window.kind == "same_day":
        yield from ((d, d) for d in days)
        return
    spans: list[list] = []
    for d in days:
        span = i.window.calendar_span(d, ctx.calendar.season_start(d))
        if span is None:
            continue
        if spans and span[0] <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], span[1])
            spans[-1][2] = d
        else:
            spans.append([span[0], span[1], d])
    for lo, hi, reader in spans:
        for ud in ctx.calendar.game_dates(lo, hi):
            yield ud, reader


def make_plan(ctx, processors: list[Processor], start: date, end: date,
              reprocess: str = "stale", scrape: bool = False) -> Plan:
    if reprocess not in REPROCESS:
        raise ValueError(f"--reprocess {reprocess}: expected one of {', '.join(REPROCESS)}")
    with no_gc():
        return _make_plan(ctx, processors, start, end, reprocess, scrape)


def _make_plan(ctx, processors: list[Processor], start: date, end: date, reprocess: str,
               scrape: bool) -> Plan:
    ctx.store.refresh()
    registry = ctx.registry
    order = registry.order()
    selected = {p.name for p in processors}
    # the lookback may reach back to the season start of ``start``
    first = ctx.calendar.season_start(start)
    # staleness from the season start: a window may read a stale partition before start
    with ctx.store.listing_ahead(len(ctx.calendar.game_dates(first, end))):
        states = partition_states(ctx, order, first, end)
    plan = Plan(start, end, reprocess, [])
    run: dict[str, set[date]] = {p.name: set() for p in order}
    reasons: dict[tuple[str, date], str] = {}
    wanted = REPROCESS[reprocess]
    closure: set[tuple[str, date]] = set()   # done, but reading what will be rewritten

    # 1 + 2: wanted partitions and the reverse closure, in dependency order
    for p in order:
        if p.name not in selected:
            continue
        # only inputs whose processor has planned dates can make a partition stale
        ups = [(i, u, sorted(run[u.name])) for i in p.inputs if not i.is_raw
               for u in (registry.by_table(i.ref),) if run[u.name]]
        for d in ctx.partitions(p, start, end):
            st = states.get((p.name, d), NEVER_RUN)
            if st.state in wanted:
                run[p.name].add(d)
                reasons[(p.name, d)] = st.reason or st.state
                continue
            for i, u, planned in ups:
                hit = _reads(ctx, i, d, planned)
                if hit is not None:
                    run[p.name].add(d)
                    closure.add((p.name, d))
                    reasons[(p.name, d)] = f"reads {u.name} {hit}, which will be rewritten"
                    break

    # 3: lookback closure, from the last processor back to the first
    blocked: dict[tuple[str, date], str] = {}
    stale_reads: dict[tuple[str, date], list[tuple[str, Input]]] = {}
    for p in reversed(order):
        days = sorted(run[p.name])
        for i in p.inputs:
            if i.is_raw:
                if i.required and not scrape:
                    present = ctx.store.dates_with_files(i.raw_source, days)
                    for d in days:
                        if d not in present:
                            blocked[(p.name, d)] = f"no raw files in {i.raw_source}/{d}"
                continue
            if not i.required:
                continue
            u = registry.by_table(i.ref)
            for ud, d in _union_of_windows(ctx, i, days):
                if ud in run[u.name]:
                    continue
                ust = states.get((u.name, ud), NEVER_RUN)
                if ust.state in (MISSING, FAILED):
                    run[u.name].add(ud)
                    reasons[(u.name, ud)] = f"needed by {p.name} {d} ({ust.state})"
                elif ust.state == STALE:   # read as it is: the mode says fail or warn
                    stale_reads.setdefault((u.name, ud), []).append((p.name, i))
        raws = [i for i in p.inputs if i.is_raw]
        if p.loader and raws and not p.allow_empty and not scrape:
            planned = sorted(run[p.name])
            present = set().union(*(ctx.store.dates_with_files(i.raw_source, planned)
                                    for i in raws))
            for d in planned:
                if d not in present:
                    blocked[(p.name, d)] = "no raw files for " + ", ".join(
                        f"{i.raw_source}/{d}" for i in raws)

    _stale_upstream(ctx, plan, run, stale_reads, states, blocked)

    # a blocked partition blocks what reads it
    blocked_names = {n for n, _ in blocked}
    for p in order:
        for d in sorted(run[p.name]):
            if (p.name, d) in blocked:
                continue
            for i in p.inputs:
                if i.is_raw:
                    continue
                u = registry.by_table(i.ref)
                if u.name not in blocked_names:
                    continue
                bad = [ud for ud in window_dates(ctx, i, d) if (u.name, ud) in blocked]
                if bad and i.required:
                    blocked[(p.name, d)] = f"upstream {u.name} {bad[0]} is blocked"
                    blocked_names.add(p.name)
                    break

    for p in order:
        days = run[p.name] | ({d for d in ctx.partitions(p, start, end)}
                              if p.name in selected else set())
        if not days:
            continue
        plan.processors.append(p)
        for d in sorted(days):
            st = states.get((p.name, d), NEVER_RUN)
            if (p.name, d) in blocked:
                plan.cells[(p.name, d)] = PlanCell(p.name, d, BLOCKED, False,
                                                   blocked[(p.name, d)])
            elif d in run[p.name]:
                state = STALE if (p.name, d) in closure and st.state == DONE else st.state
                plan.cells[(p.name, d)] = PlanCell(p.name, d, state, True,
                                                   reasons.get((p.name, d)))
            else:
                plan.cells[(p.name, d)] = PlanCell(p.name, d, st.state, False, st.reason)
    plan.seconds_per_partition = past_rates(ctx)
    return plan


def _stale_upstream(ctx, plan: Plan, run, stale_reads, states, blocked) -> None:
    """Planned partitions whose windows read a stale upstream partition that this plan does
    not rewrite: in a mode whose ``stale_upstream`` is "fail" they are blocked, otherwise
    they run and the plan warns — each with the command that refreshes the stale one."""
    registry = ctx.registry
    for (uname, ud), readers in sorted(stale_reads.items(), key=lambda kv: kv[0][1]):
        fix = f"backcourt backfill --start {ud} --end {plan.end} --phases " \
              f"{registry.get(uname).phase}-5"
        why = f"upstream {uname} {ud} is stale ({states[(uname, ud)].reason})"
        hit = sorted({(name, d) for name, i in readers for d in run[name]
                      if ud in window_dates(ctx, i, d)})
        if not hit:
            continue
        if ctx.mode.stale_upstream == "fail":
            for key in hit:
                blocked.setdefault(key, f"{why}; run first: {fix}")
        else:
            plan.warnings.append(f"{len(hit)} partitions read {uname} {ud}, which is "
                                 f"stale: {states[(uname, ud)].reason}; fix: {fix}")


def past_rates(ctx) -> dict[str, float]:
    """Seconds per partition of each processor, from the summaries of past runs."""
    totals: dict[str, list[float]] = {}
    for r in ctx.ledger.runs(limit=50, counted=False):
        if not r.get("summary"):
            continue
        for name, st in r["summary"].get("per_processor", {}).items():
            n = st.get("succeeded", 0) + st.get("failed", 0)
            if n and "seconds" in st:
                t = totals.setdefault(name, [0.0, 0.0])
                t[0] += st["seconds"]
                t[1] += n
    return {name: s / n for name, (s, n) in totals.items() if n}
