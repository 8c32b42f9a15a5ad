"""Commands about what happened: report, runs, breakers, modes."""

from __future__ import annotations

from typing import Annotated

import typer

from backcourt.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    End,
    EngineOpt,
    Json,
    Start,
    Warehouse,
    date_range,
    emit_json,
    err,
    fail,
    fail_usage,
    lazy_module,
    lib,
    open_ctx,
    out,
    settings,
)

live_view = lazy_module("backcourt.cli.live_view")   # Rich, when a command prints
rich_table = lazy_module("rich.table")


def report(start: Start, end: End,
           warehouse: Warehouse = None, engine: EngineOpt = None, json: Json = False) -> None:
    """How each prediction system did: MAE, hit rate on graded picks, picks — over the
    range and its two halves (and by week in --json). Exit 1 when nothing is graded in the
    range, saying why (what is missing, from the ledger and the tables)."""
    s, e = date_range(start, end)
    from backcourt.report.views import grade_report

    body = grade_report(open_ctx(settings(warehouse, engine=engine), read_only=True), s, e)
    if json:
        emit_json(body)
    else:
        t = rich_table.Table(title=f"prediction systems {s} … {e} "
                        f"(break-even hit rate {body['break_even_hit_rate']:.1%})")
        for c in ("system", "part", "dates", "MAE", "bias", "picks", "graded", "hit rate"):
            t.add_column(c, justify="left" if c in ("system", "part") else "right")
        for name, parts in body["systems"].items():
            for part in ("all", "first_half", "second_half"):
                b = parts.get(part)
                if not b:
                    continue
                t.add_row(name, part.replace("_", " "), str(b["dates"]),
                          f"{b['mae']:.2f}" if b["mae"] is not None else "-",
                          f"{b['bias']:+.2f}" if b["bias"] is not None else "-",
                          str(b["picks"]), str(b["graded_picks"]),
                          f"{b['hit_rate']:.1%}" if b["hit_rate"] is not None else "-")
        if body["systems"]:
            out.print(t)
        else:
            out.print(f"[yellow]no graded predictions in {s} … {e}, because:[/yellow]")
            for why in body["why_empty"]:
                out.print(f"  - {why}")
    raise typer.Exit(EXIT_OK if body["systems"] else EXIT_FAILED)


def _plain(run: dict) -> dict:
    """A run as plain JSON: the processors list and the summary are stored as JSON text."""
    import orjson

    return {k: orjson.loads(v) if k in ("processors", "summary") and isinstance(v, str)
            else v for k, v in run.items()}


def runs(run_id: Annotated[str | None, typer.Argument(help="show one run")] = None,
         warehouse: Warehouse = None, engine: EngineOpt = None, json: Json = False) -> None:
    """Past runs, with their original windows; or one run's attempts. While another process
    holds the warehouse: the running one's live progress, exit 3."""
    ctx = open_ctx(settings(warehouse, engine=engine),
                   live=live_view.show_busy(json, "the run history"), read_only=True)
    if run_id:
        r = ctx.ledger.run(run_id)
        if r is None:
            raise fail(f"no run {run_id} (`backcourt runs` lists them)", EXIT_FAILED)
        r["attempts"] = ctx.ledger.attempts(run_id)
        if json:
            emit_json(_plain(r))
            return
        n = r["counts"]
        out.print(f"run {r['run_id']} {r['mode']} {r['start_date']} … {r['end_date']} "
                  f"{r['status']}, started {str(r['started_at'])[:19]}, ended "
                  f"{str(r['finished_at'])[:19] if r['finished_at'] else '-'}: "
                  f"{n['succeeded']} done, {n['skipped']} skipped, {n['failed']} failed "
                  f"({r['command']})")
        for a in r["attempts"]:
            if a["status"] != "succeeded":
                out.print(f"  {a['status']:9} {a['processor']} {a['game_date']} "
                          f"{a['failure_category'] or ''} {(a['failure_message'] or '')[:120]}")
        return
    rows = ctx.ledger.runs()
    if json:
        emit_json([_plain(r) for r in rows])
        return
    t = rich_table.Table(title="runs")
    for c in ("run_id", "mode", "window", "status", "started (UTC)", "took", "done",
              "skipped", "failed", "command"):
        t.add_column(c, justify="right" if c in ("took", "done", "skipped", "failed")
                     else "left")
    for r in rows:
        n = r["counts"]
        took = f"{r['duration_s']:.1f}s" if r["duration_s"] is not None else "running"
        t.add_row(r["run_id"], r["mode"], f"{r['start_date']} … {r['end_date']}", r["status"],
                  str(r["started_at"])[:19], took, str(n["succeeded"]), str(n["skipped"]),
                  f"[red]{n['failed']}[/red]" if n["failed"] else "0",
                  (r["command"] or "")[:60])
    out.print(t)


def breakers(processor: Annotated[str | None, typer.Option(help="one processor")] = None,
             reset: Annotated[str | None, typer.Option(
                 "--reset", help="close the breaker(s) of this entity id")] = None,
             all_: Annotated[bool, typer.Option("--all", help="close every breaker")] = False,
             warehouse: Warehouse = None, engine: EngineOpt = None, json: Json = False) -> None:
    """Per-entity circuit breakers (daily mode): open ones (the entity is left out until its
    cooldown ends), cooled-down ones (tried again on the next daily run), and entities
    failing in a row. --reset ENTITY or --all closes breakers. Exit 0 when none is open (or
    something was reset), 1 when some are open (or nothing matched --reset)."""
    from backcourt.ledger.ledger import now

    if reset is not None and all_:
        raise fail_usage("give --reset ENTITY or --all, not both")
    ctx = open_ctx(settings(warehouse, engine=engine),   # listing reads; a reset writes
                   read_only=reset is None and not all_, existing=True)
    try:
        name = ctx.registry.get(processor).name if processor else None
    except ValueError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(EXIT_USAGE) from None
    board, at = lib.entity_breakers(ctx), now()
    if reset is not None or all_:
        closed = board.reset(reset, name)
        if json:
            emit_json({"reset": [b.as_dict(at) for b in closed]})
        else:
            for b in closed:
                out.print(f"reset {b.processor} {b.entity_id} (tripped "
                          f"{b.tripped_at:%Y-%m-%d %H:%M} UTC, {b.failures} failures)")
            if not closed:
                err.print(f"[red]no breaker for {reset or 'any entity'}"
                          f"{' of ' + name if name else ''}[/red]")
        raise typer.Exit(EXIT_OK if closed else EXIT_FAILED)
    listed = board.breakers(name)
    streaks = board.streaks(name)
    n_open = sum(b.is_open(at) for b in listed)
    if json:
        emit_json({"open": n_open, "breakers": [b.as_dict(at) for b in listed],
                   "failing": [{"processor": s.processor, "entity_id": s.entity_id,
                                "failures": s.failures, "category": s.last_category,
                                "trips_at": board.after} for s in streaks]})
    else:
        t = rich_table.Table(title="entity circuit breakers (daily mode)")
        for c in ("processor", "entity", "state", "tripped (UTC)", "until (UTC)", "failures",
                  "last failure"):
            t.add_column(c)
        for b in listed:
            t.add_row(b.processor, b.entity_id,
                      "[red]open[/red]" if b.is_open(at) else "cooled down",
                      f"{b.tripped_at:%Y-%m-%d %H:%M}", f"{b.until:%Y-%m-%d %H:%M}",
                      str(b.failures), f"{b.game_date} {b.category}")
        for s in streaks:
            t.add_row(s.processor, s.entity_id, "failing", "", "",
                      f"{s.failures} of {board.after}", str(s.last_category))
        out.print(t)
        out.print(f"{n_open} open, {len(listed) - n_open} cooled down, {len(streaks)} failing")
    raise typer.Exit(EXIT_FAILED if n_open else EXIT_OK)


def modes(json: Json = False) -> None:
    """The behaviors that differ between daily and backfill mode (PIPELINE.md's 13), and
    those that are not switches, with why."""
    from backcourt.registry.mode import MODES, NOT_FIELDS, RUN_RULES, Mode

    fields = [f for f in Mode.model_fields if f != "name"]
    if json:
        emit_json({**{n: m.model_dump() for n, m in MODES.items()},
                   "not_switches": NOT_FIELDS, "rules": RUN_RULES})
        return
    t = rich_table.Table(title="modes")
    t.add_column("behavior")
    for n in MODES:
        t.add_column(n)
    for f in fields:
        desc = Mode.model_fields[f].description or f
        t.add_row(desc, *(str(getattr(m, f)) for m in MODES.values()))
    out.print(t)
    for behavior, why in NOT_FIELDS.items():
        out.print(f"{behavior}: not a switch. {why}")
    for case, rule in RUN_RULES.items():
        out.print(f"{case}: {rule}")


COMMANDS = (report, runs, breakers, modes)
