"""The core on its own: registry validation, modes, atomic partition replacement."""

from __future__ import annotations

from datetime import date

import pyarrow as pa
import pytest
from pydantic import ValidationError

from backcourt.pipeline.catalog import REGISTRY
from backcourt.registry import Input, Processor, Registry, RegistryError, previous_days
from backcourt.registry.mode import DAILY, get_mode
from backcourt.warehouse import DuckDBWarehouse


def proc(name: str, table: str, *inputs: Input, phase: int = 3) -> Processor:
    return Processor(name=name, phase=phase, table=table, keys=("k",), inputs=inputs,
                     sql="SELECT 1")


def test_registry_rejects_duplicates_unknown_inputs_and_cycles():
    with pytest.raises(RegistryError, match="twice"):
        Registry((proc("a", "s.a"), proc("a", "s.b")))
    with pytest.raises(RegistryError, match="no processor"):
        Registry((proc("a", "s.a", Input("s.zzz")),))
    with pytest.raises(RegistryError, match="cycle"):
        Registry((proc("a", "s.a", Input("s.b")), proc("b", "s.b", Input("s.a"))))


def test_catalog_order_is_derived_from_inputs():
    order = [p.name for p in REGISTRY.order()]
    for p in REGISTRY.processors:
        for up in REGISTRY.upstream(p):
            assert order.index(up.name) < order.index(p.name)
    assert order.index("team_offense_game_summary") < order.index("player_game_summary")


def test_history_window_ends_before_the_target():
    w = previous_days(30)
    assert w.calendar_span(date(2023, 11, 30), date(2023, 10, 24)) == (
        date(2023, 10, 31), date(2023, 11, 29))
    assert w.calendar_span(date(2023, 10, 24), date(2023, 10, 24)) is None  # season start


def test_mode_rejects_unknown_keys_and_typos():
    with pytest.raises(ValidationError):
        get_mode("daily", circuit_breaker=False)      # typo of circuit_breakers
    with pytest.raises(ValueError, match="unknown mode"):
        get_mode("dayly")
    assert get_mode("daily", query_timeout_s=5).query_timeout_s == 5
    assert DAILY.downstream_triggers and not get_mode("backfill").downstream_triggers


def test_partition_replace_is_atomic(tmp_path):
    wh = DuckDBWarehouse(str(tmp_path / "a.duckdb"))
    wh.ensure_table("s.t", {"game_date": "DATE", "v": "INTEGER"})
    d1, d2 = date(2023, 1, 1), date(2023, 1, 2)
    rows = pa.table({"game_date": pa.array([d1, d2], pa.date32()), "v": pa.array([1, 2])})
    assert wh.replace_partitions("s.t", [d1, d2], rows) == {d1: 1, d2: 1}

    def boom(counts):
        raise RuntimeError("crash between insert and ledger")

    new = pa.table({"game_date": pa.array([d1], pa.date32()), "v": pa.array([9])})
    with pytest.raises(RuntimeError):
        wh.replace_partitions("s.t", [d1], new, also=boom)
    assert wh.query("SELECT game_date, v FROM s.t ORDER BY 1") == [(d1, 1), (d2, 2)]
    # rows outside the target dates are ignored; other partitions untouched
    assert wh.replace_partitions("s.t", [d1], pa.table({
        "game_date": pa.array([d1, d2], pa.date32()), "v": pa.array([7, 8])})) == {d1: 1}
    assert wh.query("SELECT game_date, v FROM s.t ORDER BY 1") == [(d1, 7), (d2, 2)]


def test_code_fingerprint_follows_checks_not_reconcile_declarations():
    import dataclasses

    from backcourt.registry import Expected
    from backcourt.registry.model import Learned

    p = proc("a", "s.a")
    counted = dataclasses.replace(p, expected=Expected("SELECT 1"))
    reconciled = dataclasses.replace(p, expected=Expected(
        "SELECT 1", entities_sql="SELECT game_date, k AS entity FROM s.b", entity="k"))
    learned = dataclasses.replace(counted, learned=Learned("SELECT 2", per="game"))
    assert counted.code_fingerprint() != p.code_fingerprint()      # a check: re-verify
    assert reconciled.code_fingerprint() == counted.code_fingerprint()   # validate only
    assert learned.code_fingerprint() != counted.code_fingerprint()
    assert dataclasses.replace(p, learned=None).code_fingerprint() == p.code_fingerprint()
