"""Processor SQL templates: ``{start}`` and ``{end}`` become DATE literals."""

from __future__ import annotations

from datetime import date


def date_literal(d: date) -> str:
    return f"CAST('{d.isoformat()}' AS DATE)"


def render(sql: str, start: date, end: date) -> str:
    return sql.replace("{start}", date_literal(start)).replace("{end}", date_literal(end))
