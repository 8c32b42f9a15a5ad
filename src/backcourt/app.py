"""The library's operations, as the CLI (and scripts, and tests) call them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from backcourt import ledger_datasets, rawroot
from backcourt.config import Settings
from backcourt.ledger import Ledger
from backcourt.ledger.tables import LEDGER as LEDGER_TABLE
from backcourt.partitions.context import Context
from backcourt.rawstore import RawStore
from backcourt.rawstore.provenance import ProvenanceError as ProvenanceError  # the CLI's
from backcourt.registry import Processor
from backcourt.registry.mode import get_mode
from backcourt.warehouse import engine_paths, open_warehouse
from backcourt.warehouse.base import WarehouseConfigError as WarehouseConfigError  # the CLI's
from backcourt.warehouse.lock import WarehouseBusy as WarehouseBusy  # the CLI catches it
from backcourt.warehouse.lock import WarehouseLock
from backcourt.warehouse.paths import WarehousePathError as WarehousePathError  # the CLI's
from backcourt.warehouse.paths import check_raw_root, check_warehouse_path
from backcourt.warehouse.paths import environment_cause as environment_cause  # the CLI's

if TYPE_CHECKING:   # the runner is imported by the commands that run something
    from backcourt.executor.runner import Progress, RunSummary, Targets

_LOCKS: dict[str, WarehouseLock] = {}   # held by this process until it exits


def open_context(settings: Settings, mode: str = "backfill", command: str = "",
                 wait_s: float = 0.0, switch_raw: bool = False,
                 read_only: bool = False) -> Context:
    """Open the warehouse (taking its lock: one process at a time) and the raw store —
    the one the warehouse was filled from (``switch_raw``: the raw files moved here; with
    ``settings.raw_from_warehouse``, no root given, that recorded one is opened).
    ``read_only``: a read command's — an existing warehouse opened read-only, never
    created (``WarehousePathError`` names an unusable path before anything is made)."""
    engine_paths.check(settings.warehouse, settings.engine)   # named before the lock
    raw, store = settings.raw, None
    if not settings.raw_from_warehouse:   # a root given: named before the warehouse path
        check_raw_root(raw)
        store = RawStore(raw)   # (a remote root's bucket and credentials checked)
    if settings.engine == "duckdb":
        check_warehouse_path(settings.warehouse, read_only)
    if settings.warehouse != ":memory:" and settings.warehouse not in _LOCKS:
        lock = WarehouseLock(settings.warehouse)
        try:
            lock.acquire(command or "backcourt", wait_s)
            _LOCKS[settings.warehouse] = lock
        except OSError:
            if not read_only:
                raise
            # a read-only folder: no lock file can be made there, and nothing can write
    from backcourt.pipeline.catalog import pipeline  # the NBA pipeline

    wh = open_warehouse(settings.warehouse, read_only=read_only, engine=settings.engine,
                        spark_master=settings.spark_master, bq_project=settings.bq_project,
                        bq_location=settings.bq_location, bq_endpoint=settings.bq_endpoint,
                        bq_dataset_prefix=settings.bq_dataset_prefix)
    if settings.engine == "bigquery":
        try:
            ledger_datasets.check(wh, settings.warehouse)   # before the ledger makes a table
        except ledger_datasets.DatasetsMismatch:
            wh.close()
            raise
    from backcourt.rawstore import provenance

    if read_only and not wh.ops.table_exists(LEDGER_TABLE):
        wh.close()
        raise WarehousePathError(
            f"{settings.warehouse}: not a backcourt warehouse (no {LEDGER_TABLE} table: "
            "nothing of backcourt ever ran on it); check --warehouse or BACKCOURT_WAREHOUSE")
    if store is None:   # no root given: the one this warehouse was filled from
        raw = Ledger(wh).fact(rawroot.KEY) or raw
        check_raw_root(raw)
        store = RawStore(raw)
    ctx = Context(wh=wh, store=store, pipeline=pipeline(), mode=get_mode(mode),
                  seed=provenance.sim_seed(store, settings.seed), keep_states=read_only)
    ctx.ledger.alone = settings.warehouse in _LOCKS   # we hold the lock: nothing else runs
    if not read_only:
        ctx.ledger.close_abandoned_runs()
    rawroot.check(ctx.ledger, raw, switch_raw and not read_only)
    if settings.engine == "bigquery" and not read_only:
        ledger_datasets.remember(ctx.ledger, wh)
    return ctx


class RawRootMissing(ValueError):
    pass


class NoGameDates(ValueError):
    """A backfill over a range that holds no game date: nothing asked for exists."""


def require_game_dates(ctx: Context, start: date, end: date) -> None:
    """A range with no game date in the schedule or the raw store is named, not reported
    done (``status`` calls it incomplete too): an empty store or a range outside any
    season."""
    if not ctx.calendar.game_dates(start, end):
        raise NoGameDates(
            f"no game dates between {start} and {end} in the warehouse or the raw store "
            f"{ctx.store.root}: nothing was run. Fetch them first (`backcourt backfill "
            f"--start {start} --end {end} --phases 1-5`), or pick a range inside a season")


def require_raw_root(ctx: Context) -> None:
    """A run that reads raw files without fetching them (no Phase 1): a local raw root that
    does not exist (a typo, a disk not mounted) is named, never read as a store without
    games (nothing to do, exit 0)."""
    import os

    if ctx.store.is_local and not os.path.isdir(ctx.store.root):
        raise RawRootMissing(
            f"raw root {ctx.store.root}: does not exist (check --raw / BACKCOURT_RAW; a new "
            "store is filled by Phase 1: `backcourt scrape`, or a backfill with --phases 1-5)")


def warehouse_readable(settings: Settings) -> bool:
    """Whether the warehouse exists and can be opened for reading (preflight asks before
    opening: a warehouse not created yet is not created by a read command)."""
    if settings.engine != "duckdb":
        return True
    try:
        check_warehouse_path(settings.warehouse, read_only=True)
    except WarehousePathError:
        return False
    return True


def require_warehouse(settings: Settings) -> None:
    """A command that changes an existing warehouse (an alias, a release, a breaker reset)
    never creates one: a mistyped path is ``WarehousePathError``, naming it."""
    if settings.engine == "duckdb":
        check_warehouse_path(settings.warehouse, read_only=True)


def request_stop() -> None:
    """A signal asked this process to stop: the run in progress stops at once (what
    finished is recorded) instead of recording the interrupted statement as a failure."""
    from backcourt.executor.runner import STOP

    STOP.set()


def release_locks() -> None:
    """Let another process have the warehouses this process opened."""
    for lock in _LOCKS.values():
        lock.release()
    _LOCKS.clear()


def select(ctx: Context, phases: Iterable[int] | None = None,
           names: Iterable[str] | None = None) -> list[Processor]:
    return ctx.registry.select(phases=phases, names=names)


def select_sources(ctx: Context, phases: Iterable[int] | None = None):
    """The Phase 1 sources of the phases asked for explicitly (none by default: asking a
    source for its dates may cost a simulator's import)."""
    return ctx.registry.sources_in(phases) if phases else []


def run(ctx: Context, processors: list[Processor], start: date, end: date, command: str,
        targets: Targets | None = None, progress: Progress | None = None,
        workers: int = 1, blocked=None) -> RunSummary:
    """One recorded run: a row in the runs table, attempts in the ledger. ``blocked``: the
    plan being run — its blocked partitions (the run could not do them: they make it not
    ok), and its state pass, which the runner asks what is ready."""
    rawroot.remember(ctx.ledger, ctx.store.root_url)
    run_id = ctx.ledger.start_run(command, ctx.mode.name, start, end,
                                  [p.name for p in processors])
    from backcourt.executor.runner import RunSummary, run_processors

    summary = RunSummary(run_id=run_id, mode=ctx.mode.name)
    try:
        summary = run_processors(ctx, processors, start, end, run_id, targets, progress,
                                 workers, getattr(blocked, "states", None))
    except KeyboardInterrupt:   # (SIGTERM too, in the CLI): the ledger counts what finished
        ctx.ledger.finish_run(run_id, "interrupted", {"run_id": run_id, "mode": ctx.mode.name})
        raise
    if blocked is not None:
        summary.add_blocked(blocked.blocked, blocked.blocked_fix())
        summary.warnings = list(blocked.warnings)
    ctx.ledger.finish_run(run_id, "succeeded" if summary.ok else "failed", summary.as_dict())
    return summary


def backfill(ctx: Context, processors: list[Processor], start: date, end: date,
             command: str, reprocess: str = "stale", progress: Progress | None = None,
             on_plan=None, workers: int = 1):
    """Plan, then run exactly the plan (lookback and downstream closures included)."""
    from backcourt.planner import make_plan

    plan = make_plan(ctx, processors, start, end, reprocess)
    if on_plan is not None:
        on_plan(plan)
    targets = plan.targets()
    span = plan.span or (start, end)
    chosen = [p for p in plan.processors if p.name in targets]
    summary = run(ctx, chosen, min(span[0], start), max(span[1], end), command,
                  targets=targets, progress=progress, workers=workers,
                  blocked=plan)
    return plan, summary


def backfill_phases(ctx: Context, phases: list[int], start: date, end: date, command: str,
                    seed: int, reprocess: str = "stale", progress: Progress | None = None,
                    on_plan=None, workers: int = 1, on_scraped=None,
                    sources: list[str] | None = None):
    """A backfill by phases: Phase 1 (the store's own sources, or ``sources``: the dates
    whose raw files are not complete) when it is asked for, then the plan of the
    processors' phases. Returns (Phase 1's result or None, plan, summary). ``ValueError``
    for a phase the registry does not have or a bad ``reprocess``;
    ``provenance.ProvenanceError`` for a source of the other kind than the store's."""
    missing = [p for p in phases if p not in ctx.registry.phases]
    if missing:
        raise ValueError(f"phase(s) {missing} have no processors yet")
    if 1 not in phases:   # (Phase 1 makes a new store)
        require_raw_root(ctx)
    from backcourt.planner import REPROCESS

    if reprocess not in REPROCESS:
        raise ValueError(f"--reprocess {reprocess}: expected one of {', '.join(REPROCESS)}")
    first = (phase1(ctx, start, end, seed, on_scraped, sources)
             if ctx.registry.sources_in(phases) else None)
    wanted = [p for p in phases if p in ctx.registry.processor_phases]
    processors = select(ctx, wanted) if wanted else []   # (no phase selects every one)
    if processors:
        ctx.refresh_calendar()
        require_game_dates(ctx, start, end)
    plan, summary = backfill(ctx, processors, start, end, command, reprocess, progress,
                             on_plan, workers)
    return first, plan, summary


def daily(ctx: Context, day: date, seed: int, command: str,
          progress: Progress | None = None, on_plan=None, workers: int = 1):
    """The nightly job for one date: fetch it (Phase 1, with the store's own sources), then
    Phases 2-5 for it in daily mode. Only daily mode emits downstream-trigger events. Its
    plan runs first what the date's windows need (earlier dates' partitions whose raw files
    are there); what cannot be produced is blocked, named, and makes the run fail. A date
    too far behind the newest game date is refused (the mode's ``date_too_old_days``):
    old dates are backfilled."""
    refuse_old_date(ctx, day)
    scraped = phase1(ctx, day, day, seed)
    plan, summary = backfill(ctx, select(ctx, ctx.registry.processor_phases),
                             day, day, command, "stale", progress, on_plan, workers)
    return scraped, plan, summary


def grade_report(ctx: Context, start: date, end: date) -> dict:
    """How each prediction system did over a range (Phase 5's report)."""
    from backcourt.pipeline.phase5.report import report

    return report(ctx.wh, start, end)


def unresolved_names(ctx: Context) -> list:
    """Player names Phase 2 could not resolve (with the alias that resolves one, if any)."""
    from backcourt.pipeline.phase2 import aliases

    return aliases.unresolved(ctx.wh, ctx.store)


def add_alias(ctx: Context, name: str, player_id: int):
    """An alias for a published player name: returns it and, per source, the dates holding
    the name (now stale). ``ValueError`` for an unknown player id or a bad name."""
    from backcourt.pipeline.phase2 import aliases

    return aliases.add(ctx.store, name, player_id, ctx.wh)


class DateTooOld(ValueError):
    pass


def refuse_old_date(ctx: Context, day: date) -> None:
    limit, newest = ctx.mode.date_too_old_days, ctx.calendar.newest_with_data
    if limit is None or newest is None or (newest - day).days <= limit:
        return
    raise DateTooOld(
        f"{day} is {(newest - day).days} days before the newest game date with data "
        f"({newest}); {ctx.mode.name} mode takes dates at most {limit} days back. For old "
        f"dates run: backcourt backfill --start {day} --end {day} --phases 1-5")


def entity_breakers(ctx: Context):
    """The per-entity circuit breakers, with daily mode's thresholds (only daily trips them)."""
    from backcourt.ledger.breakers import EntityBreakers

    return EntityBreakers(ctx.ledger, get_mode("daily"))


def parse_phases(spec: str) -> list[int]:
    """'1-3' → [1, 2, 3]; '2,4' → [2, 4] (which exist is the registry's to say)."""
    out: set[int] = set()
    try:
        for part in spec.split(","):
            part = part.strip()
            if "-" in part:
                lo, hi = part.split("-", 1)
                out.update(range(int(lo), int(hi) + 1))
            elif part:
                out.add(int(part))
    except ValueError:
        out = set()
    if not out or min(out) < 1:
        raise ValueError(f"phases '{spec}': expected phase numbers like '1-3' or '2,3'")
    return sorted(out)


@dataclass
class Phase1Result:
    """What a backfill's Phase 1 fetched, with the store's own sources."""

    kind: str | None                                       # simulated | real | None (empty)
    sources: list[str] = field(default_factory=list)      # the sources that ran
    dates: list[date] = field(default_factory=list)       # dates written
    failed: dict[str, str] = field(default_factory=dict)  # what failed, and why
    skipped: dict[str, str] = field(default_factory=dict)  # source -> why it did not run

    @property
    def ok(self) -> bool:
        return not self.failed

    def as_dict(self) -> dict:
        return {"kind": self.kind, "sources": self.sources,
                "dates": [d.isoformat() for d in self.dates], "failed": self.failed,
                "skipped": self.skipped}


def phase1(ctx: Context, start: date, end: date, seed: int, on_date=None,
           sources: list[str] | None = None) -> Phase1Result:
    """Phase 1 of a backfill: fetch what is missing with ``sources`` — by default the
    sources that wrote the store. A store of simulated data (or an empty one) is simulated
    into; a store of real data is never simulated into (real and simulated games would be
    merged): its own network sources fetch their missing files (``odds`` only with an API
    key in the environment, else named as not run), and files imported by hand are the
    user's to add. A source
    of the other kind than the store's raises ``provenance.ProvenanceError``."""
    from backcourt.rawstore import provenance

    prov = provenance.read(ctx.store)
    if sources is None:
        sources = (["sim"] if prov.kind != provenance.REAL
                   else [s for s in provenance.SOURCE_KINDS if s in prov.sources])
    unknown = [s for s in sources if s not in provenance.SOURCE_KINDS]
    if unknown or ("sim" in sources and len(sources) > 1):
        raise ValueError(f"Phase 1 sources {sources}: choose sim, or nba and/or odds")
    if sources == ["sim"]:
        provenance.claim(ctx.store, "sim")   # refuses a store of real data
        days = scrape_missing(ctx, start, end, seed, on_date)
        return Phase1Result(provenance.SIMULATED, ["sim"], days)
    for source in sources:
        provenance.claim(ctx.store, source)   # before any request
    result = Phase1Result(provenance.REAL)
    written: set[date] = set()

    def tick(day: date, _status: str) -> None:
        if on_date:
            on_date(day)

    if "nba" in sources:
        from backcourt.sources import nba

        got = nba.fetch(ctx.store, start, end, on_date=tick)
        result.sources.append("nba")
        written.update(got.dates)
        result.failed.update({f"nba {k}": v for k, v in got.failed.items()})
    if "odds" in sources:
        from backcourt.sources import odds
        from backcourt.sources.odds import key as odds_key

        try:
            key = odds_key.api_key()
        except odds_key.KeyConfigError as exc:
            key, result.failed["odds"] = None, f"not run: {exc}"
        if not key:
            result.failed.setdefault(
                "odds", f"not run: no API key ({odds_key.where_to_put_it()})")
        else:
            got = odds.fetch(ctx.store, start, end, key, on_date=tick)
            result.sources.append("odds")
            written.update(got.dates)
            result.failed.update({f"odds {k}": v for k, v in got.failed.items()})
            if got.stopped:
                result.failed["odds"] = f"stopped: {got.stopped}"
    if "import" in sources and not result.sources:
        result.skipped["import"] = "imported files: add more with `backcourt import`"
    result.dates = sorted(written)
    if written:
        ctx.refresh_calendar()
    return result


def scrape_missing(ctx: Context, start: date, end: date, seed: int,
                   on_date=None) -> list[date]:
    """Phase 1 with the simulator: the registry's ``sim`` source writes the dates of
    [start, end] whose raw files are not complete (the plan of that source). ``seed``
    becomes the context's."""
    from backcourt.planner import make_plan

    ctx.seed = seed
    sim = [s for s in ctx.registry.sources if s.name == "sim"]
    plan = make_plan(ctx, [], start, end, "missing", sources=sim)
    targets = plan.targets()
    fetched: list[date] = []
    for src in plan.sources:
        days = sorted(targets.get(src.name, ()))
        fetch = src.function(src.fetch) if days else None
        for d in days:
            fetch(ctx.store, d, d, seed=seed)
            fetched.append(d)
            if on_date:
                on_date(d)
    if fetched:
        ctx.refresh_calendar()
        ctx.store.refresh()
    return sorted(set(fetched))
