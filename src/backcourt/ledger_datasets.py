"""A BigQuery ledger folder knows the datasets whose partitions it records.

BigQuery's ledger is a local DuckDB file (``ops.duckdb`` in the ``--warehouse`` folder)
and the data is in a project's datasets (named after ``--bq-dataset-prefix``): nothing but
this record ties the two. A folder filled for ``dev_`` and opened with ``prod_`` (or with
another project) would take dev's partitions for prod's — a status, a plan, a daily run
calling done what those datasets never got — so it is refused (exit 2) before any job is
sent. The first command that opens the folder to write records its datasets.
"""

from __future__ import annotations

from backcourt.ledger.tables import FACTS
from backcourt.warehouse.base import WarehouseConfigError

KEY = "bigquery_datasets"


class DatasetsMismatch(WarehouseConfigError):
    pass


def recorded(wh) -> str | None:
    """The datasets recorded in ``wh``'s ledger file, read before the ledger is opened (which
    makes BigQuery's table of entity failures)."""
    if not wh.ops.table_exists(FACTS):
        return None
    rows = wh.ops.query(f"SELECT value FROM {FACTS} WHERE key = ?", [KEY])
    return rows[0][0] if rows else None


def check(wh, folder: str) -> None:
    """Refuse ``wh`` (a BigQuery warehouse) when its ledger records other datasets."""
    before = recorded(wh)
    if before is None or before == wh.datasets:
        return
    raise DatasetsMismatch(
        f"{folder}: this ledger folder records the partitions of the BigQuery datasets "
        f"{before}, not {wh.datasets}. Check --bq-project / --bq-dataset-prefix "
        f"(BACKCOURT_BQ_PROJECT, BACKCOURT_BQ_DATASET_PREFIX), or give these datasets a "
        f"ledger folder of their own (--warehouse)")


def remember(ledger, wh) -> None:
    if ledger.fact(KEY) is None:
        ledger.record_fact(KEY, wh.datasets)
