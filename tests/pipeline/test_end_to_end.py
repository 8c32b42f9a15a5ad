"""A simulated window through Phases 2–3 on a real DuckDB file: done, idempotent, ledgered."""

from __future__ import annotations

from backcourt import app as lib
from backcourt.status import status_matrix
from tests.conftest import SIM_END, SIM_START, make_context


def checksum(wh, table: str) -> tuple:
    cols = [c for c in wh.columns(table) if c not in ("source_file",)]
    expr = ", ".join(f'"{c}"' for c in cols)
    return wh.query(f"SELECT count(*), sum(hash({expr})) FROM {table}")[0]


def test_phases_2_3_done_and_rerun_changes_nothing(tmp_path, sim_raw):
    ctx = make_context(tmp_path, sim_raw)
    procs = lib.select(ctx, [2, 3])
    first = lib.run(ctx, procs, SIM_START, SIM_END, "test run")
    assert first.ok, [f.__dict__ for f in first.failures[:5]]
    m = status_matrix(ctx, procs, SIM_START, SIM_END)
    assert m.dates, "the simulated window has game dates"
    assert m.complete, m.counts()
    for p in procs:
        if p.partitions == "game_dates":
            assert m.counts()[p.name]["done"] == len(m.dates), p.name

    tables = [p.table for p in procs]
    before = {t: checksum(ctx.wh, t) for t in tables}
    ledger_rows = ctx.wh.query("SELECT count(*) FROM backcourt_ops.ledger")[0][0]
    second = lib.run(ctx, procs, SIM_START, SIM_END, "test rerun")
    assert second.ok
    assert {t: checksum(ctx.wh, t) for t in tables} == before
    assert ctx.wh.query("SELECT count(*) FROM backcourt_ops.ledger")[0][0] == 2 * ledger_rows
    runs = ctx.ledger.runs()
    assert [r["status"] for r in runs] == ["succeeded", "succeeded"]


def test_backfill_resume_runs_only_what_is_needed(tmp_path, sim_raw):
    ctx = make_context(tmp_path, sim_raw)
    procs = lib.select(ctx, [2, 3])
    first = lib.backfill(ctx, procs, SIM_START, SIM_END, "backfill")[1]
    assert first.ok and first.succeeded > 0
    again = lib.backfill(ctx, procs, SIM_START, SIM_END, "backfill")[1]
    assert again.ok and again.succeeded == 0 and again.failed == 0
    # delete one partition behind the ledger's back: only it (and nothing else) reruns
    day = status_matrix(ctx, procs, SIM_START, SIM_END).dates[5]
    ctx.wh.execute("DELETE FROM nba_analytics.player_game_summary WHERE game_date = ?", [day])
    fix = lib.backfill(ctx, procs, SIM_START, SIM_END, "backfill")[1]
    assert fix.ok
    assert fix.per_processor["player_game_summary"]["succeeded"] == 1
    # its rewrite changed the input fingerprint of downstream partitions whose window reads it
    assert fix.per_processor.get("upcoming_player_game_context", {}).get("succeeded", 0) >= 1
    assert "team_offense_game_summary" not in fix.per_processor
