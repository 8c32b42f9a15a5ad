"""Releasing a quarantined raw file after a fix: it is validated again by its source's
parser; a file that now parses goes back to its raw folder (its date's fingerprint
changes, so the next backfill re-runs that date), one that does not stays, with the new
error."""

from __future__ import annotations

from dataclasses import dataclass

from backcourt.pipeline.phase2.names import PlayerResolver
from backcourt.pipeline.phase2.parsers import PARSERS
from backcourt.pipeline.phase2.parsers.base import RawRecordError
from backcourt.rawstore.store import RawFile


@dataclass
class Released:
    file: str                   # source/date/name
    released: bool
    restored_to: str | None = None
    error: str | None = None
    rerun: str | None = None

    def as_dict(self) -> dict:
        return self.__dict__.copy()


def find(records: list[dict], wanted: str) -> list[dict]:
    """The quarantine records ``wanted`` names: its quarantined path, its original
    source/date/name, or its bare file name."""
    return [r for r in records
            if wanted in (r["moved_to"], r["file"]) or r["moved_to"].endswith("/" + wanted)
            or r["file"].endswith("/" + wanted)]


def release(store, record: dict) -> Released:
    """Validate the quarantined file of ``record`` again; put it back when it parses."""
    from datetime import date

    day = date.fromisoformat(str(record["game_date"]))
    moved = record["moved_to"]
    name = moved.rsplit("/", 1)[-1]
    f = RawFile(source=record["source"], game_date=day, name=name, path=moved)
    shown = f"{f.source}/{day.isoformat()}/{name}"
    parse = PARSERS.get(f.source)
    if parse is None:
        return Released(shown, False, error=f"no parser for source '{f.source}'")
    try:
        payload = store.read_bytes(f)
    except FileNotFoundError:
        return Released(shown, False, error=f"{moved} is no longer in the quarantine")
    try:
        parse(payload, f, PlayerResolver())
    except RawRecordError as exc:
        return Released(shown, False, error=str(exc))
    raw = store.fs.open(moved, "rb").read()     # as stored (compressed files stay so)
    restored = store.write(f.source, day, name, raw)
    store.fs.rm(moved)
    if store.fs.exists(moved + ".error.txt"):
        store.fs.rm(moved + ".error.txt")
    return Released(shown, True, restored_to=restored,
                    rerun=f"backcourt backfill --start {day} --end {day}")
