"""The run ledger: every attempt at a partition (processor × game_date) is one row.

The latest attempt of a partition is its state. Resume is "plan again": nothing else
remembers progress.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import orjson

from backcourt.ledger import tables as T

SUCCEEDED, FAILED, SKIPPED = "succeeded", "failed", "skipped"

# Failure categories (PIPELINE.md); the last two are partition-level categories of Phase 2.
CATEGORIES = (
    "INSUFFICIENT_DATA", "INCOMPLETE_DATA", "MISSING_DEPENDENCY", "NO_SHOT_ZONE",
    "CIRCUIT_BREAKER_ACTIVE", "PROCESSING_ERROR", "BAD_RAW_INPUT", "CHECK_FAILED",
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


@dataclass(frozen=True)
class PartitionState:
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


class Ledger:
    def __init__(self, wh):
        self.wh = wh
        for table, cols in T.ALL.items():
            wh.ensure_table(table, cols)

    # -- runs --------------------------------------------------------------
    def start_run(self, command: str, mode: str, start: date | None, end: date | None,
                  processors: Sequence[str]) -> str:
        run_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + new_id()[:6]
        self.wh.execute(
            f"INSERT INTO {T.RUNS} VALUES (?, ?, ?, ?, ?, ?, 'running', ?, NULL, NULL)",
            [run_id, command, mode, start, end, orjson.dumps(list(processors)).decode(), now()])
        return run_id

    def close_abandoned_runs(self) -> int:
        """Runs still 'running' when a process gets the warehouse lock were killed (kill -9,
        power loss): mark them interrupted. Their finished partitions stay in the ledger."""
        n = self.wh.query(f"SELECT count(*) FROM {T.RUNS} WHERE status = 'running'")[0][0]
        if n:
            self.wh.execute(f"UPDATE {T.RUNS} SET status = 'interrupted' "
                            "WHERE status = 'running'")
        return n

    def finish_run(self, run_id: str, status: str, summary: dict) -> None:
        self.wh.execute(
            f"UPDATE {T.RUNS} SET status = ?, finished_at = ?, summary = ? WHERE run_id = ?",
            [status, now(), orjson.dumps(summary, default=str).decode(), run_id])

    def runs(self, limit: int = 20) -> list[dict]:
        cols = list(T.RUNS_COLUMNS)
        rows = self.wh.query(
            f"SELECT {', '.join(cols)} FROM {T.RUNS} ORDER BY started_at DESC LIMIT ?", [limit])
        return [dict(zip(cols, r, strict=True)) for r in rows]

    def run(self, run_id: str) -> dict | None:
        cols = list(T.RUNS_COLUMNS)
        rows = self.wh.query(
            f"SELECT {', '.join(cols)} FROM {T.RUNS} WHERE run_id = ?", [run_id])
        return dict(zip(cols, rows[0], strict=True)) if rows else None

    # -- attempts ----------------------------------------------------------
    def record(self, run_id: str, mode: str, attempts: Iterable[Attempt]) -> None:
        rows = [[a.attempt_id, run_id, a.processor, a.game_date, mode, a.status, a.rows_written,
                 a.input_fingerprint, a.code_fingerprint, a.started_at, a.finished_at,
                 a.failure_category, a.failure_message] for a in attempts]
        if rows:
            self.wh.insert_rows(T.LEDGER, rows)

    def attempts(self, run_id: str) -> list[dict]:
        cols = list(T.LEDGER_COLUMNS)
        rows = self.wh.query(
            f"SELECT {', '.join(cols)} FROM {T.LEDGER} WHERE run_id = ? "
            "ORDER BY processor, game_date", [run_id])
        return [dict(zip(cols, r, strict=True)) for r in rows]

    def latest(self, processors: Sequence[str] | None = None, start: date | None = None,
               end: date | None = None) -> dict[tuple[str, date], PartitionState]:
        """The latest attempt of every partition (one grouped query)."""
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
        rows = self.wh.query(
            f"""SELECT processor, game_date, status, rows_written, attempt_id, input_fingerprint,
                       code_fingerprint, finished_at, failure_category, failure_message
                FROM {T.LEDGER} WHERE {' AND '.join(where)}
                QUALIFY row_number() OVER (PARTITION BY processor, game_date
                                           ORDER BY finished_at DESC, attempt_id DESC) = 1""",
            params)
        return {(r[0], r[1]): PartitionState(*r) for r in rows}

    # -- downstream triggers -------------------------------------------------
    def emit_ready(self, run_id: str, processor: str, phase: int, days: list[date]) -> None:
        """Daily mode only: tell downstream consumers these partitions are ready."""
        if days:
            self.wh.insert_rows(T.EVENTS, [[run_id, "partition_ready", processor, phase, d,
                                            now()] for d in days])

    # -- entity failures and quarantine ---------------------------------------
    def replace_entity_failures(self, run_id: str, processor: str, days: list[date],
                                source_sql: str) -> dict[date, int]:
        """Replace the explained failures of these partitions with the rows of
        ``source_sql`` (game_date, entity_id, category, message). Returns counts per date."""
        stamp = now().isoformat(sep=" ")
        self.wh.replace_rows(
            T.ENTITY_FAILURES, "processor = ?", [processor],
            f"SELECT '{run_id}' AS run_id, '{processor}' AS processor, game_date, "
            "CAST(entity_id AS VARCHAR) AS entity_id, category, message, "
            f"CAST('{stamp}' AS TIMESTAMP) AS recorded_at FROM ({source_sql}) AS f",
            days=days)
        marks = ", ".join("?" * len(days))
        return dict(self.wh.query(
            f"SELECT game_date, count(*) FROM {T.ENTITY_FAILURES} WHERE processor = ? "
            f"AND game_date IN ({marks}) GROUP BY 1", [processor, *days]))

    def record_quarantine(self, run_id: str, source: str, day: date, file: str, moved_to: str,
                          field_: str, reason: str) -> None:
        self.wh.execute(f"INSERT INTO {T.QUARANTINE} VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        [run_id, source, day, file, moved_to, field_, reason, now()])
