"""Quarantine records: which raw files were rejected, why, and with what content.

A record lives with the raw store (``.backcourt/quarantine/<source>/<date>/<name>.json``),
not in a warehouse, so every warehouse that reads the store sees it. It is keyed by the
rejected file's content hash: while the file at that place is absent or holds the same
bytes, its date stays failed (BAD_RAW_INPUT) for the processors reading that source; a file
with different bytes is validated again, and the record is released when it passes.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime

import orjson

from backcourt.rawstore.store import RawFile, RawStore

FOLDER = "quarantine"


@dataclass(frozen=True)
class QuarantineRecord:
    source: str
    game_date: date
    name: str
    sha256: str       # of the rejected file's stored bytes
    field: str
    reason: str
    moved_to: str     # where the rejected file was put aside
    at: str           # when (UTC, ISO-8601)

    @property
    def display(self) -> str:
        return f"{self.source}/{self.game_date.isoformat()}/{self.name}"

    def message(self, store: RawStore) -> str:
        """The failure text of a date held failed by this record (with the fix)."""
        return (f"{self.display}: field '{self.field}': {self.reason} (quarantined at "
                f"{self.at}; put a corrected file at "
                f"{store.root}/{self.source}/{self.game_date.isoformat()}/{self.name})")


def _note(source: str, day: date, name: str) -> str:
    return f"{FOLDER}/{source}/{day.isoformat()}/{name}.record.json"


def record(store: RawStore, f: RawFile, sha256: str, field: str, reason: str,
           moved_to: str) -> QuarantineRecord:
    rec = QuarantineRecord(f.source, f.game_date, f.name, sha256, field, reason, moved_to,
                           datetime.now(UTC).isoformat(timespec="seconds"))
    body = asdict(rec) | {"game_date": f.game_date.isoformat()}
    store.write_note(_note(f.source, f.game_date, f.name), orjson.dumps(body))
    return rec


def release(store: RawStore, rec: QuarantineRecord) -> None:
    store.delete_note(_note(rec.source, rec.game_date, rec.name))


def _parse(payload: bytes) -> QuarantineRecord:
    body = orjson.loads(payload)
    body["game_date"] = date.fromisoformat(body["game_date"])
    return QuarantineRecord(**body)


def records_for(store: RawStore, source: str, day: date) -> list[QuarantineRecord]:
    folder = f"{FOLDER}/{source}/{day.isoformat()}"
    out = []
    for rel in store.list_notes(folder):
        payload = store.read_note(f"{folder}/{rel}")
        if payload is not None:
            out.append(_parse(payload))
    return out


def all_records(store: RawStore) -> list[QuarantineRecord]:
    """Every quarantine record of the store, by source, date and name."""
    out = []
    for rel in store.list_notes(FOLDER):
        payload = store.read_note(f"{FOLDER}/{rel}")
        if payload is not None:
            out.append(_parse(payload))
    return sorted(out, key=lambda r: (r.source, r.game_date, r.name))
