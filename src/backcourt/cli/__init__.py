"""The ``backcourt`` command: parses arguments, calls the library, renders with Rich.

One module per group of verbs: ``sources`` (scrape, import), ``running`` (run, backfill,
daily), ``inspecting`` (preflight, plan, validate, status), ``history`` (report, runs,
breakers, modes), ``names`` (unresolved player names, aliases), ``monitoring`` (watch,
dashboard, serve), ``views`` (events, quarantine, failures, quality). What they share
(options, exit codes, opening the warehouse) is in ``common``.

``app`` runs it: an error that escapes a command is one line naming its cause (a full disk,
a permission, a path), exit 2 when the environment is at fault and 1 otherwise; the
traceback only with the global ``--debug``.
"""

from __future__ import annotations

import os
import sys
import traceback
from contextlib import contextmanager
from typing import Annotated

import typer
from typer.core import TyperGroup

try:   # newer typer carries its own copy of click
    from typer._click.exceptions import UsageError
except ImportError:   # older typer runs on click itself
    from click.exceptions import UsageError

from backcourt import stop_signals
from backcourt.cli import history, inspecting, monitoring, names, running, sources, views
from backcourt.cli.common import (
    BIGQUERY,
    DEBUG,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    emit_json,
    err,
)


@contextmanager
def _usage_errors_in_json(args: list[str]):
    """A command line the parser rejects (an unknown option, a missing value, a word that
    is not a number) still answers in JSON on stdout when ``--json`` was asked for, as a
    command's own usage errors do; the usage text goes to stderr as always (exit 2)."""
    try:
        yield
    except UsageError as exc:
        if "--json" in args:
            emit_json({"ok": False, "exit": exc.exit_code, "error": exc.format_message()})
        raise


class _Commands(TyperGroup):
    """The verbs; a parse error of the command line is also JSON under ``--json``."""

    args: list[str] = []   # the command line being parsed

    def make_context(self, info_name, args, parent=None, **extra):
        self.args = list(args)
        with _usage_errors_in_json(self.args):
            return super().make_context(info_name, args, parent=parent, **extra)

    def invoke(self, ctx):
        with _usage_errors_in_json(self.args):
            return super().invoke(ctx)


# help and usage errors in click's plain layout: Rich's (panels, Markdown) costs its
# Markdown parser and syntax highlighter at every start (more than the rest of start-up)
cli = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  rich_markup_mode=None, cls=_Commands,
                  help="backcourt: NBA player-points-props pipeline with a trustworthy backfill.")


@cli.callback()
def _global(debug: Annotated[bool, typer.Option(
        "--debug", help="show the traceback of an error (after its one-line message)")]
            = False,
            bq_project: Annotated[str | None, typer.Option(
                "--bq-project", help="--engine bigquery: the project holding the datasets "
                                     "(env BACKCOURT_BQ_PROJECT)")] = None,
            bq_location: Annotated[str | None, typer.Option(
                "--bq-location", help="--engine bigquery: the jobs' location, US, EU, … "
                                      "(env BACKCOURT_BQ_LOCATION)")] = None,
            bq_endpoint: Annotated[str | None, typer.Option(
                "--bq-endpoint", help="--engine bigquery: another API server, a local "
                                      "emulator (env BACKCOURT_BQ_ENDPOINT)")] = None,
            bq_dataset_prefix: Annotated[str | None, typer.Option(
                "--bq-dataset-prefix", help="--engine bigquery: written before every "
                "dataset's name, dev_ → dev_nba_raw, … (env BACKCOURT_BQ_DATASET_PREFIX)")]
            = None,
            ) -> None:
    DEBUG["on"] = debug
    if debug:   # and Spark's own log of a failed job (a session started after this)
        os.environ.setdefault("BACKCOURT_SPARK_LOG_LEVEL", "ERROR")
    BIGQUERY.update(bq_project=bq_project, bq_location=bq_location, bq_endpoint=bq_endpoint,
                    bq_dataset_prefix=bq_dataset_prefix)


for module in (sources, running, inspecting, history, names, monitoring, views):
    for command in module.COMMANDS:
        cli.command()(command)


def app() -> None:
    """The command line's entry point. Ctrl-C and SIGTERM stop any command (exit 130, one
    line; a run records what finished: ``common.interruptible``); a stop signal that comes
    while the command is already stopping, or once its exit code is decided, changes
    nothing (``backcourt.stop_signals``)."""
    stop_signals.install()
    try:
        _run()
    except KeyboardInterrupt:
        # the first stop signal came while _run's handlers were deciding the exit
        stop_signals.ignore()
        sys.exit(EXIT_INTERRUPTED)


def _run() -> None:
    try:
        cli()
    except SystemExit:
        # the command is over and its exit code decided: a stop signal now (while the
        # interpreter shuts down) changes nothing it did, and must not turn that code into
        # a death by signal (-15) or by an interrupt raised in the shutdown (-2)
        stop_signals.ignore()
        raise
    except KeyboardInterrupt:   # an interrupt Typer did not turn into its exit 130
        stop_signals.ignore()
        if not stop_signals.stopping():   # (a stop signal has written its line)
            err.print("interrupted")
        sys.exit(EXIT_INTERRUPTED)
    except Exception as exc:  # noqa: BLE001 - the last word on anything a command raised
        stop_signals.ignore()
        from backcourt.app import environment_cause
        from backcourt.error_lines import headline

        cause = environment_cause(exc)
        message = cause or headline(exc)
        code = EXIT_USAGE if cause else EXIT_FAILED
        err.print(f"error: {message}", style="red", highlight=False, markup=False,
                  soft_wrap=True)
        if "--json" in sys.argv[1:]:   # as a command's own error (``common.fail``)
            emit_json({"ok": False, "exit": code, "error": message})
        if DEBUG["on"]:
            err.print("".join(traceback.format_exception(exc)), highlight=False, markup=False)
        else:
            err.print("(run with --debug for the traceback)", highlight=False)
        sys.exit(code)

