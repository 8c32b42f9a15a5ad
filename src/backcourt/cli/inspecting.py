"""Commands that read: preflight, plan, validate, status."""

from __future__ import annotations

from typing import Annotated

import typer

from backcourt.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    End,
    EngineOpt,
    Json,
    Raw,
    Start,
    Warehouse,
    date_range,
    emit_json,
    fail_usage,
    lazy_module,
    lib,
    open_ctx,
    select,
    settings,
)

Phase = Annotated[list[int] | None, typer.Option(help="phase(s)")]
ProcessorOpt = Annotated[list[str] | None, typer.Option(help="processor(s)")]
Reprocess = Annotated[str, typer.Option(help="missing | failed | failed-only | stale | all")]

# the rendering (Rich) is imported when a command prints
render = lazy_module("backcourt.cli.render")
live_view = lazy_module("backcourt.cli.live_view")


def preflight(start: Start, end: End, warehouse: Warehouse = None,
              engine: EngineOpt = None, raw: Raw = None, json: Json = False) -> None:
    """Is everything ready for a backfill of this range? Environment (warehouse writable,
    tables, raw store, disk) and each phase's readiness. Exit 0 ready, 1 not ready,
    4 ready with warnings."""
    s, e = date_range(start, end)
    from backcourt.preflight import preflight as run_preflight

    cfg = settings(warehouse, raw, engine=engine)
    if lib.warehouse_readable(cfg):
        ctx = open_ctx(cfg, read_only=True)
    else:   # not created yet: checked for whether it can be (below), and not created
        ctx = open_ctx(cfg.model_copy(update={"warehouse": ":memory:"}))
    report = run_preflight(ctx, s, e, warehouse_path=cfg.warehouse)
    if json:
        emit_json(report.as_dict())
    else:
        render.print_preflight(report, s, e)
    raise typer.Exit(report.exit_code)


def plan(start: Start, end: End, phase: Phase = None, processor: ProcessorOpt = None,
         reprocess: Reprocess = "stale", warehouse: Warehouse = None,
         engine: EngineOpt = None, raw: Raw = None, json: Json = False) -> None:
    """What a backfill of this range would run, and why: the table × date matrix (done /
    missing / failed / stale / skipped / blocked), stages, estimate, commands.
    Exit 0 when nothing is blocked."""
    s, e = date_range(start, end)
    from backcourt.planner import make_plan

    ctx = open_ctx(settings(warehouse, raw, engine=engine),
                   live=live_view.show_busy(json, "the plan", _live("live_plan", s, e)),
                   read_only=True)
    procs = select(ctx, phase, processor)
    try:
        p = make_plan(ctx, procs, s, e, reprocess, sources=lib.select_sources(ctx, phase))
    except ValueError as exc:
        raise fail_usage(str(exc)) from None
    if json:
        emit_json(p.as_dict(ctx.registry))
    else:
        render.print_plan(p, ctx.registry)
    raise typer.Exit(EXIT_FAILED if p.blocked else EXIT_OK)


def validate(start: Start, end: End, phase: Phase = None, processor: ProcessorOpt = None,
             strict: Annotated[bool, typer.Option(
                 "--strict", help="MEDIUM findings fail too")] = False,
             details: Annotated[bool, typer.Option(
                 "--details", help="list every affected date")] = False,
             reconcile: Annotated[bool, typer.Option(
                 "--reconcile", help="account for every expected entity")] = False,
             warehouse: Warehouse = None,
             engine: EngineOpt = None, raw: Raw = None, json: Json = False) -> None:
    """Find every gap: missing dates, partial data, NULL or zero critical fields, cascades
    from bad upstream data, stale partitions; contamination per table; the fix for each.
    Exit 0 clean, 1 on HIGH/CRITICAL findings (with --strict also on MEDIUM)."""
    s, e = date_range(start, end)
    from backcourt.validation import validate as run_validate

    ctx = open_ctx(settings(warehouse, raw, engine=engine), read_only=True)
    v = run_validate(ctx, select(ctx, phase, processor), s, e, reconcile)
    if json:
        emit_json(v.as_dict(strict))
    else:
        render.print_validation(v, strict, details)
    raise typer.Exit(v.exit_code(strict))


def status(start: Start, end: End, phase: Phase = None, processor: ProcessorOpt = None,
           warehouse: Warehouse = None,
           engine: EngineOpt = None, raw: Raw = None, json: Json = False) -> None:
    """The table × date matrix: done / missing / failed / stale / skipped / blocked — the
    same state per cell as `plan`. With --phase 1, the Phase 1 sources' dates too.
    Exit 1 unless complete (nothing missing, failed, stale or blocked). While another
    process holds the warehouse: its live progress, exit 3."""
    s, e = date_range(start, end)
    ctx = open_ctx(settings(warehouse, raw, engine=engine),
                   live=live_view.show_busy(json, "the status matrix",
                                            _live("live_status", s, e)), read_only=True)
    procs = select(ctx, phase, processor)
    from backcourt.status import status_matrix

    m = status_matrix(ctx, procs, s, e, lib.select_sources(ctx, phase))
    if json:
        emit_json(m.as_dict())
    else:
        render.print_status(m)
    raise typer.Exit(EXIT_OK if m.complete and m.dates else EXIT_FAILED)


def _live(view: str, s, e):
    """``backcourt.status``'s ``view`` of a run's published progress over [s, e]."""
    def of(data: dict) -> dict:
        from backcourt import status

        return getattr(status, view)(data, s, e)
    return of


COMMANDS = (preflight, plan, validate, status)
