"""The ``backcourt`` command's entry point: a head start for read commands, then the CLI."""

from __future__ import annotations

import sys


def main() -> None:
    # before any other import: it may fork
    from backcourt.rawstore import early_walk

    early_walk.start(sys.argv[1:])
    from backcourt.cli import app

    app()
