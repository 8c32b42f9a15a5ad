"""Commands that run the pipeline: run, backfill, daily (Phase 1 alone: ``scrape``, in
``sources``)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from backcourt.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    End,
    EngineOpt,
    Json,
    Raw,
    Start,
    SwitchRaw,
    Wait,
    Warehouse,
    date_range,
    emit_json,
    fail,
    fail_usage,
    interruptible,
    lazy_module,
    lib,
    open_ctx,
    out,
    parse_date,
    select,
    settings,
)
from backcourt.cli.progress import tracking

render = lazy_module("backcourt.cli.render")   # Rich, imported when a command prints

Seed = Annotated[int | None, typer.Option(help="simulator seed (Phase 1)")]
Workers = Annotated[int, typer.Option(
    min=1, help="processors of a stage run in parallel on this many connections")]


def run(start: Start, end: End,
        phase: Annotated[list[int] | None, typer.Option(help="phase(s) to run")] = None,
        processor: Annotated[list[str] | None, typer.Option(help="processor(s) to run")] = None,
        mode: Annotated[str, typer.Option(help="daily | backfill")] = "backfill",
        warehouse: Warehouse = None, engine: EngineOpt = None, raw: Raw = None,
        json: Json = False, wait: Wait = 0.0, switch_raw: SwitchRaw = False) -> None:
    """Run processors over a date range (one set-based statement per contiguous range)."""
    s, e = date_range(start, end)
    if not phase and not processor:
        raise fail_usage("give --phase and/or --processor")
    from backcourt.registry.mode import MODES

    if mode not in MODES:
        raise fail_usage(f"unknown mode '{mode}' (known: {', '.join(MODES)})")
    cfg = settings(warehouse, raw, engine=engine)
    ctx = open_ctx(cfg, mode, wait, switch_raw)
    procs = select(ctx, phase, processor)
    if not procs:
        raise fail_usage("no processor matches")
    try:
        lib.require_raw_root(ctx)
    except lib.RawRootMissing as exc:
        raise fail_usage(str(exc)) from None
    command = " ".join(sys.argv)
    with interruptible(), tracking(cfg.warehouse, command, mode) as track:
        if track.live is not None:
            track.live.stages_of(ctx.registry, procs)
        summary = lib.run(ctx, procs, s, e, command, progress=track)
        track.finish(EXIT_OK if summary.ok else EXIT_FAILED)
    if json:
        emit_json(summary.as_dict())
    else:
        render.print_summary(summary)
    raise typer.Exit(EXIT_OK if summary.ok else EXIT_FAILED)


def backfill(start: Start, end: End,
             phases: Annotated[str, typer.Option(
                 help="phases, e.g. 2-3 or 2,3 (default: all, 1-5)")] = "1-5",
             seed: Seed = None,
             reprocess: Annotated[str, typer.Option(
                 help="missing | failed | failed-only | stale | all")] = "stale",
             retry_failed: Annotated[bool, typer.Option(
                 "--retry-failed", help="re-run only failed partitions")] = False,
             source: Annotated[list[str] | None, typer.Option(
                 help="Phase 1's source(s): sim, or nba and/or odds (default: the sources "
                      "that wrote the raw store; sim for an empty one)")] = None,
             workers: Workers = 1, warehouse: Warehouse = None,
             engine: EngineOpt = None, raw: Raw = None, json: Json = False,
             wait: Wait = 0.0, switch_raw: SwitchRaw = False) -> None:
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
    ctx = open_ctx(cfg, "backfill", wait, switch_raw)
    command = " ".join(sys.argv)
    with interruptible(), tracking(cfg.warehouse, command, "backfill") as track:
        if 1 in wanted:
            track.stage("phase 1: fetch missing raw files")
        try:
            first, plan, summary = lib.backfill_phases(
                ctx, wanted, s, e, command, ctx.seed, reprocess, progress=track,
                on_plan=lambda p: track.planned(p, ctx.registry), workers=max(1, workers),
                on_scraped=track.scraped, sources=source or None)
        except lib.NoGameDates as exc:
            track.finish(EXIT_FAILED)
            raise fail(str(exc), EXIT_FAILED) from None
        except (lib.ProvenanceError, ValueError) as exc:
            track.finish(EXIT_USAGE)
            raise fail_usage(str(exc)) from None
        track.finish(EXIT_OK if summary.ok and (first is None or first.ok) else EXIT_FAILED)
    scraped = first.dates if first is not None else []
    if json:
        emit_json({"scraped_dates": [d.isoformat() for d in scraped],
                   "phase1": first.as_dict() if first is not None else None,
                   "planned": plan.to_run, **summary.as_dict()})
    else:
        if first is not None:
            render.print_phase1(first)
        render.print_summary(summary)
    ok = summary.ok and (first is None or first.ok)
    raise typer.Exit(EXIT_OK if ok else EXIT_FAILED)


def daily(date_: Annotated[str, typer.Option("--date", help="the game date, YYYY-MM-DD")],
          seed: Seed = None, workers: Workers = 1, warehouse: Warehouse = None,
          engine: EngineOpt = None, raw: Raw = None, json: Json = False,
          wait: Wait = 0.0, switch_raw: SwitchRaw = False) -> None:
    """The nightly job: scrape the date, run Phases 2-5 for it in daily mode (full checks),
    emit downstream-trigger events. Exit 1 if any partition failed."""
    day = parse_date(date_, "date")
    cfg = settings(warehouse, raw, seed, engine=engine)
    ctx = open_ctx(cfg, "daily", wait, switch_raw)
    command = " ".join(sys.argv)
    with interruptible(), tracking(cfg.warehouse, command, "daily") as track:
        track.stage(f"daily {day}")
        try:
            first, plan, summary = lib.daily(ctx, day, ctx.seed, command, track,
                                             on_plan=lambda p: track.planned(p, ctx.registry),
                                             workers=max(1, workers))
        except (lib.ProvenanceError, lib.DateTooOld) as exc:
            track.finish(EXIT_USAGE)
            raise fail_usage(str(exc)) from None
        track.finish(EXIT_OK if summary.ok else EXIT_FAILED)
    events = ctx.ledger.count_events(summary.run_id)
    if json:
        emit_json({"date": day.isoformat(), "scraped": bool(first.dates), "events": events,
                   "phase1": first.as_dict(), **summary.as_dict()})
    else:
        out.print(f"daily {day}: fetched {len(first.dates)} date(s); "
                  f"{events} downstream events")
        render.print_phase1(first, quiet=True)
        render.print_summary(summary)
    raise typer.Exit(EXIT_OK if summary.ok and first.ok else EXIT_FAILED)


COMMANDS = (run, backfill, daily)
