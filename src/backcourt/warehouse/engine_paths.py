"""Is this path a warehouse of this engine? Checked before anything is opened or created
(``paths`` checks that it can be used at all).

A DuckDB warehouse is one file; a Spark warehouse is a folder holding ``ops.duckdb`` (the
ledger beside the data) and ``tables/``. Pointing one engine at the other's warehouse, or
at something that is neither, is a configuration mistake: it is named here in one
sentence (the path and the cause) instead of failing deep inside the engine.
"""

from __future__ import annotations

import os

from backcourt.warehouse.base import WarehouseConfigError

# DuckDB's file header: an 8-byte checksum, then this magic
_DUCKDB_MAGIC = b"DUCK"
SPARK_LEDGER = "ops.duckdb"


class EngineMismatch(WarehouseConfigError):
    """The warehouse path does not fit the engine (a usage error: exit 2)."""


def is_duckdb_file(path: str) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(12)[8:12] == _DUCKDB_MAGIC
    except OSError:
        return False


def is_spark_folder(path: str) -> bool:
    return os.path.isfile(os.path.join(path, SPARK_LEDGER))


def check(path: str, engine: str) -> None:
    """Raise ``EngineMismatch`` when ``path`` cannot be ``engine``'s warehouse. A path
    that does not exist yet is fine when its parent can hold it (it is created)."""
    if path == ":memory:" or "://" in path:
        return
    if engine == "duckdb":
        _check_duckdb(path)
    elif engine == "spark":
        _check_spark(path, "Spark warehouse folder", "spark")
    elif engine == "bigquery":   # the data is in the project; the ledger in this folder
        _check_spark(path, "BigQuery ledger folder", "bigquery")


def _check_parent(path: str, what: str) -> None:
    parent = os.path.dirname(os.path.abspath(path))
    while parent and not os.path.exists(parent):
        parent = os.path.dirname(parent)
    if parent and not os.path.isdir(parent):
        raise EngineMismatch(
            f"warehouse {path}: cannot create the {what} there: {parent} is a file, "
            "not a folder")


def _check_duckdb(path: str) -> None:
    if os.path.isdir(path):
        if is_spark_folder(path):
            raise EngineMismatch(
                f"warehouse {path}: this is a Spark warehouse folder (it holds "
                f"{SPARK_LEDGER} and tables/), not a DuckDB file: pass --engine spark "
                "(or BACKCOURT_ENGINE=spark), or point --warehouse at a DuckDB file")
        raise EngineMismatch(
            f"warehouse {path}: this is a folder, not a DuckDB file: point --warehouse "
            "at a .duckdb file (it is created if missing), or pass --engine spark for a "
            "Spark warehouse folder")
    if os.path.isfile(path):
        if os.path.getsize(path) and not is_duckdb_file(path):
            raise EngineMismatch(
                f"warehouse {path}: this file is not a DuckDB database (no DuckDB header): "
                "point --warehouse at a DuckDB file or at a path that does not exist yet")
        return
    _check_parent(path, "DuckDB file")


def _check_spark(path: str, what: str, engine: str) -> None:
    """A folder holding the ledger file beside the data (Spark, BigQuery)."""
    if os.path.isfile(path):
        if is_duckdb_file(path):
            raise EngineMismatch(
                f"warehouse {path}: this is a DuckDB file, not a {what}: drop --engine "
                f"{engine} (or BACKCOURT_ENGINE) to use it with DuckDB, or point "
                f"--warehouse at a {what}")
        raise EngineMismatch(
            f"warehouse {path}: this is a file, not a {what}: point --warehouse at a "
            "folder (it is created if missing)")
    if os.path.isdir(path):
        ledger = os.path.join(path, SPARK_LEDGER)
        if os.path.exists(ledger) and not is_duckdb_file(ledger) and (
                os.path.getsize(ledger) or not os.path.isfile(ledger)):
            raise EngineMismatch(
                f"warehouse {path}: its ledger {ledger} is not a DuckDB file: this "
                f"folder is not a {what}")
        if not os.path.exists(ledger) and os.listdir(path):
            raise EngineMismatch(
                f"warehouse {path}: this folder holds other files and no {SPARK_LEDGER}: "
                f"it is not a {what}. Point --warehouse at an empty or new folder")
        return
    _check_parent(path, what)
