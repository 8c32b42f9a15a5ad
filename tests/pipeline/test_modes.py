"""Every Mode field is read by the code that behaves differently: each test runs the same
operation in both modes and shows the documented difference (``backcourt modes``)."""

from __future__ import annotations

import importlib
import shutil
from datetime import date
from pathlib import Path

import pytest

from backcourt import app as lib
from backcourt.config import Settings
from backcourt.planner import make_plan
from backcourt.registry.mode import Mode, get_mode
from tests.conftest import SIM_END, SIM_START

DAY = date(2023, 11, 8)     # ten games: twenty teams


@pytest.fixture(scope="module")
def base(tmp_path_factory, sim_raw):
    """Phases 2-3 of the simulated window, loaded once (copied by each test)."""
    tmp = tmp_path_factory.mktemp("modes")
    path = str(tmp / "base.duckdb")
    ctx = lib.open_context(Settings(warehouse=path, raw=sim_raw))
    assert lib.run(ctx, lib.select(ctx, [2, 3]), SIM_START, SIM_END, "base").ok
    ctx.wh.close()
    lib.release_locks()
    return path


def both(base, tmp_path, raw, **daily_overrides):
    """The same warehouse twice, opened in daily and in backfill mode."""
    out = {}
    for mode in ("daily", "backfill"):
        path = str(tmp_path / f"{mode}.duckdb")
        shutil.copy(base, path)
        ctx = lib.open_context(Settings(warehouse=path, raw=raw), mode, switch_raw=True)
        if mode == "daily" and daily_overrides:
            ctx.mode = get_mode("daily", **daily_overrides)
        out[mode] = ctx
    return out["daily"], out["backfill"]


def run(ctx, name: str, day: date = DAY):
    return lib.run(ctx, lib.select(ctx, names=[name]), day, day, f"{ctx.mode.name} {name}")


def test_entity_completeness_check(base, tmp_path, sim_raw):
    daily, backfill = both(base, tmp_path, sim_raw)
    for ctx in (daily, backfill):   # the schedule names a team that did not play the game
        ctx.wh.execute(
            "UPDATE nba_raw.schedule SET away_team_id = (SELECT min(team_id) FROM "
            "nba_raw.team_boxscore WHERE team_id NOT IN (SELECT team_id FROM "
            "nba_raw.team_boxscore WHERE game_date = ?)) WHERE game_id = (SELECT min(game_id) "
            "FROM nba_raw.schedule WHERE game_date = ? AND game_status = 3)", [DAY, DAY])
    assert run(backfill, "team_boxscore").ok      # the counts still add up
    summary = run(daily, "team_boxscore")
    assert not summary.ok
    assert "per-entity completeness: 1 of 20" in summary.failures[0].message


def test_alerts(base, tmp_path, sim_raw):
    raw = str(tmp_path / "raw")
    shutil.copytree(sim_raw, raw)
    for f in sorted((Path(raw) / "nba_rosters" / DAY.isoformat()).iterdir())[1:]:
        f.unlink()                                 # one roster of twenty: rosters fail
    daily, backfill = both(base, tmp_path, raw)
    for ctx in (daily, backfill):
        summary = run(ctx, "rosters")
        assert not summary.ok and summary.failures[0].category == "CHECK_FAILED"
    alerts = daily.wh.query("SELECT processor, game_date, detail FROM backcourt_ops.events "
                            "WHERE event = 'alert'")
    assert alerts == [("rosters", DAY, alerts[0][2])] and "CHECK_FAILED" in alerts[0][2]
    assert backfill.wh.query("SELECT count(*) FROM backcourt_ops.events")[0][0] == 0


def test_date_too_old_days(base, tmp_path, sim_raw):
    daily, backfill = both(base, tmp_path, sim_raw)
    old = SIM_START + (SIM_END - SIM_START) // 4
    with pytest.raises(lib.DateTooOld, match="backcourt backfill --start"):
        lib.refuse_old_date(daily, old)
    lib.refuse_old_date(backfill, old)             # bypassed
    lib.refuse_old_date(daily, SIM_END)            # the newest date is what daily is for


def test_expected_counts(base, tmp_path, sim_raw):
    raw = str(tmp_path / "raw")
    shutil.copytree(sim_raw, raw)
    for f in sorted((Path(raw) / "nba_rosters" / DAY.isoformat()).iterdir())[:2]:
        f.unlink()                                 # two rosters of twenty missing
    # (daily's per-entity check would fail it too: switched off to show this behavior alone)
    daily, backfill = both(base, tmp_path, raw, entity_completeness_check=False)
    relaxed = run(backfill, "rosters")
    assert relaxed.ok, relaxed.failures            # 18 of 20 teams: at least 90 %
    strict = run(daily, "rosters")
    assert not strict.ok and "expected 20" in strict.failures[0].message
    from backcourt.validation import validate

    v = validate(backfill, lib.select(backfill, names=["rosters"]), DAY, DAY)
    assert any(f.type == "partial_data" and DAY in f.dates for f in v.findings)


def test_stale_upstream(base, tmp_path, sim_raw):
    daily, backfill = both(base, tmp_path, sim_raw)
    early = date(2023, 11, 1)
    for ctx in (daily, backfill):   # a rewritten box score makes that date's summary stale
        assert run(ctx, "gamebook_player_stats", early).ok
    target = ["upcoming_player_game_context"]   # reads 30 days of summaries, 11-01's too
    d_plan = make_plan(daily, daily.registry.select(names=target), SIM_END, SIM_END, "all")
    cell = d_plan.cells[("upcoming_player_game_context", SIM_END)]
    assert cell.state == "blocked" and not cell.run
    assert "player_game_summary 2023-11-01 is stale" in cell.reason
    assert "backcourt backfill --start 2023-11-01" in cell.reason
    _, summary = lib.backfill(backfill, backfill.registry.select(names=target), SIM_END,
                              SIM_END, "bf", reprocess="all")
    assert summary.ok and summary.succeeded == 1
    assert any("2023-11-01" in w and "stale" in w for w in summary.warnings)


# the test that shows each field's effect in both modes (or the field's own test)
COVERED = {
    "dependency_check": "tests.pipeline.test_operations:"
                        "test_daily_mode_checks_window_completeness_backfill_only_existence",
    "entity_completeness_check": "tests.pipeline.test_modes:test_entity_completeness_check",
    "alerts": "tests.pipeline.test_modes:test_alerts",
    "query_timeout_s": "tests.test_resilience:test_statement_timeout_interrupts",
    "circuit_breakers": "tests.pipeline.test_breakers:test_backfill_mode_never_records_or_trips",
    "downstream_triggers": "tests.pipeline.test_operations:"
                           "test_daily_emits_downstream_events_and_backfill_never",
    "date_too_old_days": "tests.pipeline.test_modes:test_date_too_old_days",
    "stale_upstream": "tests.pipeline.test_modes:test_stale_upstream",
    "expected_counts": "tests.pipeline.test_modes:test_expected_counts",
    "retries": "tests.test_resilience:test_transient_error_is_retried",
    "breaker_after": "tests.test_resilience:test_circuit_breaker_stops_a_crashing_processor",
    "entity_breaker_after": "tests.pipeline.test_breakers:"
                            "test_daily_trips_leaves_out_then_retries_after_the_cooldown",
    "entity_breaker_cooldown_h": "tests.pipeline.test_breakers:"
                                 "test_daily_trips_leaves_out_then_retries_after_the_cooldown",
    "entity_breaker_categories": "tests.pipeline.test_breakers:"
                                 "test_expected_failures_never_count",
}


def test_every_mode_field_has_a_test_of_its_effect():
    assert set(COVERED) == set(Mode.model_fields) - {"name"}
    for field, where in COVERED.items():
        module, name = where.split(":")
        assert hasattr(importlib.import_module(module), name), (field, where)
