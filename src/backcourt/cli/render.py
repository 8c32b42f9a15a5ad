"""Tables for people: how a run summary, a plan, a status matrix and a validation print."""

from __future__ import annotations

from rich.markup import escape
from rich.table import Table

from backcourt.cli.common import out


def print_summary(summary) -> None:
    t = Table(title=f"run {summary.run_id} ({summary.mode})")
    for c in ("processor", "done", "skipped", "failed", "rows"):
        t.add_column(c, justify="left" if c == "processor" else "right")
    for name, st in summary.per_processor.items():
        t.add_row(name, str(st["succeeded"]), str(st["skipped"]),
                  f"[red]{st['failed']}[/red]" if st["failed"] else "0", str(st["rows"]))
    out.print(t)
    out.print(f"{summary.succeeded} partitions done, {summary.skipped} skipped, "
              f"{summary.failed} failed, {summary.rows} rows in {summary.seconds:.2f}s")
    for f in summary.failures[:20]:
        # the reason's first line whole (a damaged file's names the file and the way out),
        # as text: an engine's message may hold brackets ("[FAILED_READ_FILE…]")
        out.print(f"[red]FAILED[/red] {f.processor} {f.game_date}: {f.category}: "
                  f"{escape(f.message.splitlines()[0][:600])}", soft_wrap=True)
    if len(summary.failures) > 20:
        out.print(f"… and {len(summary.failures) - 20} more (see --json)")
    for b in summary.blocked[:20]:
        out.print(f"[red]BLOCKED[/red] {b['processor']} {b['game_date']}: {b['reason']}")
    if len(summary.blocked) > 20:
        out.print(f"… and {len(summary.blocked) - 20} more blocked (see --json)")
    if summary.blocked:
        out.print(f"{len(summary.blocked)} partitions blocked; fix: "
                  f"[bold]{summary.blocked_fix}[/bold]")
    for w in summary.warnings:
        out.print(f"[yellow]WARNING[/yellow] {w}")


PLAN_STATES = ("run", "done", "missing", "failed", "stale", "skipped", "blocked")


def print_plan(p, registry) -> None:
    counts = p.counts()
    t = Table(title=f"plan {p.start} … {p.end} (reprocess {p.reprocess})")
    t.add_column("processor")
    for c in PLAN_STATES:
        t.add_column(c, justify="right")
    for proc in [*p.sources, *p.processors]:
        c = counts.get(proc.name, {})
        t.add_row(proc.name, *(str(c.get(k, 0)) for k in PLAN_STATES))
    out.print(t)
    for i, stage in enumerate(p.stages(registry), 1):
        names = ", ".join(f"{n} ({len(ds)})" for n, ds in stage)
        out.print(f"stage {i}: {names}")
    shown = 0
    for c in sorted(p.cells.values(), key=lambda c: (c.game_date, c.processor)):
        if (c.run or c.state == "blocked") and shown < 12:
            out.print(f"  {'RUN' if c.run else 'BLOCKED':7} {c.processor} {c.game_date}: "
                      f"{c.reason}")
            shown += 1
    for w in p.warnings:
        out.print(f"[yellow]WARNING[/yellow] {w}")
    out.print(f"{p.to_run} partitions to run, {len(p.blocked)} blocked, "
              f"estimated {p.estimate_seconds():.1f}s")
    for cmd in p.commands():
        out.print(f"run: [bold]{cmd}[/bold]")


_GLYPH = {"done": "[green]●[/green]", "missing": "[yellow]·[/yellow]",
          "failed": "[red]✗[/red]", "stale": "[magenta]◐[/magenta]",
          "skipped": "[blue]○[/blue]", "blocked": "[red]■[/red]"}
STATUS_STATES = ("done", "missing", "failed", "stale", "skipped", "blocked")


def print_status(m) -> None:
    if not m.dates:
        out.print("[yellow]no game dates in this range (nothing scraped or loaded)[/yellow]")
        return
    counts = m.counts()
    t = Table(title=f"status {m.dates[0]} … {m.dates[-1]} ({len(m.dates)} game dates)")
    t.add_column("processor")
    t.add_column("phase", justify="right")
    for c in STATUS_STATES:
        t.add_column(c, justify="right")
    t.add_column("dates (● done · missing ✗ failed ◐ stale ○ skipped ■ blocked)",
                 overflow="fold")
    for p in [*m.sources, *m.processors]:
        c = counts[p.name]
        strip = "".join(_GLYPH[m.cell(p.name, d).state] for d in m.partition_dates(p)[-60:])
        t.add_row(p.name, str(p.phase), *(str(c[k]) for k in STATUS_STATES), strip)
    out.print(t)
    shown = 0
    for p in [*m.sources, *m.processors]:
        for d in m.partition_dates(p):
            cell = m.cell(p.name, d)
            if cell.state in ("failed", "missing", "stale", "blocked") and shown < 15:
                out.print(f"{cell.state.upper():8} {p.name} {d}: {cell.reason}")
                shown += 1
    out.print("[green]complete[/green]" if m.complete else "[red]incomplete[/red]")


_SEVERITY_COLOUR = {"CRITICAL": "bold red", "HIGH": "red", "MEDIUM": "yellow"}


def print_validation(v, strict: bool, details: bool) -> None:
    for f in v.findings:
        shown = ", ".join(d.isoformat() for d in (f.dates if details else f.dates[:5]))
        more = "" if details or len(f.dates) <= 5 else f" … (+{len(f.dates) - 5})"
        out.print(f"[{_SEVERITY_COLOUR[f.severity]}]{f.severity:8}[/] {f.type:14} "
                  f"{f.processor} {len(f.dates)} date(s): {shown}{more}\n"
                  f"         {f.detail[:160]}\n         fix: [bold]{f.fix}[/bold]")
    t = Table(title="contamination of critical fields")
    for c in ("processor", "status", "worst field", "dates < 50 %"):
        t.add_column(c)
    for c in v.contamination:
        field, share = min(c.fields.items(), key=lambda kv: kv[1])
        t.add_row(c.processor, c.status, f"{field} ({share:.1%})",
                  ", ".join(d.isoformat() for d in c.worst_dates[:5]))
    out.print(t)
    if v.reconciliation:
        r = Table(title="reconciliation: every expected entity × date")
        for c in ("processor", "expected", "rows", "explained failures", "unaccounted"):
            r.add_column(c, justify="left" if c == "processor" else "right")
        for x in v.reconciliation:
            r.add_row(x.processor, str(x.expected), str(x.rows), str(x.explained),
                      str(x.expected - x.rows - x.explained))
        out.print(r)
    out.print(f"{len(v.findings)} findings; exit {v.exit_code(strict)}")


def print_preflight(report, start, end) -> None:
    t = Table(title=f"preflight {start} … {end}")
    for c in ("check", "status", "detail"):
        t.add_column(c)
    colour = {"ok": "green", "warn": "yellow", "fail": "red"}
    for c in report.checks:
        t.add_row(c.name, f"[{colour[c.status]}]{c.status}[/]", c.detail)
    out.print(t)
    out.print(f"verdict: {report.verdict}")


def print_phase1(first, quiet: bool = False) -> None:
    """What Phase 1 fetched, with which of the store's sources; failures named."""
    if not quiet:
        used = ", ".join(first.sources) or "none"
        out.print(f"phase 1 ({first.kind} store; sources: {used}): fetched "
                  f"{len(first.dates)} missing game date(s)")
    for source, why in sorted(first.skipped.items()):
        out.print(f"  phase 1 skipped {source}: {why}")
    for what, why in sorted(first.failed.items()):
        out.print(f"  [red]phase 1 failed[/red] {what}: {why}")
    if first.failed:
        out.print("  fix: run the same command again (only what is missing is fetched)")
