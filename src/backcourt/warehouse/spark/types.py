"""Column types: the pipeline declares DuckDB types; Spark tables get their equivalents."""

from __future__ import annotations

from sqlglot import exp

# TIMESTAMP is naive in DuckDB; with timestampType=TIMESTAMP_NTZ it is naive in Spark too.
_SPECIAL = {"TIMESTAMP": "timestamp_ntz", "HUGEINT": "decimal(38,0)"}


def spark_type(duckdb_type: str) -> str:
    """A DuckDB column type (``VARCHAR``) or a Spark one (``string``) → a Spark DDL type."""
    if duckdb_type.upper() in _SPECIAL:
        return _SPECIAL[duckdb_type.upper()]
    if duckdb_type.islower():   # already Spark's own spelling (from a Spark result schema)
        return duckdb_type
    dt = exp.DataType.build(duckdb_type, dialect="duckdb")
    return dt.sql("spark").lower().replace(" ", "")


def same_types(a: dict[str, str], b: dict[str, str]) -> bool:
    return [(c, spark_type(t)) for c, t in a.items()] == [(c, spark_type(t)) for c, t in b.items()]
