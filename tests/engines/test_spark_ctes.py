"""Shared CTEs staged for Spark give the rows of the statement as written.

``warehouse/spark/ctes.stage`` splits a statement so that each CTE read more than once is
computed once. Run here on DuckDB (each stage a temp table, the SQL transpiled back from
Spark's dialect): the staged statement returns exactly the rows of the original.
"""

from __future__ import annotations

import duckdb
import sqlglot

from backcourt.warehouse.spark.ctes import stage
from backcourt.warehouse.spark.engine import to_spark

SQL = """
WITH games AS (
    SELECT * FROM (VALUES (1, DATE '2023-11-01', 10), (2, DATE '2023-11-02', 20),
                          (3, DATE '2023-11-02', 30)) AS t(game_id, game_date, team_id)
),
once AS (SELECT game_date, COUNT(*) AS n FROM games GROUP BY game_date),
hist AS (
    SELECT g.game_id, g.team_id, o.n,
           ROW_NUMBER() OVER (PARTITION BY g.game_date ORDER BY g.team_id DESC) AS rn
    FROM games AS g JOIN once AS o ON o.game_date = g.game_date
),
pairs AS (SELECT a.game_id, b.team_id AS other FROM hist AS a JOIN hist AS b ON a.rn < b.rn)
SELECT h.game_id, h.team_id, h.n, h.rn, p.other
FROM hist AS h LEFT JOIN pairs AS p ON p.game_id = h.game_id
ORDER BY 1, 2, 5
"""


def _duckdb(sql: str) -> str:
    return sqlglot.transpile(sql, read="spark", write="duckdb")[0]


def test_ctes_read_twice_become_stages_and_the_rows_stay_the_same():
    staged = stage(to_spark(SQL))
    # games and hist are read twice; once and pairs once (once only inside hist's stage)
    assert [view for view, _ in staged.stages] == ["_bc_cte_games", "_bc_cte_hist"]
    assert "once" in staged.stages[1][1] and "_bc_cte_games" in staged.stages[1][1]
    assert "_bc_cte_hist" in staged.final and "WITH pairs" in staged.final
    con = duckdb.connect()
    expected = con.sql(SQL).fetchall()
    for view, query in staged.stages:
        con.execute(f"CREATE TEMP TABLE {view} AS {_duckdb(query)}")
    assert con.sql(_duckdb(staged.final)).fetchall() == expected
    assert len(expected) == 3


def test_a_statement_without_shared_ctes_is_left_alone():
    sql = to_spark("WITH a AS (SELECT 1 AS x) SELECT x FROM a")
    assert stage(sql).stages == () and stage(sql).final == sql


def test_two_runs_of_one_statement_use_views_of_their_own():
    """Temp views belong to the Spark session: two runs of one template at once (a
    stage's processors on threads, work ahead in the background) dropped each other's
    views when the names came from the template alone (a flaky 'table or view not
    found' on Spark)."""
    staged = stage(SQL)
    a, b = staged.private(), staged.private()
    views_a, views_b = {v for v, _ in a.stages}, {v for v, _ in b.stages}
    assert len(views_a) == len(staged.stages) and not views_a & views_b
    for view in views_a:
        assert view in a.final or any(view in q for _, q in a.stages)
        assert view not in b.final
