"""Per-entity accounting: every expected entity (player, team, game) of a partition has a
row or an explained failure. ``validate --reconcile`` reports it over a range; daily mode's
per-entity completeness check (behavior 2) fails a partition that leaves one unaccounted."""

from __future__ import annotations

from datetime import date

from backcourt.ledger.tables import ENTITY_FAILURES
from backcourt.registry import Processor
from backcourt.registry.templating import render


def has_entities(p: Processor) -> bool:
    return p.expected is not None and p.expected.entities_sql is not None


def accounting(p: Processor, days: list[date], start: date, end: date) -> tuple[str, list]:
    """A FROM clause joining the expected entities ``w`` of ``days`` to the table's rows
    ``r`` and the explained failures ``f`` (``e`` is the entity as text), and its
    parameters."""
    entity = p.expected.entity or p.entity or p.keys[-1]
    col = p.partition_column
    listed = ", ".join(f"DATE '{d.isoformat()}'" for d in days)
    universe = (f"(SELECT DISTINCT game_date, CAST(entity AS VARCHAR) AS e FROM "
                f"({render(p.expected.entities_sql, start, end)}) AS z "
                f"WHERE game_date IN ({listed}))")
    rows = (f"SELECT DISTINCT {col} AS game_date, CAST({entity} AS VARCHAR) AS e "
            f"FROM {p.table} WHERE {col} BETWEEN ? AND ?")
    failures = (f"SELECT DISTINCT game_date, entity_id AS e FROM {ENTITY_FAILURES} "
                "WHERE processor = ? AND game_date BETWEEN ? AND ?")
    return (f"{universe} AS w "
            f"LEFT JOIN ({rows}) AS r ON r.game_date = w.game_date AND r.e = w.e "
            f"LEFT JOIN ({failures}) AS f ON f.game_date = w.game_date AND f.e = w.e",
            [start, end, p.name, start, end])


def unaccounted(wh, p: Processor, days: list[date]) -> dict[date, str]:
    """Per date of ``days``: a message when an expected entity has neither a row nor an
    explained failure (dates absent are complete)."""
    if not has_entities(p) or not days:
        return {}
    source, params = accounting(p, days, min(days), max(days))
    found: dict[date, list] = {}
    for d, expected, lost, example in wh.query(
            f"SELECT w.game_date, COUNT(*), "
            "SUM(CASE WHEN r.e IS NULL AND f.e IS NULL THEN 1 ELSE 0 END), "
            "MIN(CASE WHEN r.e IS NULL AND f.e IS NULL THEN w.e END) "
            f"FROM {source} GROUP BY 1", params):
        if lost:
            found[d] = [expected, lost, example]
    return {d: f"per-entity completeness: {lost} of {expected} expected entities have "
               f"neither a row nor an explained failure (e.g. {example})"
            for d, (expected, lost, example) in found.items()}
