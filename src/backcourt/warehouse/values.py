"""Rows as query parameters: the cheapest way to hand DuckDB a few rows.

Up to ``FEW_ROWS`` rows, a ``VALUES`` list of placeholders costs about a third of creating
and dropping a scratch table (or registering Arrow data); beyond that, one list parameter
per column (or Arrow) is flat in the number of rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

FEW_ROWS = 20


def values(rows: Sequence[Sequence[Any]]) -> tuple[str, list[Any]]:
    """``VALUES (?, …), (?, …)`` for rows of equal width, and their parameters in order."""
    one = "(" + ", ".join("?" * len(rows[0])) + ")"
    return "VALUES " + ", ".join([one] * len(rows)), [v for r in rows for v in r]
