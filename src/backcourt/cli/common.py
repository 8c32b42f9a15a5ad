"""What every command shares: options, consoles, exit codes, opening the warehouse."""

from __future__ import annotations

import importlib.util
import os
import signal
import sys
from contextlib import contextmanager
from datetime import date
from typing import Annotated

import orjson
import typer

from backcourt import stop_signals


def lazy_module(name: str):
    """``name``, imported when one of its attributes is first used: ``--help`` and a usage
    error never pay for the library (DuckDB, pydantic, the pipeline's registry)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


lib = lazy_module("backcourt.app")   # the library's operations

# a log or a pipe gets lines as wide as they need (Rich's default there is 80 columns,
# which cut processor names short); a terminal keeps its own width
LOG_WIDTH = 200


class LazyConsole:
    """A Rich console made when something is first printed: importing Rich costs a third
    of the command line's start-up, which ``--help`` and a usage error do not need.
    ``console`` is the console itself (for Rich objects that take one)."""

    def __init__(self, stderr: bool = False) -> None:
        self.stderr = stderr
        self._console = None

    @property
    def console(self):
        if self._console is None:
            from rich.console import Console

            tty = (sys.stderr if self.stderr else sys.stdout).isatty()
            self._console = Console(stderr=self.stderr, width=None if tty else LOG_WIDTH)
        return self._console

    @property
    def is_terminal(self) -> bool:
        """Whether the stream is a terminal. Rich decides it from the stream unless the
        environment forces it (FORCE_COLOR, TTY_COMPATIBLE): then Rich is asked; else the
        stream is, and a log or a pipe never imports Rich."""
        if self._console is None and not {"FORCE_COLOR", "TTY_COMPATIBLE"} & set(os.environ):
            try:
                return self._stream().isatty()
            except (AttributeError, ValueError):   # no isatty, or a closed stream
                return False
        return self.console.is_terminal

    def line(self, text: str) -> None:
        """One line of plain text: as it is to a log or a pipe, through Rich (which keeps
        clear of its live bars) on a terminal."""
        if self.is_terminal:
            self.console.print(text, markup=False, highlight=False, soft_wrap=True)
            return
        stream = self._stream()
        stream.write(text + "\n")
        stream.flush()

    def _stream(self):
        return sys.stderr if self.stderr else sys.stdout

    def __getattr__(self, name: str):
        return getattr(self.console, name)


out = LazyConsole()
err = LazyConsole(stderr=True)

Warehouse = Annotated[str | None, typer.Option(
    "--warehouse", help="DuckDB file, Spark warehouse folder, or BigQuery's ledger folder "
                        "(env BACKCOURT_WAREHOUSE; default ./backcourt.duckdb, "
                        "./backcourt_spark, ./backcourt_bigquery)")]
EngineOpt = Annotated[str | None, typer.Option(
    "--engine", help="duckdb (embedded, default), spark or bigquery (env BACKCOURT_ENGINE; "
                     "Spark master from BACKCOURT_SPARK_MASTER, default local[*]; BigQuery: "
                     "backcourt --bq-project P [--bq-location L] [--bq-dataset-prefix D] "
                     "COMMAND, or env BACKCOURT_BQ_PROJECT, _LOCATION, _ENDPOINT, "
                     "_DATASET_PREFIX)")]
Raw = Annotated[str | None, typer.Option(
    "--raw", help="raw store root, folder or fsspec URL (env BACKCOURT_RAW; default ./raw)")]
Start = Annotated[str, typer.Option("--start", help="first date, YYYY-MM-DD")]
End = Annotated[str, typer.Option("--end", help="last date, YYYY-MM-DD")]
Json = Annotated[bool, typer.Option("--json", help="machine-readable output")]
Wait = Annotated[float, typer.Option(
    "--wait", min=0, help="seconds to wait for another process holding the warehouse")]
SwitchRaw = Annotated[bool, typer.Option(
    "--switch-raw", help="the raw files moved: record --raw as this warehouse's raw root "
                         "(otherwise a --raw other than the recorded one is refused)")]
Phases = Annotated[list[int] | None, typer.Option("--phase", help="phase(s)")]
Processors = Annotated[list[str] | None, typer.Option("--processor", help="processor(s)")]

# one scheme for every command (the README's table)
EXIT_OK = 0            # everything asked for is done (or skipped by design)
EXIT_FAILED = 1        # something failed, is blocked, quarantined or not run: named
EXIT_USAGE = 2         # usage or environment error
EXIT_BUSY = 3          # another process holds the warehouse
EXIT_WARNINGS = 4      # warnings only (preflight)
EXIT_INTERRUPTED = 130  # Ctrl-C or SIGTERM: what finished is recorded; run it again
# set by the global --debug option: a failure shows its traceback
DEBUG = {"on": False}
# set by the global --bq-project / --bq-location / --bq-endpoint / --bq-dataset-prefix
# options (over the env)
BIGQUERY: dict[str, str | None] = {}


def command_line() -> str:
    return " ".join(sys.argv[1:])


def fail(message: str, code: int) -> typer.Exit:
    """Print why the command stops (one line, as written); under ``--json`` stdout gets it
    too, as ``{"ok": false, "exit": code, "error": message}``. ``raise fail(...)``."""
    from rich.markup import escape

    err.print(f"[red]{escape(message)}[/red]", soft_wrap=True)
    from typer.main import get_current_context

    command = get_current_context(silent=True)
    if command is not None and command.params.get("json"):
        emit_json({"ok": False, "exit": code, "error": message})
    return typer.Exit(code)


def fail_usage(message: str) -> typer.Exit:
    """A usage or environment error (exit 2); ``raise fail_usage(...)``."""
    return fail(message, EXIT_USAGE)


def parse_date(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise fail_usage(f"--{name}: '{value}' is not a date (YYYY-MM-DD)") from None


def date_range(start: str, end: str) -> tuple[date, date]:
    s, e = parse_date(start, "start"), parse_date(end, "end")
    if e < s:
        raise fail_usage(f"--end {e} is before --start {s}")
    return s, e


def settings(warehouse: str | None = None, raw: str | None = None, seed: int | None = None,
             engine: str | None = None):
    from backcourt.config import load_settings

    try:
        return load_settings(warehouse, raw, seed, engine, **BIGQUERY)
    except ValueError as exc:
        raise fail_usage(str(exc)) from None


def open_ctx(cfg, mode: str = "backfill", wait: float = 0.0, switch_raw: bool = False,
             live=None, read_only: bool = False, existing: bool = False):
    """Open the warehouse, or exit 3 when another process holds it; ``read_only`` for the
    read commands (never creates one). A command that can answer from the holder's
    published progress passes ``live(state, holder_message)``: it renders that state
    (saying it is live) before the exit. An unusable path, or a raw root other than the
    warehouse's (unless ``switch_raw``), is one line naming it and the cause, exit 2.
    ``existing``: a command that changes a warehouse it must find (never creates one)."""
    from backcourt.app import WarehouseBusy, WarehouseConfigError, WarehousePathError
    from backcourt.rawroot import RawRootMismatch
    from backcourt.rawstore.provenance import ProvenanceError
    from backcourt.rawstore.remote import RawRootUnreachable

    try:
        if existing:
            lib.require_warehouse(cfg)
        ctx = lib.open_context(cfg, mode, command_line(), wait, switch_raw,
                               read_only=read_only)
        _close_with_command(ctx.wh)
        return ctx
    except WarehouseBusy as exc:
        from backcourt.live import read_live

        state = read_live(cfg.warehouse) if live is not None else None
        if state is not None:
            live(state, str(exc))
        else:
            raise fail(str(exc), EXIT_BUSY) from None
        raise typer.Exit(EXIT_BUSY) from None
    except (RawRootMismatch, WarehousePathError, ProvenanceError, RawRootUnreachable,
            WarehouseConfigError) as exc:
        raise fail_usage(str(exc)) from None


def _close_with_command(wh) -> None:
    """The command's connection closes when the command ends (its log checkpointed), so a
    next command in the same process (a test's runner, a script) may open the file in
    the other mode: DuckDB refuses a read-write connection beside a read-only one."""
    from typer.main import get_current_context

    command = get_current_context(silent=True)
    if command is not None:
        command.call_on_close(wh.close)


def open_store(raw: str):
    """The raw store alone (commands that write raw files without a warehouse)."""
    from backcourt.rawstore import RawStore
    from backcourt.rawstore.remote import RawRootUnreachable

    try:
        return RawStore(raw)
    except RawRootUnreachable as exc:
        raise fail_usage(str(exc)) from None


@contextmanager
def interruptible():
    """Ctrl-C or SIGTERM stops the work: what finished stays recorded (the run is closed
    as interrupted, with the ledger's counts), and the command exits 130."""
    def stop(signum, frame):
        # the first signal only (a second one would interrupt the recording of the run);
        # the line is written below, once the run is closed
        stop_signals.stop(signum, frame, before=lib.request_stop, say=False)

    previous = {sig: signal.signal(sig, stop) for sig in stop_signals.STOP_SIGNALS}
    try:
        yield
    except KeyboardInterrupt:
        err.print("[yellow]interrupted: finished partitions are recorded; run the same "
                  "command again to resume[/yellow]")
        raise typer.Exit(EXIT_INTERRUPTED) from None
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def select(ctx, phases, processors):
    """Processors by phase and name; an unknown name is a usage error."""
    try:
        return lib.select(ctx, phases, processors)
    except ValueError as exc:
        raise fail_usage(str(exc)) from None


def emit_json(obj: object) -> None:
    sys.stdout.write(orjson.dumps(obj, option=orjson.OPT_INDENT_2, default=str).decode() + "\n")
