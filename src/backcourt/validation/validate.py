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

from backcourt.checks.partition import violation_sql
from backcourt.executor import dependencies
from backcourt.ledger import FAILED
from backcourt.planner.state import DONE, MISSING, STALE, partition_states
from backcourt.registry import Processor
from backcourt.registry.templating import render

SEVERITY = {"missing_date": "HIGH", "partial_data": "MEDIUM", "null_critical": "HIGH",
            "zero_value": "MEDIUM", "out_of_range": "MEDIUM", "cascade": "CRITICAL",
            "freshness": "MEDIUM", "unaccounted": "HIGH"}
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


def _fix(p: Processor, days: list[date], reprocess: str = "stale") -> str:
    cmd = (f"backcourt backfill --start {min(days)} --end {max(days)} --phases {p.phase}-5")
    return cmd + (f" --reprocess {reprocess}" if reprocess != "stale" else "")


def validate(ctx, processors: list[Processor], start: date, end: date,
             with_reconcile: bool = False) -> Validation:
    v = Validation(start, end)
    if with_reconcile:
        v.reconciliation = reconcile(ctx, processors, start, end)
        for r in v.reconciliation:
            if r.unaccounted:
                p = ctx.registry.get(r.processor)
                days = sorted({d for d, _ in r.unaccounted})
                v.findings.append(Finding(
                    "unaccounted", SEVERITY["unaccounted"], r.processor, days,
                    f"{r.expected - r.rows - r.explained} of {r.expected} entities have "
                    "neither a row nor an explained failure, e.g. "
                    + ", ".join(f"{d} {e}" for d, e in r.unaccounted[:3]),
                    _fix(p, days, "all")))
    order = ctx.registry.order()
    first = ctx.calendar.season_start(start)
    states = partition_states(ctx, order, first, end)
    bad: set[tuple[str, date]] = set()          # missing / failed / contaminated partitions
    latest = ctx.ledger.latest([p.name for p in order])
    wanted = {p.name for p in processors}
    for p in order:
        days = [d for d in ctx.partitions(p, first, end)]
        have = ctx.wh.counts_by_date(p.table, first, end, p.partition_column)
        typed: dict[str, list[date]] = {}
        details: dict[str, str] = {}
        for d in days:
            st = states.get((p.name, d))
            if st is None or st.state == MISSING:
                if st is not None and have.get(d, 0) > 0:
                    typed.setdefault("partial_data", []).append(d)
                    details["partial_data"] = st.reason or ""
                else:
                    typed.setdefault("missing_date", []).append(d)
                    details["missing_date"] = (st.reason if st else "never run") or ""
                bad.add((p.name, d))
            elif st.state == FAILED:
                typed.setdefault("missing_date", []).append(d)
                details["missing_date"] = st.reason or "failed"
                bad.add((p.name, d))
            elif st.state == STALE:
                typed.setdefault("freshness", []).append(d)
                details["freshness"] = st.reason or ""
        done_days = [d for d in days if states.get((p.name, d)) is not None
                     and states[(p.name, d)].state in (DONE, STALE)]
        if done_days:
            _field_findings(ctx, p, done_days, typed, details, bad, v)
            _expected_findings(ctx, p, done_days, have, typed, details, bad)
            # cascade: built on an upstream partition that is now missing, failed,
            # contaminated, or no longer holds the rows it had
            ready = dependencies.check(ctx, p, done_days, latest, complete=True)
            for d in done_days:
                reason = ready[d].blocked
                if reason is None:
                    for i in p.inputs:
                        if i.is_raw:
                            continue
                        up = ctx.registry.by_table(i.ref).name
                        hit = next((u for u in dependencies.window_dates(ctx, i, d)
                                    if (up, u) in bad), None)
                        if hit is not None:
                            reason = f"{up} {hit} is contaminated"
                            break
                if reason is not None and (p.name, d) not in bad:
                    typed.setdefault("cascade", []).append(d)
                    details["cascade"] = reason
                    bad.add((p.name, d))
        if p.name not in wanted:
            continue
        for kind, ds in typed.items():   # one finding per processor and type
            ds = sorted(d for d in ds if start <= d <= end)
            if not ds:
                continue
            reprocess = "all" if kind in ("null_critical", "zero_value", "out_of_range",
                                          "partial_data", "cascade") else "stale"
            v.findings.append(Finding(kind, SEVERITY[kind], p.name, ds,
                                      details.get(kind, ""), _fix(p, ds, reprocess)))
    v.findings.sort(key=lambda f: (-RANK[f.severity], f.processor, f.type))
    return v


def _field_findings(ctx, p: Processor, days: list[date], typed, details, bad,
                    v: Validation) -> None:
    if not p.checks:
        return
    col = p.partition_column
    sums = ", ".join(f"SUM(CASE WHEN {violation_sql(c)} THEN 1 ELSE 0 END)" for c in p.checks)
    rows = ctx.wh.query(f"SELECT {col}, count(*), {sums} FROM {p.table} "
                        f"WHERE {col} BETWEEN ? AND ? GROUP BY 1", [min(days), max(days)])
    wanted = set(days)
    total = 0
    invalid = {c.describe(): 0 for c in p.checks}
    worst: set[date] = set()
    for r in rows:
        if r[0] not in wanted:
            continue
        n = r[1]
        total += n
        for c, k in zip(p.checks, r[2:], strict=True):
            k = k or 0
            invalid[c.describe()] += k
            if not k:
                continue
            kind = {"not_null": "null_critical", "non_zero": "zero_value"}.get(
                c.rule, "out_of_range")
            typed.setdefault(kind, []).append(r[0])
            details[kind] = f"{k} rows fail '{c.describe()}'"
            if kind != "zero_value":
                bad.add((p.name, r[0]))
            if n and k / n > 0.5:
                worst.add(r[0])
    if total:
        shares = {name: round(1 - k / total, 4) for name, k in invalid.items()}
        low = min(shares.values())
        status = "CLEAN" if low >= 0.99 else "PARTIAL" if low >= 0.5 else "CONTAMINATED"
        v.contamination.append(Contamination(p.name, status, shares, sorted(worst)))


def _expected_findings(ctx, p: Processor, days: list[date], have, typed, details,
                       bad) -> None:
    if p.expected is None:
        return
    ref = dict(ctx.wh.query(render(p.expected.reference_sql, min(days), max(days))))
    actual = dict(ctx.wh.query(
        f"SELECT {p.partition_column}, {p.expected.measure} FROM {p.table} "
        f"WHERE {p.partition_column} BETWEEN ? AND ? GROUP BY 1", [min(days), max(days)]))
    explained = dict(ctx.wh.query(
        "SELECT game_date, count(*) FROM backcourt_ops.entity_failures WHERE processor = ? "
        "AND game_date BETWEEN ? AND ? GROUP BY 1", [p.name, min(days), max(days)]))
    for d in days:
        exp = ref.get(d, 0) or 0
        got = (actual.get(d, 0) or 0) + explained.get(d, 0)
        if exp and got < exp:
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


def reconcile(ctx, processors: list[Processor], start: date,
              end: date) -> list[Reconciliation]:
    """Per entity and date: a row, an explained failure, or unaccounted for (dates whose
    partition ran; skipped and missing dates are findings of their own)."""
    out = []
    for p in processors:
        if p.expected is None or p.expected.entities_sql is None \
                or not ctx.wh.table_exists(p.table):
            continue
        ran = [d for (_, d), st in ctx.ledger.latest([p.name], start, end).items()
               if st.status != "skipped"]
        if not ran:
            continue
        entity = p.entity or p.keys[-1]
        days = ", ".join(f"DATE '{d.isoformat()}'" for d in sorted(ran))
        universe = (f"(SELECT * FROM ({render(p.expected.entities_sql, start, end)}) "
                    f"AS z(game_date, entity) WHERE game_date IN ({days}))")
        rows = (f"SELECT game_date, CAST({entity} AS VARCHAR) AS e FROM {p.table} "
                "WHERE game_date BETWEEN ? AND ?")
        failures = ("SELECT game_date, entity_id AS e FROM backcourt_ops.entity_failures "
                    "WHERE processor = ? AND game_date BETWEEN ? AND ?")
        (expected, have, expl) = ctx.wh.query(
            f"""SELECT count(*), count(r.e), count(f.e)
                FROM (SELECT DISTINCT game_date, CAST(u.entity AS VARCHAR) AS e
                      FROM {universe} AS u) AS w
                LEFT JOIN ({rows}) AS r ON r.game_date = w.game_date AND r.e = w.e
                LEFT JOIN ({failures}) AS f ON f.game_date = w.game_date AND f.e = w.e""",
            [start, end, p.name, start, end])[0]
        missing = ctx.wh.query(
            f"""SELECT w.game_date, w.e
                FROM (SELECT DISTINCT game_date, CAST(u.entity AS VARCHAR) AS e
                      FROM {universe} AS u) AS w
                WHERE NOT EXISTS (SELECT 1 FROM ({rows}) AS r
                                  WHERE r.game_date = w.game_date AND r.e = w.e)
                  AND NOT EXISTS (SELECT 1 FROM ({failures}) AS f
                                  WHERE f.game_date = w.game_date AND f.e = w.e)
                ORDER BY 1, 2 LIMIT 50""",
            [start, end, p.name, start, end])
        out.append(Reconciliation(p.name, expected, have, expl, missing))
    return out
