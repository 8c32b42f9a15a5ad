"""Commands that write: scrape, run, backfill, daily."""

from __future__ import annotations

import sys
from datetime import date
from typing import Annotated

import typer

from backcourt import app as lib
from backcourt.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    End,
    EngineOpt,
    Json,
    Raw,
    Start,
    Wait,
    Warehouse,
    date_range,
    emit_json,
    fail_usage,
    open_ctx,
    out,
    parse_date,
    select,
    settings,
)
from backcourt.cli.progress import LogEvery, progress, tracking
from backcourt.cli.render import print_summary
from backcourt.registry.mode import MODES

Seed = Annotated[int | None, typer.Option(help="simulator seed (Phase 1)")]
Workers = Annotated[int, typer.Option(
    help="processors of a stage run in parallel on this many connections")]


def scrape(start: Start, end: End,
           source: Annotated[str, typer.Option(help="source: sim (the league simulator)")] = "sim",
           seed: Annotated[int | None, typer.Option(help="simulator seed")] = None,
           raw: Raw = None, json: Json = False) -> None:
    """Phase 1: write raw files for every game date in the range into the raw store."""
    s, e = date_range(start, end)
    cfg = settings(raw=raw, seed=seed)
    if source != "sim":
        raise fail_usage(f"unknown source '{source}' (known: sim); real files are dropped "
                         "into the raw store directly")
    from backcourt.rawstore import RawStore
    from backcourt.sources import sim

    days = (e - s).days + 1
    with progress() as bar:
        task = bar.add_task("simulating", total=days)
        lines = LogEvery()   # a log (stderr not a terminal) gets a line now and then

        def tick(day: date, files: int) -> None:
            bar.update(task, completed=(day - s).days + 1, description=f"scrape {day}")
            lines(f"scrape {day}: {(day - s).days + 1}/{days} days")

        result = sim.scrape(RawStore(cfg.raw), s, e, seed=cfg.seed, on_date=tick)
        bar.update(task, completed=days)
    if json:
        emit_json({"source": source, "seed": cfg.seed, "raw": cfg.raw,
                   "dates": [d.isoformat() for d in result.dates], "files": result.files,
                   "seconds": round(result.seconds, 3)})
    else:
        out.print(f"wrote {result.files} files for {len(result.dates)} game dates "
                  f"into {cfg.raw} in {result.seconds:.1f}s")


def run(start: Start, end: End,
        phase: Annotated[list[int] | None, typer.Option(help="phase(s) to run")] = None,
        processor: Annotated[list[str] | None, typer.Option(help="processor(s) to run")] = None,
        mode: Annotated[str, typer.Option(help="daily | backfill")] = "backfill",
        warehouse: Warehouse = None, engine: EngineOpt = None, raw: Raw = None,
        json: Json = False, wait: Wait = 0.0) -> None:
    """Run processors over a date range (one set-based statement per contiguous range)."""
    s, e = date_range(start, end)
    if not phase and not processor:
        raise fail_usage("give --phase and/or --processor")
    if mode not in MODES:
        raise fail_usage(f"unknown mode '{mode}' (known: {', '.join(MODES)})")
    cfg = settings(warehouse, raw, engine=engine)
    ctx = open_ctx(cfg, mode, wait)
    procs = select(ctx, phase, processor)
    if not procs:
        raise fail_usage("no processor matches")
    command = " ".join(sys.argv)
    with tracking(cfg.warehouse, command, mode) as track:
        if track.live is not None:
            track.live.stages_of(ctx.registry, procs)
        summary = lib.run(ctx, procs, s, e, command, progress=track)
        track.finish(EXIT_OK if summary.ok else EXIT_FAILED)
    if json:
        emit_json(summary.as_dict())
    else:
        print_summary(summary)
    raise typer.Exit(EXIT_OK if summary.ok else EXIT_FAILED)


def backfill(start: Start, end: End,
             phases: Annotated[str, typer.Option(
                 help="phases, e.g. 2-3 or 2,3 (default: all, 1-5)")] = "1-5",
             seed: Seed = None,
             reprocess: Annotated[str, typer.Option(
                 help="missing | failed | failed-only | stale | all")] = "stale",
             retry_failed: Annotated[bool, typer.Option(
                 "--retry-failed", help="re-run only failed partitions")] = False,
             workers: Workers = 1, warehouse: Warehouse = None,
             engine: EngineOpt = None, raw: Raw = None, json: Json = False,
             wait: Wait = 0.0) -> None:
    """Fill a range: fetch missing raw dates (Phase 1), then run the plan — every partition
    not done and current, with the lookback it needs — phase by phase.
    Interrupted? Run the same command again."""
    s, e = date_range(start, end)
    try:
        wanted = lib.parse_phases(phases)
    except ValueError as exc:
        raise fail_usage(str(exc)) from None
    if retry_failed:
        reprocess = "failed-only"
    cfg = settings(warehouse, raw, seed, engine=engine)
    ctx = open_ctx(cfg, "backfill", wait)
    procs = select(ctx, [p for p in wanted if p != 1], None)
    missing = [p for p in wanted if p != 1 and p not in ctx.registry.phases]
    if missing:
        raise fail_usage(f"phase(s) {missing} have no processors yet")
    scraped: list[date] = []
    command = " ".join(sys.argv)
    with tracking(cfg.warehouse, command, "backfill") as track:
        if 1 in wanted:
            track.stage("phase 1: scrape missing raw dates")
            scraped = lib.scrape_missing(ctx, s, e, cfg.seed, track.scraped)
        track.stage("planning")
        try:
            plan, summary = lib.backfill(ctx, procs, s, e, command, reprocess,
                                         progress=track,
                                         on_plan=lambda p: track.planned(p, ctx.registry),
                                         workers=max(1, workers))
        except ValueError as exc:
            track.finish(EXIT_USAGE)
            raise fail_usage(str(exc)) from None
        track.finish(EXIT_OK if summary.ok else EXIT_FAILED)
    if json:
        emit_json({"scraped_dates": [d.isoformat() for d in scraped],
                   "planned": plan.to_run, **summary.as_dict()})
    else:
        if 1 in wanted:
            out.print(f"phase 1: scraped {len(scraped)} missing game dates")
        print_summary(summary)
    raise typer.Exit(EXIT_OK if summary.ok else EXIT_FAILED)


def daily(date_: Annotated[str, typer.Option("--date", help="the game date, YYYY-MM-DD")],
          seed: Seed = None, workers: Workers = 1, warehouse: Warehouse = None,
          engine: EngineOpt = None, raw: Raw = None, json: Json = False,
          wait: Wait = 0.0) -> None:
    """The nightly job: scrape the date, run Phases 2-5 for it in daily mode (full checks),
    emit downstream-trigger events. Exit 1 if any partition failed."""
    day = parse_date(date_, "date")
    cfg = settings(warehouse, raw, seed, engine=engine)
    ctx = open_ctx(cfg, "daily", wait)
    command = " ".join(sys.argv)
    with tracking(cfg.warehouse, command, "daily") as track:
        track.stage(f"daily {day}")
        scraped, plan, summary = lib.daily(ctx, day, cfg.seed, command, track,
                                           on_plan=lambda p: track.planned(p, ctx.registry),
                                           workers=max(1, workers))
        track.finish(EXIT_OK if summary.ok else EXIT_FAILED)
    events = ctx.ledger.count_events(summary.run_id)
    if json:
        emit_json({"date": day.isoformat(), "scraped": bool(scraped), "events": events,
                   **summary.as_dict()})
    else:
        out.print(f"daily {day}: scraped {len(scraped)} date(s); {events} downstream events")
        print_summary(summary)
    raise typer.Exit(EXIT_OK if summary.ok else EXIT_FAILED)


COMMANDS = (scrape, run, backfill, daily)
