"""What every Phase 2 parser takes and returns."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, overload

Row = dict[str, Any]


class ColumnRows(Sequence[Row]):
    """Rows of one table held column by column: one list per column, all of one length.

    The parsers of the big sources (play-by-play, player props) emit these instead of a
    dict per row: the rows go to Arrow column by column, with no dict built per row. Read
    as a sequence it gives each row as a dict of the table's columns, like any parser's
    rows."""

    __slots__ = ("columns",)

    def __init__(self, columns: dict[str, list[Any]]):
        self.columns = columns

    def __len__(self) -> int:
        return len(next(iter(self.columns.values()), ()))

    @overload
    def __getitem__(self, i: int) -> Row: ...
    @overload
    def __getitem__(self, i: slice) -> list[Row]: ...

    def __getitem__(self, i: int | slice) -> Row | list[Row]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        return {name: values[i] for name, values in self.columns.items()}

    def __iter__(self) -> Iterator[Row]:
        names = list(self.columns)
        for values in zip(*self.columns.values(), strict=True):
            yield dict(zip(names, values, strict=True))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None   # type: ignore[assignment]


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
    # table name -> rows (a list of dicts, or ColumnRows)
    rows: dict[str, list[Row] | ColumnRows] = field(default_factory=dict)
    registry_errors: list[Row] = field(default_factory=list)
    # defects confined to some games of a multi-game file: those games are left out (the
    # rest of the file loads) and the date is failed with each error (file, row, field)
    row_errors: list[RawRecordError] = field(default_factory=list)
    # things dropped without failing anything (exact duplicate rows), recorded
    warnings: list[Row] = field(default_factory=list)

    def add(self, table: str, row: Row) -> None:
        self.rows.setdefault(table, []).append(row)
