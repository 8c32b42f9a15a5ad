"""Which BigQuery dataset holds a schema: the schema's name after an optional prefix.

The pipeline's SQL and the adapter's own statements name schemas (``nba_raw.rosters``,
``backcourt_scratch._batch``). With a prefix (``--bq-dataset-prefix dev_``) schema
``nba_raw`` lives in dataset ``dev_nba_raw`` and the scratch tables in
``dev_backcourt_scratch``, so two environments can share one project. ``qualify`` makes
that true of a statement: it parses it and prefixes the dataset part of every table it
names, just before the adapter sends it (columns are left alone: the tests check that no
statement qualifies a column down to its dataset). The adapter's API calls that take a
dataset or a table id (a load job's destination, the jobs' default dataset) use
``dataset``. Unqualified names — CTEs, the scratch tables a
statement names alone — resolve to the default dataset, the prefixed scratch one.

The scratch dataset is shared by every run and every fork of a warehouse (``--workers``
runs a stage's processors at once, each on its own fork), so a table a warehouse
materializes under a common name (``_batch``) is its own: ``qualify`` renames the name in
that warehouse's statements to its scratch table (``_batch_<tag>``).
"""

from __future__ import annotations

import re
from functools import lru_cache

import sqlglot
from sqlglot import exp

# BigQuery: "letters (uppercase or lowercase), numbers, and underscores", up to 1024
DATASET_ID = re.compile(r"[A-Za-z0-9_]+")
MAX_DATASET_ID = 1024
MAX_PREFIX = MAX_DATASET_ID - 64   # room for the schema's name after it


class DatasetPrefixError(ValueError):
    """A prefix that would make dataset ids BigQuery refuses."""


def check_prefix(prefix: str | None) -> str:
    """The prefix as given ("" for none), or ``DatasetPrefixError`` naming what is wrong."""
    if not prefix:
        return ""
    if not DATASET_ID.fullmatch(prefix):
        bad = "".join(sorted({c for c in prefix if not DATASET_ID.fullmatch(c)}))
        raise DatasetPrefixError(
            f"--bq-dataset-prefix / BACKCOURT_BQ_DATASET_PREFIX {prefix!r}: a BigQuery "
            f"dataset id takes letters, digits and underscores only, not {bad!r}: dataset "
            f"{prefix}nba_raw would be refused (a prefix such as dev_ is taken)")
    if len(prefix) > MAX_PREFIX:
        raise DatasetPrefixError(
            f"--bq-dataset-prefix / BACKCOURT_BQ_DATASET_PREFIX: {len(prefix)} characters, "
            f"more than {MAX_PREFIX} (a dataset id has at most {MAX_DATASET_ID})")
    return prefix


def dataset(schema: str, prefix: str) -> str:
    return prefix + schema


def _prefix_identifier(ident: exp.Identifier, prefix: str) -> exp.Identifier:
    return exp.Identifier(this=dataset(ident.name, prefix), quoted=ident.args.get("quoted"))


@lru_cache(maxsize=512)   # scripts name random load tables: few repeat
def qualify(sql: str, prefix: str, own: tuple[tuple[str, str], ...] = ()) -> str:
    """BigQuery SQL (one statement or a script) with every dataset it names prefixed, and
    every unqualified table of ``own`` (``(name, scratch table)`` pairs: the tables a
    warehouse materialized under a shared name, e.g. ``_batch``) renamed to its own
    scratch table; unchanged when there is nothing to do."""
    renames = {name: table for name, table in own if name in sql}
    if not prefix and not renames:
        return sql
    out = []
    for tree in sqlglot.parse(sql, read="bigquery"):
        if tree is None:
            continue
        for table in tree.find_all(exp.Table):
            db = table.args.get("db")
            if isinstance(db, exp.Identifier) and db.name:
                if prefix:
                    table.set("db", _prefix_identifier(db, prefix))
            elif table.name in renames:
                table.set("this", exp.Identifier(this=renames[table.name],
                                                 quoted=table.this.args.get("quoted")))
        out.append(tree.sql("bigquery", pretty=True))
    end = ";" if sql.rstrip().endswith(";") else ""
    return ";\n".join(out) + end
