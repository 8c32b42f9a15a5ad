"""Portable SQL → BigQuery SQL, with the two corrections sqlglot leaves to us.

In BigQuery ``DATE - INTERVAL n DAY`` is a DATETIME, and comparing it with a DATE column
fails. Every such subtraction in the pipeline is on a DATE, so it becomes
``DATE_SUB(date, INTERVAL n DAY)`` (a DATE). Decimal casts keep their precision and scale
(``NUMERIC(18, 2)``), which sqlglot drops. Types map DuckDB → BigQuery.
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


def _decimal_params(node: exp.Expression) -> exp.Expression:
    """``DECIMAL(18, 2)`` keeps its precision and scale: ``NUMERIC(18, 2)``. sqlglot writes a
    bare ``NUMERIC`` (38, 9 in BigQuery), which rounds differently from DuckDB — a sum of
    values cast to 2 decimals would keep 9 — and a bare DuckDB ``DECIMAL`` is (18, 3)."""
    if (isinstance(node, exp.DataType) and node.this == exp.DataType.Type.DECIMAL
            and node.expressions):
        args = ", ".join(e.sql() for e in node.expressions)
        return exp.DataType(this=exp.DataType.Type.USERDEFINED, kind=f"NUMERIC({args})")
    return node


def _bigquery_tree(tree: exp.Expression) -> exp.Expression:
    return tree.transform(_date_arithmetic).transform(_decimal_params)


@lru_cache(maxsize=2048)
def to_bigquery(sql: str) -> str:
    out = []
    for tree in sqlglot.parse(sql, read="duckdb"):
        if tree is None:
            continue
        tree = _bigquery_tree(tree)
        out.append(tree.sql("bigquery", pretty=True, unsupported_level=ErrorLevel.RAISE))
    return ";\n".join(out)


def condition(sql: str) -> str:
    """A WHERE condition in portable SQL → BigQuery."""
    return _bigquery_tree(sqlglot.condition(sql, dialect="duckdb")).sql("bigquery")


def bigquery_type(duckdb_type: str) -> str:
    """VARCHAR → STRING, BIGINT → INT64, DOUBLE → FLOAT64, TIMESTAMP → DATETIME (naive)."""
    if duckdb_type.upper() == "TIMESTAMP":
        return "DATETIME"   # DuckDB's TIMESTAMP has no zone; BigQuery's TIMESTAMP is UTC
    return exp.DataType.build(duckdb_type, dialect="duckdb").sql("bigquery")


def parses(sql: str) -> bool:
    sqlglot.parse(sql, read="bigquery", error_level=ErrorLevel.RAISE)
    return True


def literal(value) -> exp.Expression:
    """A Python value as a BigQuery literal (``DATE '…'``, an array for a list…)."""
    from datetime import date, datetime

    if value is None:
        return exp.Null()
    if isinstance(value, bool):
        return exp.Boolean(this=value)
    if isinstance(value, int | float):
        return exp.Literal.number(repr(value))
    if isinstance(value, datetime):
        return exp.cast(exp.Literal.string(value.isoformat(sep=" ")), "DATETIME")
    if isinstance(value, date):
        return exp.cast(exp.Literal.string(value.isoformat()), "DATE")
    if isinstance(value, list | tuple):
        return exp.Array(expressions=[literal(v) for v in value])
    return exp.Literal.string(str(value))


def inline_params(sql: str, params) -> str:
    """BigQuery SQL with its positional ``?`` replaced by literals, in order. Used for
    multi-statement transactions, whose statements cannot all take the job's parameters
    on every implementation (the local emulator passes none into a script's statements)."""
    if not params:
        return sql
    values = iter(list(params))
    out = []
    for tree in sqlglot.parse(sql, read="bigquery"):
        if tree is None:
            continue
        tree = tree.transform(
            lambda n: literal(next(values)) if isinstance(n, exp.Placeholder) else n)
        out.append(tree.sql("bigquery"))
    if next(values, StopIteration) is not StopIteration:
        raise ValueError("more parameters than placeholders")
    return ";\n".join(out)


def arrow_schema_fields(schema) -> list[tuple[str, str]]:
    """An Arrow schema's columns as (name, BigQuery type)."""
    from backcourt.arrow import pa

    def kind(t) -> str:
        if pa.types.is_date(t):
            return "DATE"
        if pa.types.is_timestamp(t):
            return "TIMESTAMP" if t.tz else "DATETIME"
        if pa.types.is_boolean(t):
            return "BOOL"
        if pa.types.is_integer(t):
            return "INT64"
        if pa.types.is_floating(t):
            return "FLOAT64"
        if pa.types.is_decimal(t):
            return "NUMERIC" if t.scale <= 9 and t.precision <= 38 else "BIGNUMERIC"
        if pa.types.is_binary(t) or pa.types.is_large_binary(t):
            return "BYTES"
        return "STRING"

    return [(f.name, kind(f.type)) for f in schema]
