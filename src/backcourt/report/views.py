"""Plain-data views (JSON-ready: dates as ISO strings, no JSON inside strings) of what the
ledger and the tables hold, for the CLI and the dashboard."""

from __future__ import annotations

from datetime import date, datetime


def _plain(row: dict) -> dict:
    return {k: v.isoformat() if isinstance(v, date | datetime) else v for k, v in row.items()}


def events(ctx, run_id: str | None = None, limit: int = 200) -> list[dict]:
    return [_plain(r) for r in ctx.ledger.events(run_id, limit)]


def quarantined(ctx, limit: int = 500) -> list[dict]:
    """The raw files in the quarantine now, with their errors. The one place that says
    where the records live (today the ledger's quarantine table; a released file is no
    longer at its quarantine path and is not listed)."""
    fs = ctx.store.fs
    return [_plain(r) for r in ctx.ledger.quarantine_records(limit) if fs.exists(r["moved_to"])]


def release_quarantined(ctx, wanted: str):
    """Validate a quarantined file again after a fix and put it back when it parses.
    Returns (the Released outcome or None, the records ``wanted`` matched)."""
    from backcourt.pipeline.phase2.release import find, release

    matches = find(quarantined(ctx), wanted)
    if len(matches) != 1:
        return None, matches
    return release(ctx.store, matches[0]), matches


def entity_failures(ctx, start: date, end: date) -> dict:
    rows = ctx.ledger.entity_failure_counts(start, end)
    cats = sorted({r["category"] for r in rows})
    by: dict[tuple[str, str], dict[str, int]] = {}
    for r in rows:
        by.setdefault((r["game_date"].isoformat(), r["processor"]), {})[r["category"]] = \
            int(r["entities"])
    return {"start": start.isoformat(), "end": end.isoformat(), "categories": cats,
            "total": sum(int(r["entities"]) for r in rows),
            "rows": [_plain(r) for r in rows],
            "by_date": [{"game_date": d, "processor": p, "categories": c}
                        for (d, p), c in sorted(by.items())]}


def quality(ctx, start: date, end: date) -> dict:
    from backcourt.pipeline.phase4.quality import READY_MIN_SCORE, TIER_ORDER, tier_mix

    raw = tier_mix(ctx.wh, ctx.registry.processors, start, end)
    by: dict[tuple[str, date], dict] = {}
    for r in raw:
        row = by.setdefault((r["processor"], r["game_date"]), {
            "processor": r["processor"], "game_date": r["game_date"].isoformat(),
            "tiers": {}, "rows": 0, "_score": 0.0, "ready": None})
        row["tiers"][r["tier"]] = r["rows"]
        row["rows"] += r["rows"]
        row["_score"] += (r["avg_score"] or 0.0) * r["rows"]
        if r["ready"] is not None:
            row["ready"] = (row["ready"] or 0) + r["ready"]
    rows = []
    for row in by.values():
        score = row.pop("_score")
        row["avg_score"] = round(score / row["rows"], 1) if row["rows"] else None
        rows.append(row)
    body = {"start": start.isoformat(), "end": end.isoformat(), "tiers": list(TIER_ORDER),
            "ready_min_score": READY_MIN_SCORE, "rows": rows,
            "cells": [_plain(r) for r in raw], "why_empty": []}
    if not rows:
        from backcourt.pipeline.phase5.report import why_empty

        body["why_empty"] = [x for x in why_empty(ctx, start, end)
                             if x.startswith("ml_feature_store")] or [
            "no table with quality tiers has rows in the range"]
    return body


def grade_report(ctx, start: date, end: date) -> dict:
    """Phase 5's report, with the reasons when nothing is graded, and the weekly series."""
    from backcourt.pipeline.phase5.report import report, weekly, why_empty

    body = report(ctx.wh, start, end)
    body["weekly"] = weekly(ctx.wh, start, end)
    body["why_empty"] = [] if body["systems"] else why_empty(ctx, start, end)
    return body
