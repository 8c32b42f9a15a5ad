"""The commands that fix what a view reports, spelled once (plan, validate, the state pass)."""

from __future__ import annotations

from datetime import date


def backfill_command(start: date, end: date, first_phase: int, last_phase: int,
                     reprocess: str = "stale") -> str:
    """The command that (re)computes phases ``first_phase``-``last_phase`` over a range."""
    spec = f"{first_phase}-{last_phase}" if last_phase != first_phase else str(first_phase)
    return (f"backcourt backfill --start {start} --end {end} --phases {spec}"
            + (f" --reprocess {reprocess}" if reprocess != "stale" else ""))
