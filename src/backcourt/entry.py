"""The ``backcourt`` command's entry point: a head start for read commands, then the CLI."""

from __future__ import annotations

import sys


def main() -> None:
    # first: a Ctrl-C or SIGTERM while the libraries load is a stop (130, one line) too
    from backcourt import stop_signals

    stop_signals.install()
    try:
        # before any other import: it may fork
        from backcourt.rawstore import early_walk

        early_walk.start(sys.argv[1:])
        from backcourt.cli import app

        app()
    except KeyboardInterrupt:   # (app lets none out but one from a signal at its start)
        stop_signals.ignore()
        sys.exit(130)
