"""Player names Phase 2 could not resolve, and the alias table that resolves them."""

from __future__ import annotations

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
    lib,
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
    alias (--alias NAME --player-id ID): the dates holding the name become stale, and the
    next backfill loads exactly them again."""
    if alias is None and not unresolved:
        raise fail_usage("give --unresolved, or --alias NAME with --player-id ID")
    if (alias is None) != (player_id is None):
        raise fail_usage("--alias and --player-id go together")
    ctx = open_ctx(settings(warehouse, raw, engine=engine), "backfill", wait,
                   read_only=alias is None, existing=True)   # listing reads; an alias writes
    if alias is not None:
        try:
            added, affected = lib.add_alias(ctx, alias, player_id)
        except ValueError as exc:
            raise fail_usage(str(exc)) from None
        days = sorted({d for ds in affected.values() for d in ds})
        fix = (f"backcourt backfill --start {days[0]} --end {days[-1]} --phases 2-5"
               if days else None)
        if json:
            emit_json({"alias": added.name, "lookup": added.lookup,
                       "player_id": added.player_id,
                       "stale": {s: [d.isoformat() for d in ds]
                                 for s, ds in sorted(affected.items())}, "fix": fix})
        else:
            out.print(f"alias added: {added.name!r} ({added.lookup}) -> player "
                      f"{added.player_id}")
            for source, ds in sorted(affected.items()):
                out.print(f"  {source}: {len(ds)} date(s) now stale "
                          f"({ds[0]} .. {ds[-1]})")
            if fix:
                out.print(f"  run: {fix}  (loads exactly those dates again, and what "
                          "reads them)")
        raise typer.Exit(EXIT_OK)
    rows = lib.unresolved_names(ctx)
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


COMMANDS = (names,)
