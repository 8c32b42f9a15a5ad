"""Per-entity circuit breakers: in daily mode an entity failing with a retryable category
on its last N attempts is left out (CIRCUIT_BREAKER_ACTIVE, naming when it tripped and until
when) until its cooldown ends; then it is tried again. Backfill mode never trips them."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, timedelta

import orjson
import pytest

from backcourt import app as lib
from backcourt.ledger.breakers import EntityBreakers
from backcourt.ledger.ledger import now
from backcourt.registry.mode import get_mode
from tests.conftest import SIM_END, SIM_START, make_context

PSZA = "player_shot_zone_analysis"


def attempts(ctx) -> list[tuple]:
    return ctx.wh.query("SELECT entity_id, game_date, outcome, category "
                        "FROM backcourt_ops.entity_attempts ORDER BY attempted_at, game_date")


def failure(ctx, day: date, entity: int) -> tuple | None:
    rows = ctx.wh.query("SELECT category, message FROM backcourt_ops.entity_failures "
                        "WHERE processor = ? AND game_date = ? AND entity_id = ?",
                        [PSZA, day, str(entity)])
    return rows[0] if rows else None


def has_row(ctx, day: date, entity: int) -> bool:
    return bool(ctx.wh.query("SELECT 1 FROM nba_precompute.player_shot_zone_analysis "
                             "WHERE game_date = ? AND player_id = ?", [day, entity]))


@pytest.fixture
def broken(tmp_path, sim_raw):
    """Phases 2-3 loaded; one player's play-by-play zones are missing from every game, so
    his shot-zone analysis fails with NO_SHOT_ZONE (retryable: a re-fetch may fix it)."""
    ctx = make_context(tmp_path, sim_raw)
    assert lib.run(ctx, lib.select(ctx, [2, 3]), SIM_START, SIM_END, "p23").ok
    days = ctx.calendar.game_dates(SIM_START, SIM_END)[-5:]
    psza = lib.select(ctx, names=[PSZA])
    assert lib.run(ctx, psza, days[0], days[0], "probe").ok
    player = ctx.wh.query("SELECT player_id FROM nba_precompute.player_shot_zone_analysis "
                          "WHERE game_date = ? ORDER BY games_in_sample DESC, player_id "
                          "LIMIT 1", [days[0]])[0][0]
    zoned = [d for (d,) in ctx.wh.query(
        "SELECT game_date FROM nba_analytics.player_game_summary "
        "WHERE player_id = ? AND has_complete_shot_zones", [player])]

    def zones(present: bool) -> None:
        ctx.wh.execute("UPDATE nba_analytics.player_game_summary SET "
                       f"has_complete_shot_zones = {'TRUE' if present else 'FALSE'} "
                       f"WHERE player_id = ? AND game_date IN ({', '.join('?' * len(zoned))})",
                       [player, *zoned])

    zones(False)
    return ctx, days, player, zones


def test_backfill_mode_never_records_or_trips(broken):
    ctx, days, player, _ = broken
    psza = lib.select(ctx, names=[PSZA])
    for _ in range(4):
        assert lib.run(ctx, psza, days[0], days[2], "backfill").ok
    assert failure(ctx, days[2], player)[0] == "NO_SHOT_ZONE"
    assert attempts(ctx) == []
    assert EntityBreakers(ctx.ledger, get_mode("daily")).breakers() == []


def test_daily_trips_leaves_out_then_retries_after_the_cooldown(broken, tmp_path, sim_raw):
    ctx, days, player, zones = broken
    daily = make_context(tmp_path, sim_raw, mode="daily")
    psza = lib.select(daily, names=[PSZA])
    after = daily.mode.entity_breaker_after
    assert after == 3
    for i, d in enumerate(days[:after]):
        summary = lib.run(daily, psza, d, d, f"daily {d}")
        assert summary.ok                               # an explained failure, not a gap
        assert failure(daily, d, player)[0] == "NO_SHOT_ZONE"
        tripped = [b["entity_id"] for b in summary.breakers_tripped]
        assert tripped == ([str(player)] if i == after - 1 else [])
    assert [a[2] for a in attempts(daily)] == ["failed"] * after

    # open: left out even once the data is fixed, explained with when and until when
    zones(True)
    summary = lib.run(daily, psza, days[3], days[3], "daily while open")
    assert summary.ok and summary.breaker_skipped == {PSZA: 1}
    category, message = failure(daily, days[3], player)
    assert category == "CIRCUIT_BREAKER_ACTIVE"
    board = EntityBreakers(daily.ledger, daily.mode)
    (b,) = board.breakers(PSZA)
    assert f"tripped {b.tripped_at:%Y-%m-%d %H:%M:%S} UTC" in message
    assert f"until {b.until:%Y-%m-%d %H:%M:%S} UTC" in message
    assert b.until - b.tripped_at == timedelta(hours=24) and b.failures == after
    assert not has_row(daily, days[3], player)
    assert len(attempts(daily)) == after                # not attempted, not counted

    # cooled down and still failing: one failure re-opens it at once
    zones(False)
    cooled = make_context(tmp_path, sim_raw, mode="daily")
    cooled.mode = get_mode("daily", entity_breaker_cooldown_h=0)
    assert lib.run(cooled, psza, days[3], days[3], "daily retry").ok
    assert failure(cooled, days[3], player)[0] == "NO_SHOT_ZONE"
    (again,) = EntityBreakers(cooled.ledger, cooled.mode).breakers(PSZA)
    assert again.tripped_at > b.tripped_at and again.failures == after + 1

    # cooled down and fixed: it is attempted, its row is written, the breaker closes
    zones(True)
    summary = lib.run(cooled, psza, days[4], days[4], "daily fixed")
    assert summary.ok and has_row(cooled, days[4], player)
    assert failure(cooled, days[4], player) is None
    assert board.breakers() == [] and board.streaks() == []
    assert attempts(cooled)[-1][2:] == ("ok", None)


def test_expected_failures_never_count(broken, tmp_path, sim_raw):
    ctx, days, player, zones = broken
    zones(True)
    daily = make_context(tmp_path, sim_raw, mode="daily")
    psza = lib.select(daily, names=[PSZA])
    for d in days[:4]:
        assert lib.run(daily, psza, d, d, f"daily {d}").ok
    expected = daily.wh.query("SELECT count(*) FROM backcourt_ops.entity_failures "
                              "WHERE processor = ? AND category = 'INSUFFICIENT_DATA'", [PSZA])
    assert expected[0][0] > 0                            # early season: too few games
    assert attempts(daily) == [] and EntityBreakers(daily.ledger, daily.mode).breakers() == []


def test_breakers_command_lists_and_resets(tmp_path, sim_raw):
    path = tmp_path / "cli.duckdb"
    ctx = make_context(tmp_path, sim_raw, name="cli.duckdb")
    board = EntityBreakers(ctx.ledger, get_mode("daily"))
    ctx.wh.ensure_table("nba_precompute.player_shot_zone_analysis",
                        {"game_date": "DATE", "player_id": "BIGINT"})
    for i, d in enumerate([date(2023, 11, 14), date(2023, 11, 15), date(2023, 11, 16)]):
        ctx.wh.execute("INSERT INTO backcourt_ops.entity_failures VALUES "
                       "(?, ?, ?, '42', 'NO_SHOT_ZONE', 'no zones', ?)",
                       [f"run{i}", PSZA, d, now()])
        tripped, _ = board.observe(f"run{i}", PSZA, "nba_precompute.player_shot_zone_analysis",
                                   "player_id", "game_date", [d])
    assert tripped == ["42"]
    ctx.wh.close()
    lib.release_locks()
    env = {**os.environ, "BACKCOURT_WAREHOUSE": str(path), "BACKCOURT_RAW": sim_raw}

    def cli(*args: str) -> tuple[int, dict]:
        p = subprocess.run([sys.executable, "-m", "backcourt.cli", "breakers", *args, "--json"],
                           env=env, capture_output=True, timeout=120)
        return p.returncode, orjson.loads(p.stdout) if p.stdout.strip() else {}

    rc, body = cli()
    assert rc == 1 and body["open"] == 1                 # an open breaker needs attention
    assert body["breakers"][0]["entity_id"] == "42"
    assert body["breakers"][0]["state"] == "open" and body["breakers"][0]["failures"] == 3
    assert cli("--reset", "7")[0] == 1                   # nothing to reset
    rc, body = cli("--reset", "42")
    assert rc == 0 and [b["entity_id"] for b in body["reset"]] == ["42"]
    rc, body = cli()
    assert rc == 0 and body["open"] == 0 and body["failing"] == []
    p = subprocess.run([sys.executable, "-m", "backcourt.cli", "breakers", "--reset", "42",
                        "--all"], env=env, capture_output=True, timeout=120)
    assert p.returncode == 2
