"""Engine adapters: DuckDB (the embedded default), Spark, and BigQuery's SQL and jobs.

Processor SQL is written once, in a portable DuckDB subset; other engines transpile it.
"""

from backcourt.warehouse import engine_paths
from backcourt.warehouse.base import Warehouse, WarehouseConfigError
from backcourt.warehouse.duckdb_engine import DuckDBWarehouse

ENGINES = ("duckdb", "spark", "bigquery")


def open_warehouse(path: str, read_only: bool = False, engine: str = "duckdb",
                   spark_master: str = "local[*]", bq_project: str | None = None,
                   bq_location: str | None = None,
                   bq_endpoint: str | None = None,
                   bq_dataset_prefix: str | None = None) -> Warehouse:
    """``path`` is the DuckDB file, the Spark warehouse folder (local or a URL), or for
    BigQuery the local folder of the ledger beside the data (``bq_project``'s datasets,
    named like the schemas after ``bq_dataset_prefix``).
    A path that does not fit the engine raises ``WarehouseConfigError`` before anything
    is made."""
    engine_paths.check(path, engine)
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
    if engine == "bigquery":
        return _open_bigquery(path, bq_project, bq_location, bq_endpoint, bq_dataset_prefix)
    raise WarehouseConfigError(
        f"unknown engine {engine!r}: choose one of {', '.join(ENGINES)}")


def _open_bigquery(path: str, project: str | None, location: str | None,
                   endpoint: str | None, dataset_prefix: str | None) -> Warehouse:
    import os

    from backcourt.warehouse.bigquery.datasets import DatasetPrefixError, check_prefix

    if not project:
        raise WarehouseConfigError(
            "--engine bigquery needs a project: backcourt --bq-project P [--bq-location L] "
            "COMMAND …, or set BACKCOURT_BQ_PROJECT (and BACKCOURT_BQ_LOCATION; "
            "--bq-endpoint / BACKCOURT_BQ_ENDPOINT for a local emulator)")
    try:
        check_prefix(dataset_prefix)
    except DatasetPrefixError as exc:
        raise WarehouseConfigError(str(exc)) from None
    try:
        from backcourt.warehouse.bigquery.engine import BigQueryWarehouse
    except ImportError as exc:
        raise WarehouseConfigError(
            f"--engine bigquery needs google-cloud-bigquery ({exc}): "
            "pip install 'backcourt[bigquery]'") from None
    os.makedirs(path, exist_ok=True)
    try:
        return BigQueryWarehouse.connect(project, f"{path.rstrip('/')}/ops.duckdb",
                                         location, endpoint, dataset_prefix)
    except Exception as exc:   # no default credentials, a bad endpoint…
        if type(exc).__module__.split(".", 1)[0] == "google":
            raise WarehouseConfigError(f"BigQuery project {project}: {exc}") from None
        raise


__all__ = ["ENGINES", "DuckDBWarehouse", "Warehouse", "WarehouseConfigError",
           "open_warehouse"]
