"""Every processor's SQL transpiles to Spark and BigQuery, and matches its golden file.

Regenerate after an intended change: BACKCOURT_UPDATE_GOLDEN=1 pytest tests/test_transpile.py
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
import sqlglot

from backcourt.pipeline.catalog import REGISTRY
from backcourt.registry.templating import render
from backcourt.warehouse.transpile import DIALECTS, parses_in, transpile

GOLDEN = Path(__file__).parent / "golden"
SQL_PROCESSORS = [p for p in REGISTRY.order() if p.sql]


def test_sqlglot_is_pinned():
    assert sqlglot.__version__ == "30.30.0"


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("p", SQL_PROCESSORS, ids=lambda p: p.name)
def test_golden_transpile(p, dialect):
    sql = render(p.sql, date(2023, 10, 24), date(2023, 11, 30))
    got = transpile(sql, dialect) + "\n"
    assert parses_in(got, dialect)
    path = GOLDEN / dialect / f"{p.name}.sql"
    if os.environ.get("BACKCOURT_UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(got)
    assert path.exists(), f"no golden file {path}; run with BACKCOURT_UPDATE_GOLDEN=1"
    assert got == path.read_text(), f"{p.name} transpiles differently to {dialect}"


def test_every_sql_processor_has_golden_files():
    names = {p.name for p in SQL_PROCESSORS}
    for dialect in DIALECTS:
        files = {f.stem for f in (GOLDEN / dialect).glob("*.sql")}
        assert files == names, f"stale or missing golden files for {dialect}"
