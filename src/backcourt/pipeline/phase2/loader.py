"""The Phase 2 loader: parse a processor's raw files for some dates into one Arrow table.

A file that fails validation is moved to the quarantine folder with a note naming the
file, field and reason; the rest of its date still loads, and the date's partition is
recorded as failed (BAD_RAW_INPUT) until the file is fixed and the date re-run — so a
partition is never reported done while one of its files was rejected.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from importlib.resources import files
from typing import Any

import pyarrow as pa

from backcourt.pipeline.phase2 import tables as T
from backcourt.pipeline.phase2.names import PlayerResolver
from backcourt.pipeline.phase2.parsers import PARSERS
from backcourt.pipeline.phase2.parsers.base import RawRecordError
from backcourt.registry import Processor

REGISTRY_ERRORS_TABLE = "nba_raw.player_registry_errors"
ROSTERS_TABLE = "nba_raw.rosters"

_ARROW = {
    "DATE": pa.date32(), "VARCHAR": pa.string(), "BIGINT": pa.int64(),
    "INTEGER": pa.int32(), "DOUBLE": pa.float64(), "BOOLEAN": pa.bool_(),
    "TIMESTAMP": pa.timestamp("us"),
}


def _coerce_temporal(value: Any, kind: str) -> Any:
    """ISO strings from parsers become dates/timestamps (UTC, naive)."""
    if isinstance(value, str):
        if kind == "DATE":
            return date.fromisoformat(value[:10])
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if kind == "TIMESTAMP" and isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


def to_arrow(rows: list[dict], columns: dict[str, str]) -> pa.Table:
    arrays = []
    for name, kind in columns.items():
        values = [r[name] for r in rows]
        if kind in ("DATE", "TIMESTAMP"):
            values = [_coerce_temporal(v, kind) for v in values]
        arrays.append(pa.array(values, type=_ARROW[kind]))
    return pa.Table.from_arrays(arrays, names=list(columns))


@dataclass
class Loaded:
    table: pa.Table
    bad_files: dict[date, list[str]] = field(default_factory=dict)
    registry_errors: list[dict] = field(default_factory=list)
    days: list[date] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    def write_extras(self, wh) -> None:
        """Replace the registry errors of these dates and sources (same transaction)."""
        if not self.sources:
            return
        wh.ensure_table(REGISTRY_ERRORS_TABLE, T.REGISTRY_ERRORS)
        marks = ", ".join("?" * len(self.sources))
        wh.replace_rows(REGISTRY_ERRORS_TABLE, f"source IN ({marks})", self.sources,
                        to_arrow(self.registry_errors, T.REGISTRY_ERRORS), days=self.days)


class RawFileLoader:
    """Loads any Phase 2 processor whose inputs are raw sources with a parser."""

    # tables it writes besides its processors' own (created up front, not mid-run)
    extra_tables = {REGISTRY_ERRORS_TABLE: T.REGISTRY_ERRORS}

    def __init__(self) -> None:
        self._resolver: PlayerResolver | None = None
        self._code_fp: str | None = None

    @property
    def resolver(self) -> PlayerResolver:
        if self._resolver is None:
            self._resolver = PlayerResolver()
        return self._resolver

    def fingerprint(self, p: Processor) -> str:
        """Hash of the loader and parser code (all of it: parsers share helpers)."""
        if self._code_fp is None:
            h = hashlib.sha256()
            pkg = files("backcourt.pipeline.phase2")
            for name in ("names.py", "loader.py", "tables.py"):
                h.update(pkg.joinpath(name).read_bytes())
            for f in sorted(pkg.joinpath("parsers").iterdir(), key=lambda f: f.name):
                if f.name.endswith(".py"):
                    h.update(f.read_bytes())
            self._code_fp = h.hexdigest()[:16]
        return self._code_fp

    def _learn_rosters(self, ctx, days: list[date]) -> None:
        """Names resolve against that day's rosters first (a shared name is then unique)."""
        if not ctx.wh.table_exists(ROSTERS_TABLE):
            return
        for pid, name in ctx.wh.query(
                f"SELECT DISTINCT player_id, player_name FROM {ROSTERS_TABLE} "
                "WHERE game_date BETWEEN ? AND ?", [min(days), max(days)]):
            self.resolver.add_known(pid, name)

    def load(self, ctx, p: Processor, days: list[date], run_id: str) -> Loaded:
        table_name = p.table.split(".", 1)[1]
        rows: list[dict] = []
        seen: set[tuple] = set()
        loaded = Loaded(table=pa.table({}), days=list(days))
        raw_sources = [i.raw_source for i in p.inputs if i.is_raw]
        if any(i.ref == ROSTERS_TABLE for i in p.inputs):
            self._learn_rosters(ctx, days)
        loaded.sources = raw_sources
        for day in days:
            for source in raw_sources:  # declared order = precedence on duplicate keys
                parse = PARSERS[source]
                for f in ctx.store.list_files(source, day):
                    try:
                        out = parse(ctx.store.read_bytes(f), f, self.resolver)
                    except RawRecordError as exc:
                        moved = ctx.store.quarantine(f, str(exc))
                        ctx.ledger.record_quarantine(run_id, source, day, f.display, moved,
                                                     exc.field, exc.reason)
                        loaded.bad_files.setdefault(day, []).append(str(exc))
                        continue
                    for r in out.rows.get(table_name, []):
                        key = (r[p.partition_column], *(r[k] for k in p.keys))
                        if key in seen:
                            continue
                        seen.add(key)
                        rows.append(r)
                    loaded.registry_errors.extend(out.registry_errors)
        loaded.table = to_arrow(rows, p.columns or {})
        return loaded
