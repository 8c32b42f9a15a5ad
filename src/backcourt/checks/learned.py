"""Expected counts learned from a table's own history (``Processor.learned``).

Each date's value (rows, or rows per reference unit such as per final game) is compared with
the median of the dates before it: partial data is found without a hand-set count, and the
tolerance comes from how much the value varied on those dates. Two grouped queries per table
whatever the number of dates: the measure per date, and the reference per date.
"""

from __future__ import annotations

import bisect
from datetime import date, timedelta
from statistics import median

from backcourt.registry.model import Processor
from backcourt.registry.templating import render

MAD_TO_SD = 1.4826      # median absolute deviation → standard deviation (normal data)
HISTORY_DAYS = 365      # how far back the window's earlier dates are looked for


def learned_values(wh, p: Processor, days: list[date]) -> dict[date, float]:
    """The learned expectation's value per date, for ``days`` and the dates before them."""
    lrn = p.learned
    if lrn is None or not days:
        return {}
    col = p.partition_column
    lo, hi = min(days) - timedelta(days=HISTORY_DAYS), max(days)
    if lrn.measure.replace(" ", "").upper() == "COUNT(*)":   # an engine may know it unread
        rows = wh.counts_by_date(p.table, lo, hi, col).items()
    else:
        rows = wh.query(f"SELECT {col}, {lrn.measure} FROM {p.table} "
                        f"WHERE {col} BETWEEN ? AND ? GROUP BY 1", [lo, hi])
    values = {d: v for d, v in rows if v}
    if not values:
        return {}
    if lrn.reference_sql is None:
        return {d: float(v) for d, v in values.items()}
    ref = dict(wh.query(render(lrn.reference_sql, min(values), hi)))
    return {d: v / ref[d] for d, v in values.items() if ref.get(d)}


def learned_shortfalls(wh, p: Processor, days: list[date]) -> dict[date, str]:
    """Dates of ``days`` whose value falls short of what their history says, with why."""
    lrn = p.learned
    values = learned_values(wh, p, days)
    if lrn is None or not values:
        return {}
    series = sorted(values)
    per = f" per {lrn.per}" if lrn.reference_sql else ""
    out: dict[date, str] = {}
    for d in sorted(set(days)):
        if d not in values:   # no rows at all: the missing-date checks speak for it
            continue
        i = bisect.bisect_left(series, d)
        prev = [values[x] for x in series[max(0, i - lrn.window):i]]
        if len(prev) < lrn.min_history:
            continue
        mid = median(prev)
        mad = median(abs(x - mid) for x in prev)
        low = mid - max(lrn.spread * MAD_TO_SD * mad, lrn.floor * mid)
        if values[d] < low:
            out[d] = (f"{lrn.measure}{per} is {values[d]:.1f}, the previous {len(prev)} dates "
                      f"had {mid:.1f} (median; below {low:.1f} is partial)")
    return out
