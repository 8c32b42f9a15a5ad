"""Player names Phase 2 could not resolve, and the alias table that resolves them."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from backcourt.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    EngineOpt,
    Json,
    Raw,
    Wait,
    Warehouse,
    emit_json,
    fail_usage,
    open_ctx,
    out,
    settings,
)


def names(unresolved: Annotated[bool, typer.Option(
              "--unresolved", help="list the names Phase 2 could not resolve")] = False,
          alias: Annotated[str | None, typer.Option(
              help="add an alias: this name as published (e.g. a bookmaker's spelling)")]
          = None,
          player_id: Annotated[int | None, typer.Option(
              help="the NBA player id the --alias name is")] = None,
          warehouse: Warehouse = None, engine: EngineOpt = None, raw: Raw = None,
          json: Json = False, wait: Wait = 0.0) -> None:
    """Player-name resolution: list unresolved names (exit 1 while any remain), or add an
    alias (--alias NAME --player-id ID) and print the loads to run again."""
    from backcourt.pipeline.phase2 import aliases

    if alias is None and not unresolved:
        raise fail_usage("give --unresolved, or --alias NAME with --player-id ID")
    if (alias is None) != (player_id is None):
        raise fail_usage("--alias and --player-id go together")
    ctx = open_ctx(settings(warehouse, raw, engine=engine), "backfill", wait)
    if alias is not None:
        try:
            added = aliases.add(ctx.store, alias, player_id)
        except ValueError as exc:
            raise fail_usage(str(exc)) from None
        days = aliases.affected_dates(ctx.wh, added.lookup)
        sources = aliases.affected_processors(ctx.wh, added.lookup)
        fixes = [_fix(sources, lo, hi) for lo, hi in _ranges(days)]
        if json:
            emit_json({"alias": added.name, "lookup": added.lookup,
                       "player_id": added.player_id,
                       "affected_dates": [d.isoformat() for d in days], "fix": fixes})
        else:
            out.print(f"alias added: {added.name!r} ({added.lookup}) -> player "
                      f"{added.player_id}; {len(days)} date(s) to load again")
            for fix in fixes:
                out.print(f"  run: {fix}")
        raise typer.Exit(EXIT_OK)
    rows = aliases.unresolved(ctx.wh, ctx.store)
    if json:
        emit_json([r.as_dict() for r in rows])
    else:
        from rich.table import Table

        table = Table("name", "lookup", "source", "reason", "dates", "first", "last",
                      "alias")
        for r in rows:
            table.add_row(r.name, r.lookup, r.source, r.reason, str(r.dates),
                          r.first.isoformat(), r.last.isoformat(),
                          "" if r.alias is None else f"{r.alias} (load again)")
        out.print(table if rows else "no unresolved player names")
        if rows:
            out.print("fix: backcourt names --alias 'NAME' --player-id ID, then load the "
                      "dates it prints again")
    raise typer.Exit(EXIT_FAILED if rows else EXIT_OK)


# the raw source of a registry error -> the Phase 2 processor that loads it
_PROCESSOR = {"odds_player_props": "odds_player_props",
              "nba_injury_report": "injury_report"}


def _fix(sources: list[str], lo: date, hi: date) -> str:
    procs = " ".join(f"--processor {_PROCESSOR.get(s, s)}" for s in sources)
    return f"backcourt run {procs} --start {lo} --end {hi}"


def _ranges(days: list[date]) -> list[tuple[date, date]]:
    """Consecutive dates as (first, last) spans."""
    out_: list[tuple[date, date]] = []
    for d in days:
        if out_ and (d - out_[-1][1]).days == 1:
            out_[-1] = (out_[-1][0], d)
        else:
            out_.append((d, d))
    return out_


COMMANDS = (names,)
