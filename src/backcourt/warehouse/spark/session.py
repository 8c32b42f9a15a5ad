"""The Spark session backcourt runs on, configured for partition-scoped writes.

Settings that matter for correctness, not speed:
- ``partitionOverwriteMode=dynamic``: an overwrite replaces only the partitions present in
  the written rows. The default (static) would wipe every other date of the table.
- ``manageFilesourcePartitions=false``: partitions are discovered from the folders, so a
  new process sees every date written before without a metastore or a repair step.
- ``ansi.enabled=false``: division by zero gives NULL, as in DuckDB, instead of an error.
- ``timestampType=TIMESTAMP_NTZ`` and a UTC session: timestamps are naive UTC, as in DuckDB.
"""

from __future__ import annotations

import os
from typing import Any

from backcourt.warehouse.spark import class_archive

SQL_CONF = {
    "spark.sql.sources.partitionOverwriteMode": "dynamic",
    "spark.sql.hive.manageFilesourcePartitions": "false",
    "spark.sql.ansi.enabled": "false",
    "spark.sql.timestampType": "TIMESTAMP_NTZ",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.sql.parquet.compression.codec": "zstd",
}


# Local mode runs many small queries over little data on few cores; each Spark job costs a
# fixed scheduling overhead, so settings that add jobs without adding parallel work go:
# - adaptive execution submits every shuffle stage as a job of its own (and re-plans
#   between them); its gains (coalescing partitions, switching joins) need big shuffles;
# - a table read lists its date folders with a Spark job once there are more than 32
#   (parallel partition discovery); on one machine the driver lists them faster itself;
# - expressions are evaluated by Spark's interpreter instead of compiled Java: compiling
#   (whole-stage code, then each projection, predicate and ordering) costs a fixed part of
#   every query, and a query here reads thousands of rows, not millions. Spark tests both
#   ways to give the same rows (``codegen.factoryMode`` is the switch its own test suites
#   use); the engines' equality test runs with these settings. 26 dates: the JVM's CPU
#   45.8 → 37.4 s (whole-stage code off alone: no change; ``bench/spark_jobs.py``).
LOCAL_CONF = {
    "spark.sql.adaptive.enabled": "false",
    "spark.sql.sources.parallelPartitionDiscovery.threshold": "1000000",
    "spark.sql.codegen.wholeStage": "false",
    "spark.sql.codegen.factoryMode": "NO_CODEGEN",
}

# Fixed when the application starts (a new session cannot set them):
# - compiled query code is kept for 1,000 distinct sources instead of 100: a backfill's
#   many small queries repeat the same generated code (counts, checks, staged CTEs), and
#   with 100 it was evicted and compiled again (26 dates: 912 compilations, with 1,000
#   entries 766; the compiler and its class lookups were ~a quarter of the JVM's CPU).
LOCAL_STATIC_CONF = {
    "spark.sql.codegen.cache.maxEntries": "1000",
}


def shuffle_partitions() -> str:
    """Small data on few cores: Spark's 200 shuffle partitions cost more than they give."""
    return os.environ.get("BACKCOURT_SPARK_SHUFFLE_PARTITIONS", "4")


def java_options(master: str) -> str:
    """The driver JVM's options. In local mode the JIT stops at its first tier: the work is
    many short queries over little data, and the optimizing compiler's own CPU cost more
    than it gave back (a session's start and two first queries: 12.8 s of JVM CPU instead
    of 23.4 s). Without tiers the code cache is 48 MB, and a backfill of a few weeks
    filled it (Spark compiles a class per query stage): the JVM then stops compiling and
    interprets every later query, so it gets 256 MB. Spark's classes come from a class-data
    archive (``class_archive``: half the start's time). ``BACKCOURT_SPARK_JAVA_OPTIONS``
    replaces the default."""
    if "BACKCOURT_SPARK_JAVA_OPTIONS" in os.environ:
        return os.environ["BACKCOURT_SPARK_JAVA_OPTIONS"]
    if not master.startswith("local"):
        return ""
    return " ".join(filter(None, ["-XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=256m",
                                  class_archive.options()]))


def local_conf(master: str) -> dict[str, str]:
    """The local-mode settings (``LOCAL_CONF``); a cluster keeps Spark's defaults."""
    return dict(LOCAL_CONF) if master.startswith("local") else {}


def build_session(master: str, warehouse_dir: str) -> Any:
    """One session per process (Spark's own rule); ``master`` is ``local[*]`` or a cluster
    URL (``spark://host:7077``, ``yarn``, ``k8s://…``)."""
    from pyspark.sql import SparkSession

    builder = (SparkSession.builder.master(master).appName("backcourt")
               .config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.sql.warehouse.dir", warehouse_dir)
               .config("spark.driver.memory",
                       os.environ.get("BACKCOURT_SPARK_DRIVER_MEMORY", "4g"))
               .config("spark.sql.shuffle.partitions", shuffle_partitions()))
    if options := java_options(master):   # read when the JVM starts: only here
        builder = builder.config("spark.driver.extraJavaOptions", options)
    static = LOCAL_STATIC_CONF if master.startswith("local") else {}
    for key, value in (SQL_CONF | local_conf(master) | static).items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def configure(spark: Any) -> Any:
    """A new session of the same application gets the same SQL settings."""
    for key, value in (SQL_CONF | local_conf(spark.sparkContext.master)).items():
        spark.conf.set(key, value)
    spark.conf.set("spark.sql.shuffle.partitions", shuffle_partitions())
    return spark
