"""``python -m backcourt.cli``."""

from backcourt.cli import app

app()
