"""The DuckDB adapter's catalog cache (every table's columns, shared by a warehouse's forks)
is never filled from a snapshot older than a table another fork created.

With ``--workers 2`` two processors of a stage run on two forks: one creates its table
while the other reads the catalog inside a transaction begun before that. Its snapshot
lacks the new table; kept as the shared cache, the next stage found the table "missing",
created it again and failed ("Table with name player_shot_zone_analysis already exists",
seen in CI)."""

from __future__ import annotations

from backcourt.warehouse.duckdb_engine import DuckDBWarehouse


def test_a_fork_in_an_older_transaction_does_not_hide_a_new_table(tmp_path):
    wh = DuckDBWarehouse(str(tmp_path / "w.duckdb"))
    wh.ensure_table("s.old", {"x": "INTEGER"})
    creator, reader = wh.fork(), wh.fork()
    with reader.transaction():
        reader.query("SELECT count(*) FROM s.old")   # its snapshot starts here
        creator.ensure_table("s.new", {"y": "INTEGER"})
        assert not reader.table_exists("s.new")   # as its own snapshot sees the catalog
    assert wh.table_exists("s.new") and creator.table_exists("s.new")
    creator.ensure_table("s.new", {"y": "INTEGER"})   # already there: nothing to create


def test_a_read_overtaken_by_ddl_is_not_kept(tmp_path):
    """A catalog read that started before another fork's DDL finished is not kept."""
    wh = DuckDBWarehouse(str(tmp_path / "w.duckdb"))
    other = wh.fork()
    real_query = wh.query

    def query_while_other_creates(sql, params=None):
        rows = real_query(sql, params)   # the catalog as it was ...
        other.ensure_table("s.late", {"z": "INTEGER"})   # ... then a table appears
        wh.query = real_query
        return rows

    wh.query = query_while_other_creates
    assert not wh.table_exists("s.late")
    assert wh.table_exists("s.late") and other.table_exists("s.late")
