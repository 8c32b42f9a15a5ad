"""The Phase 2 loader: parse a processor's raw files for some dates into one Arrow table.

Long ranges are parsed in worker processes (the core's, through the loader contract),
chunks of whole dates each, and a file that two processors read (a box score) is parsed
once per run (see ``parse_files``). The loader reaches the run only through its
``LoaderContext``: quarantining a file, reporting a bad record, the worker processes.

A file that fails validation is moved to the quarantine folder with a note naming the
file, field and reason; the rest of its date still loads, and the date's partition is
recorded as failed (BAD_RAW_INPUT) until the file is fixed and the date re-run — so a
partition is never reported done while one of its files was rejected.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date

from backcourt.arrow import pa
from backcourt.pipeline.phase2 import aliases
from backcourt.pipeline.phase2 import tables as T
from backcourt.pipeline.phase2.names import PlayerResolver
from backcourt.pipeline.phase2.parse_files import (
    SHARED_SOURCES,
    Job,
    first_per_key,
    parse_in_workers,
    split_by_date,
    to_arrow,
)
from backcourt.pipeline.phase2.parsers.base import ParseOutput
from backcourt.pipeline.phase2.specs import LOADER, RAW_WARNINGS_TABLE, REGISTRY_ERRORS_TABLE
from backcourt.rawstore import quarantine as Q
from backcourt.rawstore.store import RawFile
from backcourt.registry import Processor

ROSTERS_TABLE = "nba_raw.rosters"
SCHEDULE_TABLE = "nba_raw.schedule"
SCOREBOARD = "nba_scoreboard"
# sources holding one file per game, named <gameId>.json: each must be on its date's schedule
GAME_FILE_SOURCES = ("nba_boxscore", "nba_playbyplay")

__all__ = ["REGISTRY_ERRORS_TABLE", "ROSTERS_TABLE", "Loaded", "RawFileLoader", "to_arrow"]


@dataclass
class Loaded:
    table: pa.Table
    bad_files: dict[date, list[str]] = field(default_factory=dict)
    incomplete: dict[date, str] = field(default_factory=dict)
    registry_errors: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    days: list[date] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    def write_extras(self, wh) -> None:
        """Replace the registry errors and warnings of these dates and sources (same
        transaction)."""
        if not self.sources:
            return
        marks = ", ".join("?" * len(self.sources))
        for table, columns, rows in ((REGISTRY_ERRORS_TABLE, T.REGISTRY_ERRORS,
                                      self.registry_errors),
                                     (RAW_WARNINGS_TABLE, T.RAW_WARNINGS, self.warnings)):
            wh.ensure_table(table, columns)
            wh.replace_rows(table, f"source IN ({marks})", self.sources,
                            to_arrow(rows, columns), days=self.days)


def _share_partitions(parts: list[pa.Table], column: str) -> bool:
    """Whether two of these tables hold rows of the same partition."""
    seen: set = set()
    for t in parts:
        values = set(t.column(column).unique().to_pylist())
        if values & seen:
            return True
        seen |= values
    return False


class RawFileLoader:
    """Loads any Phase 2 processor whose inputs are raw sources with a parser."""

    # tables it writes besides its processors' own (created up front, not mid-run)
    extra_tables = LOADER.extra_tables

    def __init__(self, workers: int | None = None) -> None:
        self._resolver: PlayerResolver | None = None
        self._code_fp: str | None = None
        self.workers = (os.cpu_count() or 1) if workers is None else workers
        # shared-source files parsed for one table, kept for the others until they read
        # them: (file, fingerprint of its date folder) -> what is left of its output
        self._shared: dict[tuple[RawFile, str], ParseOutput] = {}

    @property
    def resolver(self) -> PlayerResolver:
        if self._resolver is None:
            self._resolver = PlayerResolver()
        return self._resolver

    def fingerprint(self, p: Processor) -> str:
        """Hash of the loader and parser code (all of it: parsers share helpers)."""
        if self._code_fp is None:
            self._code_fp = LOADER.fingerprint()
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
        loaded = Loaded(table=pa.table({}), days=list(days))
        raw_sources = [i.raw_source for i in p.inputs if i.is_raw]
        if any(i.ref == ROSTERS_TABLE for i in p.inputs):
            self._learn_rosters(ctx, days)
        aliases.apply(self.resolver, ctx.store)   # hand-made aliases win
        loaded.sources = raw_sources
        # load order: date, then declared source order (= precedence on duplicate keys)
        todo = [f for day in days for source in raw_sources
                for f in ctx.store.list_files(source, day)]
        todo, recheck = self._held_back(ctx, loaded, todo, raw_sources, run_id)
        todo = self._off_schedule(ctx, loaded, todo, run_id)
        loaded.incomplete = self._incomplete(ctx, loaded, todo, raw_sources, days)
        todo = [f for f in todo if f.game_date not in loaded.incomplete]
        loaded.days = [d for d in days if d not in loaded.incomplete]
        cached = self._take_shared(ctx, todo, table_name)
        columns = p.columns or {}
        keys = (p.partition_column, *p.keys)
        jobs = [Job(table_name, columns, keys, tuple(chunk),
                    {f: cached[f] for f in chunk if f in cached})
                for chunk in split_by_date(todo, self.workers)]
        parts: list[pa.Table] = []
        for parsed in parse_in_workers(ctx, jobs, self.resolver, self.workers):
            for f, exc in parsed.bad:
                self._quarantine(ctx, loaded, f, exc.field, exc.reason, str(exc), run_id)
                recheck.pop(f, None)
            for f, exc in parsed.bad_rows:   # the file stays: its other games loaded
                ctx.report_bad_record(run_id, f, exc.field, exc.reason)
                loaded.bad_files.setdefault(f.game_date, []).append(
                    f"{exc} (this game left out; the file's other games loaded)")
            loaded.warnings.extend(parsed.warnings)
            for f, rest in parsed.shared.items():
                if rest.rows:
                    self._shared[(f, ctx.store.fingerprint(f.source, f.game_date))] = rest
            loaded.registry_errors.extend(parsed.registry_errors)
            parts.append(parsed.table)
        for rec in recheck.values():   # a file with new bytes passed: released
            Q.release(ctx.store, rec)
        if not parts:
            loaded.table = to_arrow([], columns)
        elif _share_partitions(parts, p.partition_column):
            loaded.table = first_per_key(pa.concat_tables(parts), list(keys))
        else:   # each chunk is already unique, and a key includes its partition
            loaded.table = pa.concat_tables(parts)
        return loaded

    @staticmethod
    def _quarantine(ctx, loaded: Loaded, f: RawFile, field_: str, reason: str, message: str,
                    run_id: str) -> None:
        """Move a bad file aside (the core remembers its content and records it), hold its
        date."""
        ctx.quarantine(run_id, f, field_, reason, message)
        loaded.bad_files.setdefault(f.game_date, []).append(message)

    @staticmethod
    def _incomplete(ctx, loaded: Loaded, todo: list[RawFile], raw_sources: list[str],
                    days: list[date]) -> dict[date, str]:
        """Dates holding some of a game source's files but not one for every final game
        of the date's schedule (a file deleted, or a fetch that stopped half-way): loading
        the rest would replace the date's rows with fewer games. A date whose files are
        all absent is the core's to judge; one holding a quarantined file keeps that
        reason."""
        sources = [s for s in raw_sources if s in GAME_FILE_SOURCES]
        if not sources or not days or not ctx.wh.table_exists(SCHEDULE_TABLE):
            return {}
        finals: dict[date, set[str]] = {}
        for game_id, day in ctx.wh.query(
                f"SELECT game_id, game_date FROM {SCHEDULE_TABLE} WHERE game_status = 3 "
                "AND game_date BETWEEN ? AND ?", [min(days), max(days)]):
            finals.setdefault(day, set()).add(game_id)
        have: dict[tuple[str, date], set[str]] = {}
        for f in todo:
            if f.source in sources:
                have.setdefault((f.source, f.game_date), set()).add(f.name.split(".", 1)[0])
        out: dict[date, str] = {}
        for day in days:
            if day in loaded.bad_files:
                continue
            gone = [f"{source}/{day}/{game_id}.json" for source in sources
                    if have.get((source, day))
                    for game_id in sorted(finals.get(day, set()) - have[(source, day)])]
            if gone:
                more = f" and {len(gone) - 3} more" if len(gone) > 3 else ""
                out[day] = (f"raw date incomplete: {', '.join(gone[:3])}{more} missing (the "
                            "schedule lists the game as final)")
        return out

    def _off_schedule(self, ctx, loaded: Loaded, todo: list[RawFile],
                      run_id: str) -> list[RawFile]:
        """Quarantine game files (box score, play-by-play) whose game is not on their
        date's schedule: filed under another date than the game's own, or a game the
        schedule does not know at all. Checked against the loaded schedule table (the
        processors reading these files depend on it)."""
        games = [f for f in todo if f.source in GAME_FILE_SOURCES]
        if not games or not ctx.wh.table_exists(SCHEDULE_TABLE):
            return todo
        dates: dict[str, set[date]] = {}
        for game_id, day in ctx.wh.query(f"SELECT game_id, game_date FROM {SCHEDULE_TABLE}"):
            dates.setdefault(game_id, set()).add(day)
        # dates whose schedule is known: games on it, or a scoreboard (maybe of no games)
        known = {d for days in dates.values() for d in days}
        known |= {f.game_date for f in games
                  if f.game_date not in known and ctx.store.list_files(SCOREBOARD, f.game_date)}
        dropped: set[RawFile] = set()
        for f in games:
            if f.game_date not in known:
                continue   # no schedule for that date at all: its partition is blocked
            game_id = f.name.split(".", 1)[0]
            on = dates.get(game_id)
            if on is not None and f.game_date in on:
                continue
            if on:
                reason = (f"game {game_id} is scheduled on "
                          f"{', '.join(str(d) for d in sorted(on))}, not on {f.game_date} "
                          "(filed under the wrong date)")
            else:
                reason = f"game {game_id} has no schedule entry (no scoreboard lists it)"
            dropped.add(f)
            self._quarantine(ctx, loaded, f, "gameId", reason,
                             f"{f.display}: field 'gameId': {reason}", run_id)
        return [f for f in todo if f not in dropped]

    def _held_back(self, ctx, loaded: Loaded, todo: list[RawFile], sources: list[str],
                   run_id: str) -> tuple[list[RawFile], dict[RawFile, Q.QuarantineRecord]]:
        """Apply the raw store's quarantine records to the files about to be parsed.

        A date with a record stays failed while the quarantined file is absent or back with
        the same bytes (put aside again); a file with different bytes is parsed again, and
        its record released if it passes (returned as ``recheck``)."""
        days = set(loaded.days)
        records = [r for r in Q.all_records(ctx.store)
                   if r.source in sources and r.game_date in days]
        if not records:
            return todo, {}
        present = {(f.source, f.game_date, f.name): f for f in todo}
        recheck: dict[RawFile, Q.QuarantineRecord] = {}
        dropped: set[RawFile] = set()
        for rec in records:
            f = present.get((rec.source, rec.game_date, rec.name))
            if f is not None and ctx.store.content_hash(f) != rec.sha256:
                recheck[f] = rec
                continue
            message = rec.message(ctx.store)
            if f is not None:   # the same bytes again: still bad
                dropped.add(f)
                self._quarantine(ctx, loaded, f, rec.field, rec.reason, message, run_id)
            else:
                loaded.bad_files.setdefault(rec.game_date, []).append(message)
        return [f for f in todo if f not in dropped], recheck

    def _take_shared(self, ctx, todo: list[RawFile], table: str) -> dict[RawFile, ParseOutput]:
        """Outputs of files already parsed for another table, handed over once: a file whose
        folder changed since (its date's fingerprint) is parsed again."""
        out: dict[RawFile, ParseOutput] = {}
        for f in todo:
            if f.source not in SHARED_SOURCES:
                continue
            key = (f, ctx.store.fingerprint(f.source, f.game_date))
            rest = self._shared.get(key)
            if rest is None or table not in rest.rows:
                continue
            out[f] = rest
            left = {t: r for t, r in rest.rows.items() if t != table}
            if left:
                self._shared[key] = ParseOutput(rows=left, registry_errors=rest.registry_errors,
                                                row_errors=rest.row_errors,
                                                warnings=rest.warnings)
            else:
                del self._shared[key]
        return out
