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
    col = p.partition_column
    failures: dict[date, list[str]] = {}
    if p.checks:
        sums = ", ".join(f"SUM(CASE WHEN {violation_sql(c)} THEN 1 ELSE 0 END)"
                         for c in p.checks)
        rows = wh.query(
            f"SELECT {col}, {sums} FROM {p.table} "
            f"WHERE {col} BETWEEN ? AND ? GROUP BY 1", [min(days), max(days)])
        wanted = set(days)
        for r in rows:
            if r[0] not in wanted:
                continue
            for c, bad in zip(p.checks, r[1:], strict=True):
                if bad:
                    failures.setdefault(r[0], []).append(f"{bad} rows fail '{c.describe()}'")
    if p.expected is not None:
        ref = dict(wh.query(render(p.expected.reference_sql, min(days), max(days))))
        actual = dict(wh.query(
            f"SELECT {col}, {p.expected.measure} FROM {p.table} "
            f"WHERE {col} BETWEEN ? AND ? GROUP BY 1", [min(days), max(days)]))
        ratio = min(p.expected.min_ratio, expected_ratio)
        for d in days:
            exp = ref.get(d, 0) or 0
            got = (actual.get(d, 0) or 0) + explained.get(d, 0)
            if exp and got < exp * ratio:
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
