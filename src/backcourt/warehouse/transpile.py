"""Processor SQL is written in a portable subset of DuckDB SQL; other engines get it here.

sqlglot is pinned to one exact version (pyproject.toml): a new version may transpile
differently, and the golden files under tests/golden/ make such a change visible.
"""

from __future__ import annotations

import sqlglot
from sqlglot.errors import ErrorLevel

DIALECTS = ("spark", "bigquery")


def transpile(sql: str, dialect: str, pretty: bool = True) -> str:
    """DuckDB SQL → ``dialect``; anything the target cannot express raises."""
    if dialect == "duckdb":
        return sql
    out = sqlglot.transpile(sql, read="duckdb", write=dialect, pretty=pretty,
                            unsupported_level=ErrorLevel.RAISE)
    return ";\n".join(out)


def parses_in(sql: str, dialect: str) -> bool:
    """The transpiled SQL parses back in its own dialect."""
    sqlglot.parse_one(sql, read=dialect, error_level=ErrorLevel.RAISE)
    return True
