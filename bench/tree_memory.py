"""The memory a process and the processes it forked hold together, sampled while they run.

Each sample adds up the processes' proportional set sizes (PSS: a page shared by n
processes counts 1/n in each), so a page a forked worker still shares with its parent
counts once. Adding up each process's peak RSS instead (``ru_maxrss``) counts such pages
in both: an upper bound, not what the machine holds. Samples are ``every`` seconds apart,
so a peak shorter than that can be missed.
"""

from __future__ import annotations

import threading

import psutil


class TreePeak:
    """``with TreePeak(pid) as peak: ...`` then ``peak.mib``: the largest sum of PSS over
    the process ``pid`` and its descendants seen while the block ran."""

    def __init__(self, pid: int, every: float = 0.1) -> None:
        self.pid, self.every = pid, every
        self.mib = 0.0
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> TreePeak:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._stop.is_set():
            try:
                root = psutil.Process(self.pid)
                tree = [root, *root.children(recursive=True)]
            except psutil.Error:   # ended
                return
            total = 0
            for proc in tree:
                try:
                    total += proc.memory_full_info().pss
                except psutil.Error:   # ended between the listing and the read
                    continue
            self.mib = max(self.mib, total / 2**20)
            self.samples += 1
            self._stop.wait(self.every)
