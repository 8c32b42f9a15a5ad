"""Reading another process's published progress, and telling a live run from a dead one."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

import orjson

# a run whose heartbeat is older than this stopped publishing: killed, or the machine hung
STALE_AFTER_S = 10.0
RUNNING = "running"


def progress_path(warehouse: str) -> str:
    """The progress file of a warehouse: beside it, like its lock file."""
    return f"{warehouse.rstrip('/')}.progress.json"


def _pid_alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:   # someone else's process: it exists
        return True
    return True


@dataclass
class LiveState:
    """One reading of a progress file."""

    data: dict
    path: str
    read_at: float

    @property
    def status(self) -> str:
        return self.data.get("status", RUNNING)

    @property
    def heartbeat_age_s(self) -> float:
        return max(0.0, self.read_at - float(self.data.get("heartbeat_epoch", 0.0)))

    @property
    def stale_reason(self) -> str | None:
        """Why a run that says it is running is not (None when it is, or it has ended)."""
        if self.status != RUNNING:
            return None
        pid = self.data.get("pid")
        if self.data.get("host") == os.uname().nodename and not _pid_alive(pid):
            return (f"process {pid} is gone (killed?) and never recorded an end; "
                    f"run the same command again to resume: {self.data.get('command')}")
        if self.heartbeat_age_s > STALE_AFTER_S:
            return (f"no heartbeat for {self.heartbeat_age_s:.0f}s (process {pid} hung or "
                    "was killed)")
        return None

    @property
    def stale(self) -> bool:
        return self.stale_reason is not None

    @property
    def running(self) -> bool:
        return self.status == RUNNING and not self.stale

    @property
    def exit_code(self) -> int:
        """The run's exit code once it ended; 1 for a run that died without one."""
        code = self.data.get("exit_code")
        return int(code) if code is not None else 1

    def as_dict(self) -> dict:
        return {**self.data, "heartbeat_age_s": round(self.heartbeat_age_s, 2),
                "stale": self.stale, "stale_reason": self.stale_reason,
                "progress_file": self.path}


def read_live(warehouse: str) -> LiveState | None:
    """The progress published beside ``warehouse``, or None when there is none (or it is
    being replaced right now and unreadable: the caller reads again on its next tick)."""
    path = progress_path(warehouse)
    try:
        with open(path, "rb") as fh:
            data = orjson.loads(fh.read())
    except (FileNotFoundError, orjson.JSONDecodeError):
        return None
    return LiveState(data=data, path=path, read_at=time.time())
