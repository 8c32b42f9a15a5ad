"""Blocking checks run on every partition a processor writes, inside the same transaction.

A partition is done only if all of them pass: critical fields (not NULL, not zero, in
range), the expected row count, and the count learned from the table's history.
"""

from __future__ import annotations

from datetime import date

from backcourt.checks.entities import unaccounted
from backcourt.checks.learned import learned_shortfalls
from backcourt.registry import Check, Processor
from backcourt.registry.templating import render


def violation_sql(c: Check) -> str:
    col = f'"{c.column}"'
    if c.rule == "not_null":
        cond = f"{col} IS NULL"
    elif c.rule == "non_zero":
        cond = f"{col} = 0"
    else:
        cond = f"({col} < {c.low} OR {col} > {c.high})"
    if c.where:
        cond = f"({c.where}) AND {cond}"
    return cond


def stats_measures(p: Processor) -> list[str]:
    """What ``partition_stats`` asks per date beside the rows: the violations of each check,
    then the expected measure when ``p`` has one (none: ``p`` has no stats to ask)."""
    cols = [f"SUM(CASE WHEN {violation_sql(c)} THEN 1 ELSE 0 END)" for c in p.checks]
    if p.expected is not None:
        cols.append(p.expected.measure)
    return cols


def partition_stats(wh, p: Processor, days: list[date]) -> dict[date, tuple]:
    """Per date of ``days``, in one grouped query of the table: (rows, the violations of
    each check, the expected measure when ``p`` has one)."""
    if not days:
        return {}
    return wh.grouped_by_date(p.table, p.partition_column, days, stats_measures(p))


def short_of_expected(p: Processor, expected: int | None, got: int | None,
                      mode_ratio: float = 1.0) -> bool:
    """The expected-count rule: a partition holding less than ``min_ratio`` (or the
    mode's ratio, the lower) of what its reference expects fails."""
    ratio = min(p.expected.min_ratio, mode_ratio) if p.expected is not None else 1.0
    return bool(expected) and (got or 0) < expected * ratio


def run_checks(wh, p: Processor, days: list[date], counts: dict[date, int],
               expected_ratio: float = 1.0,
               explained: dict[date, int] | None = None,
               entity_completeness: bool = False) -> dict[date, str]:
    """Failures per date (a message naming every failed check); dates absent passed.

    ``explained`` counts entities recorded as explained failures: coverage is
    (rows + explained failures) / expected. ``entity_completeness`` (daily mode): every
    expected entity must have a row or an explained failure.
    """
    explained = explained or {}
    if not days:
        return {}
    failures: dict[date, list[str]] = {}
    stats = partition_stats(wh, p, days) if p.checks or p.expected is not None else {}
    for d, r in stats.items():
        for c, bad in zip(p.checks, r[1:1 + len(p.checks)], strict=True):
            if bad:
                failures.setdefault(d, []).append(f"{bad} rows fail '{c.describe()}'")
    if p.expected is not None:
        ref = dict(wh.query(render(p.expected.reference_sql, min(days), max(days))))
        for d in days:
            exp = ref.get(d, 0) or 0
            got = ((stats[d][-1] if d in stats else 0) or 0) + explained.get(d, 0)
            if short_of_expected(p, exp, got, expected_ratio):
                failures.setdefault(d, []).append(
                    f"expected {exp} ({p.expected.measure}), found {got}"
                    + (f" incl. {explained[d]} explained failures" if explained.get(d) else ""))
    for d, why in learned_shortfalls(wh, p, days).items():
        failures.setdefault(d, []).append(f"partial data: {why}")
    if entity_completeness:
        for d, why in unaccounted(wh, p, days).items():
            failures.setdefault(d, []).append(why)
    if not p.allow_empty:
        for d in days:
            if counts.get(d, 0) == 0 and not explained.get(d):
                failures.setdefault(d, []).append("wrote no rows")
    return {d: "; ".join(msgs) for d, msgs in failures.items()}
