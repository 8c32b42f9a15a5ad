"""The declarative model: what a processor is, what it reads, what it must satisfy.

Everything here is plain data. The planner, the executor, the checks, ``status`` and the
dashboard all read these objects; none of them keeps its own list of processors.
"""

from __future__ import annotations

import hashlib
import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

WindowKind = Literal["same_day", "days", "games", "season_to_date"]


@dataclass(frozen=True)
class Window:
    """Which partitions of an input a target date reads, relative to the target date D.

    same_day        D itself
    days(n)         D-n … D-1 (strictly before D)
    games(n)        the previous n games of the same season (strictly before D)
    season_to_date  everything of the same season strictly before D
    """

    kind: WindowKind
    n: int = 0

    def calendar_span(self, day: date, season_start: date) -> tuple[date, date] | None:
        """The dates (inclusive) this window may read for target ``day``; None if nothing."""
        if self.kind == "same_day":
            return day, day
        end = day - timedelta(days=1)
        if self.kind == "days":
            start = max(day - timedelta(days=self.n), season_start)
        else:  # games / season_to_date: anything earlier in the season may be read
            start = season_start
        return (start, end) if start <= end else None

    def describe(self) -> str:
        return {
            "same_day": "same day",
            "days": f"previous {self.n} days",
            "games": f"previous {self.n} games of the season",
            "season_to_date": "season to date",
        }[self.kind]


def same_day() -> Window:
    return Window("same_day")


def previous_days(n: int) -> Window:
    return Window("days", n)


def previous_games(n: int) -> Window:
    return Window("games", n)


def season_to_date() -> Window:
    return Window("season_to_date")


@dataclass(frozen=True)
class Input:
    """An upstream dependency: a table of another processor, or a raw source folder."""

    ref: str                    # 'nba_raw.schedule' or 'raw:nba_boxscore'
    window: Window = field(default_factory=same_day)
    required: bool = True       # a missing required partition blocks the target

    @property
    def is_raw(self) -> bool:
        return self.ref.startswith("raw:")

    @property
    def raw_source(self) -> str:
        return self.ref.removeprefix("raw:")


CheckRule = Literal["not_null", "non_zero", "between"]


@dataclass(frozen=True)
class Check:
    """A blocking rule on one column of every row a partition writes."""

    column: str
    rule: CheckRule = "not_null"
    low: float | None = None
    high: float | None = None
    where: str | None = None    # only rows matching this SQL condition are checked

    def describe(self) -> str:
        cond = f" where {self.where}" if self.where else ""
        if self.rule == "between":
            return f"{self.column} between {self.low} and {self.high}{cond}"
        return f"{self.column} {self.rule.replace('_', ' ')}{cond}"


@dataclass(frozen=True)
class Expected:
    """How many rows (or distinct keys) a partition must hold.

    ``reference_sql`` returns ``(game_date, expected)`` for the dates between ``{start}`` and
    ``{end}``; ``measure`` is the SQL aggregate of the written rows compared with it.
    A date missing from the reference result expects 0.
    """

    reference_sql: str
    measure: str = "count(*)"
    min_ratio: float = 1.0      # actual / expected below this fails the partition
    # the expected entities themselves, columns game_date and entity, between {start} and
    # {end}:
    # what `validate --reconcile` accounts for one by one (not part of the code
    # fingerprint: it changes no output and no check of a run)
    entities_sql: str | None = field(default=None, repr=False)
    # the column (or SQL expression) of the table naming those entities; default: the
    # processor's ``entity``, else its last key
    entity: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Learned:
    """An expected count learned from the table's own history instead of a hand-set number.

    Per date the value is ``measure`` of the written rows, divided by ``reference_sql``'s
    number for that date when given (``(game_date, n)`` between ``{start}`` and ``{end}``:
    e.g. rows per final game). A date fails when its value falls below the median of the
    ``window`` earlier dates holding rows by more than ``spread`` robust standard deviations
    (1.4826 × the median absolute deviation) and by more than ``floor`` of the median.
    With fewer than ``min_history`` earlier dates nothing is learned yet and nothing is
    checked. Partial data (a share of the rows missing) is found without a fixed count.
    """

    reference_sql: str | None = None
    per: str = "reference unit"   # what one unit of the reference is, for messages
    measure: str = "COUNT(*)"
    window: int = 20
    min_history: int = 5
    spread: float = 4.0
    floor: float = 0.2

    def describe(self) -> str:
        per = f" per {self.per}" if self.reference_sql else ""
        return (f"{self.measure}{per} vs the median of the previous {self.window} dates "
                f"(-{self.spread:g} robust sd, at least -{self.floor:.0%})")


def rows_per_date(table: str, where: str = "", times: int = 1,
                  measure: str = "COUNT(*)") -> str:
    """An expected-count reference: ``measure`` (× ``times``) of ``table``'s rows per date."""
    cond = f"{where} AND " if where else ""
    scale = f" * {times}" if times != 1 else ""
    return (f"SELECT game_date, {measure}{scale} FROM {table} "
            f"WHERE {cond}game_date BETWEEN {{start}} AND {{end}} GROUP BY game_date")


def entities_per_date(entities_sql: str) -> str:
    """An expected-count reference counting the rows of an ``entities_sql``."""
    return f"SELECT game_date, COUNT(*) FROM ({entities_sql}) AS e GROUP BY game_date"


@dataclass(frozen=True)
class Processor:
    name: str
    phase: int
    table: str                  # 'schema.table'
    keys: tuple[str, ...]
    inputs: tuple[Input, ...]
    description: str = ""
    sql: str | None = None      # SQL template (portable DuckDB subset); None for Python loaders
    loader: str | None = None   # raw source parsed by a Python loader (Phase 2)
    columns: dict[str, str] | None = None   # explicit schema (Python loaders)
    checks: tuple[Check, ...] = ()
    expected: Expected | None = None
    bootstrap_days: int = 0     # first days of a season recorded as skipped
    partition_column: str = "game_date"
    # which dates are partitions: the league's game dates, or the dates of its raw folders
    partitions: Literal["game_dates", "raw_dates"] = "game_dates"
    allow_empty: bool = False   # a partition with no input rows at all may succeed empty
    # Per-entity failures: the SQL returns every expected entity; rows whose
    # ``failure_category`` is set are recorded as explained failures, not written.
    entity: str | None = None
    # an expected count learned from history (checked like ``expected``); kept out of the
    # repr so that processors without one keep their code fingerprint
    learned: Learned | None = field(default=None, repr=False)

    @property
    def schema(self) -> str:
        return self.table.split(".", 1)[0]

    def code_fingerprint(self, extra: str = "") -> str:
        """Changes whenever anything that determines this processor's output changes:
        every declared field (SQL, inputs and windows, checks, …) and ``extra`` (the code
        of a Python loader)."""
        h = hashlib.sha256(repr(self).encode())
        if self.learned is not None:
            h.update(b"\0learned:" + repr(self.learned).encode())
        h.update(b"\0" + extra.encode())
        return h.hexdigest()[:16]


@dataclass(frozen=True)
class Source:
    """A Phase 1 source: it writes raw files into the raw store, date by date.

    ``produces``: the raw folders it writes for a date; ``complete_when``: a date's files
    are known complete when each of these folders holds files for it (the others may
    legitimately be absent) and ``incomplete`` finds none missing; ``dates``/``fetch``:
    ``"module:function"`` of the dates it has in a range (``(start, end, seed, store) ->
    list[date]``) and of the function that writes them (``(store, start, end, seed=,
    on_date=)``), imported when first called.
    """

    name: str
    produces: tuple[str, ...]
    complete_when: tuple[str, ...]
    dates: str
    fetch: str
    phase: int = 1
    description: str = ""
    # ``"module:function"`` of the dates whose files the source's own indexes find
    # incomplete (``(store, start, end) -> {date: what is missing}``): a date with every
    # folder but a file missing is not complete either
    incomplete: str | None = None

    def function(self, target: str) -> Callable:
        module, _, name = target.partition(":")
        return getattr(importlib.import_module(module), name)
