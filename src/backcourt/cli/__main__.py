"""``python -m backcourt.cli``."""

from backcourt.entry import main

main()
