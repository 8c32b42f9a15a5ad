"""Rows the driver already holds, written as they are when they are typed as the table.

In local mode on a local folder the driver writes a replace's files itself
(``local_files``, ``month_files``). Phase 2's loaders hand over Arrow tables they parsed
from raw files, typed as the table declares. Through Spark, such rows were written to a
scratch file, scanned, cast to the types they already had and collected back: a Spark job
per table and batch, 0.3–2.2 s each, ~8 s of a season's ~60. Rows whose every column has
the table's type are therefore written as they are (only their columns ordered and their
dates chosen here), and their check measures are counted on the driver
(``row_measures.of_arrow``). Rows of another shape go through Spark, which casts them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import lru_cache

import duckdb
import pyarrow.compute as pc

from backcourt.arrow import pa


@lru_cache(maxsize=256)
def arrow_type(declared: str) -> pa.DataType:
    """The Arrow type of a column declared ``declared`` (a DuckDB type), as DuckDB gives it."""
    con = duckdb.connect()
    try:
        return con.execute(f"SELECT CAST(NULL AS {declared}) AS c").to_arrow_table() \
            .schema.field("c").type
    finally:
        con.close()


def _same(held: pa.DataType, declared: str) -> bool:
    want = arrow_type(declared)
    if pa.types.is_string(want):   # the same Parquet column either way
        return pa.types.is_string(held) or pa.types.is_large_string(held)
    return held == want


def as_stored(columns: dict[str, str], partition: str, rows: pa.Table, days: Sequence[date]
              ) -> pa.Table | None:
    """``rows`` of ``days`` (by ``partition``) in the table's column order (``partition``
    last), or None when a column is missing or typed otherwise than ``columns`` declares."""
    order = [c for c in columns if c != partition] + [partition]
    names = set(rows.schema.names)
    if any(c not in names or not _same(rows.schema.field(c).type, columns[c]) for c in order):
        return None
    keys = rows.column(partition)
    chosen = pc.fill_null(pc.is_in(keys, pa.array(sorted(set(days)), keys.type)), False)
    return rows.select(order).filter(chosen)
