"""validate on a clean backfilled window finds nothing; each injected fault is found with
its type, severity and fix command; exit codes follow the severities."""

from __future__ import annotations

from datetime import date

import pytest

from backcourt import app as lib
from backcourt.validation import validate
from tests.conftest import SIM_END, SIM_START, make_context

D = date(2023, 11, 15)


@pytest.fixture
def clean(tmp_path, sim_raw):
    ctx = make_context(tmp_path, sim_raw)
    _, summary = lib.backfill(ctx, lib.select(ctx, [2, 3, 4]), SIM_START, SIM_END, "fill")
    assert summary.ok
    return ctx


def found(ctx, kind: str, processor: str):
    v = validate(ctx, lib.select(ctx, [2, 3, 4]), SIM_START, SIM_END)
    hits = [f for f in v.findings if f.type == kind and f.processor == processor]
    return v, hits


def test_clean_window_has_no_findings_even_strict(clean):
    v = validate(clean, lib.select(clean, [2, 3, 4]), SIM_START, SIM_END)
    assert v.findings == []
    assert v.exit_code(strict=True) == 0
    assert {c.status for c in v.contamination} == {"CLEAN"}


def test_deleted_date_is_missing_high_and_cascades(clean):
    clean.wh.execute("DELETE FROM nba_analytics.player_game_summary WHERE game_date = ?", [D])
    v, hits = found(clean, "missing_date", "player_game_summary")
    assert hits and hits[0].severity == "HIGH" and hits[0].dates == [D]
    assert hits[0].fix.startswith(f"backcourt backfill --start {D} --end {D} --phases 3-5")
    cascades = {f.processor for f in v.findings if f.type == "cascade"}
    assert "upcoming_player_game_context" in cascades          # later dates read it
    assert all(f.severity == "CRITICAL" for f in v.findings if f.type == "cascade")
    assert v.exit_code() == 1


def test_half_the_rows_deleted_is_partial(clean):
    clean.wh.execute("DELETE FROM nba_raw.gamebook_player_stats WHERE game_date = ? AND "
                     "player_id % 2 = 0", [D])
    v, hits = found(clean, "partial_data", "gamebook_player_stats")
    assert hits and hits[0].severity == "MEDIUM" and D in hits[0].dates
    assert "--reprocess all" in hits[0].fix
    assert v.exit_code(strict=True) == 1


def test_null_critical_field_is_high_and_contaminates(clean):
    clean.wh.execute("UPDATE nba_analytics.team_offense_game_summary SET pace = NULL "
                     "WHERE game_date = ?", [D])
    v, hits = found(clean, "null_critical", "team_offense_game_summary")
    assert hits and hits[0].severity == "HIGH" and hits[0].dates == [D]
    c = next(c for c in v.contamination if c.processor == "team_offense_game_summary")
    assert c.status in ("PARTIAL", "CONTAMINATED") and D in c.worst_dates
    # what read it that day and after is a cascade
    assert any(f.type == "cascade" and f.processor == "team_defense_game_summary"
               and D in f.dates for f in v.findings)


def test_zero_in_a_computed_field_is_medium(clean):
    clean.wh.execute("UPDATE nba_analytics.team_offense_game_summary SET possessions = 0 "
                     "WHERE game_date = ?", [D])
    v, hits = found(clean, "zero_value", "team_offense_game_summary")
    assert hits and hits[0].severity == "MEDIUM"
    assert v.exit_code() == 0 and v.exit_code(strict=True) == 1


def test_phase4_after_its_upstream_was_deleted_is_a_cascade(clean):
    clean.wh.execute("DELETE FROM nba_precompute.team_defense_zone_analysis "
                     "WHERE game_date = ?", [D])
    for ops in ("ledger", "partition_state"):   # its history and its latest attempt
        clean.wh.execute(f"DELETE FROM backcourt_ops.{ops} WHERE processor = "
                         "'team_defense_zone_analysis' AND game_date = ?", [D])
    v, hits = found(clean, "cascade", "player_composite_factors")
    assert hits and hits[0].severity == "CRITICAL" and D in hits[0].dates
    assert "team_defense_zone_analysis" in hits[0].detail


def test_reconcile_accounts_for_every_entity(clean):
    procs = lib.select(clean, [3, 4])
    v = validate(clean, procs, SIM_START, SIM_END, with_reconcile=True)
    rec = {r.processor: r for r in v.reconciliation}
    pcf = rec["player_composite_factors"]
    assert pcf.expected > 0 and pcf.explained > 0           # early season: explained
    assert pcf.rows + pcf.explained == pcf.expected and not pcf.unaccounted
    assert rec["team_defense_zone_analysis"].expected > 0
    # an entity's row vanishes without an explained failure: it is unaccounted, by name
    pid = clean.wh.query("SELECT player_id FROM nba_precompute.player_composite_factors "
                         "WHERE game_date = ? LIMIT 1", [D])[0][0]
    clean.wh.execute("DELETE FROM nba_precompute.player_composite_factors "
                     "WHERE game_date = ? AND player_id = ?", [D, pid])
    v = validate(clean, procs, SIM_START, SIM_END, with_reconcile=True)
    hit = next(f for f in v.findings if f.type == "unaccounted")
    assert hit.processor == "player_composite_factors" and hit.severity == "HIGH"
    assert str(pid) in hit.detail and hit.dates == [D]


def test_learned_expectation_finds_partial_shots_without_a_count(clean):
    """Every game of the date still has shots (the distinct-games count is met), but half of
    them are gone and the ledger agrees: only the count learned from earlier dates (shots
    per final game) sees it."""
    before = clean.wh.query("SELECT count(*) FROM nba_raw.pbp_shots WHERE game_date = ?",
                            [D])[0][0]
    clean.wh.execute("DELETE FROM nba_raw.pbp_shots WHERE game_date = ? AND "
                     "action_number % 2 = 0", [D])
    after = clean.wh.query("SELECT count(*) FROM nba_raw.pbp_shots WHERE game_date = ?",
                           [D])[0][0]
    assert 0 < after < before
    for ops in ("ledger", "partition_state"):   # its history and its latest attempt
        clean.wh.execute(f"UPDATE backcourt_ops.{ops} SET rows_written = ? "
                         "WHERE processor = 'pbp_shots' AND game_date = ?", [after, D])
    v, hits = found(clean, "partial_data", "pbp_shots")
    assert hits and hits[0].dates == [D] and "per final game" in hits[0].detail
    assert v.exit_code(strict=True) == 1


def test_learned_expectation_fails_a_partial_feed_in_the_run(tmp_path, raw_copy):
    """The play-by-play feed of one date stopped at half-time: the partition is not done
    (CHECK_FAILED, partial data), every other date is."""
    import orjson

    from backcourt.checks.learned import learned_shortfalls

    folder = tmp_path / "raw" / "nba_playbyplay" / D.isoformat()
    for f in sorted(folder.glob("*.json")):
        doc = orjson.loads(f.read_bytes())
        doc["game"]["actions"] = [a for a in doc["game"]["actions"] if a["period"] <= 2]
        f.write_bytes(orjson.dumps(doc))
    ctx = make_context(tmp_path, raw_copy)
    pbp = lib.select(ctx, names=["schedule", "pbp_shots"])
    summary = lib.run(ctx, pbp, SIM_START, SIM_END, "pbp")
    failed = [(f.processor, f.game_date, f.category) for f in summary.failures]
    assert failed == [("pbp_shots", D, "CHECK_FAILED")]
    assert "partial data" in summary.failures[0].message
    p = ctx.registry.get("pbp_shots")
    days = ctx.calendar.game_dates(SIM_START, SIM_END)
    assert set(learned_shortfalls(ctx.wh, p, days)) == {D}


def test_reconcile_covers_raw_and_analytics_tables(clean):
    procs = lib.select(clean, [2, 3])
    rec = {r.processor: r for r in validate(clean, procs, SIM_START, SIM_END,
                                            with_reconcile=True).reconciliation}
    for name in ("schedule", "gamebook_player_stats", "team_boxscore", "pbp_shots", "rosters",
                 "team_offense_game_summary", "team_defense_game_summary",
                 "player_game_summary", "upcoming_player_game_context",
                 "upcoming_team_game_context"):
        assert rec[name].expected > 0 and rec[name].missing == 0, name
    # teams with a final game: two per game, each with its box score
    games = clean.wh.query("SELECT count(*) FROM nba_raw.schedule WHERE game_status = 3")[0][0]
    assert rec["team_boxscore"].expected == 2 * games
    # a player who played loses his analytics row: unaccounted, by name
    pid = clean.wh.query("SELECT player_id FROM nba_analytics.player_game_summary "
                         "WHERE game_date = ? ORDER BY player_id LIMIT 1", [D])[0][0]
    clean.wh.execute("DELETE FROM nba_analytics.player_game_summary "
                     "WHERE game_date = ? AND player_id = ?", [D, pid])
    v = validate(clean, procs, SIM_START, SIM_END, with_reconcile=True)
    hit = next(f for f in v.findings if f.type == "unaccounted")
    assert hit.processor == "player_game_summary" and str(pid) in hit.detail
    assert hit.dates == [D]
