"""A window maps dates both ways from one definition: a target reads an upstream date
exactly when that date's readers include the target — whatever the window, over a real
calendar (a schedule table in DuckDB, seasons and off days included)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from backcourt.calendar import Calendar, CalendarSource, season_label
from backcourt.partitions import WindowMapping
from backcourt.registry import Input, previous_days, previous_games, same_day, season_to_date
from backcourt.warehouse.duckdb_engine import DuckDBWarehouse

FIRST = date(2023, 10, 20)
SOURCE = CalendarSource(
    schedule_table="league.schedule",
    played_sql="SELECT game_date, MIN(season) FROM league.schedule GROUP BY game_date",
    planned_table="league.planned", planned_sql="SELECT NULL, NULL WHERE false")

windows = st.one_of(st.just(same_day()), st.just(season_to_date()),
                    st.integers(1, 12).map(previous_days),
                    st.integers(1, 12).map(previous_games))
# game dates across two seasons (late October to June), with off days between them
offsets = st.sets(st.one_of(st.integers(0, 60), st.integers(365, 425)), min_size=1,
                  max_size=30)


def calendar(days: list[date]) -> Calendar:
    wh = DuckDBWarehouse(":memory:")
    wh.ensure_table("league.schedule", {"game_date": "DATE", "season": "VARCHAR"})
    wh.insert_rows("league.schedule", [[d, season_label(d)] for d in days])
    return Calendar(wh, None, SOURCE)


@settings(max_examples=40, deadline=None)
@given(windows, offsets)
def test_upstream_and_downstream_are_one_mapping(window, offs):
    days = sorted(FIRST + timedelta(days=k) for k in offs)
    m = WindowMapping(Input("league.games", window), calendar(days))
    for u in days:
        readers = m.readers(u, days)
        assert readers == [d for d in days if u in m.upstream(d)]
        assert set(m.downstream([u], days)) == set(readers)
    for d in days:
        ups = m.upstream(d)
        assert all(x < d for x in ups) or ups == [d]                 # never the future
        assert all(season_label(x) == season_label(d) for x in ups)  # never another season
        assert [(x, r) for x, r in m.upstream_of([d])] == [(x, d) for x in ups]
