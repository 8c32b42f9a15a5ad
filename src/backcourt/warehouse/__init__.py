"""Engine adapters: DuckDB (the embedded default), Spark, and BigQuery's SQL and jobs.

Processor SQL is written once, in a portable DuckDB subset; other engines transpile it.
"""

from backcourt.warehouse import paths
from backcourt.warehouse.base import Warehouse, WarehouseConfigError
from backcourt.warehouse.duckdb_engine import DuckDBWarehouse

ENGINES = ("duckdb", "spark")


def open_warehouse(path: str, read_only: bool = False, engine: str = "duckdb",
                   spark_master: str = "local[*]") -> Warehouse:
    """``path`` is the DuckDB file, or the Spark warehouse folder (local or a URL). A path
    that does not fit the engine raises ``WarehouseConfigError`` before anything is made."""
    paths.check(path, engine)
    if engine == "duckdb":
        return DuckDBWarehouse(path, read_only=read_only)
    if engine == "spark":
        try:
            from backcourt.warehouse.spark import SparkWarehouse  # pyspark only when asked
        except ImportError as exc:
            raise WarehouseConfigError(
                f"--engine spark needs pyspark ({exc}): pip install 'backcourt[spark]'"
            ) from None
        return SparkWarehouse(path, master=spark_master)
    raise WarehouseConfigError(
        f"unknown engine {engine!r}: choose one of {', '.join(ENGINES)}")


__all__ = ["ENGINES", "DuckDBWarehouse", "Warehouse", "WarehouseConfigError",
           "open_warehouse"]
