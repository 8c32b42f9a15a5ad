"""Helpers for the Phase 2 parser tests."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from backcourt.pipeline.phase2 import tables
from backcourt.pipeline.phase2.names import PlayerResolver
from backcourt.pipeline.phase2.parsers import PARSERS
from backcourt.pipeline.phase2.parsers.base import ParseOutput
from backcourt.rawstore.store import RawFile

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
# Real NBA stats responses, shipped with the tests (see their SOURCES.md)
SAMPLES = FIXTURES / "nba_api_samples"

TABLE_COLUMNS = {
    "schedule": tables.SCHEDULE,
    "season_schedule": tables.SEASON_SCHEDULE,
    "gamebook_player_stats": tables.GAMEBOOK_PLAYER_STATS,
    "team_boxscore": tables.TEAM_BOXSCORE,
    "pbp_shots": tables.PBP_SHOTS,
    "injury_report": tables.INJURY_REPORT,
    "rosters": tables.ROSTERS,
    "odds_player_props": tables.ODDS_PLAYER_PROPS,
    "game_lines": tables.GAME_LINES,
}


def raw_file(source: str, day: str, name: str) -> RawFile:
    d = date.fromisoformat(day)
    return RawFile(source, d, name, f"raw/{source}/{day}/{name}")


def check_shape(out: ParseOutput) -> None:
    """Every row carries exactly its table's columns; registry errors theirs."""
    for table, rows in out.rows.items():
        expected = set(TABLE_COLUMNS[table])
        for row in rows:
            assert set(row) == expected, (table, set(row) ^ expected)
    for row in out.registry_errors:
        assert set(row) == set(tables.REGISTRY_ERRORS)


def run(source: str, day: str, name: str, payload: bytes, resolver: PlayerResolver) -> ParseOutput:
    out = PARSERS[source](payload, raw_file(source, day, name), resolver)
    check_shape(out)
    return out
