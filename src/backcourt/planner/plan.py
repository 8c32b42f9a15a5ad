"""Plan a range: which partitions run, in which order, and why — set algebra over the one
state pass (backcourt.partitions.state):

    to run  = (wanted − done) ∪ downstream(rewritten) ∪ upstream closure(missing)
    blocked = what needs something that cannot be produced (from the state pass)

wanted: the selected processors' partitions in [start, end] whose state the chosen
``reprocess`` level covers (missing; + failed; + stale; or all). downstream(rewritten): a
selected partition whose window reads a partition that will be rewritten is rewritten
too. upstream closure(missing): every partition a planned one reads through a required
window must be done or planned; missing or failed ones are added (any processor, dates
before ``start`` included). Blocked partitions are never run.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import NamedTuple

from backcourt.ledger import FAILED, SKIPPED
from backcourt.partitions import kept
from backcourt.partitions.context import Context
from backcourt.partitions.mapping import WindowMapping
from backcourt.partitions.no_gc import no_gc
from backcourt.partitions.state import BLOCKED, DONE, MISSING, STALE, States, state_pass
from backcourt.registry import Processor, Source
from backcourt.registry.commands import backfill_command

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
    blocked_from: date | None = None   # the earliest root cause of a blocked partition
    sources: list[Source] = field(default_factory=list)   # Phase 1 sources with a cell
    # the state pass it was made from: the run of the plan asks it what is ready
    states: States | None = field(default=None, repr=False)

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
        fetch = [(s.name, sorted(targets[s.name])) for s in self.sources if s.name in targets]
        return ([fetch] if fetch else []) + [
            [(p.name, sorted(targets[p.name])) for p in stage]
            for stage in registry.stages(chosen)]

    def commands(self) -> list[str]:
        span = self.span
        if span is None:
            return []
        targets = self.targets()
        phases = sorted({p.phase for p in [*self.sources, *self.processors]
                         if p.name in targets})
        # a partition that reads raw files runs again: its files may be missing or
        # half-written (deleted, quarantined), and only Phase 1 fetches them (it fetches
        # nothing for a complete date), so the fix starts there
        if any(p.name in targets and any(i.is_raw for i in p.inputs)
               for p in self.processors):
            phases.insert(0, Source.phase)   # the sources' phase (1)
        return [backfill_command(span[0], span[1], phases[0], phases[-1], self.reprocess)]

    def blocked_fix(self) -> str | None:
        """The command that unblocks: fetch the missing raw files (Phase 1) and run
        everything from the earliest cause of a blocked partition (a raw gap may lie
        before the range) to the end of the range."""
        days = [c.game_date for c in self.blocked]
        if not days:
            return None
        first = min(days + ([self.blocked_from] if self.blocked_from else []))
        return (f"backcourt backfill --start {first} --end {max(max(days), self.end)} "
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


def make_plan(ctx: Context, processors: list[Processor], start: date, end: date,
              reprocess: str = "stale", scrape: bool = False,
              sources: list[Source] = ()) -> Plan:
    """The plan of ``processors`` (and of the Phase 1 ``sources``) over [start, end]."""
    if reprocess not in REPROCESS:
        raise ValueError(f"--reprocess {reprocess}: expected one of {', '.join(REPROCESS)}")
    def compute() -> Plan:
        states = state_pass(ctx, start, end, scrape=scrape, sources=sources,
                            processors=bool(processors))
        return plan_from(ctx, states, processors, reprocess, sources)

    with no_gc():
        ctx.store.refresh()
        with ctx.store.listing_ahead(len(ctx.calendar.game_dates(start, end))):
            # a read command's plan is kept (without its state pass: it is not run)
            return kept.answer(ctx, kept.key(ctx, start, end, None, scrape, list(sources),
                                             bool(processors)),
                               ("plan", [p.name for p in processors], reprocess,
                                [s.name for s in sources]),
                               Plan, compute, lambda plan: replace(plan, states=None))


def plan_from(ctx: Context, states: States, processors: list[Processor],
              reprocess: str = "stale", sources: list[Source] = ()) -> Plan:
    """The plan of the selected ``processors`` and ``sources`` over the range of
    ``states`` (which must hold the sources' cells)."""
    start, end = states.start, states.end
    order = ctx.registry.order()
    selected = {p.name for p in processors}
    in_range = {p.name: [d for d in states.days[p.name] if d >= start]
                for p in order if p.name in selected}
    run: dict[str, set[date]] = {p.name: set() for p in order}
    reasons: dict[tuple[str, date], str] = {}

    def add(name: str, d: date, why: str) -> bool:
        if states.get(name, d).state == BLOCKED or d in run[name]:
            return False
        run[name].add(d)
        reasons[(name, d)] = why
        return True

    # (wanted − done) ∪ downstream(rewritten), in dependency order
    wanted = REPROCESS[reprocess]
    for p in order:
        if p.name not in selected:
            continue
        days = in_range[p.name]
        rewritten: dict[date, str] = {}   # read through a window what will be rewritten
        for i in p.inputs:
            if i.is_raw:
                continue
            u = ctx.registry.by_table(i.ref).name
            planned = sorted(run[u])
            for d, hit in WindowMapping(i, ctx.calendar).downstream(planned, days).items():
                rewritten.setdefault(d, f"reads {u} {hit}, which will be rewritten")
        for d in days:
            st = states.get(p.name, d)
            if st.state in wanted:
                add(p.name, d, st.reason or st.state)
            elif d in rewritten:
                add(p.name, d, rewritten[d])

    # ∪ upstream closure(missing), from the last processor back to the first
    stale_reads: dict[tuple[str, date], set[str]] = {}
    for p in reversed(order):
        days = sorted(run[p.name])
        for i in p.inputs:
            if i.is_raw or not i.required:
                continue
            u = ctx.registry.by_table(i.ref)
            for ud, d in WindowMapping(i, ctx.calendar).upstream_of(days):
                ust = states.get(u.name, ud)
                if ust.state in (MISSING, FAILED):
                    add(u.name, ud, f"needed by {p.name} {d} ({ust.state})")
                elif ust.state == STALE and ud not in run[u.name]:
                    stale_reads.setdefault((u.name, ud), set()).add(p.name)

    plan = Plan(start, end, reprocess, [], states=states)
    refused = _stale_upstream(ctx, plan, run, stale_reads, states)
    for src in sources:   # Phase 1: (re)fetch the dates whose files are not complete
        days = states.days.get(src.name, [])
        if days:
            plan.sources.append(src)
        for d in days:
            st = states.get(src.name, d)
            plan.cells[(src.name, d)] = PlanCell(src.name, d, st.state, st.state in wanted,
                                                 st.reason)
    for p in order:
        days = run[p.name] | set(in_range.get(p.name, ()))
        if not days:
            continue
        plan.processors.append(p)
        for d in sorted(days):
            st = states.get(p.name, d)
            if (p.name, d) in refused:
                plan.cells[(p.name, d)] = PlanCell(p.name, d, BLOCKED, False,
                                                   refused[(p.name, d)])
            elif d in run[p.name]:
                plan.cells[(p.name, d)] = PlanCell(p.name, d, st.state, True,
                                                   reasons[(p.name, d)])
            else:
                plan.cells[(p.name, d)] = PlanCell(p.name, d, st.state, False, st.reason)
    plan.blocked_from = _first_cause(states, plan.blocked)
    _stale_after_end(ctx, plan, run)
    plan.seconds_per_partition = past_rates(ctx)
    return plan


def _stale_after_end(ctx: Context, plan: Plan, run: dict[str, set[date]]) -> None:
    """A narrow repair: partitions after the range's end (in its season) that read what
    this plan rewrites will be stale afterwards. They are not run (the range is what was
    asked for); the plan says so, with the command that refreshes them."""
    if not any(run.values()):
        return
    cal = ctx.calendar
    after = [d for d in cal.game_dates(plan.end + timedelta(days=1))
             if cal.season(d) == cal.season(plan.end)]
    if not after:
        return
    order = ctx.registry.order()
    done = ctx.ledger.latest([p.name for p in order], after[0], after[-1])
    affected: dict[str, set[date]] = {p.name: set() for p in order}
    for p in order:
        targets = [d for d in after if (p.name, d) in done]
        for i in p.inputs:
            if i.is_raw or not targets:
                continue
            u = ctx.registry.by_table(i.ref).name
            ups = sorted(run[u] | affected[u])
            affected[p.name] |= set(WindowMapping(i, cal).downstream(ups, targets))
    days = sorted(d for ds in affected.values() for d in ds)
    if days:
        phases = [p.phase for p in order if affected[p.name]]
        plan.warnings.append(
            f"{sum(map(len, affected.values()))} partitions after {plan.end} read what this "
            f"run rewrites and will be stale ({days[0]} … {days[-1]}); refresh them: "
            + backfill_command(days[0], days[-1], min(phases), max(phases)))


def _first_cause(states: States, blocked: list[PlanCell]) -> date | None:
    """The earliest partition at the root of the blocked cells (followed through the
    windows that blocked them)."""
    roots: list[date] = []
    for c in blocked:
        key, seen = (c.processor, c.game_date), set()
        while (cause := states.get(*key).cause) is not None and cause not in seen:
            seen.add(cause)
            key = cause
        roots.append(key[1])
    return min(roots, default=None)


def _stale_upstream(ctx: Context, plan: Plan, run: dict[str, set[date]],
                    stale_reads: dict[tuple[str, date], set[str]],
                    states: States) -> dict[tuple[str, date], str]:
    """Planned partitions whose windows read a stale upstream partition that this plan does
    not rewrite. A mode whose ``stale_upstream`` is "fail" refuses them (returned, with the
    reason and the command that refreshes the stale one, and taken out of ``run`` with what
    reads them); otherwise they run and the plan warns."""
    refused: dict[tuple[str, date], str] = {}
    registry = ctx.registry
    for (uname, ud), readers in sorted(stale_reads.items(), key=lambda kv: kv[0][1]):
        fix = backfill_command(ud, plan.end, registry.get(uname).phase, max(registry.phases))
        why = f"upstream {uname} {ud} is stale ({states.get(uname, ud).reason})"
        hit = []
        for name in sorted(readers):
            for i in registry.get(name).inputs:
                if i.ref == registry.get(uname).table:
                    m = WindowMapping(i, ctx.calendar)
                    hit += [(name, d) for d in m.readers(ud, sorted(run[name]))]
        if not hit:
            continue
        if ctx.mode.stale_upstream == "fail":
            for key in hit:
                refused.setdefault(key, f"{why}; run first: {fix}")
        else:
            plan.warnings.append(f"{len(hit)} partitions read {uname} {ud}, which is "
                                 f"stale: {states.get(uname, ud).reason}; fix: {fix}")
    if refused:   # what reads a refused partition cannot run either
        for p in registry.order():
            for d in sorted(run[p.name]):
                if (p.name, d) in refused:
                    continue
                for i in p.inputs:
                    if i.is_raw or not i.required:
                        continue
                    u = registry.by_table(i.ref).name
                    gone = sorted(ud for n, ud in refused if n == u)
                    hit = WindowMapping(i, ctx.calendar).reads(d, gone)
                    if hit is not None:
                        refused[(p.name, d)] = f"upstream {u} {hit} is blocked"
                        break
        for name, d in refused:
            run[name].discard(d)
    return refused


def past_rates(ctx: Context) -> dict[str, float]:
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
