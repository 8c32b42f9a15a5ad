"""A window as a mapping between partitions, both ways, over the real calendar.

``upstream``: which partitions of an input a target date reads. ``downstream``: which
target dates read a given upstream partition. Both directions are one definition (the
window's span at a target date, ``Window.calendar_span``), so they cannot disagree — the
time-window partition mapping of an asset graph. Nothing outside this package asks a
window for its kind.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator
from datetime import date

from backcourt.registry import Input


class WindowMapping:
    """The window of one input (``Input``) over one calendar (``season_start`` and
    ``game_dates``: the ``Calendar`` of a context)."""

    __slots__ = ("calendar", "point", "window")

    def __init__(self, i: Input, calendar) -> None:
        self.window = i.window
        self.calendar = calendar
        # a same-day window reads the target's own date, game date or not (partitions of
        # raw dates are not all game dates)
        self.point = i.window.kind == "same_day"

    def span(self, day: date) -> tuple[date, date] | None:
        """The first and last date (inclusive) the window of ``day`` may read; None if it
        reads nothing (opening night of a window over earlier games)."""
        if self.point:
            return day, day
        return self.window.calendar_span(day, self.calendar.season_start(day))

    # -- upstream: target -> partitions read ----------------------------------------
    def upstream(self, day: date) -> list[date]:
        """The upstream partitions the target ``day`` reads."""
        if self.point:
            return [day]
        span = self.span(day)
        return self.calendar.game_dates(*span) if span else []

    def upstream_of(self, days: Iterable[date]) -> Iterator[tuple[date, date]]:
        """Each upstream partition any of the sorted ``days`` reads, once, with the last
        target that reads it. Windows of consecutive targets overlap (season-to-date ones
        entirely): their union is walked once, not once per target."""
        if self.point:
            yield from ((d, d) for d in days)
            return
        spans: list[list] = []
        for d in days:
            span = self.span(d)
            if span is None:
                continue
            if spans and span[0] <= spans[-1][1]:
                spans[-1][1] = max(spans[-1][1], span[1])
                spans[-1][2] = d
            else:
                spans.append([span[0], span[1], d])
        for lo, hi, reader in spans:
            for ud in self.calendar.game_dates(lo, hi):
                yield ud, reader

    def reads(self, day: date, upstream: list[date]) -> date | None:
        """The first of the sorted ``upstream`` dates the window of ``day`` reads."""
        if not upstream:
            return None
        span = self.span(day)
        if span is None:
            return None
        k = bisect.bisect_left(upstream, span[0])
        return upstream[k] if k < len(upstream) and upstream[k] <= span[1] else None

    # -- downstream: partition -> targets that read it ------------------------------
    def downstream(self, upstream: list[date], targets: Iterable[date]) -> dict[date, date]:
        """Of ``targets``, those whose window reads any of the sorted ``upstream`` dates,
        each with the first such date (O(log n) per target, whatever the window)."""
        out: dict[date, date] = {}
        if not upstream:
            return out
        for d in targets:
            hit = self.reads(d, upstream)
            if hit is not None:
                out[d] = hit
        return out

    def readers(self, upstream_day: date, targets: list[date]) -> list[date]:
        """The sorted ``targets`` whose window reads ``upstream_day`` (a window's start
        never moves back as its target moves forward, so the scan stops early)."""
        out: list[date] = []
        for d in targets[bisect.bisect_left(targets, upstream_day):]:
            span = self.span(d)
            if span is None:
                continue
            if span[0] > upstream_day:
                break
            if upstream_day <= span[1]:
                out.append(d)
        return out

