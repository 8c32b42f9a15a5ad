"""Where the warehouse and the raw store live.

Defaults are relative to the working directory; the environment variables
``BACKCOURT_WAREHOUSE`` and ``BACKCOURT_RAW`` override them, and command-line options
override both.
"""

from __future__ import annotations

import os

from pydantic import BaseModel, ConfigDict

DEFAULT_WAREHOUSE = "backcourt.duckdb"
DEFAULT_RAW = "raw"


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    warehouse: str = DEFAULT_WAREHOUSE
    raw: str = DEFAULT_RAW
    seed: int = 0


def load_settings(warehouse: str | None = None, raw: str | None = None,
                  seed: int | None = None) -> Settings:
    """Options win over environment variables, which win over defaults."""
    return Settings(
        warehouse=warehouse or os.environ.get("BACKCOURT_WAREHOUSE") or DEFAULT_WAREHOUSE,
        raw=raw or os.environ.get("BACKCOURT_RAW") or DEFAULT_RAW,
        seed=seed if seed is not None else int(os.environ.get("BACKCOURT_SEED", "0")),
    )
