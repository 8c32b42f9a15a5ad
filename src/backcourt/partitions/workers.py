"""CPU-bound work of a loader in forked worker processes: the run's one process pool.

A loader hands ``Context.map_in_workers`` a function and its jobs; the jobs (and the
results) cross to the workers pickled, the function itself never: the workers are forked
and inherit it, with everything it closes over (a raw store, a name resolver).

The rules of forking live here and nowhere else:

- fork only from the main thread, never from a stage's processor threads (a child inherits
  the locks another thread holds mid-operation: it can crash or hang); elsewhere, and where
  ``fork`` does not exist, the jobs run in this process, one after the other;
- a worker that dies (killed, out of memory, a crash in a C extension) raises
  ``BrokenProcessPool`` in the parent — the batch fails and says so — instead of the
  parent waiting for its result forever (as ``multiprocessing.Pool`` would);
- a worker whose parent is killed exits too;
- a stop signal is the parent's: Ctrl-C (sent to the terminal's whole process group) leaves
  a worker at its job, the parent stops the pool (the jobs not started are cancelled); a
  SIGTERM ends a worker quietly (``stop_signals.in_worker``), never with a traceback;
- the objects a worker inherits are frozen out of its garbage collector: garbage of the
  parent's (a DuckDB connection, a LightGBM model) collected in a forked child would run
  its finalizer there, on a copy of a library's state taken mid-operation.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

from backcourt import stop_signals

J = TypeVar("J")
R = TypeVar("R")

# the function a forked worker runs (inherited from the parent, never pickled)
_task: Callable[[Any], Any] | None = None


def default_workers() -> int:
    return os.cpu_count() or 1


def can_fork() -> bool:
    """Whether this process may fork workers now (a ``fork`` start method, main thread)."""
    return ("fork" in multiprocessing.get_all_start_methods()
            and threading.current_thread() is threading.main_thread())


def map_in_workers(fn: Callable[[J], R], jobs: Sequence[J],
                   workers: int | None = None) -> Iterator[R]:
    """``fn(job)`` for each job, in the jobs' order: in up to ``workers`` forked processes
    (default: one per core) when there are two jobs or more and forking is allowed, else in
    this process."""
    workers = default_workers() if workers is None else workers
    if workers <= 1 or len(jobs) <= 1 or not can_fork():
        for job in jobs:
            yield fn(job)
        return
    pool = ProcessPoolExecutor(min(workers, len(jobs)),
                               mp_context=multiprocessing.get_context("fork"),
                               initializer=_init_worker, initargs=(fn,))
    try:
        gc.freeze()
        try:   # the workers are forked at the first job
            pending = [pool.submit(_run_in_worker, job) for job in jobs]
        finally:
            gc.unfreeze()
        pending.reverse()   # (popped as they come: a result is held only until yielded)
        while pending:
            yield pending.pop().result()
    finally:
        # the jobs not started (a stop, an error, a caller that stopped reading) are
        # cancelled by the pool's own thread: cancelled from here, as ``pool.map`` does,
        # they race with that thread marking them failed when a worker has died (a SIGTERM
        # to the whole process group), and it dies of InvalidStateError with a traceback
        pool.shutdown(wait=True, cancel_futures=True)


def _init_worker(fn: Callable[[Any], Any]) -> None:
    global _task
    _task = fn
    stop_signals.in_worker()
    _die_with_parent()


def _run_in_worker(job: Any) -> Any:
    assert _task is not None
    return _task(job)


def _die_with_parent() -> None:
    """A worker whose parent is killed (kill -9) exits too, instead of waiting forever for
    work on a queue that its siblings keep open (Linux: the kernel sends SIGKILL)."""
    parent = os.getppid()
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)   # PR_SET_PDEATHSIG
    except (OSError, AttributeError):   # not Linux: nothing to ask the kernel
        return
    if os.getppid() != parent:   # the parent died before the request
        os._exit(1)
