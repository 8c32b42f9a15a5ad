"""The library's operations, as the CLI (and scripts, and tests) call them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from backcourt.config import Settings
from backcourt.executor.context import Context
from backcourt.pipeline.catalog import pipeline
from backcourt.rawstore import RawStore
from backcourt.registry import Processor
from backcourt.registry.mode import get_mode
from backcourt.warehouse import open_warehouse
from backcourt.warehouse.lock import WarehouseLock

if TYPE_CHECKING:   # the runner is imported by the commands that run something
    from backcourt.executor.runner import Progress, RunSummary, Targets

_LOCKS: dict[str, WarehouseLock] = {}   # held by this process until it exits


def open_context(settings: Settings, mode: str = "backfill", command: str = "",
                 wait_s: float = 0.0, read_only: bool = False) -> Context:
    """Open the warehouse (taking its lock: one process at a time) and the raw store.
    ``read_only``: a read command's — an existing warehouse opened read-only, never
    created (``WarehousePathError`` names an unusable path before anything is made)."""
    from backcourt.warehouse.paths import check_raw_root, check_warehouse_path

    if settings.engine == "duckdb":
        check_warehouse_path(settings.warehouse, read_only)
    check_raw_root(settings.raw)
    if settings.warehouse != ":memory:" and settings.warehouse not in _LOCKS:
        lock = WarehouseLock(settings.warehouse)
        try:
            lock.acquire(command or "backcourt", wait_s)
            _LOCKS[settings.warehouse] = lock
        except OSError:
            if not read_only:
                raise
            # a read-only folder: no lock file can be made there, and nothing can write
    wh = open_warehouse(settings.warehouse, read_only=read_only, engine=settings.engine,
                        spark_master=settings.spark_master)
    ctx = Context(wh=wh, store=RawStore(settings.raw), pipeline=pipeline(),
                  mode=get_mode(mode))
    if not read_only:
        ctx.ledger.close_abandoned_runs()   # we hold the lock: nothing else is running
    return ctx


def release_locks() -> None:
    """Let another process have the warehouses this process opened."""
    for lock in _LOCKS.values():
        lock.release()
    _LOCKS.clear()


def select(ctx: Context, phases: Iterable[int] | None = None,
           names: Iterable[str] | None = None) -> list[Processor]:
    return ctx.registry.select(phases=phases, names=names)


def run(ctx: Context, processors: list[Processor], start: date, end: date, command: str,
        targets: Targets | None = None, progress: Progress | None = None,
        workers: int = 1) -> RunSummary:
    """One recorded run: a row in the runs table, attempts in the ledger."""
    run_id = ctx.ledger.start_run(command, ctx.mode.name, start, end,
                                  [p.name for p in processors])
    from backcourt.executor.runner import RunSummary, run_processors

    summary = RunSummary(run_id=run_id, mode=ctx.mode.name)
    try:
        summary = run_processors(ctx, processors, start, end, run_id, targets, progress,
                                 workers)
    except KeyboardInterrupt:
        ctx.ledger.finish_run(run_id, "interrupted", summary.as_dict())
        raise
    ctx.ledger.finish_run(run_id, "succeeded" if summary.ok else "failed", summary.as_dict())
    return summary


def backfill(ctx: Context, processors: list[Processor], start: date, end: date,
             command: str, reprocess: str = "stale", progress: Progress | None = None,
             on_plan=None, workers: int = 1):
    """Plan, then run exactly the plan (lookback and downstream closures included)."""
    from backcourt.planner import make_plan

    plan = make_plan(ctx, processors, start, end, reprocess)
    if on_plan is not None:
        on_plan(plan)
    targets = plan.targets()
    span = plan.span or (start, end)
    chosen = [p for p in plan.processors if p.name in targets]
    summary = run(ctx, chosen, min(span[0], start), max(span[1], end), command,
                  targets=targets, progress=progress, workers=workers)
    return plan, summary


def daily(ctx: Context, day: date, seed: int, command: str,
          progress: Progress | None = None, on_plan=None, workers: int = 1):
    """The nightly job for one date: fetch it, then Phases 2-5 for it in daily mode.
    Only daily mode emits downstream-trigger events."""
    scraped = scrape_missing(ctx, day, day, seed)
    plan, summary = backfill(ctx, select(ctx, [p for p in ctx.registry.phases if p >= 2]),
                             day, day, command, "stale", progress, on_plan, workers)
    return scraped, plan, summary


def grade_report(ctx: Context, start: date, end: date) -> dict:
    """How each prediction system did over a range (Phase 5's report)."""
    from backcourt.pipeline.phase5.report import report

    return report(ctx.wh, start, end)


def entity_breakers(ctx: Context):
    """The per-entity circuit breakers, with daily mode's thresholds (only daily trips them)."""
    from backcourt.ledger.breakers import EntityBreakers

    return EntityBreakers(ctx.ledger, get_mode("daily"))


def parse_phases(spec: str) -> list[int]:
    """'1-3' → [1, 2, 3]; '2,4' → [2, 4]."""
    out: set[int] = set()
    for part in spec.split(","):
        part = part.strip()
        if "-" in part:
            lo, hi = part.split("-", 1)
            out.update(range(int(lo), int(hi) + 1))
        elif part:
            out.add(int(part))
    if not out or min(out) < 1 or max(out) > 5:
        raise ValueError(f"phases '{spec}': expected numbers 1-5 like '1-3' or '2,3'")
    return sorted(out)


def scrape_missing(ctx: Context, start: date, end: date, seed: int,
                   on_date=None) -> list[date]:
    """Phase 1 of a backfill: complete the simulated game dates whose raw files are
    missing (a folder, or a file the date's indexes expect): only those files are written."""
    from backcourt.sources import missing_raw_dates

    days = missing_raw_dates(ctx.store, start, end, seed)
    if days:
        from backcourt.sources import sim  # the simulator's import alone costs ~0.3 s
    for d in days:
        sim.complete(ctx.store, d, seed=seed)
        if on_date:
            on_date(d)
    if days:
        ctx.refresh_calendar()
    return days
