"""Transient errors are retried with backoff, a statement past its timeout is interrupted,
and a processor that keeps crashing trips its circuit breaker instead of grinding on."""

from __future__ import annotations

import dataclasses
from datetime import date

import duckdb

from backcourt import app as lib
from backcourt.registry import Registry
from backcourt.registry.mode import get_mode
from tests.conftest import SIM_START, make_context

DAY = date(2023, 10, 25)


def with_sql(ctx, name: str, sql: str) -> None:
    old = ctx.registry.get(name)
    new = dataclasses.replace(old, sql=sql)
    ctx.pipeline.registry = Registry(tuple(
        new if p.name == name else p for p in ctx.registry.processors))


def test_transient_error_is_retried(tmp_path, sim_raw):
    ctx = make_context(tmp_path, sim_raw)
    ctx.mode = get_mode("backfill", retries=2)
    assert lib.run(ctx, lib.select(ctx, [2]), SIM_START, DAY, "p2").ok
    real = ctx.wh.replace_partitions
    calls = {"n": 0}

    def flaky(*a, **kw):
        calls["n"] += 1
        if calls["n"] == 1:
            raise duckdb.IOException("disk hiccup")
        return real(*a, **kw)

    ctx.wh.replace_partitions = flaky
    summary = lib.run(ctx, lib.select(ctx, names=["team_offense_game_summary"]),
                      SIM_START, DAY, "retry")
    assert summary.ok and calls["n"] == 2


def test_statement_timeout_interrupts(tmp_path, sim_raw):
    ctx = make_context(tmp_path, sim_raw)
    ctx.mode = get_mode("backfill", query_timeout_s=1)
    assert lib.run(ctx, lib.select(ctx, [2]), SIM_START, DAY, "p2").ok
    slow = ("SELECT * FROM (" + ctx.registry.get("team_offense_game_summary").sql +
            ") AS t, (SELECT sum(r.range * r.range % 7) AS n FROM range(3000000000) AS r) AS heavy")
    with_sql(ctx, "team_offense_game_summary", slow)
    summary = lib.run(ctx, lib.select(ctx, names=["team_offense_game_summary"]),
                      SIM_START, DAY, "slow")
    assert not summary.ok
    assert all("interrupted after 1s" in f.message for f in summary.failures)


def test_circuit_breaker_stops_a_crashing_processor(tmp_path, sim_raw):
    ctx = make_context(tmp_path, sim_raw)
    ctx.mode = get_mode("backfill", breaker_after=2, retries=0)
    days = ctx.calendar.game_dates(SIM_START, date(2023, 11, 5))
    assert lib.run(ctx, lib.select(ctx, [2]), SIM_START, days[-1], "p2").ok
    with_sql(ctx, "team_offense_game_summary", "SELECT no_such_column FROM nba_raw.schedule")
    # every other date: five separate batches
    targets = {"team_offense_game_summary": set(days[::2][:5])}
    summary = lib.run(ctx, lib.select(ctx, names=["team_offense_game_summary"]),
                      SIM_START, days[-1], "crash", targets=targets)
    cats = [f.category for f in sorted(summary.failures, key=lambda f: f.game_date)]
    assert cats == ["PROCESSING_ERROR"] * 2 + ["CIRCUIT_BREAKER_ACTIVE"] * 3
