"""How the prediction systems did over a date range, from ``prediction_grades``.

``report(wh, start, end)`` returns, per system, for the whole range and for its first and
second half (split at the middle game date that has grades):

    predictions     rows graded (every prediction, DNP voids included)
    played          predictions of players who played
    mae             mean absolute error over ``played``
    bias            mean signed error (predicted − actual) over ``played``
    picks           OVER / UNDER recommendations
    graded_picks    picks with a result (pushes, DNP voids and placeholder lines excluded)
    correct_picks   graded picks that won
    hit_rate        correct_picks / graded_picks (break-even at −110: 0.524)
"""

from __future__ import annotations

from datetime import date

GRADES_TABLE = "nba_predictions.prediction_grades"
BREAK_EVEN = 0.524

_METRICS = """
    COUNT(*) AS predictions,
    SUM(CASE WHEN grade_status <> 'void_dnp' THEN 1 ELSE 0 END) AS played,
    SUM(absolute_error) / NULLIF(SUM(CASE WHEN absolute_error IS NOT NULL THEN 1 ELSE 0 END), 0)
        AS mae,
    SUM(signed_error) / NULLIF(SUM(CASE WHEN signed_error IS NOT NULL THEN 1 ELSE 0 END), 0)
        AS bias,
    SUM(CASE WHEN recommendation IN ('OVER', 'UNDER') THEN 1 ELSE 0 END) AS picks,
    SUM(CASE WHEN grade_status = 'graded' THEN 1 ELSE 0 END) AS graded_picks,
    SUM(CASE WHEN is_correct THEN 1 ELSE 0 END) AS correct_picks,
    COUNT(DISTINCT game_date) AS dates,
    MIN(game_date) AS first_date,
    MAX(game_date) AS last_date
"""
_NAMES = ("predictions", "played", "mae", "bias", "picks", "graded_picks", "correct_picks",
          "dates", "first_date", "last_date")


def _table_exists(wh, table: str) -> bool:
    if hasattr(wh, "table_exists"):
        return wh.table_exists(table)
    return True


def _block(row: tuple) -> dict:
    out = dict(zip(_NAMES, row, strict=True))
    for k in ("predictions", "played", "picks", "graded_picks", "correct_picks", "dates"):
        out[k] = int(out[k] or 0)
    for k in ("mae", "bias"):
        out[k] = None if out[k] is None else round(float(out[k]), 4)
    out["hit_rate"] = (round(out["correct_picks"] / out["graded_picks"], 4)
                       if out["graded_picks"] else None)
    for k in ("first_date", "last_date"):
        out[k] = out[k].isoformat() if out[k] is not None else None
    return out


def _by_system(wh, start: date, end: date, systems: list[str] | None) -> dict[str, dict]:
    where = "game_date BETWEEN ? AND ?"
    params: list = [start, end]
    if systems:
        where += f" AND system IN ({', '.join('?' * len(systems))})"
        params += list(systems)
    rows = wh.query(f"SELECT system, {_METRICS} FROM {GRADES_TABLE} WHERE {where} "
                    "GROUP BY system ORDER BY system", params)
    return {r[0]: _block(r[1:]) for r in rows}


def report(wh, start: date, end: date, systems: list[str] | None = None) -> dict:
    """Per system: MAE, hit rate on graded picks and pick counts over [start, end], and the
    same for the first and second half of the graded dates in the range."""
    out: dict = {"start": start.isoformat(), "end": end.isoformat(),
                 "break_even_hit_rate": BREAK_EVEN, "systems": {}}
    if not _table_exists(wh, GRADES_TABLE):
        return out
    days = [r[0] for r in wh.query(
        f"SELECT DISTINCT game_date FROM {GRADES_TABLE} WHERE game_date BETWEEN ? AND ? "
        "ORDER BY game_date", [start, end])]
    if not days:
        return out
    mid = days[len(days) // 2]
    first_end = days[len(days) // 2 - 1] if len(days) > 1 else None
    whole = _by_system(wh, start, end, systems)
    first = _by_system(wh, start, first_end, systems) if first_end else {}
    second = _by_system(wh, mid, end, systems)
    out["halves"] = {"first": [days[0].isoformat(), first_end.isoformat() if first_end
                               else None],
                     "second": [mid.isoformat(), days[-1].isoformat()]}
    for name, block in whole.items():
        out["systems"][name] = {"all": block, "first_half": first.get(name),
                                "second_half": second.get(name)}
    return out


def weekly(wh, start: date, end: date) -> list[dict]:
    """Per system and week (Monday): MAE over players who played, hit rate on graded
    picks, picks — the series of the dashboard's performance charts."""
    if not _table_exists(wh, GRADES_TABLE):
        return []
    rows = wh.query(
        f"SELECT system, date_trunc('week', game_date) AS week, {_METRICS} "
        f"FROM {GRADES_TABLE} WHERE game_date BETWEEN ? AND ? GROUP BY 1, 2 ORDER BY 1, 2",
        [start, end])
    out = []
    for r in rows:
        week = r[1].date() if hasattr(r[1], "date") else r[1]
        out.append({"system": r[0], "week": week.isoformat(), **_block(r[2:])})
    return out


PLAYED_TABLE = "nba_analytics.player_game_summary"


def why_empty(ctx, start: date, end: date) -> list[str]:
    """Why nothing is graded in [start, end], from what is (not) in the warehouse: the
    Phase 4-5 partitions' states, the predictions, and the walk-forward model's training
    rows."""
    from backcourt.pipeline.phase5.systems import MIN_TRAINING_ROWS
    from backcourt.pipeline.phase5.tables import PREDICTIONS_TABLE

    wh = ctx.wh
    reasons: list[str] = []
    late = [p for p in ctx.registry.processors if p.phase >= 4]
    states = ctx.ledger.latest([p.name for p in late], start, end)
    for p in late:
        mine = [s for (n, _), s in states.items() if n == p.name]
        if not mine:
            reasons.append(f"{p.name} (phase {p.phase}) has never run in {start} … {end}: "
                           f"run `backcourt backfill --start {start} --end {end}`")
            continue
        skipped = [s for s in mine if s.status == "skipped"]
        failed = [s for s in mine if s.status == "failed"]
        if skipped and len(skipped) == len(mine):
            reasons.append(f"{p.name}: all {len(mine)} dates skipped "
                           f"({skipped[0].failure_category}: {skipped[0].failure_message}); "
                           "the season's first weeks have too little history")
        elif failed:
            first = min(failed, key=lambda s: s.game_date)
            reasons.append(f"{p.name}: {len(failed)} of {len(mine)} dates failed, first "
                           f"{first.game_date} {first.failure_category}: "
                           f"{(first.failure_message or '').splitlines()[0][:160]}")
    if _table_exists(wh, PREDICTIONS_TABLE):
        made = dict(wh.query(f"SELECT system, count(*) FROM {PREDICTIONS_TABLE} "
                             "WHERE game_date BETWEEN ? AND ? GROUP BY 1", [start, end]))
        if made:
            reasons.append("predictions exist (" + ", ".join(f"{s}: {n}" for s, n in
                                                             sorted(made.items()))
                           + ") but none is graded in the range: grading needs the games' "
                             "box scores (player_game_summary) of those dates")
    if _table_exists(wh, PLAYED_TABLE):
        season_start = ctx.calendar.season_start(end)
        played = wh.query(f"SELECT count(*) FROM {PLAYED_TABLE} WHERE game_date "
                          "BETWEEN ? AND ? AND minutes > 0", [season_start, end])[0][0]
        if played < MIN_TRAINING_ROWS:
            reasons.append(f"the walk-forward model (gbm) needs {MIN_TRAINING_ROWS:,} "
                           f"player-games that played before a week's Monday; the season "
                           f"has {played:,} up to {end} (about {MIN_TRAINING_ROWS} come by "
                           "early December)")
    if not reasons:
        reasons.append(f"no prediction_grades rows in {start} … {end} and no reason found "
                       "in the ledger: check `backcourt status` for these dates")
    return reasons
