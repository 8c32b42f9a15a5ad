"""One writer at a time: a lock file beside the warehouse, naming who holds it.

DuckDB itself refuses a second process on the same file; the lock turns that into a clear
message (who, since when, which command) and lets a second backfill wait for the first.
"""

from __future__ import annotations

import fcntl
import os
import time
from datetime import UTC, datetime


class WarehouseBusy(RuntimeError):
    pass


class WarehouseLock:
    def __init__(self, warehouse_path: str):
        self.path = f"{warehouse_path}.lock"
        self._fh = None
        self._watching_forks = False

    def acquire(self, command: str, wait_s: float = 0.0) -> None:
        os.makedirs(os.path.dirname(os.path.abspath(self.path)), exist_ok=True)
        fh = open(self.path, "a+")  # noqa: SIM115 - held for the life of the process
        deadline = time.monotonic() + wait_s
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    fh.seek(0)
                    holder = fh.read().strip() or "another process"
                    fh.close()
                    raise WarehouseBusy(
                        f"the warehouse is in use: {holder}. Wait for it to finish "
                        f"(or pass --wait SECONDS); lock file {self.path}") from None
                time.sleep(0.2)
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()} since {datetime.now(UTC):%Y-%m-%d %H:%M:%S}Z "
                 f"running '{command}'\n")
        fh.flush()
        self._fh = fh
        # a forked child (a parsing worker) must not keep the lock alive: flock belongs to
        # the open file, which the child shares, so a child outliving a killed parent
        # would hold the warehouse
        if not self._watching_forks:
            os.register_at_fork(after_in_child=self._forget_in_child)
            self._watching_forks = True

    def _forget_in_child(self) -> None:
        if self._fh is not None:
            self._fh.close()   # the child's reference only: the parent keeps the lock
            self._fh = None

    def release(self) -> None:
        if self._fh is not None:
            self._fh.seek(0)
            self._fh.truncate()
            fcntl.flock(self._fh, fcntl.LOCK_UN)
            self._fh.close()
            self._fh = None
