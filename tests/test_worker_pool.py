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


_STOPPED = """
import sys, time
from backcourt import stop_signals
from backcourt.partitions import workers

stop_signals.install()   # as the command's entry point does


def slow(n):
    time.sleep(0.2)
    return n


try:
    for n in workers.map_in_workers(slow, list(range(40)), workers=2):
        print(n, flush=True)
except KeyboardInterrupt:
    stop_signals.ignore()
    sys.exit(130)
"""


@pytest.mark.parametrize("sig", ["SIGINT", "SIGTERM"])
def test_a_stop_signal_to_the_process_group_ends_the_pool_quietly(sig):
    """Ctrl-C at a terminal (SIGINT) and a supervisor's SIGTERM reach the whole process
    group: each worker inherited the command's handler, wrote its own 'interrupted' line and
    died with a traceback (EOFError, KeyboardInterrupt), and on SIGTERM the pool's thread
    died of InvalidStateError (a job cancelled by the caller, then failed by the thread).
    Now the parent alone stops: one line, exit 130, the jobs not started are dropped, and
    no worker is left."""
    import signal
    import subprocess
    import sys

    p = subprocess.Popen([sys.executable, "-c", _STOPPED], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, start_new_session=True, env=os.environ)
    assert p.stdout.readline().strip() == b"0"       # the workers are under way
    os.killpg(p.pid, getattr(signal, sig))
    out, err = p.communicate(timeout=60)
    assert p.returncode == 130, err.decode()[-800:]
    assert err.decode().count("interrupted") == 1, err.decode()[-800:]
    assert b"Traceback" not in err and b"Exception" not in err, err.decode()[-800:]
    assert len(out.split()) < 39                      # the rest was not waited for
    with pytest.raises(ProcessLookupError):           # nobody left in its group
        os.killpg(p.pid, 0)
