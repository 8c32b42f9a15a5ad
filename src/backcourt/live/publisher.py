"""Publishing a run's progress: a state file beside the warehouse, rewritten atomically.

The publisher is the runner's ``progress`` callback (per processor: done / total) and an
observer of the ledger (every recorded attempt: the cell's state, failures). A daemon
thread writes the file when something changed (at most every ``WRITE_EVERY_S``) and at
least every ``HEARTBEAT_EVERY_S`` (the heartbeat); a stage change and the end are written
at once.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import orjson

from backcourt.ledger import FAILED, SKIPPED, SUCCEEDED, Ledger
from backcourt.live.reader import RUNNING, progress_path

WRITE_EVERY_S = 0.5
HEARTBEAT_EVERY_S = 1.0
KEEP_FAILURES = 200     # the file names this many failures; the count is always complete

# a cell's state while the run goes: planned → queued → running → done / failed / skipped;
# cells the plan does not run keep the plan's state (done, skipped, blocked, …)
QUEUED, RUNNING_CELL = "queued", "running"
_ATTEMPT_STATE = {SUCCEEDED: "done", FAILED: "failed", SKIPPED: "skipped"}


# Phase 2 forks parsing workers from the main thread while the writer thread runs: a fork
# must not happen in the middle of a write (the child would inherit a held stdio or file
# lock). The writer holds this gate while it writes; a fork waits for it, and the child
# starts with a fresh one.
_WRITING = threading.Lock()


def _fresh_gate() -> None:
    global _WRITING
    _WRITING = threading.Lock()


os.register_at_fork(before=lambda: _WRITING.acquire(),
                    after_in_parent=lambda: _WRITING.release(), after_in_child=_fresh_gate)


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class LivePublisher:
    """The progress of one command in this process. Thread-safe: worker threads report."""

    def __init__(self, warehouse: str, command: str, mode: str,
                 write_every: float = WRITE_EVERY_S, heartbeat_every: float = HEARTBEAT_EVERY_S):
        self.path = progress_path(warehouse)
        self.write_every, self.heartbeat_every = write_every, heartbeat_every
        self.listeners: list[Callable[[dict], None]] = []   # called with every snapshot
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._dirty = True
        self._last_write = 0.0
        self._t0 = time.time()
        self._first_progress: float | None = None
        self._stage_of: dict[str, int] = {}
        self._stage_names: list[list[str]] = []
        self._failures_total = 0
        self.data: dict = {
            "version": 1, "run_id": None, "command": command, "mode": mode,
            "warehouse": warehouse, "pid": os.getpid(), "host": os.uname().nodename,
            "status": RUNNING, "exit_code": None, "started_at": _stamp(), "finished_at": None,
            "stage": "starting", "stage_index": 0, "stages_total": 0,
            "window": None, "planned": None, "done": 0, "succeeded": 0, "failed": 0,
            "skipped": 0, "rate_per_s": None, "eta_s": None, "elapsed_s": 0.0,
            "processors": {}, "cells": {}, "planned_states": {}, "phases": {},
            "failures": [], "failures_total": 0,
            "heartbeat_at": None, "heartbeat_epoch": None,
        }

    # -- what the command tells it ----------------------------------------------
    def stage(self, label: str, now: bool = True) -> None:
        """A stage outside the plan's stages (Phase 1, planning): written at once (or, with
        ``now=False``, by the next write: a label that changes often)."""
        with self._lock:
            self.data["stage"] = label
            self._dirty = True
        if now:
            self.flush()

    def planned(self, plan, registry) -> None:
        """The plan of the run: every cell of the range with the plan's state (the cells
        to run are 'queued'), the stages, the number of partitions to run."""
        with self._lock:
            d = self.data
            d["window"] = [plan.start.isoformat(), plan.end.isoformat()]
            d["planned"] = plan.to_run
            # a queued cell's state until the run records it (missing, failed, stale)
            before = d["planned_states"]
            for c in plan.cells.values():
                day = c.game_date.isoformat()
                d["cells"].setdefault(c.processor, {})[day] = QUEUED if c.run else c.state
                if c.run:
                    before.setdefault(c.processor, {})[day] = c.state
            phase = {p.name: p.phase for p in [*plan.sources, *plan.processors]}
            d["phases"].update(phase)
            for name, days in plan.targets().items():
                d["processors"].setdefault(name, self._blank(phase.get(name)))["total"] = \
                    len(days)
            self._set_stages([[n for n, _ in stage] for stage in plan.stages(registry)])
            d["stage"] = f"planned: {plan.to_run} partitions in {len(self._stage_names)} stages"
            self._dirty = True
        self.flush()

    def stages_of(self, registry, processors) -> None:
        """The stages when there is no plan (``run``): the registry's order."""
        with self._lock:
            self._set_stages([[p.name for p in stage] for stage in registry.stages(processors)])

    def _set_stages(self, names: list[list[str]]) -> None:
        self._stage_names = names
        self._stage_of = {n: i for i, stage in enumerate(names, 1) for n in stage}
        self.data["stages_total"] = len(names)

    @staticmethod
    def _blank(phase: int | None) -> dict:
        return {"phase": phase, "done": 0, "total": 0, "succeeded": 0, "failed": 0,
                "skipped": 0, "state": QUEUED}

    def __call__(self, p, done: int, total: int) -> None:
        """The runner's progress callback."""
        now = time.time()
        changed_stage = False
        with self._lock:
            if self._first_progress is None:
                self._first_progress = now
            d = self.data
            row = d["processors"].setdefault(p.name, self._blank(p.phase))
            row.update(done=done, total=total, phase=p.phase,
                       state="finished" if done >= total else RUNNING)
            if done < total:   # its remaining queued cells are being worked on
                cells = d["cells"].get(p.name, {})
                for day, st in cells.items():
                    if st == QUEUED:
                        cells[day] = RUNNING_CELL
            k = self._stage_of.get(p.name)
            if k is not None and k != d["stage_index"]:
                d["stage_index"] = k
                d["stage"] = (f"stage {k}/{len(self._stage_names)}: "
                              + ", ".join(self._stage_names[k - 1]))
                changed_stage = True
            self._totals(now)
            self._dirty = True
        if changed_stage:
            self.flush()

    def recorded(self, run_id: str, attempts) -> None:
        """The ledger's observer: attempts just recorded (any thread)."""
        with self._lock:
            d = self.data
            d["run_id"] = d["run_id"] or run_id
            for a in attempts:
                day = a.game_date.isoformat()
                d["cells"].setdefault(a.processor, {})[day] = _ATTEMPT_STATE.get(a.status,
                                                                                 a.status)
                row = d["processors"].setdefault(a.processor, self._blank(None))
                if a.status in row:
                    row[a.status] += 1
                if a.status in (SUCCEEDED, FAILED, SKIPPED):
                    d[a.status] += 1
                if a.status == FAILED:
                    self._failures_total += 1
                    if len(d["failures"]) < KEEP_FAILURES:
                        d["failures"].append({
                            "processor": a.processor, "game_date": day,
                            "category": a.failure_category,
                            "message": (a.failure_message or "").splitlines()[0][:300]
                            if a.failure_message else ""})
            d["failures_total"] = self._failures_total
            self._dirty = True

    def _totals(self, now: float) -> None:
        d = self.data
        done = sum(r["done"] for r in d["processors"].values())
        d["done"] = done
        d["elapsed_s"] = round(now - self._t0, 1)
        if self._first_progress is not None and done:
            rate = done / max(now - self._first_progress, 1e-3)
            d["rate_per_s"] = round(rate, 2)
            planned = d["planned"] if d["planned"] is not None else sum(
                r["total"] for r in d["processors"].values())
            d["eta_s"] = round(max(planned - done, 0) / rate, 1) if rate > 0 else None

    def finish(self, exit_code: int, status: str | None = None) -> None:
        """The end: the exit code the command returns, its status (written at once)."""
        with self._lock:
            d = self.data
            d["exit_code"] = exit_code
            d["status"] = status or {0: "succeeded", 130: "interrupted"}.get(exit_code,
                                                                              "failed")
            d["finished_at"] = _stamp()
            d["stage"] = f"finished: {d['status']}"
            d["eta_s"] = 0.0 if exit_code == 0 else d["eta_s"]
            self._dirty = True
        self.stop()
        self.flush()

    # -- writing ---------------------------------------------------------------
    def snapshot(self) -> dict:
        with self._lock:
            now = time.time()
            self._totals(now)
            self.data["heartbeat_at"] = _stamp()
            self.data["heartbeat_epoch"] = round(now, 3)
            return orjson.loads(orjson.dumps(self.data))   # a copy the writer owns

    def flush(self) -> None:
        """Write the file now (temp file + rename: a reader never sees half of it)."""
        with _WRITING:
            snap = self.snapshot()
            body = orjson.dumps(snap)
            tmp = f"{self.path}.{os.getpid()}.{threading.get_ident()}.tmp"
            with open(tmp, "wb") as fh:
                fh.write(body)
            os.replace(tmp, self.path)
            with self._lock:
                self._dirty = False
                self._last_write = time.monotonic()
            for listener in self.listeners:
                listener(snap)

    def _loop(self) -> None:
        while not self._stop.wait(self.write_every / 2):
            since = time.monotonic() - self._last_write
            if (self._dirty and since >= self.write_every) or since >= self.heartbeat_every:
                with contextlib.suppress(OSError):   # a full disk must not kill the run
                    self.flush()

    def start(self) -> LivePublisher:
        Ledger.observers.append(self.recorded)
        self.flush()
        self._thread = threading.Thread(target=self._loop, name="backcourt-live", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)
        with contextlib.suppress(ValueError):
            Ledger.observers.remove(self.recorded)


@contextlib.contextmanager
def publish(warehouse: str, command: str, mode: str) -> Iterator[LivePublisher | None]:
    """Publish the progress of the command run inside the block. An exception or an
    interrupt that leaves the block unfinished is recorded as the end (interrupted: 130,
    anything else: 1). An in-memory warehouse has no file beside it: nothing is published."""
    if warehouse == ":memory:":
        yield None
        return
    live = LivePublisher(warehouse, command, mode).start()
    try:
        yield live
    except KeyboardInterrupt:
        live.finish(130)
        raise
    except BaseException as exc:
        code = getattr(exc, "exit_code", None)   # typer.Exit / click's Exit carry theirs
        if code is None and isinstance(exc, SystemExit):
            code = exc.code if isinstance(exc.code, int) else 1
        if live.data["status"] == RUNNING:
            live.finish(code if isinstance(code, int) else 1)
        raise
    else:
        if live.data["status"] == RUNNING:
            live.finish(0)
    finally:
        live.stop()
