"""Processor SQL templates: ``{start}`` and ``{end}`` become DATE literals, and
``{absent:<table>}`` the dates of the run on which an optional input has no data (its
partition absent, skipped, missing or failed), as a one-column subquery for ``IN`` /
``NOT IN`` — so a processor can fall back, or flag a feature, instead of reading an absent
input as an empty one."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date

ABSENT = re.compile(r"\{absent:([A-Za-z0-9_.]+)\}")


def date_literal(d: date) -> str:
    return f"CAST('{d.isoformat()}' AS DATE)"


def absent_tables(sql: str) -> set[str]:
    """The tables a template asks ``{absent:…}`` of."""
    return set(ABSENT.findall(sql))


def dates_subquery(days: Iterable[date]) -> str:
    days = sorted(set(days))
    if not days:
        return "(SELECT CAST(NULL AS DATE) AS d WHERE 1 = 0)"
    return "(" + " UNION ALL ".join(f"SELECT {date_literal(d)} AS d" for d in days) + ")"


def render(sql: str, start: date, end: date,
           absent: Mapping[str, Iterable[date]] | None = None) -> str:
    absent = absent or {}
    sql = ABSENT.sub(lambda m: dates_subquery(absent.get(m.group(1), ())), sql)
    return sql.replace("{start}", date_literal(start)).replace("{end}", date_literal(end))
