"""Parse a Phase 2 processor's raw files into one Arrow table, in worker processes.

A processor's files are split into chunks of whole dates; each chunk is parsed and turned
into Arrow in a worker process (the parsers are CPU-bound Python, so one process per core;
the pool is the core's, reached through ``LoaderContext.map_in_workers``), and the chunks
come back in date order. The result is the same table, row for row, as
parsing every file in this process: rows keep their load order (date, then the declared
source order, then file name), and a key seen twice keeps its first row.

A file that fails validation is not quarantined here: the worker reports it (file, field,
reason) and the loader quarantines it in the parent process, in load order.

Some sources feed two tables (a box score: player rows and team rows). Parsing such a file
for one table also returns what it holds for the others (``ParseOutput`` minus the table
just loaded), so that the loader can hand those rows to the next processor without parsing
the file again.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from functools import partial
from itertools import chain
from typing import Any

import numpy as np

from backcourt.arrow import pa
from backcourt.pipeline.phase2.decode import parse_raw_file
from backcourt.pipeline.phase2.parsers import PARSERS, TABLE_SOURCES
from backcourt.pipeline.phase2.parsers.base import (
    ColumnRows,
    ParseOutput,
    RawRecordError,
    Resolver,
)
from backcourt.rawstore.store import RawFile, RawStore

ARROW_TYPES = {
    "DATE": pa.date32(), "VARCHAR": pa.string(), "BIGINT": pa.int64(),
    "INTEGER": pa.int32(), "DOUBLE": pa.float64(), "BOOLEAN": pa.bool_(),
    "TIMESTAMP": pa.timestamp("us"),
}

# sources whose files feed more than one table
SHARED_SOURCES = frozenset(
    s for s in PARSERS if sum(s in srcs for srcs in TABLE_SOURCES.values()) > 1)

# below this many files a load is parsed in this process (forking would cost more)
MIN_FILES_PER_WORKER = 64
# the rest of a load goes to worker processes only when its first dates say that the rest
# would take this much CPU in this process: starting and ending a pool costs 0.1-0.5 s of
# wall time (fork of a big process), more than it saves on a small source (a season's
# scoreboards, injury reports, rosters or game lines: 0.05-0.5 s). The first dates hold
# about one file in PROBE_SHARE (enough that one-time costs of a first call do not count
# fifty times over; few enough that the parent's memory does not grow with the range).
FORK_WORTH_SECONDS = 0.8
PROBE_SHARE = 50
CHUNKS_PER_WORKER = 6


def _coerce_temporal(value: Any, kind: str) -> Any:
    """ISO strings from parsers become dates/timestamps (UTC, naive)."""
    if isinstance(value, str):
        if kind == "DATE":
            return date.fromisoformat(value[:10])
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if kind == "TIMESTAMP" and isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


def _to_arrow_by_column(rows: list[dict], columns: dict[str, str]) -> pa.Table:
    arrays = []
    for name, kind in columns.items():
        values = [r[name] for r in rows]
        if kind in ("DATE", "TIMESTAMP"):
            values = [_coerce_temporal(v, kind) for v in values]
        arrays.append(pa.array(values, type=ARROW_TYPES[kind]))
    return pa.Table.from_arrays(arrays, names=list(columns))


def _column_to_arrow(values: list, kind: str) -> pa.Array:
    """One column as Arrow: in one pass when Arrow takes the values as they are (dates,
    datetimes — an aware one stored as its UTC time, as ``_coerce_temporal`` does), else
    (ISO strings) through ``_coerce_temporal``."""
    try:
        return pa.array(values, type=ARROW_TYPES[kind])
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
        if kind not in ("DATE", "TIMESTAMP"):
            raise
    return pa.array([_coerce_temporal(v, kind) for v in values], type=ARROW_TYPES[kind])


def columns_to_arrow(parts: list[ColumnRows], columns: dict[str, str]) -> pa.Table:
    """Rows held column by column (``ColumnRows``, in order) as one Arrow table."""
    return pa.Table.from_arrays(
        [_column_to_arrow(list(chain.from_iterable(p.columns[name] for p in parts)), kind)
         for name, kind in columns.items()], names=list(columns))


def to_arrow(rows: list[dict], columns: dict[str, str]) -> pa.Table:
    """Rows (dicts holding at least ``columns``) as an Arrow table of those columns.

    The rows are converted in one pass by Arrow (which, like the per-column conversion,
    stores an aware datetime as its UTC time); rows it cannot take as they are (ISO strings
    for dates, a missing column) go through the per-column conversion.
    """
    if rows and all(name in rows[0] for name in columns):
        struct = pa.struct([(n, ARROW_TYPES[k]) for n, k in columns.items()])
        try:
            return pa.Table.from_struct_array(pa.array(rows, type=struct))
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, KeyError):
            pass
    return _to_arrow_by_column(rows, columns)


def first_per_key(table: pa.Table, key_columns: list[str]) -> pa.Table:
    """Keep the first row of each key, in the table's order."""
    if table.num_rows < 2:
        return table
    idx = "__row"
    groups = (table.select(key_columns)
              .append_column(idx, pa.array(np.arange(table.num_rows, dtype=np.int64)))
              .group_by(key_columns, use_threads=False).aggregate([(idx, "min")]))
    if groups.num_rows == table.num_rows:
        return table
    keep = np.sort(groups.column(f"{idx}_min").to_numpy())
    return table.take(pa.array(keep))


@dataclass(frozen=True)
class Job:
    """One chunk of a processor's files, in load order; ``cached`` holds the outputs of
    shared-source files already parsed for another table."""

    table: str
    columns: dict[str, str]
    key_columns: tuple[str, ...]
    files: tuple[RawFile, ...]
    cached: dict[RawFile, ParseOutput] = field(default_factory=dict)


@dataclass
class Parsed:
    table: pa.Table
    registry_errors: list[dict] = field(default_factory=list)
    # each file that failed validation, with its error
    bad: list[tuple[RawFile, RawRecordError]] = field(default_factory=list)
    # defects of some games of a file whose other games loaded
    bad_rows: list[tuple[RawFile, RawRecordError]] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    # shared-source file -> what it holds for the other tables
    shared: dict[RawFile, ParseOutput] = field(default_factory=dict)


def parse_job(job: Job, store: RawStore, resolver: Resolver) -> Parsed:
    # the parsers make a dict per JSON object and per row, and keep most of them until the
    # chunk is converted: the cyclic garbage collector would walk them again and again
    # (they hold no cycles), a fifth of the time of a props chunk. It runs after the job.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _parse_job(job, store, resolver)
    finally:
        if collecting:
            gc.enable()


def _parse_job(job: Job, store: RawStore, resolver: Resolver) -> Parsed:
    parts: list[Sequence[dict]] = []   # each file's rows: dicts, or ColumnRows
    out = Parsed(table=pa.table({}))
    for f in job.files:
        parsed = job.cached.get(f)
        if parsed is None:
            try:
                parsed = parse_raw_file(store, f, resolver)
            except RawRecordError as exc:
                out.bad.append((f, exc))
                continue
            if f.source in SHARED_SOURCES:
                out.shared[f] = ParseOutput(
                    rows={t: r for t, r in parsed.rows.items() if t != job.table},
                    registry_errors=parsed.registry_errors, row_errors=parsed.row_errors,
                    warnings=parsed.warnings)
        parts.append(parsed.rows.get(job.table, ()))
        out.registry_errors.extend(parsed.registry_errors)
        out.bad_rows.extend((f, e) for e in parsed.row_errors)
        out.warnings.extend(parsed.warnings)
    held = [p for p in parts if p]
    if held and all(isinstance(p, ColumnRows) for p in held):
        table = columns_to_arrow(held, job.columns)
    else:
        table = to_arrow([r for p in held for r in p], job.columns)
    out.table = first_per_key(table, list(job.key_columns))
    return out


def parse_in_workers(ctx, jobs: list[Job], resolver: Resolver,
                     workers: int) -> Iterator[Parsed]:
    """Each job's result, in order: in ``workers`` worker processes (the core's, through
    the loader contract) when the load is big enough to pay for them. The first dates
    (about one file in ``PROBE_SHARE``) are parsed here, and their CPU time tells what the
    rest would cost."""
    parse = partial(parse_job, store=ctx.store, resolver=resolver)
    files = sum(len(j.files) for j in jobs)
    if workers <= 1 or len(jobs) <= 1 or files < MIN_FILES_PER_WORKER * 2:
        yield from ctx.map_in_workers(parse, jobs, 1)
        return
    probe, rest = _first_dates(jobs[0], max(1, files // PROBE_SHARE))
    t = time.thread_time()
    yield parse(probe)
    estimate = (time.thread_time() - t) * (files - len(probe.files)) / len(probe.files)
    yield from ctx.map_in_workers(parse, [*rest, *jobs[1:]],
                                  workers if estimate >= FORK_WORTH_SECONDS else 1)


def _first_dates(job: Job, files: int) -> tuple[Job, list[Job]]:
    """The job's first whole dates holding at least ``files`` files (a key includes its
    date: a date is never split), and what is left of it."""
    n = min(files, len(job.files))
    while n < len(job.files) and job.files[n].game_date == job.files[n - 1].game_date:
        n += 1
    if n == len(job.files):
        return job, []
    return replace(job, files=job.files[:n]), [replace(job, files=job.files[n:])]


def split_by_date(files: list[RawFile], workers: int) -> list[list[RawFile]]:
    """Files (in load order) in chunks of whole dates, about ``CHUNKS_PER_WORKER`` chunks
    per worker, so that a key (which includes the date) never spans two chunks."""
    if not files:
        return []
    target = max(1, len(files) // max(1, workers * CHUNKS_PER_WORKER))
    chunks: list[list[RawFile]] = [[]]
    for f in files:
        if len(chunks[-1]) >= target and chunks[-1][-1].game_date != f.game_date:
            chunks.append([])
        chunks[-1].append(f)
    return chunks
