"""Table equality across engines: the same rows, floats within a tolerance."""

from __future__ import annotations

import math
from datetime import datetime
from decimal import Decimal

import pyarrow as pa
import pyarrow.compute as pc

TOLERANCE = 1e-9


def _norm(v):
    if isinstance(v, Decimal):
        return float(v)
    if isinstance(v, datetime):
        return v.replace(tzinfo=None)
    return v


def rows_of(wh, table: str, columns: list[str], where: str = "1=1") -> list[tuple]:
    """Rows in a canonical order: sorted on every non-float column, then on the floats."""
    cols = ", ".join(f'"{c}"' for c in columns)
    tbl: pa.Table = wh.arrow(f"SELECT {cols} FROM {table} WHERE {where}")
    for i, f in enumerate(tbl.schema):
        if pa.types.is_decimal(f.type):
            tbl = tbl.set_column(i, f.name, pc.cast(tbl.column(i), pa.float64()))
    rows = [tuple(_norm(v) for v in r.values()) for r in tbl.to_pylist()]
    return sorted(rows, key=_key)


def _key(row: tuple) -> tuple:
    """Exact columns first; floats last and rounded, so 1e-12 noise cannot reorder rows."""
    exact = tuple((v is None, str(v)) for v in row if not isinstance(v, float))
    approx = tuple(round(v, 6) if not math.isnan(v) else math.inf
                   for v in row if isinstance(v, float))
    return exact, approx


def differences(a: list[tuple], b: list[tuple], columns: list[str],
                limit: int = 5) -> list[str]:
    """Where two row lists differ (empty when equal within the tolerance)."""
    out = []
    if len(a) != len(b):
        out.append(f"{len(a)} rows vs {len(b)} rows")
    for ra, rb in zip(a, b, strict=False):
        for c, x, y in zip(columns, ra, rb, strict=True):
            if not same(x, y):
                out.append(f"{c}: {x!r} vs {y!r} in row {ra[:4]}")
                break
        if len(out) >= limit:
            break
    return out


def same(x, y) -> bool:
    if x is None or y is None:
        return x is None and y is None
    if isinstance(x, float) or isinstance(y, float):
        if math.isnan(float(x)) and math.isnan(float(y)):
            return True
        return math.isclose(float(x), float(y), rel_tol=0, abs_tol=TOLERANCE) or \
            math.isclose(float(x), float(y), rel_tol=TOLERANCE)
    return x == y
