"""Preflight: is the environment sound and is each phase ready for a range?

Checks the warehouse (reachable and writable), its tables, the raw store (readable, with
data in the range), free disk, and per phase what the plan would do: partitions done, to
run, blocked. Verdict: ready (exit 0), not ready (1), ready with warnings (4).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from backcourt.partitions.context import Context
from backcourt.planner import make_plan
from backcourt.rawstore import provenance

MIN_FREE_GB = 2.0


@dataclass(frozen=True)
class Finding:
    name: str
    status: str        # ok | warn | fail
    detail: str


@dataclass
class Preflight:
    checks: list[Finding] = field(default_factory=list)

    def add(self, name: str, status: str, detail: str) -> None:
        self.checks.append(Finding(name, status, detail))

    @property
    def verdict(self) -> str:
        states = {c.status for c in self.checks}
        return "not ready" if "fail" in states else "warnings" if "warn" in states else "ready"

    @property
    def exit_code(self) -> int:
        return {"ready": 0, "not ready": 1, "warnings": 4}[self.verdict]

    def as_dict(self) -> dict:
        return {"verdict": self.verdict, "exit_code": self.exit_code,
                "checks": [c.__dict__ for c in self.checks]}


def preflight(ctx: Context, start: date, end: date, warehouse_path: str | None = None) -> Preflight:
    """``warehouse_path``: the DuckDB file a backfill would write (checked for that, while
    ``ctx`` may hold it open read-only, or an empty in-memory one when it does not exist)."""
    from backcourt.warehouse.paths import WarehousePathError, check_warehouse_path

    r = Preflight()
    path = warehouse_path or getattr(ctx.wh, "path", "?")
    try:
        if warehouse_path is not None and ctx.wh.engine == "duckdb":
            check_warehouse_path(warehouse_path, read_only=False)
        ctx.wh.probe_write()
        r.add("warehouse", "ok", f"{path} reachable and writable")
    except WarehousePathError as exc:
        r.add("warehouse", "fail", str(exc))
        return r
    except Exception as exc:  # any engine error means not ready
        r.add("warehouse", "fail", f"{type(exc).__name__}: {exc}")
        return r
    missing = [p.table for p in ctx.registry.order() if not ctx.wh.table_exists(p.table)]
    if missing:
        r.add("tables", "warn", f"{len(missing)} not created yet (created on first run): "
                                + ", ".join(missing[:4]) + ("…" if len(missing) > 4 else ""))
    else:
        r.add("tables", "ok", f"all {len(ctx.registry.processors)} tables present")
    try:
        ctx.store.fs.ls(ctx.store.root) if ctx.store.fs.exists(ctx.store.root) else None
        days = ctx.calendar.game_dates(start, end)
        prov = provenance.read(ctx.store)
        kind = (f"{prov.kind} data from {', '.join(sorted(prov.sources))}"
                if prov.sources else "empty")
        if days:
            r.add("raw store", "ok", f"{ctx.store.root_url} ({kind}): {len(days)} game "
                                     "dates in range")
        elif prov.kind == provenance.REAL:
            r.add("raw store", "fail", f"{ctx.store.root_url} ({kind}): no game dates in "
                                       "range (backcourt import FILE…, or backfill --source "
                                       "nba --phases 1-…)")
        else:
            r.add("raw store", "fail", f"{ctx.store.root_url} ({kind}): no game dates in "
                                       "range (scrape first, or backfill --phases 1-…)")
    except Exception as exc:
        r.add("raw store", "fail", f"{type(exc).__name__}: {exc}")
    _raw_completeness(ctx, r, start, end)
    folder = Path(path if path not in ("?", ":memory:") else ".").resolve().parent
    free = shutil.disk_usage(folder).free / 2**30
    r.add("disk", "ok" if free >= MIN_FREE_GB else "warn", f"{free:.1f} GiB free in {folder}")
    plan = make_plan(ctx, ctx.registry.order(), start, end)
    counts = plan.counts()
    for phase in ctx.registry.processor_phases:
        names = [p.name for p in ctx.registry.in_phase(phase)]
        run = sum(counts.get(n, {}).get("run", 0) for n in names)
        blocked = sum(counts.get(n, {}).get("blocked", 0) for n in names)
        done = sum(counts.get(n, {}).get("done", 0) for n in names)
        status = "fail" if blocked else "ok"
        r.add(f"phase {phase}", status,
              f"{done} partitions done, {run} to run, {blocked} blocked"
              + (f" (e.g. {next(c for c in plan.blocked if c.processor in names).reason})"
                 if blocked else ""))
    return r


def _raw_completeness(ctx, r: Preflight, start: date, end: date) -> None:
    """Raw dates missing files their own indexes expect, and quarantined raw files."""
    from backcourt.rawstore.quarantine import all_records
    from backcourt.sources.completeness import incomplete_raw_dates

    try:
        incomplete = incomplete_raw_dates(ctx.store, start, end)
        held = [q for q in all_records(ctx.store) if start <= q.game_date <= end]
    except OSError as exc:
        r.add("raw dates", "fail", f"{ctx.store.root_url}: {exc}")
        return
    lacking = [i for i in incomplete if i.missing]
    strays = [i for i in incomplete if i.unexpected]
    if lacking:
        first = lacking[0]
        missing = sum(len(i.missing) for i in lacking)
        r.add("raw dates", "warn",
              f"{len(lacking)} incomplete ({missing} files missing, e.g. {first.day}: "
              f"{first.missing[0]}); backfill --phases 1-… fetches exactly those")
    else:
        r.add("raw dates", "ok", "every raw date holds what its indexes expect")
    if strays:
        first = strays[0]
        r.add("raw files", "warn",
              f"{sum(len(i.unexpected) for i in strays)} game file(s) not on their date's "
              f"scoreboard, e.g. {first.unexpected[0]} (Phase 2 quarantines them)")
    if held:
        q = held[0]
        r.add("quarantine", "fail",
              f"{len(held)} raw file(s) quarantined, e.g. {q.display}: {q.field}: {q.reason} "
              "(those dates stay failed until a corrected file is in place)")
