"""BigQuery: DDL, partition-scoped replace and transpiled SQL through the official client."""

from backcourt.warehouse.bigquery.engine import BigQueryWarehouse

__all__ = ["BigQueryWarehouse"]
