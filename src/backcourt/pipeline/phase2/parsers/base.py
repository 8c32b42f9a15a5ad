"""What every Phase 2 parser takes and returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

Row = dict[str, Any]


class RawRecordError(ValueError):
    """A raw file or one of its records is malformed. Names the file, the field and why."""

    def __init__(self, file: str, field: str, reason: str):
        self.file, self.field, self.reason = file, field, reason
        super().__init__(f"{file}: field '{field}': {reason}")

    def __reduce__(self):  # pickled by its parts (it comes back from worker processes)
        return type(self), (self.file, self.field, self.reason)


class Resolver(Protocol):
    def resolve(self, lookup: str) -> tuple[int | None, str | None]:
        """(player_id, None) when resolved, (None, reason) when not."""
        ...

    def knows_id(self, player_id: int) -> bool:
        """Whether the player registry has this id."""
        ...


@dataclass
class ParseOutput:
    rows: dict[str, list[Row]] = field(default_factory=dict)   # table name -> rows
    registry_errors: list[Row] = field(default_factory=list)
    # defects confined to some games of a multi-game file: those games are left out (the
    # rest of the file loads) and the date is failed with each error (file, row, field)
    row_errors: list[RawRecordError] = field(default_factory=list)
    # things dropped without failing anything (exact duplicate rows), recorded
    warnings: list[Row] = field(default_factory=list)

    def add(self, table: str, row: Row) -> None:
        self.rows.setdefault(table, []).append(row)
