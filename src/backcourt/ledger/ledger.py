"""The run ledger: every attempt at a partition (processor × game_date) is one row.

The latest attempt of a partition is its state. Resume is "plan again": nothing else
remembers progress.

The ledger only grows (every re-run adds rows), so the states are also kept in
``backcourt_ops.partition_state``, one row per partition, upserted by ``record`` in the
transaction that appends the attempts: reading the states never ranks the whole history.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import ClassVar, NamedTuple

import orjson

from backcourt.ledger import tables as T
from backcourt.warehouse.values import FEW_ROWS, values

SUCCEEDED, FAILED, SKIPPED = "succeeded", "failed", "skipped"

# Failure categories (PIPELINE.md); then partition-level ones: a bad raw file, a failed
# check, and an optional input absent for the date (recorded as skipped, not failed).
INSUFFICIENT_DATA, INCOMPLETE_DATA = "INSUFFICIENT_DATA", "INCOMPLETE_DATA"
MISSING_DEPENDENCY, NO_SHOT_ZONE = "MISSING_DEPENDENCY", "NO_SHOT_ZONE"
CIRCUIT_BREAKER_ACTIVE, PROCESSING_ERROR = "CIRCUIT_BREAKER_ACTIVE", "PROCESSING_ERROR"
BAD_RAW_INPUT, CHECK_FAILED = "BAD_RAW_INPUT", "CHECK_FAILED"
ABSENT_OPTIONAL_INPUT = "ABSENT_OPTIONAL_INPUT"
CATEGORIES = (
    INSUFFICIENT_DATA, INCOMPLETE_DATA, MISSING_DEPENDENCY, NO_SHOT_ZONE,
    CIRCUIT_BREAKER_ACTIVE, PROCESSING_ERROR, BAD_RAW_INPUT, CHECK_FAILED,
    ABSENT_OPTIONAL_INPUT,
)


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def new_id() -> str:
    return uuid.uuid4().hex[:12]


@dataclass
class Attempt:
    processor: str
    game_date: date
    status: str
    rows_written: int = 0
    input_fingerprint: str = ""
    code_fingerprint: str = ""
    started_at: datetime = field(default_factory=now)
    finished_at: datetime = field(default_factory=now)
    failure_category: str | None = None
    failure_message: str | None = None
    attempt_id: str = field(default_factory=new_id)


class PartitionState(NamedTuple):
    """A partition's latest attempt. A named tuple: a plan reads 17,000 of them in 4
    seasons, and a tuple is made at a fraction of a frozen dataclass's cost."""

    processor: str
    game_date: date
    status: str
    rows_written: int
    attempt_id: str
    input_fingerprint: str
    code_fingerprint: str
    finished_at: datetime
    failure_category: str | None
    failure_message: str | None


# partition_state's columns: the fields of PartitionState (what ``latest`` reads), the run
_STATE_COLUMNS = tuple(T.PARTITION_STATE_COLUMNS)
_STATE_FIELDS = PartitionState._fields
assert _STATE_COLUMNS[:len(_STATE_FIELDS)] == _STATE_FIELDS

# a connection's own scratch table: the attempts of one ``record`` call (when there are
# more than FEW_ROWS of them; fewer go in as parameters)
_INCOMING = "_ledger_incoming"


class Ledger:
    # called with (run_id, attempts) after every ``record``, in any thread and for every
    # ledger of the process (worker connections have their own): live progress listens
    observers: ClassVar[list[Callable[[str, list[Attempt]], None]]] = []

    def __init__(self, wh):
        self.wh = wh
        ops = wh.ops
        # a warehouse from before partition_state has a ledger and no states: fill them in
        # the transaction that creates the table, so a crash never leaves it empty
        with ops.transaction():
            migrate = not ops.table_exists(T.PARTITION_STATE)
            for table, cols in T.ALL.items():
                wh.ensure_table(table, cols)
            if migrate and not getattr(ops, "read_only", False):
                self._fill_states(ops)

    @staticmethod
    def _fill_states(ops) -> None:
        """The latest attempt of every partition, ranking the whole ledger by (finished_at,
        attempt_id): what ``latest`` computed before partition_state kept it."""
        cols = ", ".join(_STATE_COLUMNS)
        ops.execute(f"INSERT INTO {T.PARTITION_STATE} ({cols}) SELECT {cols} FROM {T.LEDGER} "
                    "QUALIFY row_number() OVER (PARTITION BY processor, game_date "
                    "ORDER BY finished_at DESC, attempt_id DESC) = 1")

    # -- runs --------------------------------------------------------------
    def start_run(self, command: str, mode: str, start: date | None, end: date | None,
                  processors: Sequence[str]) -> str:
        run_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + new_id()[:6]
        self.wh.execute(
            f"INSERT INTO {T.RUNS} VALUES (?, ?, ?, ?, ?, ?, 'running', ?, NULL, NULL)",
            [run_id, command, mode, start, end, orjson.dumps(list(processors)).decode(), now()])
        return run_id

    # set by whoever holds the warehouse lock: a run still 'running' was then abandoned
    alone = False

    def close_abandoned_runs(self) -> int:
        """Runs still 'running' when a process gets the warehouse lock were killed (kill -9,
        power loss): mark them interrupted, ended at their last recorded attempt, with the
        counts the ledger holds. Their finished partitions stay in the ledger."""
        ids = [r[0] for r in self.wh.query(
            f"SELECT run_id FROM {T.RUNS} WHERE status = 'running'")]
        for run_id in ids:
            self.finish_run(run_id, "interrupted",
                            {**self.tally(run_id), "noticed_at": now().isoformat()},
                            finished_at=self.last_attempt_at(run_id))
        return len(ids)

    def last_attempt_at(self, run_id: str) -> datetime | None:
        """When the run's last recorded attempt finished (a killed run's end)."""
        return self.wh.query(f"SELECT max(finished_at) FROM {T.LEDGER} WHERE run_id = ?",
                             [run_id])[0][0]

    def finish_run(self, run_id: str, status: str, summary: dict,
                   finished_at: datetime | None = None) -> None:
        """Close a run. An interrupted run's summary is what the ledger holds for it (the
        runner's own tally died with it); ``finished_at`` defaults to now (or, for a run
        killed without a word, its last attempt)."""
        if status == "interrupted":
            summary = {**summary, **self.tally(run_id), "ok": False, "interrupted": True}
        self.wh.execute(
            f"UPDATE {T.RUNS} SET status = ?, finished_at = COALESCE(?, started_at), "
            "summary = ? WHERE run_id = ?",
            [status, finished_at or now(), orjson.dumps(summary, default=str).decode(),
             run_id])

    def tally(self, run_id: str) -> dict:
        """What the ledger holds of one run: attempts by state, rows, per processor."""
        per: dict[str, dict[str, int]] = {}
        totals = {SUCCEEDED: 0, SKIPPED: 0, FAILED: 0, "rows": 0}
        for name, status, n, rows in self.wh.query(
                f"SELECT processor, status, count(*), sum(rows_written) FROM {T.LEDGER} "
                "WHERE run_id = ? GROUP BY 1, 2 ORDER BY 1, 2", [run_id]):
            row = per.setdefault(name, {SUCCEEDED: 0, SKIPPED: 0, FAILED: 0, "rows": 0})
            row[status] += n
            row["rows"] += int(rows or 0)
            totals[status] += n
            totals["rows"] += int(rows or 0)
        return {**totals, "per_processor": per}

    def runs(self, limit: int = 20, run_id: str | None = None,
             counted: bool = True) -> list[dict]:
        """Past runs, newest first: the original window, the status, when it ended and
        how long it took, and (``counted``) its attempts counted by state from the ledger,
        so a run that was interrupted is counted as truly as one that finished. Plain
        values: the stored JSON columns come back decoded."""
        cols = list(T.RUNS_COLUMNS)
        where, params = ("WHERE run_id = ?", [run_id]) if run_id else ("", [])
        chosen = (f"SELECT * FROM {T.RUNS} {where} ORDER BY started_at DESC LIMIT ?")
        listed = ", ".join("r." + c for c in cols)
        if counted:
            rows = self.wh.query(
                f"SELECT {listed}, "
                "count(l.attempt_id) FILTER (WHERE l.status = 'succeeded'), "
                "count(l.attempt_id) FILTER (WHERE l.status = 'skipped'), "
                "count(l.attempt_id) FILTER (WHERE l.status = 'failed'), "
                f"COALESCE(sum(l.rows_written), 0) FROM ({chosen}) AS r "
                f"LEFT JOIN {T.LEDGER} AS l ON l.run_id = r.run_id "
                "GROUP BY ALL ORDER BY r.started_at DESC", [*params, limit])
        else:
            rows = self.wh.query(f"SELECT {listed} FROM ({chosen}) AS r "
                                 "ORDER BY r.started_at DESC", [*params, limit])
        out = []
        for r in rows:
            run = dict(zip(cols, r[:len(cols)], strict=True))
            for key in ("processors", "summary"):
                if run[key]:
                    run[key] = orjson.loads(run[key])
            if counted:
                run["counts"] = dict(zip((SUCCEEDED, SKIPPED, FAILED, "rows"),
                                         (int(x) for x in r[len(cols):]), strict=True))
            if run["status"] == "running" and self.alone:   # read-only: shown, not stored
                last = self.last_attempt_at(run["run_id"])
                run.update(status="interrupted", finished_at=last or run["started_at"],
                           summary={**(run["summary"] or {}), **self.tally(run["run_id"]),
                                    "ok": False, "interrupted": True})
            ended = run["finished_at"]
            run["duration_s"] = (round((ended - run["started_at"]).total_seconds(), 3)
                                 if ended else None)
            out.append(run)
        return out

    def run(self, run_id: str) -> dict | None:
        found = self.runs(1, run_id)
        return found[0] if found else None

    # -- attempts ----------------------------------------------------------
    def record(self, run_id: str, mode: str, attempts: Iterable[Attempt]) -> None:
        """Append the attempts to the ledger and make each the state of its partition unless
        a later attempt is already there; one transaction (joining an open one), and the
        same few statements for one attempt or thousands."""
        attempts = list(attempts)
        if not attempts:
            return
        newest = self._newest(attempts)
        rows = [[a.attempt_id, run_id, a.processor, a.game_date, mode, a.status,
                 int(a.rows_written),  # a plain int: the rows go in as list parameters
                 a.input_fingerprint, a.code_fingerprint, a.started_at, a.finished_at,
                 a.failure_category, a.failure_message, i in newest]
                for i, a in enumerate(attempts)]
        ops = self.wh.ops
        cols = ", ".join(T.LEDGER_COLUMNS)
        with ops.transaction():
            if len(rows) <= FEW_ROWS:   # as parameters: no scratch table to create and drop
                listed, params = values(rows)
                src = f"({listed}) AS w({cols}, newest)"
            else:
                self._stage(ops, rows)
                src, params = f"{_INCOMING} AS w", []
            ops.execute(f"INSERT INTO {T.LEDGER} ({cols}) SELECT {cols} FROM {src}", params)
            self._upsert_states(ops, src, params)
            if not params:
                ops.execute(f"DROP TABLE {_INCOMING}")
        for observe in Ledger.observers:
            observe(run_id, attempts)

    @staticmethod
    def _newest(attempts: list[Attempt]) -> set[int]:
        """The position of the latest attempt of each partition among ``attempts``, by
        (finished_at, attempt_id) as everywhere. (Here rather than a window in SQL: on a few
        rows, a window costs more than all the other statements of ``record`` together.)"""
        best: dict[tuple[str, date], int] = {}
        for i, a in enumerate(attempts):
            j = best.get((a.processor, a.game_date))
            if j is None or (a.finished_at, a.attempt_id) > (
                    attempts[j].finished_at, attempts[j].attempt_id):
                best[(a.processor, a.game_date)] = i
        return set(best.values())

    @staticmethod
    def _stage(ops, rows: list[list]) -> None:
        """The rows as a temp table, one list parameter per column (unnest zips them): the
        ledger's columns and ``newest``."""
        types = {**T.LEDGER_COLUMNS, "newest": "BOOLEAN"}
        cols = [f"unnest(CAST(? AS {t}[])) AS {c}" for c, t in types.items()]
        ops.execute(f"CREATE OR REPLACE TEMP TABLE {_INCOMING} AS SELECT {', '.join(cols)}",
                    [list(col) for col in zip(*rows, strict=True)])

    @staticmethod
    def _upsert_states(ops, src: str, params: list) -> None:
        """Drop the states older than an incoming attempt of their partition, then add the
        newest incoming attempt of each partition left without a state (new partitions and
        those just dropped). A state newer than every incoming attempt stays: attempts
        recorded out of order never replace a later one."""
        ops.execute(
            f"DELETE FROM {T.PARTITION_STATE} AS s USING {src} "
            "WHERE s.processor = w.processor AND s.game_date = w.game_date "
            "AND (s.finished_at < w.finished_at "
            "     OR (s.finished_at = w.finished_at AND s.attempt_id < w.attempt_id))", params)
        cols = ", ".join(_STATE_COLUMNS)
        # ANTI JOIN (the ops store is always DuckDB): half the time of NOT EXISTS here
        ops.execute(
            f"INSERT INTO {T.PARTITION_STATE} ({cols}) SELECT {cols} FROM {src} "
            f"ANTI JOIN {T.PARTITION_STATE} AS s USING (processor, game_date) WHERE w.newest",
            params)

    def attempts(self, run_id: str) -> list[dict]:
        cols = list(T.LEDGER_COLUMNS)
        rows = self.wh.query(
            f"SELECT {', '.join(cols)} FROM {T.LEDGER} WHERE run_id = ? "
            "ORDER BY processor, game_date", [run_id])
        return [dict(zip(cols, r, strict=True)) for r in rows]

    def latest(self, processors: Sequence[str] | None = None, start: date | None = None,
               end: date | None = None) -> dict[tuple[str, date], PartitionState]:
        """The latest attempt of every partition (read from partition_state)."""
        where, params = ["1=1"], []
        if processors:
            where.append(f"processor IN ({', '.join('?' * len(processors))})")
            params += list(processors)
        if start:
            where.append("game_date >= ?")
            params.append(start)
        if end:
            where.append("game_date <= ?")
            params.append(end)
        rows = self.wh.ops.query(
            f"SELECT {', '.join(_STATE_FIELDS)} FROM {T.PARTITION_STATE} "
            f"WHERE {' AND '.join(where)}", params)
        make = PartitionState._make
        return {(r[0], r[1]): make(r) for r in rows}

    # -- facts about the warehouse -------------------------------------------
    def fact(self, key: str) -> str | None:
        if not self.wh.ops.table_exists(T.FACTS):   # an older warehouse, opened read-only
            return None
        rows = self.wh.ops.query(f"SELECT value FROM {T.FACTS} WHERE key = ?", [key])
        return rows[0][0] if rows else None

    def record_fact(self, key: str, value: str) -> None:
        with self.wh.ops.transaction():
            self.wh.ops.execute(f"DELETE FROM {T.FACTS} WHERE key = ?", [key])
            self.wh.ops.execute(f"INSERT INTO {T.FACTS} VALUES (?, ?, ?)", [key, value, now()])

    # -- downstream triggers -------------------------------------------------
    def emit_ready(self, run_id: str, processor: str, phase: int, days: list[date]) -> None:
        """Daily mode only: tell downstream consumers these partitions are ready."""
        if days:
            self.wh.insert_rows(T.EVENTS, [[run_id, "partition_ready", processor, phase, d,
                                            now(), None] for d in days])

    def emit_alerts(self, run_id: str, processor: str, phase: int,
                    failed: list[Attempt]) -> None:
        """Daily mode's alerts: one 'alert' event per failed partition."""
        if failed:
            self.wh.insert_rows(T.EVENTS, [
                [run_id, "alert", processor, phase, a.game_date, now(),
                 f"{a.failure_category}: {(a.failure_message or '').splitlines()[0][:500]}"
                 if a.failure_message else a.failure_category] for a in failed])

    def count_events(self, run_id: str, event: str = "partition_ready") -> int:
        return self.wh.query(f"SELECT count(*) FROM {T.EVENTS} WHERE run_id = ? "
                             "AND event = ?", [run_id, event])[0][0]

    # -- entity failures and quarantine ---------------------------------------
    def replace_entity_failures(self, run_id: str, processor: str, days: list[date],
                                source_sql: str) -> dict[date, int]:
        """Replace the explained failures of these partitions with the rows of
        ``source_sql`` (game_date, entity_id, category, message). Returns counts per date."""
        stamp = now().isoformat(sep=" ")
        # asked with the write: an engine that pays a job per query answers from it
        mine = "SUM(CASE WHEN processor = '{}' THEN 1 ELSE 0 END)".format(
            processor.replace("'", "''"))
        self.wh.replace_rows(
            T.ENTITY_FAILURES, "processor = ?", [processor],
            f"SELECT '{run_id}' AS run_id, '{processor}' AS processor, game_date, "
            "CAST(entity_id AS VARCHAR) AS entity_id, category, message, "
            f"CAST('{stamp}' AS TIMESTAMP) AS recorded_at FROM ({source_sql}) AS f",
            days=days, measures=[mine])
        per_date = self.wh.grouped_by_date(T.ENTITY_FAILURES, "game_date", days, [mine])
        return {d: r[1] for d, r in per_date.items() if r[1]}

    def record_quarantine(self, run_id: str, source: str, day: date, file: str, moved_to: str,
                          field_: str, reason: str) -> None:
        self.wh.execute(f"INSERT INTO {T.QUARANTINE} VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        [run_id, source, day, file, moved_to, field_, reason, now()])

    # -- views for operators (events, quarantine, failures, runs by state) ------------
    def _rows(self, sql: str, params: list, cols: Sequence[str]) -> list[dict]:
        return [dict(zip(cols, r, strict=True)) for r in self.wh.ops.query(sql, params)]

    def events(self, run_id: str | None = None, limit: int = 200) -> list[dict]:
        """Downstream-trigger events, newest first (daily mode emits them)."""
        where, params = ("WHERE run_id = ?", [run_id]) if run_id else ("", [])
        cols = list(T.EVENTS_COLUMNS)
        return self._rows(f"SELECT {', '.join(cols)} FROM {T.EVENTS} {where} "
                          "ORDER BY emitted_at DESC, processor, game_date LIMIT ?",
                          [*params, limit], cols)

    def quarantine_records(self, limit: int = 500) -> list[dict]:
        """Files moved to the quarantine, newest first, with the field and the reason."""
        cols = list(T.QUARANTINE_COLUMNS)
        return self._rows(f"SELECT {', '.join(cols)} FROM {T.QUARANTINE} "
                          "ORDER BY recorded_at DESC, file LIMIT ?", [limit], cols)

    def entity_failure_counts(self, start: date, end: date) -> list[dict]:
        """Explained per-entity failures by date, processor and category."""
        cols = ["game_date", "processor", "category", "entities"]
        return self._rows(f"SELECT game_date, processor, category, count(*) "
                          f"FROM {T.ENTITY_FAILURES} WHERE game_date BETWEEN ? AND ? "
                          "GROUP BY ALL ORDER BY game_date, processor, category",
                          [start, end], cols)
