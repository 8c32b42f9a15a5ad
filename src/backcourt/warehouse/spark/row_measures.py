"""A replace's rows per date and its check measures, from the rows the driver collects.

In local mode the driver collects a batch's rows (as Arrow) to write them itself
(``local_files``). The checks then ask, per date, the rows and a few SQL aggregates
(``checks.partition.stats_measures``): ``SUM(CASE WHEN <violation> THEN 1 ELSE 0 END)``,
``COUNT(DISTINCT <key>)``, ``count(*)``. Each Spark query costs a fixed ~0.3 s of the JVM's
CPU (analysis, planning, code generation, scheduling) whatever its rows, so the count is
not another query: each aggregate is split into its per-row value, which Spark computes
as one more column of the same query that gives the rows, and the sum or count of that
value per date, which pyarrow takes over the collected table. SQL decides every value;
pyarrow only adds up integers and counts values, so the numbers are what a grouped query
of the written files gives (``tests/engines/test_spark_write_stats.py``).

Rows the driver already holds, typed as the table (``held_rows``), need no Spark job at
all: DuckDB computes each per-row value over the Arrow table in place (``of_arrow``), and
the same pyarrow sums and counts follow.

Split: ``count(*)``, ``COUNT(x)``, ``COUNT(DISTINCT x)`` (x not a fraction: NaN and -0.0
are Spark's to compare) and ``SUM(x)`` of an integer x (a sum of fractions hangs on the
order of its additions). Anything else: ``None``, and the caller asks Spark.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

import duckdb
import pyarrow.compute as pc
import sqlglot
from sqlglot import exp
from sqlglot.errors import ErrorLevel

from backcourt.arrow import pa

PREFIX = "_bc_measure_"
_INTEGRAL = ("tinyint", "smallint", "int", "bigint")


@dataclass(frozen=True)
class Split:
    """An aggregate as ``how`` (count_all | count | count_distinct | sum) of ``value``, the
    Spark SQL of its per-row value (None for count_all); ``duck``: the same value in DuckDB
    SQL."""
    how: str
    value: str | None
    duck: str | None = None


@lru_cache(maxsize=1024)
def split(measure: str) -> Split | None:
    """``measure`` (DuckDB SQL) as a per-row value and its aggregate, or None."""
    try:
        tree = sqlglot.parse_one(measure, read="duckdb")
    except sqlglot.errors.ParseError:
        return None

    def of(how: str, node: exp.Expression) -> Split:
        return Split(how, node.sql("spark", unsupported_level=ErrorLevel.RAISE),
                     node.sql("duckdb"))

    arg = tree.this if isinstance(tree, exp.Count | exp.Sum) else None
    if isinstance(tree, exp.Count):
        if isinstance(arg, exp.Star):
            return Split("count_all", None)
        if isinstance(arg, exp.Distinct):
            return of("count_distinct", arg.expressions[0]) \
                if len(arg.expressions) == 1 else None
        return of("count", arg) if arg is not None else None
    if isinstance(tree, exp.Sum) and arg is not None and not isinstance(arg, exp.Distinct):
        return of("sum", arg)
    return None


def collect(df: Any, column: str, measures: tuple[str, ...]
            ) -> tuple[pa.Table, dict[date, tuple]] | None:
    """``df``'s rows (its columns, as Arrow) and, per date of ``column`` holding rows,
    (rows, each of ``measures``) — one Spark job. None when a measure does not split; then
    nothing has run."""
    planned = _planned(measures)
    if planned is None:
        return None
    splits, names = planned
    measured = df.selectExpr("*", *(f"{splits[i].value} AS `{n}`" for i, n in names.items()))
    types = {f.name: f.dataType.simpleString() for f in measured.schema.fields}
    if any(_refused(splits[i], integral=types[n] in _INTEGRAL, fraction=types[n] in (
            "float", "double") or types[n].startswith("decimal")) for i, n in names.items()):
        return None
    rows = measured.toArrow()
    return rows.drop_columns(list(names.values())), _per_date(rows, column, splits, names)


def of_arrow(rows: pa.Table, column: str, measures: tuple[str, ...]
             ) -> dict[date, tuple] | None:
    """Per date of ``column`` holding rows of ``rows`` (rows the driver holds), (rows, each
    of ``measures``): each per-row value computed by DuckDB, which reads the Arrow table in
    place, and summed or counted per date by pyarrow as ``collect`` does. None when a
    measure does not split, or its values are fractions where ``collect`` refuses them."""
    planned = _planned(measures)
    if planned is None:
        return None
    splits, names = planned
    con = duckdb.connect()
    try:
        con.register("_bc_rows", rows)
        values = con.execute("SELECT " + ", ".join(
            [f'"{column}"', *(f"{splits[i].duck} AS {n}" for i, n in names.items())])
            + " FROM _bc_rows").to_arrow_table()
    finally:
        con.close()
    kinds = {n: values.schema.field(n).type for n in names.values()}
    if any(_refused(splits[i], integral=pa.types.is_integer(kinds[n]), fraction=(
            pa.types.is_floating(kinds[n]) or pa.types.is_decimal(kinds[n])))
           for i, n in names.items()):
        return None
    return _per_date(values, column, splits, names)


def _planned(measures: tuple[str, ...]) -> tuple[list[Split], dict[int, str]] | None:
    """Each measure split, and the column name of each per-row value; None when one does
    not split."""
    splits = [split(m) for m in measures]
    if any(s is None for s in splits):
        return None
    return splits, {i: f"{PREFIX}{i}" for i, s in enumerate(splits) if s.value is not None}


def _refused(s: Split, integral: bool, fraction: bool) -> bool:
    """Whether a split's per-row values (integers? fractions?) cannot be added up here: a
    sum of anything but integers, a distinct count of fractions."""
    return (s.how == "sum" and not integral) or (s.how == "count_distinct" and fraction)


def _per_date(rows: pa.Table, column: str, splits: list[Split], names: dict[int, str]
              ) -> dict[date, tuple]:
    """(rows, each split's sum or count) per date of ``column``, from ``rows`` holding the
    per-row values as columns ``names``."""
    aggregates: list[tuple] = [([], "count_all")]
    for i, name in names.items():
        if splits[i].how == "sum":
            aggregates.append((name, "sum"))
        else:
            aggregates.append((name, splits[i].how, pc.CountOptions("only_valid")))
    per_date = rows.group_by(column).aggregate(aggregates).to_pylist()
    grouped = {}
    for r in per_date:
        grouped[r[column]] = (r["count_all"], *(
            r["count_all"] if s.how == "count_all" else r[f"{names[i]}_{s.how}"]
            for i, s in enumerate(splits)))
    return grouped
