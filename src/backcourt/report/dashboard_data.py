"""Everything the dashboard shows, gathered through the library (status matrix, validation,
ledger, Phase 5 report, views) as plain JSON-ready data. No SQL here."""

from __future__ import annotations

from datetime import date, datetime

from backcourt.report import views

RUNS_SHOWN = 30


def _plain(v):
    return v.isoformat() if isinstance(v, date | datetime) else v


def status_cells(matrix) -> list[dict]:
    """One row per partition: processor, phase, table, date, state, rows, reason."""
    d = matrix.as_dict()
    return [{"processor": name, "phase": body["phase"], "table": body["table"], "date": day,
             "state": c["state"], "rows": c["rows"], "reason": (c["reason"] or "")[:300]}
            for name, body in d["processors"].items() for day, c in body["dates"].items()]


def runs_table(ctx, limit: int = RUNS_SHOWN) -> list[dict]:
    """Recent runs with their duration and attempt counts by state (the ledger's)."""
    out = []
    for r in ctx.ledger.runs(limit):
        counts = {k: n for k, n in r["counts"].items() if k != "rows" and n}
        out.append({"run_id": r["run_id"], "mode": r["mode"], "status": r["status"],
                    "command": r["command"], "start_date": _plain(r["start_date"]),
                    "end_date": _plain(r["end_date"]), "started_at": _plain(r["started_at"]),
                    "finished_at": _plain(r["finished_at"]),
                    "seconds": None if r["duration_s"] is None else round(r["duration_s"], 2),
                    "attempts": counts, "rows": r["counts"]["rows"]})
    return out


def gather(ctx, start: date, end: date) -> dict:
    """The dashboard's data for [start, end] (the warehouse open: this process holds it)."""
    from backcourt.status import status_matrix
    from backcourt.validation import validate

    procs = ctx.registry.processors
    matrix = status_matrix(ctx, procs, start, end)
    v = validate(ctx, procs, start, end)
    return {
        "start": start.isoformat(), "end": end.isoformat(),
        "generated_at": datetime.now().astimezone().isoformat(timespec="seconds"),
        "live": None,
        # as status: complete needs game dates (an empty range is not a complete one)
        "status": {"complete": matrix.complete and bool(matrix.dates),
                   "dates": [d.isoformat() for d in matrix.dates],
                   "summary": matrix.counts(), "cells": status_cells(matrix),
                   "phases": {p.name: p.phase for p in procs}},
        "runs": runs_table(ctx),
        "validation": v.as_dict(),
        "entity_failures": views.entity_failures(ctx, start, end),
        "quality": views.quality(ctx, start, end),
        "performance": views.grade_report(ctx, start, end),
    }


def from_live(state, start: date, end: date) -> dict:
    """What can be shown while another process holds the warehouse: its published cells
    (the plan's states, ``running`` where it works, updated as partitions finish) and its
    progress."""
    from backcourt.status.matrix import live_cells

    d = state.data
    phases = {**{n: r.get("phase") for n, r in d.get("processors", {}).items()},
              **d.get("phases", {})}
    cells = [{"processor": name, "phase": phases.get(name), "table": "",
              "date": day.isoformat(), "state": c.state, "rows": 0, "reason": c.reason}
             for (name, day), c in live_cells(d, start, end).items()]
    summary: dict[str, dict[str, int]] = {}
    for c in cells:
        row = summary.setdefault(c["processor"], {})
        row[c["state"]] = row.get(c["state"], 0) + 1
    return {
        "start": start.isoformat(), "end": end.isoformat(),
        "generated_at": datetime.now().astimezone().isoformat(timespec="seconds"),
        "live": state.as_dict() | {"cells": None, "planned_states": None},
        "status": {"complete": False, "dates": sorted({c["date"] for c in cells}),
                   "summary": summary, "cells": cells, "phases": phases},
        "runs": [], "validation": None, "entity_failures": None, "quality": None,
        "performance": None,
    }
