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
import re
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
#   (parallel partition discovery); on one machine the driver lists them faster itself.
LOCAL_CONF = {
    "spark.sql.adaptive.enabled": "false",
    "spark.sql.sources.parallelPartitionDiscovery.threshold": "1000000",
}

# Small reads (checks, counts, lookups) are evaluated by Spark's interpreter instead of
# compiled Java: compiling (the whole stage's code, then each projection, predicate and
# ordering) is a fixed cost of every query, and such a query reads a few thousand rows. A
# processor's statement stays compiled: it joins and windows a season's rows, and
# interpreted it cost more than it saved (two months: the statements +3–4 s of the JVM's
# CPU, the reads −3.5 s; ``bench/spark_jobs.py``). Spark's own test suites run both ways
# for the same rows (``codegen.factoryMode`` is their switch).
INTERPRETED = {"spark.sql.codegen.wholeStage": "false",
               "spark.sql.codegen.factoryMode": "NO_CODEGEN"}
COMPILED = {"spark.sql.codegen.wholeStage": "true",
            "spark.sql.codegen.factoryMode": "FALLBACK"}

# Fixed when the application starts (a new session cannot set them):
# - compiled query code is kept for 1,000 distinct sources instead of 100: a backfill's
#   many small queries repeat the same generated code (counts, checks, staged CTEs), and
#   with 100 it was evicted and compiled again (26 dates: 912 compilations, with 1,000
#   entries 766; the compiler and its class lookups were ~a quarter of the JVM's CPU).
# - shuffle files and broadcast blocks are not compressed: in local mode they never leave
#   the machine, and a backfill writes thousands of small ones (each a codec's set-up).
LOCAL_STATIC_CONF = {
    "spark.sql.codegen.cache.maxEntries": "1000",
    "spark.shuffle.compress": "false",
    "spark.broadcast.compress": "false",
}


def shuffle_partitions(master: str = "") -> str:
    """Small data on few cores: Spark's 200 shuffle partitions cost more than they give. In
    local mode, one per core (``local[2]``: 2; two months on 2 cores, the JVM's CPU 58.9 →
    53.9 s against 4), else 4; ``BACKCOURT_SPARK_SHUFFLE_PARTITIONS`` decides if set."""
    if "BACKCOURT_SPARK_SHUFFLE_PARTITIONS" in os.environ:
        return os.environ["BACKCOURT_SPARK_SHUFFLE_PARTITIONS"]
    match = re.fullmatch(r"local(?:\[(\d+|\*)(?:,\d+)?\])?", master)
    if match is None:
        return "4"
    cores = match.group(1)
    return cores if cores and cores != "*" else str(os.cpu_count() or 1)


def java_options(master: str) -> str:
    """The driver JVM's options. In local mode the JIT stops at its first tier: the work is
    many short queries over little data, and the optimizing compiler's own CPU cost more
    than it gave back (a session's start and two first queries: 12.8 s of JVM CPU instead
    of 23.4 s). Without tiers the code cache is 48 MB, and a backfill of a few weeks
    filled it (Spark compiles a class per query stage): the JVM then stops compiling and
    interprets every later query, so it gets 256 MB. One JIT compiler thread, not two: on
    few cores the second competed with the queries for CPU. Spark's classes come from a
    class-data archive (``class_archive``: half the start's time). ``BACKCOURT_SPARK_JAVA_OPTIONS``
    replaces the default."""
    if "BACKCOURT_SPARK_JAVA_OPTIONS" in os.environ:
        return os.environ["BACKCOURT_SPARK_JAVA_OPTIONS"]
    if not master.startswith("local"):
        return ""
    return " ".join(filter(None, ["-XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=256m"
                                  " -XX:CICompilerCount=1",
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
               .config("spark.sql.shuffle.partitions", shuffle_partitions(master)))
    if options := java_options(master):   # read when the JVM starts: only here
        builder = builder.config("spark.driver.extraJavaOptions", options)
    static = LOCAL_STATIC_CONF if master.startswith("local") else {}
    for key, value in (SQL_CONF | local_conf(master) | static).items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel(log_level())
    return spark


def log_level() -> str:
    """Spark's own log on stderr: FATAL. A failed job reaches the command as its exception
    (one line; the Java trace with ``--debug``), and its ERROR lines printed that trace
    before it (a damaged Parquet file: 40 lines of ``at org.apache…``).
    ``BACKCOURT_SPARK_LOG_LEVEL`` decides if set; the command's ``--debug`` sets ERROR."""
    return os.environ.get("BACKCOURT_SPARK_LOG_LEVEL") or "FATAL"


def configure(spark: Any) -> Any:
    """A new session of the same application gets the same SQL settings."""
    for key, value in (SQL_CONF | local_conf(spark.sparkContext.master)).items():
        spark.conf.set(key, value)
    spark.conf.set("spark.sql.shuffle.partitions",
                   shuffle_partitions(spark.sparkContext.master))
    return spark
