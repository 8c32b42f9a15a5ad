"""Run processors over a date range: stage by stage, contiguous dates in one statement.

For each processor: bootstrap dates are recorded as skipped, dates the state pass says are
not ready (``States.ready``: an upstream partition in a window not there or not good, raw
files absent) are recorded as failed (MISSING_DEPENDENCY), and the rest run in batches of
consecutive game dates; after each stage the pass re-reads what the stage recorded. Each
batch replaces its partitions, runs the blocking checks and writes its ledger rows in one
transaction.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import date

from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_exponential

from backcourt.checks.partition import run_checks, stats_measures
from backcourt.error_lines import failure_reason
from backcourt.ledger import FAILED, SKIPPED, SUCCEEDED, Attempt, PartitionState
from backcourt.ledger.breakers import EntityBreakers
from backcourt.ledger.ledger import (
    BAD_RAW_INPUT,
    CHECK_FAILED,
    CIRCUIT_BREAKER_ACTIVE,
    INSUFFICIENT_DATA,
    MISSING_DEPENDENCY,
    PROCESSING_ERROR,
    now,
)
from backcourt.partitions.context import Context
from backcourt.partitions.state import States, run_pass
from backcourt.registry import Processor
from backcourt.registry.commands import backfill_command
from backcourt.registry.templating import absent_tables, render

Progress = Callable[[Processor, int, int], None]


@dataclass
class Failure:
    processor: str
    game_date: date
    category: str
    message: str


@dataclass
class RunSummary:
    run_id: str
    mode: str
    succeeded: int = 0
    skipped: int = 0
    failed: int = 0
    rows: int = 0
    seconds: float = 0.0
    failures: list[Failure] = field(default_factory=list)
    per_processor: dict[str, dict[str, float]] = field(default_factory=dict)
    # daily mode: breakers tripped by this run; entities left out as CIRCUIT_BREAKER_ACTIVE
    breakers_tripped: list[dict] = field(default_factory=list)
    breaker_skipped: dict[str, int] = field(default_factory=dict)
    # partitions the plan could not run (what they need cannot be produced), and the fix
    blocked: list[dict] = field(default_factory=list)
    blocked_fix: str | None = None
    warnings: list[str] = field(default_factory=list)   # the plan's (stale upstream read)

    @property
    def ok(self) -> bool:
        """Everything asked for is done: nothing failed and nothing was left blocked."""
        return self.failed == 0 and not self.blocked

    def add_blocked(self, cells, fix: str | None) -> None:
        self.blocked = [{"processor": c.processor, "game_date": c.game_date.isoformat(),
                         "reason": c.reason} for c in cells]
        self.blocked_fix = fix

    def add(self, attempts: list[Attempt]) -> None:
        for a in attempts:
            stats = self.per_processor.setdefault(
                a.processor, {"succeeded": 0, "skipped": 0, "failed": 0, "rows": 0})
            stats[a.status] += 1
            stats["rows"] += a.rows_written
            self.rows += a.rows_written
            if a.status == SUCCEEDED:
                self.succeeded += 1
            elif a.status == SKIPPED:
                self.skipped += 1
            else:
                self.failed += 1
                self.failures.append(Failure(a.processor, a.game_date,
                                             a.failure_category or "", a.failure_message or ""))

    def as_dict(self) -> dict:
        return {
            "run_id": self.run_id, "mode": self.mode, "ok": self.ok,
            "succeeded": self.succeeded, "skipped": self.skipped, "failed": self.failed,
            "rows": self.rows, "seconds": round(self.seconds, 3),
            "per_processor": self.per_processor,
            "entity_breakers": {"tripped": self.breakers_tripped,
                                "skipped": self.breaker_skipped},
            "blocked": {"count": len(self.blocked), "partitions": self.blocked,
                        "fix": self.blocked_fix},
            "warnings": self.warnings,
            "failures": [{"processor": f.processor, "game_date": f.game_date.isoformat(),
                          "category": f.category, "message": f.message}
                         for f in self.failures],
        }


def contiguous_batches(days: list[date], calendar_days: list[date]) -> list[list[date]]:
    """Split target dates into runs of consecutive partitions (no skipped partition inside)."""
    pos = {d: i for i, d in enumerate(calendar_days)}
    batches: list[list[date]] = []
    for d in sorted(days):
        if batches and d in pos and batches[-1][-1] in pos and \
                pos[d] == pos[batches[-1][-1]] + 1:
            batches[-1].append(d)
        else:
            batches.append([d])
    return batches


Targets = dict[str, set[date]]


# set when the process is asked to stop (SIGTERM, Ctrl-C): a statement the engine
# interrupted for it is a stop, not a processing error, and no further batch starts
STOP = threading.Event()


def run_processors(ctx: Context, processors: list[Processor], start: date, end: date,
                   run_id: str, targets: Targets | None = None,
                   progress: Progress | None = None, workers: int = 1,
                   states: States | None = None) -> RunSummary:
    """Run ``processors`` over their partitions in [start, end] (or only ``targets[name]``,
    as the planner chose them). ``states``: the state pass of the plan being run (its
    ledger part is read here otherwise); what is ready to run is asked of it."""
    STOP.clear()
    t0 = time.perf_counter()
    ctx.store.refresh()
    summary = RunSummary(run_id=run_id, mode=ctx.mode.name)
    if states is None or not states.covers(ctx, start, end):
        states = run_pass(ctx, start, end)
    stages = ctx.registry.stages(processors)
    # loaders' work ahead starts after the last stage with another Python loader: those may
    # fork worker processes, and a process must not fork while one of its threads works
    # (the child inherits locks held mid-operation: it can crash or hang)
    ahead_at = 1 + max((k for k, stage in enumerate(stages)
                        for p in stage if p.loader and _prepare_hook(ctx, p) is None),
                       default=-1)

    def one(c: Context, p: Processor) -> tuple[Processor, list[Attempt], float]:
        only = None if targets is None else targets.get(p.name, set())
        t1 = time.perf_counter()
        attempts = run_one(c, p, start, end, run_id, only, progress, states)
        return p, attempts, time.perf_counter() - t1

    extra_tables = list(ctx.pipeline.extra_tables())
    ahead: list[Future] = []
    try:
        for k, stage in enumerate(stages):
            if k == ahead_at:
                ahead = prepare_loaders(ctx, processors, start, end, targets)
            _run_stage(ctx, stage, one, workers, states, extra_tables, run_id, summary,
                       last=k == len(stages) - 1)
    finally:   # no work ahead outlives its run (the next run's Phase 2 may fork)
        wait(ahead)
    if ctx.mode.circuit_breakers and any(p.entity for p in processors):
        breakers = EntityBreakers(ctx.ledger, ctx.mode)
        summary.breakers_tripped = [b.as_dict(b.tripped_at) for b in breakers.tripped_in(run_id)]
        summary.breaker_skipped = breakers.skipped_in(run_id)
    summary.seconds = time.perf_counter() - t0
    return summary


def _run_stage(ctx: Context, stage: list[Processor], one, workers: int,
               states: States, extra_tables: list[str], run_id: str,
               summary: RunSummary, last: bool = False) -> None:
    if workers > 1 and len(stage) > 1:
        # processors of a stage read only earlier stages: each on its own connection
        forks = [ctx.fork() for _ in stage]   # opened here, used in the threads
        with ThreadPoolExecutor(max_workers=workers) as pool:
            done = list(pool.map(one, forks, stage))
    else:
        done = [one(ctx, p) for p in stage]
    if not last:   # what the next stages read, as it is now
        states.wrote(ctx, stage, extra_tables)
    for p, attempts, seconds in done:
        summary.add(attempts)
        if ctx.mode.downstream_triggers:  # never in backfill mode
            ctx.ledger.emit_ready(run_id, p.name, p.phase,
                                  [a.game_date for a in attempts if a.status == SUCCEEDED])
        if ctx.mode.alerts == "notify":   # backfill: the run summary lists them
            ctx.ledger.emit_alerts(run_id, p.name, p.phase,
                                   [a for a in attempts if a.status == FAILED])
        if p.name in summary.per_processor:
            summary.per_processor[p.name]["seconds"] = round(seconds, 3)
    if any(p.table in (ctx.pipeline.calendar.schedule_table,
                       ctx.pipeline.calendar.planned_table) for p in stage):
        ctx.refresh_calendar()


def _prepare_hook(ctx: Context, p: Processor):
    """The ``prepare`` hook of ``p``'s Python loader, if it has one."""
    return getattr(ctx.pipeline.loader(p.loader), "prepare", None) if p.loader else None


def prepare_loaders(ctx: Context, processors: list[Processor], start: date, end: date,
                    targets: Targets | None) -> list[Future]:
    """Tell each Python loader with a ``prepare`` hook what it will load and what the run
    writes before it (per table), so that it can start work that nothing in the run
    changes (Phase 5 trains a daily run's week while Phases 3–4 run). Returns the work
    started (the run waits for it before it ends)."""
    def days_of(p: Processor) -> list[date]:
        return [d for d in ctx.partitions(p, start, end)
                if targets is None or d in targets.get(p.name, ())]

    writes: dict[str, list[date]] = {}
    started: list[Future] = []
    for p in processors:
        days = days_of(p)
        prepare = _prepare_hook(ctx, p)
        if prepare is not None and (future := prepare(ctx, p, days, writes)) is not None:
            started.append(future)
        writes.setdefault(p.table, []).extend(days)
    return started


def run_one(ctx: Context, p: Processor, start: date, end: date, run_id: str,
            dates: set[date] | None = None, progress: Progress | None = None,
            states: States | None = None) -> list[Attempt]:
    targets = [d for d in ctx.partitions(p, start, end) if dates is None or d in dates]
    code_fp = ctx.pipeline.code_fingerprint(p)
    attempts: list[Attempt] = []
    if not targets:
        return attempts
    if states is None:
        states = run_pass(ctx, min(targets), max(targets))
    ready = states.ready(ctx, p, targets)
    total = len(targets)
    done = 0

    # bootstrap: too little history at the start of a season — skipped, not failed
    runnable: list[date] = []
    for d in targets:
        if p.bootstrap_days and ctx.calendar.days_into_season(d) < p.bootstrap_days:
            attempts.append(Attempt(p.name, d, SKIPPED, code_fingerprint=code_fp,
                                    failure_category=INSUFFICIENT_DATA,
                                    failure_message=f"bootstrap: first {p.bootstrap_days} "
                                                    "days of the season"))
        else:
            runnable.append(d)

    go: list[date] = []
    for d in runnable:
        r = ready[d]
        if r.blocked:
            attempts.append(Attempt(p.name, d, FAILED, input_fingerprint=r.fingerprint,
                                    code_fingerprint=code_fp,
                                    failure_category=r.category,
                                    failure_message=r.blocked))
        else:
            go.append(d)
    absent = absent_raw(ctx, p, go, {d: ready[d].fingerprint for d in go}, code_fp)
    attempts.extend(absent.values())
    go = [d for d in go if d not in absent]
    if attempts:
        ctx.ledger.record(run_id, ctx.mode.name, attempts)
    done += len(attempts)
    if progress:
        progress(p, done, total)

    all_days = ctx.partitions(p, min(targets), max(targets))
    broken = 0  # consecutive batches that crashed: the processor's circuit breaker
    for batch in contiguous_batches(go, all_days):
        if STOP.is_set():
            raise KeyboardInterrupt("stopped by a signal")
        if broken >= ctx.mode.breaker_after:
            batch_attempts = [Attempt(
                p.name, d, FAILED, input_fingerprint=ready[d].fingerprint,
                code_fingerprint=code_fp, failure_category=CIRCUIT_BREAKER_ACTIVE,
                failure_message=f"not attempted: {broken} batches of {p.name} failed in a "
                                "row in this run (see their PROCESSING_ERROR)") for d in batch]
            ctx.ledger.record(run_id, ctx.mode.name, batch_attempts)
        else:
            batch_attempts = run_batch(ctx, p, batch, run_id, code_fp,
                                       {d: ready[d].fingerprint for d in batch},
                                       states.latest)
            crashed = all(a.failure_category == PROCESSING_ERROR for a in batch_attempts)
            broken = broken + 1 if crashed else 0
        attempts.extend(batch_attempts)
        done += len(batch)
        if progress:
            progress(p, done, total)
    return attempts


ABSENT_OPTIONAL = "ABSENT_OPTIONAL_INPUT"


def absent_raw(ctx: Context, p: Processor, days: list[date], input_fps: dict[date, str],
               code_fp: str) -> dict[date, Attempt]:
    """Dates whose raw folders are all absent, for a loader that may load nothing
    (``allow_empty``). Missing is never empty: a date that holds rows keeps them (the
    attempt fails, naming the folder); one that holds none is recorded as an absent
    optional input when every raw input is optional — an explicit state, re-run when files
    arrive (its input fingerprint moves) — and is otherwise left to the checks."""
    raws = [i for i in p.inputs if i.is_raw]
    if not (p.loader and p.allow_empty and raws and days):
        return {}
    present: set[date] = set()
    for i in raws:
        present |= set(ctx.store.dates_with_files(i.raw_source, days))
    gone = [d for d in days if d not in present]
    if not gone:
        return {}
    have = ctx.wh.counts_by_date(p.table, min(gone), max(gone), p.partition_column)
    folders = ", ".join(f"{i.raw_source}/{{d}}" for i in raws)
    optional = not any(i.required for i in raws)
    out: dict[date, Attempt] = {}
    for d in gone:
        where = folders.format(d=d.isoformat())
        if have.get(d, 0):
            out[d] = Attempt(p.name, d, FAILED, input_fingerprint=input_fps[d],
                             code_fingerprint=code_fp, failure_category="MISSING_DEPENDENCY",
                             failure_message=(
                                 f"no raw files in {where}: its {have[d]} rows are kept (an "
                                 "absent folder never replaces rows); restore or re-fetch "
                                 "the files, then run again"))
        elif optional:
            out[d] = Attempt(p.name, d, SKIPPED, input_fingerprint=input_fps[d],
                             code_fingerprint=code_fp, failure_category=ABSENT_OPTIONAL,
                             failure_message=f"no raw files in {where}: an optional input, "
                                             "absent (what reads it is flagged)")
    return out


def kept_partial(ctx: Context, p: Processor, held: dict[date, str],
                 input_fps: dict[date, str], code_fp: str, started) -> list[Attempt]:
    """Failed attempts for the dates a loader would not load because some of their raw
    files are missing: their partitions keep what they hold, and the fix fetches the
    files (Phase 1) and runs everything after it."""
    if not held:
        return []
    have = ctx.wh.counts_by_date(p.table, min(held), max(held), p.partition_column)
    last = max(x.phase for x in ctx.registry.order())
    return [Attempt(p.name, d, FAILED, input_fingerprint=input_fps[d], code_fingerprint=code_fp,
                    started_at=started, finished_at=now(),
                    failure_category=MISSING_DEPENDENCY,
                    failure_message=(f"{why}: its {have.get(d, 0)} rows are kept (a partial "
                                     "date never replaces rows); fetch the files: "
                                     f"{backfill_command(d, d, 1, last)}"))
            for d, why in sorted(held.items())]


def run_batch(ctx: Context, p: Processor, batch: list[date], run_id: str, code_fp: str,
              input_fps: dict[date, str],
              latest: dict[tuple[str, date], PartitionState] | None = None) -> list[Attempt]:
    started = now()
    attempts: list[Attempt] = []
    bad_input: dict[date, list[str]] = {}

    explained: dict[date, int] = {}
    # daily mode: entities whose circuit breaker is open are left out, explained
    breakers = entity_breakers(ctx, p)
    skip = breakers.open_for(p.name, started) if breakers else {}

    held: dict[date, str] = {}   # dates the loader would not load: raw files missing

    def finish(counts: dict[date, int]) -> None:
        days = [d for d in batch if d not in held]
        if p.entity:
            explained.update(ctx.ledger.replace_entity_failures(
                run_id, p.name, batch, EntityBreakers.failures_sql(p.entity, "_batch", skip)))
        failures = run_checks(ctx.wh, p, days, counts, ctx.mode.expected_ratio, explained,
                              ctx.mode.entity_completeness_check) if days else {}
        attempts.extend(kept_partial(ctx, p, held, {d: input_fps[d] for d in held}, code_fp,
                                     started))
        for d in days:
            problems = []
            category = None
            if d in bad_input:
                problems.append("quarantined: " + " | ".join(bad_input[d]))
                category = BAD_RAW_INPUT
            if d in failures:
                gone = [t for t, ds in absent.items() if d in ds]
                problems.append(failures[d] + (
                    f" (optional inputs absent that day: {', '.join(gone)})"
                    if gone and not counts.get(d, 0) else ""))
                category = category or CHECK_FAILED
            attempts.append(Attempt(
                p.name, d, FAILED if problems else SUCCEEDED, rows_written=counts.get(d, 0),
                input_fingerprint=input_fps[d], code_fingerprint=code_fp, started_at=started,
                finished_at=now(), failure_category=category,
                failure_message="; ".join(problems) or None))
        ctx.ledger.record(run_id, ctx.mode.name, attempts)

    absent = absent_inputs(ctx, p, batch, latest)
    ensure_input_tables(ctx, p, batch[0])
    # what the checks will ask of the written dates, told to the write ahead
    measures = stats_measures(p) if p.checks or p.expected is not None else ()

    def execute() -> None:
        attempts.clear()
        bad_input.clear()
        explained.clear()
        if p.sql is not None and p.entity:
            cols = ctx.wh.materialize("_batch", render(p.sql, min(batch), max(batch), absent))
            for c in ("failure_category", "failure_reason"):
                cols.pop(c)
            ctx.wh.ensure_table(p.table, cols)
            keep = EntityBreakers.keep_sql(p.entity, skip)
            good = (f"SELECT {', '.join(chr(34) + c + chr(34) for c in cols)} FROM _batch "
                    f"WHERE failure_category IS NULL AND {keep}")
            ctx.wh.replace_partitions(p.table, batch, good, p.partition_column, also=finish,
                                      measures=measures)
        elif p.sql is not None:
            sql = render(p.sql, min(batch), max(batch), absent)
            ctx.wh.ensure_table(p.table, ctx.wh.result_columns(sql))
            ctx.wh.replace_partitions(p.table, batch, sql, p.partition_column, also=finish,
                                      measures=measures)
        else:
            loader = ctx.pipeline.loader(p.loader)
            loaded = loader.load(ctx, p, batch, run_id)
            bad_input.update(loaded.bad_files)
            held.clear()
            held.update(getattr(loaded, "incomplete", None) or {})
            ctx.wh.ensure_table(p.table, p.columns)

            def finish_with_extras(counts: dict[date, int]) -> None:
                loaded.write_extras(ctx.wh)
                finish(counts)

            write = [d for d in batch if d not in held]
            if write:
                ctx.wh.replace_partitions(p.table, write, loaded.table, p.partition_column,
                                          also=finish_with_extras, measures=measures)
            else:
                finish_with_extras({})

    try:
        # transient engine / storage errors are retried with backoff; a statement running
        # past the mode's timeout is interrupted (and not retried)
        for attempt in Retrying(stop=stop_after_attempt(ctx.mode.retries + 1),
                                wait=wait_exponential(multiplier=0.5, max=8),
                                retry=retry_if_exception(ctx.wh.is_transient), reraise=True):
            with attempt, ctx.wh.timeout(ctx.mode.query_timeout_s):
                execute()
    except Exception as exc:  # a bug or an engine error: the transaction rolled back
        if STOP.is_set():   # the engine turned a stop signal into its own error
            raise KeyboardInterrupt("stopped by a signal") from exc
        # one line first (what a summary shows), then where in the Python code it came from
        msg = failure_reason(exc)
        detail = "".join(traceback.format_tb(exc.__traceback__, limit=3))
        attempts = [Attempt(p.name, d, FAILED, input_fingerprint=input_fps[d],
                            code_fingerprint=code_fp, started_at=started, finished_at=now(),
                            failure_category=PROCESSING_ERROR,
                            failure_message=f"{msg}\n{detail}"[:4000]) for d in batch]
        ctx.ledger.record(run_id, ctx.mode.name, attempts)
        return attempts
    if breakers is not None and p.sql is not None:
        breakers.observe(run_id, p.name, p.table, p.entity, p.partition_column, batch)
    return attempts


def absent_inputs(ctx: Context, p: Processor, batch: list[date],
                  latest: dict[tuple[str, date], PartitionState] | None = None
                  ) -> dict[str, list[date]]:
    """For each optional same-day input: the batch's dates on which that input's partition
    did not succeed (absent, skipped, missing or failed). The SQL may ask for them
    (``{absent:table}``); a partition that wrote nothing names them. ``latest``: the run's
    state pass's attempts (current for every earlier stage); else read from the ledger."""
    tables = {i.ref for i in p.inputs if not i.is_raw and not i.required
              and i.window.kind == "same_day"} | absent_tables(p.sql or "")
    if not tables:
        return {}
    names = {t: ctx.registry.by_table(t).name for t in tables}
    if latest is None:
        latest = ctx.ledger.latest(sorted(names.values()), min(batch), max(batch))
    return {t: [d for d in batch if (st := latest.get((n, d))) is None
                or st.status != SUCCEEDED] for t, n in names.items()}


def ensure_input_tables(ctx: Context, p: Processor, day: date) -> None:
    """Create (empty) the tables of SQL processors that ``p`` reads but that never ran: a
    window over nothing reads an empty table, not a missing one."""
    for i in p.inputs:
        if i.is_raw or ctx.wh.table_exists(i.ref):
            continue
        u = ctx.registry.by_table(i.ref)
        ensure_input_tables(ctx, u, day)
        if u.sql is not None:
            cols = ctx.wh.result_columns(render(u.sql, day, day))
            for c in ("failure_category", "failure_reason") if u.entity else ():
                cols.pop(c, None)
            ctx.wh.ensure_table(u.table, cols, u.partition_column)


def entity_breakers(ctx: Context, p: Processor) -> EntityBreakers | None:
    """The per-entity breakers, for an entity processor in a mode that has them (daily)."""
    if not (ctx.mode.circuit_breakers and p.entity):
        return None
    return EntityBreakers(ctx.ledger, ctx.mode)
