"""Tiny hand-made nba_raw tables for formula tests."""

from __future__ import annotations

from datetime import date, datetime

from backcourt.pipeline.catalog import REGISTRY
from backcourt.pipeline.phase2 import tables as T
from backcourt.registry.templating import render
from backcourt.warehouse import DuckDBWarehouse

DEN, LAL = 1610612743, 1610612747
DEFAULTS = {"INTEGER": 0, "BIGINT": 0, "DOUBLE": 0.0, "BOOLEAN": False, "VARCHAR": "",
            "DATE": None, "TIMESTAMP": None}


def insert(wh: DuckDBWarehouse, table: str, columns: dict[str, str], **values) -> None:
    wh.ensure_table(table, columns)
    unknown = set(values) - set(columns)
    assert not unknown, f"unknown columns {unknown}"
    row = [values.get(c, DEFAULTS[t]) for c, t in columns.items()]
    wh.execute(f"INSERT INTO {table} VALUES ({', '.join('?' * len(row))})", row)


def game(wh, day: date, game_id: str, home: int = DEN, away: int = LAL, **kw) -> None:
    abbr = {DEN: "DEN", LAL: "LAL"}
    insert(wh, "nba_raw.schedule", T.SCHEDULE, game_date=day, game_id=game_id,
           season="2023-24", season_type="Regular Season", game_status=3,
           game_status_text="Final", tipoff_utc=datetime(day.year, day.month, day.day, 23),
           home_team_id=home, home_team_abbr=abbr[home], away_team_id=away,
           away_team_abbr=abbr[away], home_score=kw.get("home_score", 0),
           away_score=kw.get("away_score", 0))


def team_box(wh, day: date, game_id: str, team: int, opp: int, is_home: bool, **stats) -> None:
    insert(wh, "nba_raw.team_boxscore", T.TEAM_BOXSCORE, game_date=day, game_id=game_id,
           season="2023-24", team_id=team, team_abbr={DEN: "DEN", LAL: "LAL"}[team],
           opponent_team_id=opp, is_home=is_home, minutes=240.0, source="boxscore", **stats)


def player_box(wh, day: date, game_id: str, team: int, opp: int, player_id: int, name: str,
               **stats) -> None:
    status = "ACTIVE" if stats.get("minutes", 0) > 0 else "DNP"
    insert(wh, "nba_raw.gamebook_player_stats", T.GAMEBOOK_PLAYER_STATS, game_date=day,
           game_id=game_id, season="2023-24", team_id=team,
           team_abbr={DEN: "DEN", LAL: "LAL"}[team], opponent_team_id=opp,
           is_home=team == DEN, player_id=player_id, player_name=name,
           player_lookup=name.lower().replace(" ", ""), player_status=status,
           dnp_reason=None if status == "ACTIVE" else "DNP - Coach's Decision", **stats)


def shot(wh, day: date, game_id: str, n: int, team: int, player: int, value: int,
         distance: float, made: bool, assisted: bool = False) -> None:
    insert(wh, "nba_raw.pbp_shots", T.PBP_SHOTS, game_date=day, game_id=game_id,
           action_number=n, period=1, clock="PT10M00.00S", team_id=team, player_id=player,
           shot_value=value, is_made=made, shot_distance=distance,
           action_type="Made Shot" if made else "Missed Shot", is_assisted=assisted,
           assist_player_name=None)


def materialize(wh: DuckDBWarehouse, name: str, start: date, end: date) -> None:
    """Run one SQL processor's statement over [start, end] (no ledger: formulas only)."""
    p = REGISTRY.get(name)
    for t, cols in ((q.table, q.columns) for q in REGISTRY.processors if q.columns):
        wh.ensure_table(t, cols)
    sql = render(p.sql, start, end)
    wh.ensure_table(p.table, wh.result_columns(sql))
    days = [r[0] for r in wh.query(
        "SELECT DISTINCT game_date FROM nba_raw.schedule WHERE game_date BETWEEN ? AND ?",
        [start, end])]
    wh.replace_partitions(p.table, days, sql)


def row(wh, table: str, where: str) -> dict:
    cur = wh.con.execute(f"SELECT * FROM {table} WHERE {where}")
    cols = [d[0] for d in cur.description]
    rows = cur.fetchall()
    assert len(rows) == 1, f"{len(rows)} rows in {table} where {where}"
    return dict(zip(cols, rows[0], strict=True))
