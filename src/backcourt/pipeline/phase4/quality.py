"""Early-season quality: the tier mix per date of every table that carries ``quality_tier``
(the ML feature store, and the predictions and grades that copy it)."""

from __future__ import annotations

from datetime import date

from backcourt.pipeline.phase4.features import READY_MIN_SCORE, TIERS

TIER_ORDER = tuple(name for _, name in TIERS) + ("critical",)


def tier_mix(wh, processors, start: date, end: date) -> list[dict]:
    """Rows (processor, game_date, tier, rows, avg_score, ready) for the processors whose
    table has a ``quality_tier`` column, ordered by processor, date and tier."""
    out: list[dict] = []
    for p in processors:
        if not wh.table_exists(p.table):
            continue
        cols = wh.columns(p.table)
        if "quality_tier" not in cols:
            continue
        score = "avg(quality_score)" if "quality_score" in cols else "NULL"
        ready = ("sum(CASE WHEN is_quality_ready THEN 1 ELSE 0 END)"
                 if "is_quality_ready" in cols else "NULL")
        for d, tier, n, avg, ok in wh.query(
                f"SELECT {p.partition_column}, quality_tier, count(*), {score}, {ready} "
                f"FROM {p.table} WHERE {p.partition_column} BETWEEN ? AND ? "
                "GROUP BY 1, 2 ORDER BY 1, 2", [start, end]):
            out.append({"processor": p.name, "game_date": d, "tier": tier, "rows": int(n),
                        "avg_score": None if avg is None else round(float(avg), 1),
                        "ready": None if ok is None else int(ok)})
    rank = {t: i for i, t in enumerate(TIER_ORDER)}
    out.sort(key=lambda r: (r["processor"], r["game_date"], rank.get(r["tier"], 99)))
    return out


__all__ = ["READY_MIN_SCORE", "TIER_ORDER", "tier_mix"]
