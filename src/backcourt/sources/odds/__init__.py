"""The Odds API's historical endpoints as a Phase 1 source (pre-game lines only)."""

from backcourt.sources.odds.client import KEY_ENV, BudgetSpent, OddsSettings
from backcourt.sources.odds.fetch import OddsResult, fetch, snapshot_time

__all__ = ["KEY_ENV", "BudgetSpent", "OddsResult", "OddsSettings", "fetch", "snapshot_time"]
