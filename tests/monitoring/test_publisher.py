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


def test_published_cells_read_as_states_with_running_where_the_run_works(tmp_path):
    """A run's published progress read back as the state pass's cells: the processor being
    worked on is running, what is queued keeps its plan's state (missing, stale), what the
    run recorded is done or failed with its reason, what it does not run keeps its state."""
    from datetime import date

    from backcourt.ledger import FAILED, SUCCEEDED, Attempt
    from backcourt.pipeline.catalog import REGISTRY
    from backcourt.planner.plan import Plan, PlanCell
    from backcourt.status import live_plan, live_status

    d1, d2 = date(2024, 1, 2), date(2024, 1, 3)
    up, down = REGISTRY.get("gamebook_player_stats"), REGISTRY.get("player_game_summary")
    plan = Plan(d1, d2, "stale", [up, down], cells={
        (up.name, d1): PlanCell(up.name, d1, "done", False, None),
        (up.name, d2): PlanCell(up.name, d2, "missing", True, "never run"),
        (down.name, d1): PlanCell(down.name, d1, "stale", True, "reads …"),
        (down.name, d2): PlanCell(down.name, d2, "missing", True, "never run"),
    })
    live = LivePublisher(str(tmp_path / "wh.duckdb"), "backfill (test)", "backfill")
    live.planned(plan, REGISTRY)
    live.recorded("run-1", [Attempt(up.name, d2, FAILED, failure_category="BAD_RAW_INPUT",
                                    failure_message="quarantined: a.json")])
    before = live_status(live.snapshot(), d1, d2)
    assert before["processors"][down.name]["dates"]["2024-01-02"]["state"] == "stale"
    live(down, 0, 2)   # the runner starts player_game_summary
    snap = live.snapshot()
    body = live_status(snap, d1, d2)
    cells = {(n, d): c for n, row in body["processors"].items()
             for d, c in row["dates"].items()}
    assert cells[(up.name, "2024-01-02")]["state"] == "done"           # not run: as planned
    assert cells[(up.name, "2024-01-03")] == {
        "state": "failed", "rows": None, "reason": "BAD_RAW_INPUT: quarantined: a.json"}
    assert {cells[(down.name, d)]["state"] for d in ("2024-01-02", "2024-01-03")} == {
        "running"}
    assert body["summary"][down.name]["running"] == 2 and body["complete"] is False
    assert body["processors"][down.name]["phase"] == down.phase
    live.recorded("run-1", [Attempt(down.name, d1, SUCCEEDED, rows_written=5)])
    planned = {(c["processor"], c["game_date"]): c for c in live_plan(live.snapshot(), d1,
                                                                        d2)["cells"]}
    assert planned[(down.name, "2024-01-02")]["state"] == "done"
    assert planned[(down.name, "2024-01-03")]["state"] == "running"
    assert planned[(down.name, "2024-01-03")]["run"] is True
    assert planned[(up.name, "2024-01-02")]["run"] is False
