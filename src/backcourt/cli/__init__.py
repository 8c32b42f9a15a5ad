"""The ``backcourt`` command: parses arguments, calls the library, renders with Rich.

One module per group of verbs: ``sources`` (scrape, import), ``running`` (run, backfill,
daily), ``inspecting`` (preflight, plan, validate, status), ``history`` (report, runs,
breakers, modes), ``names`` (unresolved player names, aliases), ``monitoring`` (watch,
dashboard, serve), ``views`` (events, quarantine, failures, quality). What they share
(options, exit codes, opening the warehouse) is in ``common``.
"""

from __future__ import annotations

import typer

from backcourt.cli import history, inspecting, monitoring, names, running, sources, views

cli = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="backcourt: NBA player-points-props pipeline with a trustworthy backfill.")

for module in (sources, running, inspecting, history, names, monitoring, views):
    for command in module.COMMANDS:
        cli.command()(command)

app = cli
