"""Per-entity circuit breakers (daily mode only; PIPELINE.md behavior 7).

A processor that declares ``entity`` records explained per-entity failures. In daily mode
every failure whose category is retryable (``Mode.entity_breaker_categories``: the data may
be fixed upstream, e.g. NO_SHOT_ZONE when play-by-play zones are missing) is appended to the
entity's attempt history; an entity whose last ``entity_breaker_after`` attempts all failed
trips its breaker. While the breaker is open (``entity_breaker_cooldown_h`` hours from the
trip) the entity is not attempted: its row is left out of the output and it is recorded as
an explained failure CIRCUIT_BREAKER_ACTIVE naming when it tripped and until when. After the
cooldown it is tried again: a success (a row, or an expected failure such as
INSUFFICIENT_DATA) closes it, a retryable failure opens it again at once.

Expected failures never count, and backfill mode neither trips nor records anything.

Storage: two ops tables (``backcourt_ops.entity_attempts``, ``backcourt_ops.entity_breakers``)
read and written through ``ledger.wh`` with plain portable SQL. The history holds the failed
attempts of an entity and the attempt (or operator reset) that ended each streak, so "the
last N attempts" are its last N rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from backcourt.ledger import tables as T
from backcourt.ledger.ledger import CIRCUIT_BREAKER_ACTIVE, now

ACTIVE = CIRCUIT_BREAKER_ACTIVE
FAILED, OK, RESET = "failed", "ok", "reset"


def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


@dataclass(frozen=True)
class Breaker:
    processor: str
    entity_id: str
    tripped_at: datetime
    until: datetime
    run_id: str
    game_date: date
    failures: int
    category: str | None
    message: str | None

    def is_open(self, at: datetime) -> bool:
        return at < self.until

    def explain(self) -> str:
        last = f"{self.category}: {(self.message or '').splitlines()[0][:120]}" \
            if self.message else str(self.category)
        return (f"circuit breaker tripped {self.tripped_at:%Y-%m-%d %H:%M:%S} UTC after "
                f"{self.failures} failed attempts in a row (last on {self.game_date}: {last});"
                f" not attempted until {self.until:%Y-%m-%d %H:%M:%S} UTC")

    def as_dict(self, at: datetime) -> dict:
        return {"processor": self.processor, "entity_id": self.entity_id,
                "state": "open" if self.is_open(at) else "cooled_down",
                "tripped_at": self.tripped_at.isoformat(), "until": self.until.isoformat(),
                "run_id": self.run_id, "game_date": self.game_date.isoformat(),
                "failures": self.failures, "category": self.category,
                "message": self.message}


@dataclass(frozen=True)
class Streak:
    """An entity failing, its breaker not tripped yet."""

    processor: str
    entity_id: str
    failures: int
    last_category: str | None


class EntityBreakers:
    """The breakers of every entity processor, under one mode's thresholds."""

    def __init__(self, ledger, mode) -> None:
        self.wh = ledger.wh
        self.after = mode.entity_breaker_after
        self.cooldown = timedelta(hours=mode.entity_breaker_cooldown_h)
        self.retryable = frozenset(mode.entity_breaker_categories)
        for table in (T.ENTITY_ATTEMPTS, T.ENTITY_BREAKERS):
            if not self.wh.table_exists(table):
                self.wh.ensure_table(table, T.ALL[table])

    # -- reading -----------------------------------------------------------
    def breakers(self, processor: str | None = None) -> list[Breaker]:
        where, params = ("WHERE processor = ?", [processor]) if processor else ("", [])
        rows = self.wh.query(
            "SELECT processor, entity_id, tripped_at, run_id, game_date, failures, category, "
            f"message FROM {T.ENTITY_BREAKERS} {where} ORDER BY processor, entity_id", params)
        return [Breaker(r[0], r[1], r[2], r[2] + self.cooldown, r[3], r[4], r[5], r[6], r[7])
                for r in rows]

    def open_for(self, processor: str, at: datetime) -> dict[str, Breaker]:
        """The entities of ``processor`` not to attempt at ``at``."""
        return {b.entity_id: b for b in self.breakers(processor) if b.is_open(at)}

    def _recent(self, processor: str | None) -> dict[tuple[str, str], list[tuple[str, str]]]:
        """The last ``after`` (outcome, category) of every entity with a history, newest
        first."""
        where, params = ("WHERE processor = ?", [processor]) if processor else ("", [])
        rows = self.wh.query(
            f"""SELECT processor, entity_id, outcome, category FROM (
                    SELECT processor, entity_id, outcome, category,
                           ROW_NUMBER() OVER (PARTITION BY processor, entity_id
                                              ORDER BY attempted_at DESC,
                                                       game_date DESC) AS rn
                    FROM {T.ENTITY_ATTEMPTS} {where}) AS h
                WHERE rn <= ? ORDER BY processor, entity_id, rn""", [*params, self.after])
        out: dict[tuple[str, str], list[tuple[str, str]]] = {}
        for proc, entity, outcome, category in rows:
            out.setdefault((proc, entity), []).append((outcome, category))
        return out

    @staticmethod
    def _streak(recent: list[tuple[str, str]]) -> int:
        n = 0
        for outcome, _ in recent:
            if outcome != FAILED:
                break
            n += 1
        return n

    def streaks(self, processor: str | None = None) -> list[Streak]:
        """Entities failing in a row whose breaker has not tripped (yet)."""
        tripped = {(b.processor, b.entity_id) for b in self.breakers(processor)}
        out = []
        for (proc, entity), recent in sorted(self._recent(processor).items()):
            n = self._streak(recent)
            if n and (proc, entity) not in tripped:
                out.append(Streak(proc, entity, n, recent[0][1]))
        return out

    def tripped_in(self, run_id: str) -> list[Breaker]:
        return [b for b in self.breakers() if b.run_id == run_id]

    def skipped_in(self, run_id: str) -> dict[str, int]:
        """Entities left out by a run because their breaker was open, per processor."""
        return dict(self.wh.query(
            f"SELECT processor, COUNT(*) FROM {T.ENTITY_FAILURES} WHERE run_id = ? "
            "AND category = ? GROUP BY processor", [run_id, ACTIVE]))

    # -- the runner's side -----------------------------------------------------
    @staticmethod
    def keep_sql(entity: str, skip: Iterable[str]) -> str:
        """A condition keeping the rows of entities that are attempted."""
        ids = ", ".join(_lit(e) for e in skip)
        return f"CAST({entity} AS VARCHAR) NOT IN ({ids})" if ids else "1 = 1"

    @staticmethod
    def failures_sql(entity: str, source: str, skip: dict[str, Breaker]) -> str:
        """(game_date, entity_id, category, message) of ``source``'s explained failures,
        with the entities of ``skip`` recorded as CIRCUIT_BREAKER_ACTIVE."""
        if not skip:
            return (f"SELECT game_date, {entity} AS entity_id, failure_category AS category, "
                    f"failure_reason AS message FROM {source} "
                    "WHERE failure_category IS NOT NULL")
        key = f"CAST({entity} AS VARCHAR)"
        ids = ", ".join(_lit(e) for e in skip)
        why = " ".join(f"WHEN {_lit(e)} THEN {_lit(b.explain())}" for e, b in skip.items())
        return (f"SELECT game_date, {entity} AS entity_id, "
                f"CASE WHEN {key} IN ({ids}) THEN '{ACTIVE}' ELSE failure_category END "
                f"AS category, CASE WHEN {key} IN ({ids}) THEN CASE {key} {why} END "
                f"ELSE failure_reason END AS message FROM {source} "
                f"WHERE failure_category IS NOT NULL OR {key} IN ({ids})")

    def observe(self, run_id: str, processor: str, table: str, entity: str, column: str,
                days: list[date], at: datetime | None = None) -> tuple[list[str], list[str]]:
        """Record the attempts of one written batch; trip and close breakers.
        Returns the entities whose breaker tripped and those whose breaker closed."""
        at = at or now()
        wanted = set(days)
        failures = [r for r in self.wh.query(
            f"SELECT game_date, entity_id, category, message FROM {T.ENTITY_FAILURES} "
            "WHERE processor = ? AND game_date BETWEEN ? AND ?",
            [processor, min(days), max(days)]) if r[0] in wanted]
        breakers = {b.entity_id: b for b in self.breakers(processor)}
        recent = {e: r for (_, e), r in self._recent(processor).items()}
        streak = {e: self._streak(r) for e, r in recent.items()}
        # per entity and date: failed (retryable) or ok; entities without a streak, a
        # breaker or a failure now are not followed (an ok attempt changes nothing for them)
        outcomes: dict[str, dict[date, tuple[str, str | None, str | None]]] = {}
        for d, e, category, message in failures:
            if category == ACTIVE:
                continue                       # not attempted
            if category in self.retryable:
                outcomes.setdefault(e, {})[d] = (FAILED, category, message)
        followed = set(outcomes) | {e for e, n in streak.items() if n} | set(breakers)
        for d, e, category, message in failures:
            if e in followed and category not in self.retryable and category != ACTIVE:
                outcomes.setdefault(e, {})[d] = (OK, category, message)
        quiet = sorted(followed - {e for e, b in breakers.items() if b.is_open(at)})
        if quiet:
            marks = ", ".join(_lit(e) for e in quiet)
            for d, e in self.wh.query(
                    f"SELECT DISTINCT {column}, CAST({entity} AS VARCHAR) FROM {table} "
                    f"WHERE {column} BETWEEN ? AND ? AND CAST({entity} AS VARCHAR) "
                    f"IN ({marks})", [min(days), max(days)]):
                if d in wanted:
                    outcomes.setdefault(e, {}).setdefault(d, (OK, None, None))
        history: list[list] = []
        tripped: dict[str, Breaker] = {}
        closed: list[str] = []
        for e, by_day in sorted(outcomes.items()):
            b = breakers.get(e)
            if b is not None and b.is_open(at):
                continue                       # left out: not an attempt
            n = streak.get(e, 0)
            half_open = b is not None          # cooled down: one failure re-opens it
            state: Breaker | None = b
            for d in sorted(by_day):
                outcome, category, message = by_day[d]
                history.append([processor, e, d, run_id, outcome, category, message, at])
                if outcome == FAILED:
                    n += 1
                    if half_open or n >= self.after:
                        state = Breaker(processor, e, at, at + self.cooldown, run_id, d, n,
                                        category, message)
                        half_open = False
                else:
                    n, half_open, state = 0, False, None
            if state is not None and state is not b:
                tripped[e] = state
            elif state is None and b is not None:
                closed.append(e)
        if history:
            self.wh.insert_rows(T.ENTITY_ATTEMPTS, history)
        self._delete(processor, [*tripped, *closed])
        if tripped:
            self.wh.insert_rows(T.ENTITY_BREAKERS, [
                [b.processor, b.entity_id, b.tripped_at, b.run_id, b.game_date, b.failures,
                 b.category, b.message] for b in tripped.values()])
        return sorted(tripped), closed

    # -- the operator's side ---------------------------------------------------
    def reset(self, entity: str | None = None, processor: str | None = None,
              at: datetime | None = None) -> list[Breaker]:
        """Close breakers (of one entity, one processor, or all): the entity is attempted
        on the next daily run and its failure streak starts again from zero."""
        at = at or now()
        chosen = [b for b in self.breakers(processor) if entity is None or b.entity_id == entity]
        if not chosen:
            return []
        self.wh.insert_rows(T.ENTITY_ATTEMPTS, [
            [b.processor, b.entity_id, b.game_date, "operator", RESET, None,
             "breaker reset by an operator", at] for b in chosen])
        for proc in sorted({b.processor for b in chosen}):
            self._delete(proc, [b.entity_id for b in chosen if b.processor == proc])
        return chosen

    def _delete(self, processor: str, entities: list[str]) -> None:
        if entities:
            marks = ", ".join("?" * len(entities))
            self.wh.execute(f"DELETE FROM {T.ENTITY_BREAKERS} WHERE processor = ? "
                            f"AND entity_id IN ({marks})", [processor, *entities])
