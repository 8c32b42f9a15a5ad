"""Which store a statement belongs to, for engines that keep the ledger beside the data.

The ``backcourt_ops`` tables (runs, ledger, quarantine, events…) need transactions and
UPDATE; engines without them (Parquet on Spark, BigQuery's rate-limited DML) keep those
tables in a DuckDB file beside the data. Explained entity failures are partition data and
stay in the engine with the partitions they explain.
"""

from __future__ import annotations

import re

OPS_SCHEMA = "backcourt_ops"
KEPT_WITH_DATA = {f"{OPS_SCHEMA}.entity_failures"}
_OPS_REF = re.compile(r"\b" + OPS_SCHEMA + r"\.(\w+)", re.IGNORECASE)


def in_ops(sql_or_table: str) -> bool:
    """True when the statement (or table name) is for the ledger store."""
    refs = {f"{OPS_SCHEMA}.{m.lower()}" for m in _OPS_REF.findall(sql_or_table)}
    if not refs:
        return False
    if refs & KEPT_WITH_DATA:
        if refs - KEPT_WITH_DATA:
            raise ValueError("a query cannot join ledger tables (kept beside the data) with "
                             f"{sorted(refs & KEPT_WITH_DATA)} (kept with the data)")
        return False
    return True
