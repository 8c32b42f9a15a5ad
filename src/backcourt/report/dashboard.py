"""The dashboard: gather (through the library), render one self-contained page, write it."""

from __future__ import annotations

import os
from datetime import date

from backcourt.report.dashboard_data import from_live, gather
from backcourt.report.page import MAX_BYTES, render


class TooLarge(ValueError):
    pass


def build(ctx, start: date, end: date, refresh: int | None = None) -> str:
    return render(gather(ctx, start, end), refresh)


def build_live(state, start: date, end: date, refresh: int | None = None) -> str:
    """The page while another process holds the warehouse: its published progress."""
    return render(from_live(state, start, end), refresh)


def write(html: str, path: str) -> int:
    """Write the page atomically; refuse a page over MAX_BYTES (it would be no one's
    dashboard). Returns its size in bytes."""
    body = html.encode()
    if len(body) > MAX_BYTES:
        raise TooLarge(f"the dashboard would be {len(body):,} bytes (> {MAX_BYTES:,}): "
                       "choose a shorter range")
    tmp = f"{path}.tmp"
    with open(tmp, "wb") as fh:
        fh.write(body)
    os.replace(tmp, path)
    return len(body)
