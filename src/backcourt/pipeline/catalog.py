"""The registry of every processor of the pipeline. Nothing else lists them."""

from __future__ import annotations

from backcourt.calendar import CalendarSource
from backcourt.pipeline.phase2.specs import LOADER as RAW_FILES
from backcourt.pipeline.phase2.specs import PROCESSORS as PHASE2
from backcourt.pipeline.phase3.specs import PROCESSORS as PHASE3
from backcourt.pipeline.phase4.specs import PROCESSORS as PHASE4
from backcourt.pipeline.phase5.specs import LOADER as PREDICTIONS
from backcourt.pipeline.phase5.specs import PROCESSORS as PHASE5
from backcourt.pipeline.phase5.tables import LOADER_NAME as PREDICTIONS_LOADER
from backcourt.registry import Registry, Source
from backcourt.registry.pipeline import Pipeline
from backcourt.sources import SIM_DAILY_SOURCES, SIM_OPTIONAL_SOURCES

# Phase 1: the simulated league writes every daily folder of a game date (odds may be
# absent); a date is complete when each daily folder holds its files
SIM = Source(
    name="sim", produces=SIM_DAILY_SOURCES + SIM_OPTIONAL_SOURCES,
    complete_when=SIM_DAILY_SOURCES, dates="backcourt.sources:sim_game_dates",
    fetch="backcourt.sources.sim:fill",
    incomplete="backcourt.sources.completeness:incomplete_dates",
    description="the simulated league's raw files of each game date")

REGISTRY = Registry(PHASE2 + PHASE3 + PHASE4 + PHASE5, sources=(SIM,))

CALENDAR = CalendarSource(
    schedule_table="nba_raw.schedule",
    played_sql="SELECT game_date, MIN(season) FROM nba_raw.schedule "
               "WHERE NOT is_postponed GROUP BY game_date",
    planned_table="nba_raw.season_schedule",
    planned_sql="SELECT game_date, MIN(season) FROM nba_raw.season_schedule GROUP BY game_date",
    raw_sources=("nba_scoreboard", "nba_team_gamelogs"),
)


def pipeline() -> Pipeline:
    """The NBA pipeline: its registry, its calendar and its Python loaders (declared;
    imported when they first run)."""
    return Pipeline(REGISTRY, CALENDAR, {"raw_files": RAW_FILES,
                                        PREDICTIONS_LOADER: PREDICTIONS},
                    input_findings="backcourt.pipeline.phase2.findings:raw_input_findings")
