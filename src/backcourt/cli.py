"""The ``backcourt`` command: parses arguments, calls the library, renders with Rich."""

from __future__ import annotations

import sys
from datetime import date
from typing import TYPE_CHECKING, Annotated

import orjson
import typer
from rich.console import Console
from rich.table import Table

from backcourt import app as lib
from backcourt.config import load_settings
from backcourt.rawstore import RawStore
from backcourt.registry.mode import MODES, Mode

if TYPE_CHECKING:   # progress bars are imported by the commands that draw them
    from rich.progress import Progress

cli = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="backcourt: NBA player-points-props pipeline with a trustworthy backfill.")
# a log or a pipe gets lines as wide as they need (Rich's default there is 80 columns,
# which cut processor names short); a terminal keeps its own width
LOG_WIDTH = 200
out = Console(width=None if sys.stdout.isatty() else LOG_WIDTH)
err = Console(stderr=True, width=None if sys.stderr.isatty() else LOG_WIDTH)

Warehouse = Annotated[str | None, typer.Option(
    "--warehouse", help="DuckDB file, or Spark warehouse folder (env BACKCOURT_WAREHOUSE; "
                        "default ./backcourt.duckdb, ./backcourt_spark with --engine spark)")]
EngineOpt = Annotated[str | None, typer.Option(
    "--engine", help="duckdb (embedded, default) or spark (env BACKCOURT_ENGINE; Spark "
                     "master from BACKCOURT_SPARK_MASTER, default local[*])")]
Raw = Annotated[str | None, typer.Option(
    "--raw", help="raw store root, folder or fsspec URL (env BACKCOURT_RAW; default ./raw)")]
Start = Annotated[str, typer.Option("--start", help="first date, YYYY-MM-DD")]
End = Annotated[str, typer.Option("--end", help="last date, YYYY-MM-DD")]
Json = Annotated[bool, typer.Option("--json", help="machine-readable output")]
Wait = Annotated[float, typer.Option(
    "--wait", help="seconds to wait for another process holding the warehouse")]

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _date(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        err.print(f"[red]--{name}: '{value}' is not a date (YYYY-MM-DD)[/red]")
        raise typer.Exit(EXIT_USAGE) from None


def _range(start: str, end: str) -> tuple[date, date]:
    s, e = _date(start, "start"), _date(end, "end")
    if e < s:
        err.print(f"[red]--end {e} is before --start {s}[/red]")
        raise typer.Exit(EXIT_USAGE)
    return s, e


def _settings(warehouse: str | None = None, raw: str | None = None, seed: int | None = None,
              engine: str | None = None):
    try:
        return load_settings(warehouse, raw, seed, engine)
    except ValueError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(EXIT_USAGE) from None


def _open(settings, mode: str = "backfill", wait: float = 0.0):
    from backcourt.warehouse.lock import WarehouseBusy

    try:
        return lib.open_context(settings, mode, " ".join(sys.argv[1:]), wait)
    except WarehouseBusy as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(EXIT_FAILED) from None


def _emit_json(obj: object) -> None:
    sys.stdout.write(orjson.dumps(obj, option=orjson.OPT_INDENT_2, default=str).decode() + "\n")


def _progress() -> Progress:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(TextColumn("{task.description:<32}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=err, transient=False)


class _Bars:
    """Progress for the runner: one bar per processor, and an overall bar once the
    number of planned partitions is known."""

    def __init__(self, bar: Progress):
        self.bar = bar
        self.tasks: dict[str, int] = {}
        self.done: dict[str, int] = {}
        self.overall: int | None = None

    def planned(self, plan) -> None:
        self.overall = self.bar.add_task("overall", total=plan.to_run)

    def __call__(self, p, done: int, total: int) -> None:
        if p.name not in self.tasks:
            self.tasks[p.name] = self.bar.add_task(f"phase {p.phase} {p.name}", total=total)
        self.bar.update(self.tasks[p.name], completed=done)
        self.done[p.name] = done
        if self.overall is not None:
            self.bar.update(self.overall, completed=sum(self.done.values()))


def _per_processor(bar: Progress) -> _Bars:
    return _Bars(bar)


@cli.command()
def scrape(start: Start, end: End,
           source: Annotated[str, typer.Option(help="source: sim (the league simulator)")] = "sim",
           seed: Annotated[int | None, typer.Option(help="simulator seed")] = None,
           raw: Raw = None, json: Json = False) -> None:
    """Phase 1: write raw files for every game date in the range into the raw store."""
    s, e = _range(start, end)
    settings = load_settings(raw=raw, seed=seed)
    if source != "sim":
        err.print(f"[red]unknown source '{source}' (known: sim); real files are dropped "
                  "into the raw store directly[/red]")
        raise typer.Exit(EXIT_USAGE)
    from backcourt.sources import sim

    store = RawStore(settings.raw)
    with _progress() as bar:
        task = bar.add_task("simulating", total=(e - s).days + 1)

        def tick(day: date, files: int) -> None:
            bar.update(task, completed=(day - s).days + 1, description=f"scrape {day}")

        result = sim.scrape(store, s, e, seed=settings.seed, on_date=tick)
        bar.update(task, completed=(e - s).days + 1)
    payload = {"source": source, "seed": settings.seed, "raw": settings.raw,
               "dates": [d.isoformat() for d in result.dates], "files": result.files,
               "seconds": round(result.seconds, 3)}
    if json:
        _emit_json(payload)
    else:
        out.print(f"wrote {result.files} files for {len(result.dates)} game dates "
                  f"into {settings.raw} in {result.seconds:.1f}s")


@cli.command()
def run(start: Start, end: End,
        phase: Annotated[list[int] | None, typer.Option(help="phase(s) to run")] = None,
        processor: Annotated[list[str] | None, typer.Option(help="processor(s) to run")] = None,
        mode: Annotated[str, typer.Option(help="daily | backfill")] = "backfill",
        warehouse: Warehouse = None, engine: EngineOpt = None, raw: Raw = None, json: Json = False,
        wait: Wait = 0.0) -> None:
    """Run processors over a date range (one set-based statement per contiguous range)."""
    s, e = _range(start, end)
    if not phase and not processor:
        err.print("[red]give --phase and/or --processor[/red]")
        raise typer.Exit(EXIT_USAGE)
    if mode not in MODES:
        err.print(f"[red]unknown mode '{mode}' (known: {', '.join(MODES)})[/red]")
        raise typer.Exit(EXIT_USAGE)
    ctx = _open(_settings(warehouse, raw, engine=engine), mode, wait)
    try:
        procs = lib.select(ctx, phase, processor)
    except ValueError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(EXIT_USAGE) from None
    if not procs:
        err.print("[red]no processor matches[/red]")
        raise typer.Exit(EXIT_USAGE)
    with _progress() as bar:
        tick = _per_processor(bar)
        summary = lib.run(ctx, procs, s, e, " ".join(sys.argv), progress=tick)
    if json:
        _emit_json(summary.as_dict())
    else:
        _print_summary(summary)
    raise typer.Exit(EXIT_OK if summary.ok else EXIT_FAILED)


@cli.command()
def backfill(start: Start, end: End,
             phases: Annotated[str, typer.Option(help="phases, e.g. 1-3 or 2,3")] = "1-3",
             seed: Annotated[int | None, typer.Option(help="simulator seed (Phase 1)")] = None,
             reprocess: Annotated[str, typer.Option(
                 help="missing | failed | failed-only | stale | all")] = "stale",
             retry_failed: Annotated[bool, typer.Option(
                 "--retry-failed", help="re-run only failed partitions")] = False,
             workers: Annotated[int, typer.Option(
                 help="processors of a stage run in parallel on this many connections")] = 1,
             warehouse: Warehouse = None,
             engine: EngineOpt = None, raw: Raw = None, json: Json = False,
             wait: Wait = 0.0) -> None:
    """Fill a range: fetch missing raw dates (Phase 1), then run the plan — every partition
    not done and current, with the lookback it needs — phase by phase.
    Interrupted? Run the same command again."""
    s, e = _range(start, end)
    try:
        wanted = lib.parse_phases(phases)
    except ValueError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(EXIT_USAGE) from None
    if retry_failed:
        reprocess = "failed-only"
    settings = _settings(warehouse, raw, seed, engine=engine)
    ctx = _open(settings, "backfill", wait)
    procs = lib.select(ctx, [p for p in wanted if p != 1])
    missing = [p for p in wanted if p != 1 and p not in ctx.registry.phases]
    if missing:
        err.print(f"[red]phase(s) {missing} have no processors yet[/red]")
        raise typer.Exit(EXIT_USAGE)
    scraped: list[date] = []
    with _progress() as bar:
        if 1 in wanted:
            task = bar.add_task("phase 1 (scrape missing)", total=None)

            def on_date(d: date) -> None:
                bar.update(task, advance=1, description=f"phase 1 scrape {d}")

            scraped = lib.scrape_missing(ctx, s, e, settings.seed, on_date)
            bar.update(task, total=len(scraped), completed=len(scraped),
                       description="phase 1 (scrape missing)")
        tick = _per_processor(bar)
        try:
            plan, summary = lib.backfill(ctx, procs, s, e, " ".join(sys.argv), reprocess,
                                         progress=tick, on_plan=tick.planned,
                                         workers=max(1, workers))
        except ValueError as exc:
            err.print(f"[red]{exc}[/red]")
            raise typer.Exit(EXIT_USAGE) from None
    if json:
        _emit_json({"scraped_dates": [d.isoformat() for d in scraped],
                    "planned": plan.to_run, **summary.as_dict()})
    else:
        if 1 in wanted:
            out.print(f"phase 1: scraped {len(scraped)} missing game dates")
        _print_summary(summary)
    raise typer.Exit(EXIT_OK if summary.ok else EXIT_FAILED)


@cli.command()
def daily(date_: Annotated[str, typer.Option("--date", help="the game date, YYYY-MM-DD")],
          seed: Annotated[int | None, typer.Option(help="simulator seed (Phase 1)")] = None,
          workers: Annotated[int, typer.Option(
              help="processors of a stage run in parallel on this many connections")] = 1,
          warehouse: Warehouse = None,
          engine: EngineOpt = None, raw: Raw = None, json: Json = False,
          wait: Wait = 0.0) -> None:
    """The nightly job: scrape the date, run Phases 2-5 for it in daily mode (full checks),
    emit downstream-trigger events. Exit 1 if any partition failed."""
    day = _date(date_, "date")
    settings = _settings(warehouse, raw, seed, engine=engine)
    ctx = _open(settings, "daily", wait)
    with _progress() as bar:
        tick = _per_processor(bar)
        scraped, plan, summary = lib.daily(ctx, day, settings.seed, " ".join(sys.argv), tick,
                                           on_plan=tick.planned,
                                           workers=max(1, workers))
    events = ctx.wh.query("SELECT count(*) FROM backcourt_ops.events WHERE run_id = ?",
                          [summary.run_id])[0][0]
    if json:
        _emit_json({"date": day.isoformat(), "scraped": bool(scraped), "events": events,
                    **summary.as_dict()})
    else:
        out.print(f"daily {day}: scraped {len(scraped)} date(s); {events} downstream events")
        _print_summary(summary)
    raise typer.Exit(EXIT_OK if summary.ok else EXIT_FAILED)


@cli.command()
def preflight(start: Start, end: End,
              warehouse: Warehouse = None,
              engine: EngineOpt = None, raw: Raw = None, json: Json = False) -> None:
    """Is everything ready for a backfill of this range? Environment (warehouse writable,
    tables, raw store, disk) and each phase's readiness. Exit 0 ready, 1 not ready,
    2 ready with warnings."""
    s, e = _range(start, end)
    from backcourt.preflight import preflight as run_preflight

    ctx = _open(_settings(warehouse, raw, engine=engine))
    report = run_preflight(ctx, s, e)
    if json:
        _emit_json(report.as_dict())
    else:
        t = Table(title=f"preflight {s} … {e}")
        for c in ("check", "status", "detail"):
            t.add_column(c)
        colour = {"ok": "green", "warn": "yellow", "fail": "red"}
        for c in report.checks:
            t.add_row(c.name, f"[{colour[c.status]}]{c.status}[/]", c.detail)
        out.print(t)
        out.print(f"verdict: {report.verdict}")
    raise typer.Exit(report.exit_code)


def _print_summary(summary) -> None:
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
        out.print(f"[red]FAILED[/red] {f.processor} {f.game_date}: {f.category}: "
                  f"{f.message.splitlines()[0][:200]}")
    if len(summary.failures) > 20:
        out.print(f"… and {len(summary.failures) - 20} more (see --json)")


@cli.command()
def plan(start: Start, end: End,
         phase: Annotated[list[int] | None, typer.Option(help="phase(s)")] = None,
         processor: Annotated[list[str] | None, typer.Option(help="processor(s)")] = None,
         reprocess: Annotated[str, typer.Option(
             help="missing | failed | failed-only | stale | all")] = "stale",
         warehouse: Warehouse = None,
         engine: EngineOpt = None, raw: Raw = None, json: Json = False) -> None:
    """What a backfill of this range would run, and why: the table × date matrix (done /
    missing / failed / stale / skipped / blocked), stages, estimate, commands.
    Exit 0 when nothing is blocked."""
    s, e = _range(start, end)
    from backcourt.planner import make_plan

    ctx = _open(_settings(warehouse, raw, engine=engine))
    try:
        procs = lib.select(ctx, phase, processor)
        p = make_plan(ctx, procs, s, e, reprocess)
    except ValueError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(EXIT_USAGE) from None
    if json:
        _emit_json(p.as_dict(ctx.registry))
    else:
        _print_plan(p, ctx.registry)
    raise typer.Exit(EXIT_FAILED if p.blocked else EXIT_OK)


def _print_plan(p, registry) -> None:
    counts = p.counts()
    t = Table(title=f"plan {p.start} … {p.end} (reprocess {p.reprocess})")
    t.add_column("processor")
    for c in ("run", "done", "missing", "failed", "stale", "skipped", "blocked"):
        t.add_column(c, justify="right")
    for proc in p.processors:
        c = counts.get(proc.name, {})
        t.add_row(proc.name, *(str(c.get(k, 0)) for k in
                               ("run", "done", "missing", "failed", "stale", "skipped",
                                "blocked")))
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
    out.print(f"{p.to_run} partitions to run, {len(p.blocked)} blocked, "
              f"estimated {p.estimate_seconds():.1f}s")
    for cmd in p.commands():
        out.print(f"run: [bold]{cmd}[/bold]")


@cli.command()
def validate(start: Start, end: End,
             phase: Annotated[list[int] | None, typer.Option(help="phase(s)")] = None,
             processor: Annotated[list[str] | None, typer.Option(help="processor(s)")] = None,
             strict: Annotated[bool, typer.Option(
                 "--strict", help="MEDIUM findings fail too")] = False,
             details: Annotated[bool, typer.Option(
                 "--details", help="list every affected date")] = False,
             reconcile: Annotated[bool, typer.Option(
                 "--reconcile", help="account for every expected entity")] = False,
             warehouse: Warehouse = None,
             engine: EngineOpt = None, raw: Raw = None, json: Json = False) -> None:
    """Find every gap: missing dates, partial data, NULL or zero critical fields, cascades
    from bad upstream data, stale partitions; contamination per table; the fix for each.
    Exit 0 clean, 1 on HIGH/CRITICAL findings (with --strict also on MEDIUM)."""
    s, e = _range(start, end)
    from backcourt.validation import validate as run_validate

    ctx = _open(_settings(warehouse, raw, engine=engine))
    v = run_validate(ctx, lib.select(ctx, phase, processor), s, e, reconcile)
    if json:
        _emit_json(v.as_dict(strict))
    else:
        colour = {"CRITICAL": "bold red", "HIGH": "red", "MEDIUM": "yellow"}
        for f in v.findings:
            shown = ", ".join(d.isoformat() for d in (f.dates if details else f.dates[:5]))
            more = "" if details or len(f.dates) <= 5 else f" … (+{len(f.dates) - 5})"
            out.print(f"[{colour[f.severity]}]{f.severity:8}[/] {f.type:14} {f.processor} "
                      f"{len(f.dates)} date(s): {shown}{more}\n"
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
    raise typer.Exit(v.exit_code(strict))


@cli.command()
def status(start: Start, end: End,
           phase: Annotated[list[int] | None, typer.Option(help="phase(s)")] = None,
           processor: Annotated[list[str] | None, typer.Option(help="processor(s)")] = None,
           warehouse: Warehouse = None,
           engine: EngineOpt = None, raw: Raw = None, json: Json = False) -> None:
    """The table × date matrix: done / missing / failed / stale / skipped.
    Exit 1 unless complete (nothing missing, failed or stale)."""
    s, e = _range(start, end)
    ctx = _open(_settings(warehouse, raw, engine=engine))
    procs = lib.select(ctx, phase, processor)
    from backcourt.status import status_matrix

    m = status_matrix(ctx, procs, s, e)
    if json:
        _emit_json(m.as_dict())
    else:
        _print_status(m)
    raise typer.Exit(EXIT_OK if m.complete and m.dates else EXIT_FAILED)


_GLYPH = {"done": "[green]●[/green]", "missing": "[yellow]·[/yellow]",
          "failed": "[red]✗[/red]", "stale": "[magenta]◐[/magenta]",
          "skipped": "[blue]○[/blue]"}


def _print_status(m) -> None:
    if not m.dates:
        out.print("[yellow]no game dates in this range (nothing scraped or loaded)[/yellow]")
        return
    counts = m.counts()
    t = Table(title=f"status {m.dates[0]} … {m.dates[-1]} ({len(m.dates)} game dates)")
    t.add_column("processor")
    t.add_column("phase", justify="right")
    for c in ("done", "missing", "failed", "stale", "skipped"):
        t.add_column(c, justify="right")
    t.add_column("dates (● done · missing ✗ failed ◐ stale ○ skipped)", overflow="fold")
    for p in m.processors:
        c = counts[p.name]
        strip = "".join(_GLYPH[m.cell(p.name, d).state] for d in m.partition_dates(p)[-60:])
        t.add_row(p.name, str(p.phase), str(c["done"]), str(c["missing"]), str(c["failed"]),
                  str(c["stale"]), str(c["skipped"]), strip)
    out.print(t)
    shown = 0
    for p in m.processors:
        for d in m.partition_dates(p):
            cell = m.cell(p.name, d)
            if cell.state in ("failed", "missing", "stale") and shown < 15:
                out.print(f"{cell.state.upper():8} {p.name} {d}: {cell.reason}")
                shown += 1
    out.print("[green]complete[/green]" if m.complete else "[red]incomplete[/red]")


@cli.command()
def report(start: Start, end: End,
           warehouse: Warehouse = None, engine: EngineOpt = None, json: Json = False) -> None:
    """How each prediction system did: MAE, hit rate on graded picks, picks — over the
    range and its two halves. Exit 1 when nothing is graded in the range."""
    s, e = _range(start, end)
    from backcourt.pipeline.phase5.report import report as grade_report

    ctx = _open(_settings(warehouse, engine=engine))
    body = grade_report(ctx.wh, s, e)
    if json:
        _emit_json(body)
    else:
        t = Table(title=f"prediction systems {s} … {e} "
                        f"(break-even hit rate {body['break_even_hit_rate']:.1%})")
        for c in ("system", "part", "dates", "MAE", "bias", "picks", "graded", "hit rate"):
            t.add_column(c, justify="left" if c in ("system", "part") else "right")
        for name, parts in body["systems"].items():
            for part in ("all", "first_half", "second_half"):
                b = parts.get(part)
                if not b:
                    continue
                t.add_row(name, part.replace("_", " "), str(b["dates"]),
                          f"{b['mae']:.2f}" if b["mae"] is not None else "-",
                          f"{b['bias']:+.2f}" if b["bias"] is not None else "-",
                          str(b["picks"]), str(b["graded_picks"]),
                          f"{b['hit_rate']:.1%}" if b["hit_rate"] is not None else "-")
        out.print(t)
    raise typer.Exit(EXIT_OK if body["systems"] else EXIT_FAILED)


@cli.command()
def runs(run_id: Annotated[str | None, typer.Argument(help="show one run")] = None,
         warehouse: Warehouse = None, engine: EngineOpt = None, json: Json = False) -> None:
    """Past runs, with their original windows; or one run's attempts."""
    ctx = _open(_settings(warehouse, engine=engine))
    if run_id:
        r = ctx.ledger.run(run_id)
        if r is None:
            err.print(f"[red]no run {run_id}[/red]")
            raise typer.Exit(EXIT_FAILED)
        r["attempts"] = ctx.ledger.attempts(run_id)
        if json:
            _emit_json(r)
            return
        out.print(f"run {r['run_id']} {r['mode']} {r['start_date']} … {r['end_date']} "
                  f"{r['status']}  ({r['command']})")
        for a in r["attempts"]:
            if a["status"] != "succeeded":
                out.print(f"  {a['status']:9} {a['processor']} {a['game_date']} "
                          f"{a['failure_category'] or ''} {(a['failure_message'] or '')[:120]}")
        return
    rows = ctx.ledger.runs()
    if json:
        _emit_json(rows)
        return
    t = Table(title="runs")
    for c in ("run_id", "mode", "window", "status", "started", "command"):
        t.add_column(c)
    for r in rows:
        t.add_row(r["run_id"], r["mode"], f"{r['start_date']} … {r['end_date']}", r["status"],
                  str(r["started_at"])[:19], (r["command"] or "")[:60])
    out.print(t)


@cli.command()
def breakers(processor: Annotated[str | None, typer.Option(help="one processor")] = None,
             reset: Annotated[str | None, typer.Option(
                 "--reset", help="close the breaker(s) of this entity id")] = None,
             all_: Annotated[bool, typer.Option("--all", help="close every breaker")] = False,
             warehouse: Warehouse = None, engine: EngineOpt = None, json: Json = False) -> None:
    """Per-entity circuit breakers (daily mode): open ones (the entity is left out until its
    cooldown ends), cooled-down ones (tried again on the next daily run), and entities
    failing in a row. --reset ENTITY or --all closes breakers. Exit 0 when none is open (or
    something was reset), 1 when some are open (or nothing matched --reset)."""
    from backcourt.ledger.ledger import now

    if reset is not None and all_:
        err.print("[red]give --reset ENTITY or --all, not both[/red]")
        raise typer.Exit(EXIT_USAGE)
    ctx = _open(_settings(warehouse, engine=engine))
    try:
        name = ctx.registry.get(processor).name if processor else None
    except ValueError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(EXIT_USAGE) from None
    board, at = lib.entity_breakers(ctx), now()
    if reset is not None or all_:
        closed = board.reset(reset, name)
        if json:
            _emit_json({"reset": [b.as_dict(at) for b in closed]})
        else:
            for b in closed:
                out.print(f"reset {b.processor} {b.entity_id} (tripped "
                          f"{b.tripped_at:%Y-%m-%d %H:%M} UTC, {b.failures} failures)")
            if not closed:
                err.print(f"[red]no breaker for {reset or 'any entity'}"
                          f"{' of ' + name if name else ''}[/red]")
        raise typer.Exit(EXIT_OK if closed else EXIT_FAILED)
    listed = board.breakers(name)
    streaks = board.streaks(name)
    n_open = sum(b.is_open(at) for b in listed)
    if json:
        _emit_json({"open": n_open, "breakers": [b.as_dict(at) for b in listed],
                    "failing": [{"processor": s.processor, "entity_id": s.entity_id,
                                 "failures": s.failures, "category": s.last_category,
                                 "trips_at": board.after} for s in streaks]})
    else:
        t = Table(title="entity circuit breakers (daily mode)")
        for c in ("processor", "entity", "state", "tripped (UTC)", "until (UTC)", "failures",
                  "last failure"):
            t.add_column(c)
        for b in listed:
            t.add_row(b.processor, b.entity_id,
                      "[red]open[/red]" if b.is_open(at) else "cooled down",
                      f"{b.tripped_at:%Y-%m-%d %H:%M}", f"{b.until:%Y-%m-%d %H:%M}",
                      str(b.failures), f"{b.game_date} {b.category}")
        for s in streaks:
            t.add_row(s.processor, s.entity_id, "failing", "", "",
                      f"{s.failures} of {board.after}", str(s.last_category))
        out.print(t)
        out.print(f"{n_open} open, {len(listed) - n_open} cooled down, {len(streaks)} failing")
    raise typer.Exit(EXIT_FAILED if n_open else EXIT_OK)


@cli.command()
def modes(json: Json = False) -> None:
    """The behaviors that differ between daily and backfill mode."""
    fields = [f for f in Mode.model_fields if f != "name"]
    if json:
        _emit_json({n: m.model_dump() for n, m in MODES.items()})
        return
    t = Table(title="modes")
    t.add_column("behavior")
    for n in MODES:
        t.add_column(n)
    for f in fields:
        desc = Mode.model_fields[f].description or f
        t.add_row(desc, *(str(getattr(m, f)) for m in MODES.values()))
    out.print(t)


app = cli

if __name__ == "__main__":
    cli()
