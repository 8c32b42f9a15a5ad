"""Engine adapters: DuckDB (default); SQL for other engines is transpiled with sqlglot."""

from backcourt.warehouse.duckdb_engine import DuckDBWarehouse


def open_warehouse(path: str, read_only: bool = False) -> DuckDBWarehouse:
    return DuckDBWarehouse(path, read_only=read_only)


__all__ = ["DuckDBWarehouse", "open_warehouse"]
