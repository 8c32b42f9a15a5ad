"""Validation that cannot be fooled: every partition of a range is checked against the
ledger, the table, its critical fields, its expected rows and its upstream windows.

Gap types and severities (PIPELINE.md): missing date (HIGH), partial data (MEDIUM), NULL
critical field (HIGH), zero value in a computed field (MEDIUM), cascade — a partition
built on an upstream partition that is missing, failed or contaminated (CRITICAL); plus
freshness — older than an upstream partition it read (MEDIUM). Every finding carries the
command that fixes it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from backcourt.checks.entities import accounting, has_entities
from backcourt.checks.learned import learned_shortfalls
from backcourt.checks.partition import partition_stats, short_of_expected
from backcourt.ledger import FAILED, SKIPPED
from backcourt.ledger.ledger import ABSENT_OPTIONAL_INPUT
from backcourt.ledger.tables import ENTITY_FAILURES
from backcourt.partitions import kept
from backcourt.partitions.context import Context
from backcourt.partitions.mapping import WindowMapping
from backcourt.partitions.no_gc import no_gc
from backcourt.partitions.state import BLOCKED, DONE, MISSING, STALE, state_pass
from backcourt.registry import Processor
from backcourt.registry.commands import backfill_command
from backcourt.registry.templating import render

SEVERITY = {"missing_date": "HIGH", "partial_data": "MEDIUM", "null_critical": "HIGH",
            "zero_value": "MEDIUM", "out_of_range": "MEDIUM", "cascade": "CRITICAL",
            "freshness": "MEDIUM", "unaccounted": "HIGH",
            # an optional source absent on a date (e.g. no betting lines): what reads it
            # ran with the feature flagged
            "absent_optional": "MEDIUM"}
RANK = {"MEDIUM": 1, "HIGH": 2, "CRITICAL": 3}


@dataclass
class Finding:
    type: str
    severity: str
    processor: str
    dates: list[date]
    detail: str
    fix: str


@dataclass
class Contamination:
    processor: str
    status: str                        # CLEAN | PARTIAL | CONTAMINATED
    fields: dict[str, float]           # critical field -> share of valid rows
    worst_dates: list[date]            # dates below 50 % valid


@dataclass
class Validation:
    start: date
    end: date
    findings: list[Finding] = field(default_factory=list)
    contamination: list[Contamination] = field(default_factory=list)
    reconciliation: list[Reconciliation] = field(default_factory=list)

    def exit_code(self, strict: bool = False) -> int:
        worst = max((RANK[f.severity] for f in self.findings), default=0)
        return 1 if worst >= (RANK["MEDIUM"] if strict else RANK["HIGH"]) else 0

    def as_dict(self, strict: bool = False) -> dict:
        def enc(x):
            d = asdict(x)
            for k in ("dates", "worst_dates"):
                if k in d:
                    d[k] = [v.isoformat() for v in d[k]]
            return d
        counts: dict[str, int] = {}
        for f in self.findings:
            counts[f.severity] = counts.get(f.severity, 0) + 1
        return {"start": self.start.isoformat(), "end": self.end.isoformat(),
                "exit_code": self.exit_code(strict), "by_severity": counts,
                "findings": [enc(f) for f in self.findings],
                "contamination": [enc(c) for c in self.contamination],
                "reconciliation": [
                    {**asdict(r), "unaccounted": [[d.isoformat(), e] for d, e in r.unaccounted]}
                    for r in self.reconciliation]}


def _fix(ctx: Context, p: Processor, days: list[date], reprocess: str = "stale") -> str:
    """The backfill that recomputes ``p`` over ``days`` and everything after it; from
    Phase 1 when ``p`` reads raw files (they may be missing: only Phase 1 fetches them)."""
    first = min(ctx.registry.phases) if any(i.is_raw for i in p.inputs) else p.phase
    return backfill_command(min(days), max(days), first, ctx.registry.phases[-1], reprocess)


def validate(ctx: Context, processors: list[Processor], start: date, end: date,
             with_reconcile: bool = False) -> Validation:
    """Every finding over [start, end]. A read command's validation is kept beside the
    warehouse under the key of the state pass it reads plus its own question
    (``partitions.kept``): nothing it reads can change without moving that key, so a
    second ``validate`` of an unchanged warehouse and raw store loads the first's answer."""
    # the raw store's walk runs in the background meanwhile (the key's proof needs it)
    with no_gc(), ctx.store.listing_ahead(len(ctx.calendar.game_dates(start, end))):
        return kept.answer(ctx, kept.key(ctx, start, end, True, False, [], True),
                           ("validate", [p.name for p in processors], with_reconcile),
                           Validation,
                           lambda: _validate(ctx, processors, start, end, with_reconcile))


def _validate(ctx: Context, processors: list[Processor], start: date, end: date,
              with_reconcile: bool) -> Validation:
    v = Validation(start, end)
    if with_reconcile:
        v.reconciliation = reconcile(ctx, processors, start, end)
        for r in v.reconciliation:
            if r.unaccounted:
                p = ctx.registry.get(r.processor)
                days = sorted({d for d, _ in r.unaccounted})
                v.findings.append(Finding(
                    "unaccounted", SEVERITY["unaccounted"], r.processor, days,
                    f"{r.missing} of {r.expected} entities have "
                    "neither a row nor an explained failure, e.g. "
                    + ", ".join(f"{d} {e}" for d, e in r.unaccounted[:3]),
                    _fix(ctx, p, days, "all")))
    order = ctx.registry.order()
    # one read of the ledger, one grouped count per table, one dependency check per
    # processor (kept from the state pass): the cost grows with tables, not dates
    states = state_pass(ctx, start, end, complete=True)
    first, rows, latest = states.first, states.rows, states.latest
    explained: dict[str, dict[date, int]] = {}
    for name, d, n in ctx.wh.query(
            f"SELECT processor, game_date, COUNT(*) FROM {ENTITY_FAILURES} "
            "WHERE game_date BETWEEN ? AND ? GROUP BY processor, game_date", [first, end]):
        explained.setdefault(name, {})[d] = n
    memo = _Memo(ctx.wh)                        # references shared by several processors
    bad: set[tuple[str, date]] = set()          # missing / failed / contaminated partitions
    bad_days: dict[str, list[date]] = {}        # the same, sorted, of finished processors
    wanted = {p.name for p in processors}
    for p in order:
        days = states.days[p.name]
        have = rows(p.table, p.partition_column)
        typed: dict[str, list[date]] = {}
        details: dict[str, str] = {}
        for d in days:
            st = states.get(p.name, d)
            if st.state == MISSING:
                if st.reason != "never run" and have.get(d, 0) > 0:
                    typed.setdefault("partial_data", []).append(d)
                    details["partial_data"] = st.reason or ""
                else:
                    typed.setdefault("missing_date", []).append(d)
                    details["missing_date"] = st.reason or "never run"
                bad.add((p.name, d))
            elif st.cause is not None:   # through a window: built on a bad upstream
                typed.setdefault("cascade", []).append(d)
                details["cascade"] = st.reason or ""
                bad.add((p.name, d))
            elif st.state in (FAILED, BLOCKED):
                typed.setdefault("missing_date", []).append(d)
                details["missing_date"] = st.reason or "failed"
                bad.add((p.name, d))
            elif st.state == STALE:
                typed.setdefault("freshness", []).append(d)
                details["freshness"] = st.reason or ""
            elif st.state == SKIPPED and getattr(latest.get((p.name, d)), "failure_category",
                                                 None) == ABSENT_OPTIONAL_INPUT:
                typed.setdefault("absent_optional", []).append(d)
                details["absent_optional"] = st.reason or ""
        done_days = [d for d in days if states.get(p.name, d).state in (DONE, STALE)]
        if done_days:
            stats = partition_stats(ctx.wh, p, done_days)
            _field_findings(p, stats, typed, details, bad, v)
            # every expected row: a mode that relaxes its expected counts (backfill) lets
            # the partition finish, and the shortfall is reported here
            _expected_findings(memo, p, done_days, first, end, stats,
                               explained.get(p.name, {}), typed, details, bad, 1.0)
            # cascade: built on an upstream partition that is now missing, failed,
            # contaminated, or no longer holds the rows it had
            ready = dict(states.readiness.get(p.name, {}))
            rest = [d for d in done_days if d not in ready]
            if rest:   # stale, or before the range: the state pass did not need their inputs
                ready.update(states.ready(ctx, p, rest, complete=True))
            ups = [(WindowMapping(i, ctx.calendar), ctx.registry.by_table(i.ref).name)
                   for i in p.inputs if not i.is_raw]
            ups = [(m, up, bad_days[up]) for m, up in ups if bad_days.get(up)]
            for d in done_days:
                reason = ready[d].blocked
                if reason is None:
                    for m, up, bad_up in ups:
                        hit = m.reads(d, bad_up)
                        if hit is not None:
                            reason = f"{up} {hit} is contaminated"
                            break
                if reason is not None and (p.name, d) not in bad:
                    typed.setdefault("cascade", []).append(d)
                    details["cascade"] = reason
                    bad.add((p.name, d))
        bad_days[p.name] = sorted(d for n, d in bad if n == p.name)
        if p.name not in wanted:
            continue
        for kind, ds in typed.items():   # one finding per processor and type
            ds = sorted(d for d in ds if start <= d <= end)
            if not ds:
                continue
            reprocess = "all" if kind in ("null_critical", "zero_value", "out_of_range",
                                          "partial_data", "cascade") else "stale"
            fix = _fix(ctx, p, ds, reprocess)
            if kind == "absent_optional":
                # Phase 1 fetches exactly the missing files; through the end of the range,
                # so that what reads the reloaded dates afterwards is refreshed too
                fix = backfill_command(min(ds), end, min(ctx.registry.phases),
                                       ctx.registry.phases[-1])
            v.findings.append(Finding(kind, SEVERITY[kind], p.name, ds,
                                      details.get(kind, ""), fix))
    v.findings += raw_input_findings(ctx, start, end)
    v.findings.sort(key=lambda f: (-RANK[f.severity], f.processor, f.type))
    return v


def raw_input_findings(ctx, start: date, end: date) -> list[Finding]:
    """What the pipeline's loaders recorded about bad raw input (quarantined files and
    games, unknown players, dropped rows): one finding per kind, naming files, fields and
    reasons."""
    by_kind: dict[str, list] = {}
    for r in ctx.pipeline.recorded_input_findings(ctx, start, end):
        by_kind.setdefault(r.kind, []).append(r)
    return [Finding(kind, rs[0].severity, "raw input", sorted({r.game_date for r in rs}),
                    f"{len(rs)}: " + "; ".join(f"{r.file}: {r.field}: {r.reason}"
                                               for r in rs[:3]),
                    "fix or replace the named files, then backcourt backfill --start "
                    f"{min(r.game_date for r in rs)} --end {max(r.game_date for r in rs)} "
                    "--phases 2-5")
            for kind, rs in by_kind.items()]


class _Memo:
    """Query results kept for one validation (several processors share a reference)."""

    def __init__(self, wh) -> None:
        self.wh = wh
        self._seen: dict[tuple[str, tuple], Any] = {}

    def _kept(self, key: tuple[str, tuple], ask) -> Any:
        if key not in self._seen:
            self._seen[key] = ask()
        return self._seen[key]

    def query(self, sql: str, params=None) -> list[tuple]:
        return self._kept((sql, tuple(params or ())), lambda: self.wh.query(sql, params))

    def counts_by_date(self, table: str, start: date, end: date,
                       column: str = "game_date") -> dict[date, int]:
        return self._kept(("counts_by_date", (table, start, end, column)),
                          lambda: self.wh.counts_by_date(table, start, end, column))


def _field_findings(p: Processor, stats: dict[date, tuple], typed, details, bad,
                    v: Validation) -> None:
    if not p.checks:
        return
    total = 0
    names = [c.describe() for c in p.checks]
    invalid = dict.fromkeys(names, 0)
    worst: set[date] = set()
    for d, r in sorted(stats.items()):
        n = r[0]
        total += n
        for c, name, k in zip(p.checks, names, r[1:1 + len(p.checks)], strict=True):
            k = k or 0
            invalid[name] += k
            if not k:
                continue
            kind = {"not_null": "null_critical", "non_zero": "zero_value"}.get(
                c.rule, "out_of_range")
            typed.setdefault(kind, []).append(d)
            details[kind] = f"{k} rows fail '{name}'"
            if kind != "zero_value":
                bad.add((p.name, d))
            if n and k / n > 0.5:
                worst.add(d)
    if total:
        shares = {name: round(1 - k / total, 4) for name, k in invalid.items()}
        low = min(shares.values())
        status = "CLEAN" if low >= 0.99 else "PARTIAL" if low >= 0.5 else "CONTAMINATED"
        v.contamination.append(Contamination(p.name, status, shares, sorted(worst)))


def _expected_findings(memo: _Memo, p: Processor, days: list[date], first: date, end: date,
                       stats: dict[date, tuple], explained: dict[date, int],
                       typed, details, bad, mode_ratio: float) -> None:
    for d, why in learned_shortfalls(memo, p, days).items():
        typed.setdefault("partial_data", []).append(d)
        details["partial_data"] = why
        bad.add((p.name, d))
    if p.expected is None:
        return
    # rendered over the whole validated range: processors sharing a reference share a query
    ref = dict(memo.query(render(p.expected.reference_sql, first, end)))
    for d in days:
        exp = ref.get(d, 0) or 0
        got = ((stats[d][-1] if d in stats else 0) or 0) + explained.get(d, 0)
        if short_of_expected(p, exp, got, mode_ratio):
            typed.setdefault("partial_data", []).append(d)
            details["partial_data"] = f"expected {exp}, found {got}"
            bad.add((p.name, d))


@dataclass
class Reconciliation:
    processor: str
    expected: int
    rows: int
    explained: int
    unaccounted: list[tuple[date, str]]   # first 50 (date, entity)
    missing: int = 0                      # entities with neither a row nor a failure


def reconcile(ctx: Context, processors: list[Processor], start: date,
              end: date) -> list[Reconciliation]:
    """Per entity and date: a row, an explained failure, or unaccounted for (dates whose
    partition ran; skipped and missing dates are findings of their own). One counting
    query per processor; the unaccounted ones are listed only when there are some."""
    out = []
    chosen = [p for p in processors if has_entities(p) and ctx.wh.table_exists(p.table)]
    latest = ctx.ledger.latest([p.name for p in chosen], start, end) if chosen else {}
    for p in chosen:
        ran = sorted(d for (name, d), st in latest.items()
                     if name == p.name and st.status != "skipped")
        if not ran:
            continue
        source, params = accounting(p, ran, start, end)
        (expected, have, expl, lost) = ctx.wh.query(
            "SELECT COUNT(*), COUNT(r.e), COUNT(f.e), "
            f"SUM(CASE WHEN r.e IS NULL AND f.e IS NULL THEN 1 ELSE 0 END) FROM {source}",
            params)[0]
        missing = ctx.wh.query(
            f"SELECT w.game_date, w.e FROM {source} WHERE r.e IS NULL AND f.e IS NULL "
            "ORDER BY 1, 2 LIMIT 50", params) if lost else []
        out.append(Reconciliation(p.name, expected, have, expl, missing, lost or 0))
    return out
