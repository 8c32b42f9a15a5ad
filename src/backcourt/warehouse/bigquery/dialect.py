"""Portable SQL → BigQuery SQL, with the one correction sqlglot leaves to us.

In BigQuery ``DATE - INTERVAL n DAY`` is a DATETIME, and comparing it with a DATE column
fails. Every such subtraction in the pipeline is on a DATE, so it becomes
``DATE_SUB(date, INTERVAL n DAY)`` (a DATE). Types map DuckDB → BigQuery.
"""

from __future__ import annotations

from functools import lru_cache

import sqlglot
from sqlglot import exp
from sqlglot.errors import ErrorLevel


def _date_arithmetic(node: exp.Expression) -> exp.Expression:
    if isinstance(node, exp.Sub | exp.Add) and isinstance(node.expression, exp.Interval):
        iv = node.expression
        cls = exp.DateSub if isinstance(node, exp.Sub) else exp.DateAdd
        return cls(this=node.this, expression=iv.this, unit=iv.unit)
    return node


@lru_cache(maxsize=2048)
def to_bigquery(sql: str) -> str:
    out = []
    for tree in sqlglot.parse(sql, read="duckdb"):
        if tree is None:
            continue
        tree = tree.transform(_date_arithmetic)
        out.append(tree.sql("bigquery", pretty=True, unsupported_level=ErrorLevel.RAISE))
    return ";\n".join(out)


def condition(sql: str) -> str:
    """A WHERE condition in portable SQL → BigQuery."""
    return sqlglot.condition(sql, dialect="duckdb").transform(_date_arithmetic).sql("bigquery")


def bigquery_type(duckdb_type: str) -> str:
    """VARCHAR → STRING, BIGINT → INT64, DOUBLE → FLOAT64, TIMESTAMP → DATETIME (naive)."""
    if duckdb_type.upper() == "TIMESTAMP":
        return "DATETIME"   # DuckDB's TIMESTAMP has no zone; BigQuery's TIMESTAMP is UTC
    return exp.DataType.build(duckdb_type, dialect="duckdb").sql("bigquery")


def parses(sql: str) -> bool:
    sqlglot.parse(sql, read="bigquery", error_level=ErrorLevel.RAISE)
    return True
