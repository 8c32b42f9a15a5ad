"""The progress file: always whole (temp + rename) while it is rewritten, a heartbeat at
least every second, the end recorded whatever ends the block."""

from __future__ import annotations

import threading
import time

import pytest

from backcourt.live import LivePublisher, publish, read_live


def test_a_reader_never_sees_half_a_file_and_the_heartbeat_keeps_up(tmp_path):
    wh = str(tmp_path / "wh.duckdb")
    live = LivePublisher(wh, "backfill (test)", "backfill", write_every=0.01,
                         heartbeat_every=0.02).start()
    live.stage("stage -1: " + "x" * 5000)
    stop = threading.Event()

    def churn() -> None:          # many stage changes: many writes
        i = 0
        while not stop.is_set():
            live.stage(f"stage {i}: " + "x" * 5000)
            i += 1

    writer = threading.Thread(target=churn)
    writer.start()
    try:
        seen = 0
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline:
            state = read_live(wh)
            assert state is not None            # never missing, never half-written
            assert state.data["stage"].endswith("x" * 5000)
            seen += 1
        assert seen > 50
    finally:
        stop.set()
        writer.join()
    live.finish(0)


def test_heartbeat_without_progress_and_the_end(tmp_path):
    wh = str(tmp_path / "wh.duckdb")
    with publish(wh, "daily --date 2023-11-01", "daily"):
        first = read_live(wh).data["heartbeat_epoch"]
        time.sleep(2.2)                          # nothing reported meanwhile
        state = read_live(wh)
        assert state.data["heartbeat_epoch"] > first and state.heartbeat_age_s < 1.5
        assert state.running and not state.stale
    end = read_live(wh)
    assert end.data["status"] == "succeeded" and end.exit_code == 0 and not end.running
    with pytest.raises(KeyboardInterrupt), publish(wh, "backfill", "backfill"):
        raise KeyboardInterrupt
    assert read_live(wh).data["status"] == "interrupted" and read_live(wh).exit_code == 130
