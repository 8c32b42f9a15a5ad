"""The run's one process pool (``partitions.workers``, a loader's ``ctx.map_in_workers``):
results in order, the function inherited by fork (never pickled), in-process off the main
thread, and a worker that dies fails the call instead of hanging it."""

from __future__ import annotations

import os
import threading
from concurrent.futures.process import BrokenProcessPool

import pytest

from backcourt.partitions import workers


def test_jobs_run_in_forked_workers_and_come_back_in_order():
    offset = threading.Lock()   # a closure over something unpicklable: inherited, not sent

    def work(n: int) -> tuple[int, int, bool]:
        return n * n, os.getpid(), offset is not None

    out = list(workers.map_in_workers(work, list(range(12)), workers=2))
    assert [r[0] for r in out] == [n * n for n in range(12)]
    pids = {r[1] for r in out}
    assert os.getpid() not in pids and 1 <= len(pids) <= 2
    assert all(r[2] for r in out)


def test_one_job_or_one_worker_runs_in_this_process():
    assert list(workers.map_in_workers(lambda n: os.getpid(), [1], workers=2)) == [os.getpid()]
    assert set(workers.map_in_workers(lambda n: os.getpid(), [1, 2, 3], workers=1)) == {
        os.getpid()}


def test_off_the_main_thread_nothing_forks():
    got: list[int] = []
    t = threading.Thread(target=lambda: got.extend(
        workers.map_in_workers(lambda n: os.getpid(), [1, 2, 3, 4], workers=2)))
    t.start()
    t.join()
    assert got == [os.getpid()] * 4


def _die(job):
    os._exit(3)


def test_a_worker_that_dies_raises_broken_process_pool(monkeypatch):
    monkeypatch.setattr(workers, "_run_in_worker", _die)
    with pytest.raises(BrokenProcessPool):
        list(workers.map_in_workers(lambda n: n, [1, 2, 3, 4], workers=2))
