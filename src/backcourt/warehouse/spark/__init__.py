"""Spark: the same registry and SQL on a Spark cluster (or ``local[*]``)."""

from backcourt.warehouse.spark.engine import SparkWarehouse

__all__ = ["SparkWarehouse"]
