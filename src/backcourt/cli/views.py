"""Views of the operational tables: events, quarantine, failures, quality."""

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
    open_ctx,
    out,
    settings,
)

Limit = Annotated[int, typer.Option(min=1, help="at most this many rows")]

V = lazy_module("backcourt.report.views")
rich_table = lazy_module("rich.table")


def events(run: Annotated[str | None, typer.Option("--run", help="one run's events")] = None,
           limit: Limit = 200, warehouse: Warehouse = None, engine: EngineOpt = None,
           json: Json = False) -> None:
    """Downstream-trigger events (partition_ready), newest first. Only daily mode emits
    them; a backfill never does."""
    rows = V.events(open_ctx(settings(warehouse, engine=engine), read_only=True), run, limit)
    if json:
        emit_json(rows)
        return
    t = rich_table.Table(title=f"events ({len(rows)} shown; only `backcourt daily` emits them)")
    for c in ("emitted (UTC)", "event", "processor", "phase", "game_date", "run"):
        t.add_column(c)
    for r in rows:
        t.add_row(str(r["emitted_at"])[:19], r["event"], r["processor"], str(r["phase"]),
                  str(r["game_date"]), r["run_id"])
    out.print(t)


def quarantine(release: Annotated[str | None, typer.Option(
                   "--release", help="validate this quarantined file again (after fixing "
                                     "it in the quarantine) and put it back if it parses")] = None,
               limit: Limit = 500, warehouse: Warehouse = None, engine: EngineOpt = None,
               raw: Raw = None, json: Json = False) -> None:
    """Raw files that failed validation and were moved aside, with the field and the reason.
    Exit 1 while any is listed (their dates are recorded as failed, BAD_RAW_INPUT).
    --release FILE: exit 0 when it parses now and is back in its raw folder (then re-run
    its date), 1 when it still fails (the new error is shown), 2 when FILE names none or
    several quarantined files."""
    # listing reads; --release writes (and needs a warehouse that exists)
    ctx = open_ctx(settings(warehouse, raw, engine=engine), read_only=release is None,
                   existing=True)
    if release is not None:
        done, matches = V.release_quarantined(ctx, release)
        if done is None:
            raise fail_usage(f"--release {release}: matches {len(matches)} quarantined files"
                             + (": " + ", ".join(m["moved_to"] for m in matches)
                                if matches else " (see `backcourt quarantine`)"))
        if json:
            emit_json(done.as_dict())
        elif done.released:
            out.print(f"released {done.file}: it parses now and is back at "
                      f"{done.restored_to}; load it: [bold]{done.rerun}[/bold]")
        else:
            out.print(f"[red]{done.file} still fails:[/red] {done.error}")
        raise typer.Exit(EXIT_OK if done.released else EXIT_FAILED)
    rows = V.quarantined(ctx, limit)
    if json:
        emit_json(rows)
    else:
        t = rich_table.Table(title=f"quarantined raw files ({len(rows)})")
        for c in ("game_date", "source", "file", "field", "reason", "now at"):
            t.add_column(c, overflow="fold")
        for r in rows:
            t.add_row(str(r["game_date"]), r["source"], r["file"], r["field"] or "",
                      r["reason"] or "", r["moved_to"])
        out.print(t)
        if rows:
            days = sorted(str(r["game_date"]) for r in rows)
            out.print("fix the file where it is, then [bold]backcourt quarantine --release "
                      "FILE[/bold] (validates it again and puts it back), then re-run its "
                      f"dates: [bold]backcourt backfill --start {days[0]} --end {days[-1]}"
                      "[/bold]")
    raise typer.Exit(EXIT_FAILED if rows else EXIT_OK)


def failures(start: Start, end: End, warehouse: Warehouse = None, engine: EngineOpt = None,
             json: Json = False) -> None:
    """Explained per-entity failures (a player or team left out of a partition, with its
    category) by date and category. Exit 0: they are explained, not failed partitions."""
    s, e = date_range(start, end)
    body = V.entity_failures(open_ctx(settings(warehouse, engine=engine), read_only=True),
                            s, e)
    if json:
        emit_json(body)
        return
    cats = body["categories"]
    t = rich_table.Table(title=f"entity failures {s} … {e} ({body['total']} entities)")
    t.add_column("game_date")
    t.add_column("processor")
    for c in cats:
        t.add_column(c, justify="right")
    for row in body["by_date"]:
        t.add_row(row["game_date"], row["processor"],
                  *(str(row["categories"].get(c, 0)) for c in cats))
    out.print(t)


def quality(start: Start, end: End, warehouse: Warehouse = None, engine: EngineOpt = None,
            json: Json = False) -> None:
    """The feature quality tier mix (gold … critical) per date and processor: how the
    early-season ramp looks. Exit 1 when no table in the range has quality rows."""
    s, e = date_range(start, end)
    body = V.quality(open_ctx(settings(warehouse, engine=engine), read_only=True), s, e)
    if json:
        emit_json(body)
    else:
        tiers = body["tiers"]
        t = rich_table.Table(title=f"quality tiers {s} … {e} (ready = score ≥ "
                             f"{body['ready_min_score']} and no required feature defaulted)")
        for c in ("processor", "game_date", *tiers, "rows", "avg score", "ready"):
            t.add_column(c, justify="left" if c in ("processor", "game_date") else "right")
        for r in body["rows"]:
            t.add_row(r["processor"], r["game_date"], *(str(r["tiers"].get(x, 0)) for x in tiers),
                      str(r["rows"]), "-" if r["avg_score"] is None else f"{r['avg_score']:.1f}",
                      "-" if r["ready"] is None else str(r["ready"]))
        if body["rows"]:
            out.print(t)
        else:
            out.print(f"[yellow]no quality rows in {s} … {e}: "
                      + "; ".join(body["why_empty"]) + "[/yellow]")
    raise typer.Exit(EXIT_OK if body["rows"] else EXIT_FAILED)


COMMANDS = (events, quarantine, failures, quality)
