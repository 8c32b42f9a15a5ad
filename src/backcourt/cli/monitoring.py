"""Commands that show a warehouse to people: watch (a running command, from another
terminal), dashboard (one self-contained HTML file), serve (the dashboard, live)."""

from __future__ import annotations

import sys
import time
from typing import Annotated

import orjson
import typer

from backcourt.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    Json,
    Warehouse,
    err,
    fail_usage,
    out,
    settings,
)
from backcourt.cli.live_view import live_panel


def _json_line(state) -> None:
    sys.stdout.write(orjson.dumps(state.as_dict()).decode() + "\n")
    sys.stdout.flush()


def watch(warehouse: Warehouse = None, json: Json = False,
          interval: Annotated[float, typer.Option(
              help="seconds between refreshes")] = 1.0,
          wait: Annotated[float, typer.Option(
              "--wait", help="seconds to wait for a run to start publishing")] = 0.0) -> None:
    """Follow the command running on this warehouse from another terminal: per processor
    done / total, the stage, rate, ETA, failures so far. Ends with the run, with its exit
    code; a run that stopped publishing (killed) is reported as stale, exit 1. --json: one
    JSON line per refresh."""
    from backcourt.live import read_live

    if interval <= 0:
        raise fail_usage("--interval must be positive")
    cfg = settings(warehouse)
    deadline = time.monotonic() + wait
    state = read_live(cfg.warehouse)
    while (state is None or not state.running) and time.monotonic() < deadline:
        time.sleep(min(interval, 0.5))
        state = read_live(cfg.warehouse)
    if state is None:
        err.print(f"[red]nothing to watch: no progress published beside {cfg.warehouse} "
                  "(no run has started here; pass --wait SECONDS to wait for one)[/red]")
        raise typer.Exit(EXIT_FAILED)

    def ended(s) -> int | None:
        if s.stale:
            return EXIT_FAILED
        return None if s.running else s.exit_code

    if json:
        while True:
            _json_line(state)
            if (code := ended(state)) is not None:
                raise typer.Exit(code)
            time.sleep(interval)
            state = read_live(cfg.warehouse) or state
    from rich.live import Live

    with Live(live_panel(state), console=out, refresh_per_second=4,
              transient=False) as screen:
        while (code := ended(state)) is None:
            time.sleep(interval)
            state = read_live(cfg.warehouse) or state
            screen.update(live_panel(state))
    if state.stale:
        err.print(f"[red]the run is stale: {state.stale_reason}[/red]")
    raise typer.Exit(code if code is not None else EXIT_OK)


COMMANDS = (watch,)
