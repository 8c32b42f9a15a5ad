"""backcourt: an NBA player-points-props pipeline built around a trustworthy backfill."""

__version__ = "0.1.0"
