"""Range execution equals per-date execution, row for row, for every Phase 3 and 4 processor."""

from __future__ import annotations

import pytest

from backcourt import app as lib
from backcourt.pipeline.catalog import REGISTRY
from tests.conftest import SIM_END, SIM_START, make_context

SQL_PHASES = [p for p in REGISTRY.order() if p.phase in (3, 4)]


def rows(wh, table: str) -> list[tuple]:
    cols = ", ".join(f'"{c}"' for c in wh.columns(table))
    return wh.query(f"SELECT {cols} FROM {table} ORDER BY ALL")


@pytest.fixture(scope="module")
def both(tmp_path_factory, sim_raw):
    tmp = tmp_path_factory.mktemp("range")
    ranged = make_context(tmp, sim_raw, name="range.duckdb")
    assert lib.run(ranged, lib.select(ranged, [2, 3, 4]), SIM_START, SIM_END, "range").ok
    daily = make_context(tmp, sim_raw, name="per_date.duckdb")
    assert lib.run(daily, lib.select(daily, [2]), SIM_START, SIM_END, "phase 2").ok
    for day in daily.calendar.game_dates(SIM_START, SIM_END):
        summary = lib.run(daily, lib.select(daily, [3, 4]), day, day, f"per date {day}")
        assert summary.ok, summary.failures[:3]
    return ranged, daily


@pytest.mark.parametrize("p", SQL_PHASES, ids=lambda p: p.name)
def test_range_equals_per_date(both, p):
    ranged, daily = both
    a, b = rows(ranged.wh, p.table), rows(daily.wh, p.table)
    assert len(a) > 0, p.name
    assert a == b
    if p.entity:  # the explained failures are the same too
        q = ("SELECT game_date, entity_id, category, message FROM backcourt_ops.entity_failures "
             "WHERE processor = ? ORDER BY ALL")
        assert ranged.wh.query(q, [p.name]) == daily.wh.query(q, [p.name])
