"""Before a partition runs: is every upstream partition its windows read there and good?

Returns, per target date, the reason it is blocked (or None) and its input fingerprint —
a hash of the upstream attempts (or raw files) it reads, so a rewritten upstream partition
changes the fingerprint of every downstream partition whose window covers it.
"""

from __future__ import annotations

import bisect
import hashlib
from collections.abc import Callable
from datetime import date
from typing import NamedTuple

from backcourt.ledger import FAILED, SKIPPED, SUCCEEDED, PartitionState
from backcourt.ledger.ledger import INCOMPLETE_DATA, MISSING_DEPENDENCY
from backcourt.partitions.mapping import WindowMapping
from backcourt.registry import Input, Processor

OK = (SUCCEEDED, SKIPPED)


class Readiness(NamedTuple):   # one per partition a plan looks at: cheap to make
    blocked: str | None
    fingerprint: str
    category: str = MISSING_DEPENDENCY   # or INCOMPLETE_DATA (rows gone since written)


INCOMPLETE = "incomplete"


def _problem(st: PartitionState | None, required: bool,
             rows: int | None = None) -> str | None:
    """Why an upstream partition cannot be read (None when it can). ``rows`` (daily mode's
    completeness check) is what the table holds now: it must still match the ledger."""
    if st is None:
        return "missing" if required else None
    if st.status == SUCCEEDED and rows is not None and rows != st.rows_written:
        return f"{INCOMPLETE}: ledger {st.rows_written} rows, table {rows}"
    if st.status in OK:
        return None
    if st.status == FAILED and not required and st.failure_category == MISSING_DEPENDENCY:
        return None  # an optional input that is simply absent
    return f"{st.status} ({st.failure_category})"


class _Windowed:
    """Prefix sums over the calendar for one upstream input: the XOR of attempt ids and
    the count of unreadable partitions in any window, each in O(1)."""

    def __init__(self, ctx, up: Processor, i: Input, latest,
                 rows: dict[date, int] | None) -> None:
        self.dates = ctx.calendar.dates
        self.iso = ctx.calendar.iso
        self.name, self.required = up.name, i.required
        self.latest, self.rows = latest, rows
        xor, bad = [0], [0]
        for d in self.dates:
            st = latest.get((up.name, d))
            xor.append(xor[-1] ^ (int(st.attempt_id, 16) if st is not None else 0))
            bad.append(bad[-1] + (self._why(d) is not None))
        self.xor, self.bad = xor, bad

    def _why(self, d: date) -> str | None:
        rows = None if self.rows is None else self.rows.get(d, 0)
        return _problem(self.latest.get((self.name, d)), self.required, rows)

    def window(self, lo: date, hi: date) -> tuple[int, int, int, int]:
        a = bisect.bisect_left(self.dates, lo)
        b = bisect.bisect_right(self.dates, hi)
        return a, b, self.xor[b] ^ self.xor[a], self.bad[b] - self.bad[a]

    def problems(self, a: int, b: int) -> list[str]:
        out = []
        for d in self.dates[a:b]:
            why = self._why(d)
            if why:
                out.append(f"{d.isoformat()} {why}")
        return out


RowsOf = Callable[[str, str], dict[date, int]]


class TableRows:
    """Rows per date of tables over one range: one grouped query per table, asked once."""

    def __init__(self, wh, start: date, end: date,
                 known: dict[tuple[str, str], dict[date, int]] | None = None) -> None:
        self.wh, self.start, self.end = wh, start, end
        self._rows: dict[tuple[str, str], dict[date, int]] = dict(known or {})

    @property
    def known(self) -> dict[tuple[str, str], dict[date, int]]:
        """The counts asked so far, by (table, column)."""
        return dict(self._rows)

    def __call__(self, table: str, column: str = "game_date") -> dict[date, int]:
        if (table, column) not in self._rows:
            self._rows[(table, column)] = self.wh.counts_by_date(
                table, self.start, self.end, column)
        return self._rows[(table, column)]

    def forget(self, table: str) -> None:
        for key in [k for k in self._rows if k[0] == table]:
            del self._rows[key]


def check(ctx, p: Processor, days: list[date],
          latest: dict[tuple[str, date], PartitionState],
          complete: bool | None = None, rows_of: RowsOf | None = None) -> dict[date, Readiness]:
    """Blocked reason and input fingerprint per target date; O(1) per window.

    ``complete``: also require upstream rows to still match the ledger (default: as the
    mode says — daily mode does, backfill mode only checks existence). ``rows_of(table,
    column)``: rows per date of a table over a range covering the windows (default: one
    query per upstream table, from the season start of the first date)."""
    if complete is None:
        complete = ctx.mode.dependency_check == "window_complete"
    out: dict[date, Readiness] = {}
    if not days:
        return out
    raw_inputs = [i for i in p.inputs if i.is_raw]
    if complete and rows_of is None:
        rows_of = TableRows(ctx.wh, ctx.calendar.season_start(min(days)), max(days))
    rows: dict[str, dict[date, int] | None] = {}
    for i in p.inputs:   # daily mode: upstream rows must still be what the ledger recorded
        if not i.is_raw:
            up = ctx.registry.by_table(i.ref)
            rows[i.ref] = rows_of(up.table, up.partition_column) if complete else None
    maps = {id(i): WindowMapping(i, ctx.calendar) for i in p.inputs if not i.is_raw}
    windowed = {id(i): _Windowed(ctx, ctx.registry.by_table(i.ref), i, latest, rows[i.ref])
                for i in p.inputs if not i.is_raw and not maps[id(i)].point}
    # per input, what the loop below needs, looked up once (17,000 dates in 4 seasons)
    raws = [(f"{i.ref}:", ctx.store.fingerprints(i.raw_source, days), i.raw_source,
             i.required)
            for i in raw_inputs]
    ups: list[tuple] = []
    for i in p.inputs:
        if i.is_raw:
            continue
        m = maps[id(i)]
        if m.point:
            name = ctx.registry.by_table(i.ref).name
            ups.append((None, name, i.required, rows[i.ref], f"{name} [same day]: "))
        else:
            w = windowed[id(i)]
            ups.append((w, w.name, m, rows[i.ref], f"{w.name} [{i.window.describe()}]: "))
    for day in days:
        problems: list[str] = []
        parts: list[str] = []
        raw_files = 0
        for prefix, fps, source, required in raws:
            fp = fps.get(day, "")
            parts.append(prefix + fp)
            if fp:
                raw_files += 1
            elif required:
                problems.append(f"no raw files in {source}/{day.isoformat()}")
        if raws and not raw_files and not p.allow_empty and not problems:
            names = ", ".join(f"{source}/{day.isoformat()}" for _, _, source, _ in raws)
            problems.append(f"no raw files in {names}")
        for w, name, arg, counts, label in ups:
            if w is None:   # same day: arg is ``required``
                st = latest.get((name, day))
                parts.append(f"{name}:{st.attempt_id if st else '-'}")
                why = _problem(st, arg, None if counts is None else counts.get(day, 0))
                if why:
                    problems.append(f"{label}{day.isoformat()} {why}")
                continue
            span = arg.span(day)   # arg is the window's mapping
            if span is None:
                parts.append(f"{name}:empty")
                continue
            a, b, xor, nbad = w.window(*span)
            if a < b:  # by dates, not positions: another season's dates shift positions
                parts.append(f"{name}:{w.iso[a]}:{w.iso[b - 1]}:{b - a}:{xor:x}")
            else:
                parts.append(f"{name}:empty")
            if nbad:
                bad = w.problems(a, b)
                shown = ", ".join(bad[:3]) + (f" and {len(bad) - 3} more" if len(bad) > 3 else "")
                problems.append(f"{label}{shown}")
        digest = hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]
        text = "; ".join(problems) or None
        category = INCOMPLETE_DATA if text and INCOMPLETE in text and not any(
            w in text for w in ("missing", "failed", "no raw files")) else MISSING_DEPENDENCY
        out[day] = Readiness(text, digest, category)
    return out
