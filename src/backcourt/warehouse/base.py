"""What an engine adapter must do for the rest of backcourt."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, Protocol


class Warehouse(Protocol):
    engine: str

    def query(self, sql: str, params: Sequence[Any] | None = None) -> list[tuple]: ...

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> None: ...

    def table_exists(self, table: str) -> bool: ...

    def columns(self, table: str) -> dict[str, str]: ...

    def ensure_table(self, table: str, columns: dict[str, str]) -> None: ...

    def counts_by_date(self, table: str, start: date, end: date,
                       column: str = "game_date") -> dict[date, int]: ...

    def close(self) -> None: ...
