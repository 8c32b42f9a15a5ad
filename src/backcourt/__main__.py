"""``python -m backcourt`` runs the CLI (benchmarks use it to time a fresh process)."""

from backcourt.entry import main

main()
