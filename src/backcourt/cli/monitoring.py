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
    End,
    EngineOpt,
    Json,
    Raw,
    Start,
    Warehouse,
    date_range,
    emit_json,
    err,
    fail_usage,
    lazy_module,
    lib,
    open_ctx,
    out,
    settings,
)

live_view = lazy_module("backcourt.cli.live_view")   # Rich, when a command prints


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

    with Live(live_view.live_panel(state), console=out.console, refresh_per_second=4,
              transient=False) as screen:
        while (code := ended(state)) is None:
            time.sleep(interval)
            state = read_live(cfg.warehouse) or state
            screen.update(live_view.live_panel(state))
    if state.stale:
        err.print(f"[red]the run is stale: {state.stale_reason}[/red]")
    raise typer.Exit(code if code is not None else EXIT_OK)


def dashboard(start: Start, end: End,
              out_file: Annotated[str, typer.Option(
                  "--out", help="the HTML file to write")] = "backcourt-dashboard.html",
              warehouse: Warehouse = None, engine: EngineOpt = None, raw: Raw = None,
              json: Json = False) -> None:
    """Write one self-contained HTML file (no network needed to view it): the table × date
    heatmap by state (reason on hover, phases grouped), runs, validation findings and
    contamination, entity failures, quality tiers per date, prediction performance by week.
    Exit 0 when the range is complete, 1 when it is not (the page says what is missing),
    3 when another process holds the warehouse (the page then shows its live progress)."""
    from backcourt.report import dashboard as D

    s, e = date_range(start, end)
    cfg = settings(warehouse, raw, engine=engine)

    def write(html: str, complete: bool, live: bool) -> None:
        try:
            size = D.write(html, out_file)
        except (D.TooLarge, OSError) as exc:
            raise fail_usage(str(exc)) from None
        if json:
            emit_json({"out": out_file, "bytes": size, "complete": complete, "live": live})
        else:
            out.print(f"wrote {out_file} ({size / 1e6:.2f} MB)"
                      + (" from the running command's live progress" if live else ""))

    def busy(state, message: str) -> None:
        err.print(f"[yellow]{message}[/yellow]")
        write(D.build_live(state, s, e), False, True)

    ctx = open_ctx(cfg, live=busy, read_only=True)
    from backcourt.report.dashboard_data import gather
    from backcourt.report.page import render

    data = gather(ctx, s, e)
    write(render(data), data["status"]["complete"], False)
    raise typer.Exit(EXIT_OK if data["status"]["complete"] else EXIT_FAILED)


def serve(start: Start, end: End,
          port: Annotated[int, typer.Option(help="port on 127.0.0.1 (0: any free one)")] = 8765,
          refresh: Annotated[int, typer.Option(
              help="seconds between the page's refreshes")] = 5,
          warehouse: Warehouse = None, engine: EngineOpt = None, raw: Raw = None,
          json: Json = False) -> None:
    """The dashboard, live on http://127.0.0.1:PORT/ (this machine only, read-only: GET
    only). It reads the warehouse only when it changed and releases it at once (a backfill
    started in that second is refused as busy: give it --wait); while a run holds it, the
    page shows that run's live progress. Ctrl-C stops it (exit 130).
    --json: the URL as one JSON line."""
    from backcourt.report.server import DashboardServer

    s, e = date_range(start, end)
    if refresh < 1:
        raise fail_usage("--refresh must be at least 1 second")
    if not 0 <= port <= 65535:
        raise fail_usage(f"--port {port}: a port is 0-65535 (0: any free one)")
    cfg = settings(warehouse, raw, engine=engine)
    if cfg.engine == "duckdb":   # a read command: the warehouse must exist (never created)
        try:
            lib.check_warehouse_path(cfg.warehouse, read_only=True)
        except lib.WarehousePathError as exc:
            raise fail_usage(str(exc)) from None
    try:
        server = DashboardServer(cfg, s, e, port=port, refresh=refresh)
    except OSError as exc:
        raise fail_usage(f"--port {port}: {exc.strerror or exc} on 127.0.0.1 (address in "
                         "use? another port, or 0 for any free one)") from None
    if json:   # one line, as soon as it listens (a script reads the URL from it)
        sys.stdout.write(orjson.dumps({"url": server.url, "warehouse": cfg.warehouse,
                                       "start": s.isoformat(), "end": e.isoformat()}
                                      ).decode() + "\n")
        sys.stdout.flush()
    else:
        out.print(f"serving the dashboard of {cfg.warehouse} ({s} … {e}) on "
                  f"[bold]{server.url}[/bold] (read-only; Ctrl-C stops)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        raise typer.Exit(130) from None
    finally:
        server.server_close()


COMMANDS = (watch, dashboard, serve)
