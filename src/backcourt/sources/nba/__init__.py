"""The NBA stats site (stats.nba.com) as a Phase 1 source, through nba_api."""

from backcourt.sources.nba.client import StatsClient, StatsSettings
from backcourt.sources.nba.fetch import FetchResult, fetch, season_of

__all__ = ["FetchResult", "StatsClient", "StatsSettings", "fetch", "season_of"]
