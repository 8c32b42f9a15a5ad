"""Live progress of a running command, for other processes to read.

The warehouse is held by one process at a time and DuckDB cannot be opened, even read-only,
while another process writes it; so the running process publishes where it is as a small
JSON file beside the warehouse (``<warehouse>.progress.json``), rewritten atomically
(temp file + rename) at most every ``WRITE_EVERY_S`` and at every stage change, with a
heartbeat. ``status``, ``runs``, ``plan``, ``watch`` and ``serve`` read it while the lock
is held elsewhere.
"""

from backcourt.live.publisher import LivePublisher, publish
from backcourt.live.reader import LiveState, progress_path, read_live

__all__ = ["LivePublisher", "LiveState", "progress_path", "publish", "read_live"]
