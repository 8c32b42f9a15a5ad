"""The declarative model of processors and the registry that holds them."""

from backcourt.registry.model import (
    Check,
    Expected,
    Input,
    Processor,
    Source,
    Window,
    entities_per_date,
    previous_days,
    previous_games,
    rows_per_date,
    same_day,
    season_to_date,
)
from backcourt.registry.registry import Registry, RegistryError

__all__ = [
    "Check", "Expected", "Input", "Processor", "Registry", "RegistryError", "Source", "Window",
    "entities_per_date", "previous_days", "previous_games", "rows_per_date", "same_day",
    "season_to_date",
]
