"""Raw files under ``<root>/<source>/<YYYY-MM-DD>/<name>``; bad files go to ``<root>/_quarantine``.

The root is a local path or any fsspec URL (``gs://bucket/raw``, ``s3://…``, ``memory://…``).
"""

from __future__ import annotations

import gzip
import os
from dataclasses import dataclass
from datetime import date

import fsspec
import orjson

QUARANTINE = "_quarantine"


@dataclass(frozen=True)
class RawFile:
    source: str
    game_date: date
    name: str
    path: str  # full path inside the filesystem

    @property
    def display(self) -> str:
        return f"{self.source}/{self.game_date.isoformat()}/{self.name}"


class RawStore:
    def __init__(self, root: str):
        self.root_url = root
        self.fs, self.root = fsspec.core.url_to_fs(root)
        self.root = self.root.rstrip("/")
        self._listings: dict[str, dict[date, str]] = {}

    # -- paths -------------------------------------------------------------
    def _dir(self, source: str, day: date) -> str:
        return f"{self.root}/{source}/{day.isoformat()}"

    # -- writing -----------------------------------------------------------
    def write(self, source: str, day: date, name: str, payload: bytes) -> str:
        """Write one file atomically enough for a local folder (write then rename)."""
        folder = self._dir(source, day)
        self.fs.makedirs(folder, exist_ok=True)
        path = f"{folder}/{name}"
        tmp = f"{folder}/.{name}.tmp"
        with self.fs.open(tmp, "wb") as fh:
            fh.write(payload)
        self.fs.mv(tmp, path)
        self._listings.pop(source, None)
        return path

    def write_json(self, source: str, day: date, name: str, obj: object) -> str:
        return self.write(source, day, name, orjson.dumps(obj))

    def clear_date(self, source: str, day: date) -> None:
        folder = self._dir(source, day)
        if self.fs.exists(folder):
            self.fs.rm(folder, recursive=True)
        self._listings.pop(source, None)

    # -- reading -----------------------------------------------------------
    def list_files(self, source: str, day: date) -> list[RawFile]:
        folder = self._dir(source, day)
        if not self.fs.exists(folder):
            return []
        out = []
        for path in sorted(self.fs.ls(folder, detail=False)):
            name = path.rstrip("/").rsplit("/", 1)[-1]
            if not _is_raw(name):
                continue
            out.append(RawFile(source, day, name, path))
        return out

    def list_dates(self, source: str) -> list[date]:
        folder = f"{self.root}/{source}"
        if not self.fs.exists(folder):
            return []
        days = []
        for path in self.fs.ls(folder, detail=False):
            name = path.rstrip("/").rsplit("/", 1)[-1]
            try:
                days.append(date.fromisoformat(name))
            except ValueError:
                continue
        return sorted(days)

    def read_bytes(self, f: RawFile) -> bytes:
        with self.fs.open(f.path, "rb") as fh:
            data = fh.read()
        if f.name.endswith(".gz"):
            data = gzip.decompress(data)
        return data

    def fingerprint(self, source: str, day: date) -> str:
        """Names, sizes and modification times of a date's files: changes when a file is
        added, removed or rewritten (in place too). One listing of the source serves all its
        dates (refreshed on writes and at the start of every plan and run)."""
        if source not in self._listings:
            self._listings[source] = self._list_source(source)
        return self._listings[source].get(day, "")

    def refresh(self) -> None:
        """Forget cached listings (files may have changed behind this process's back)."""
        self._listings.clear()

    def _list_source(self, source: str) -> dict[date, str]:
        out: dict[date, str] = {}
        base = f"{self.root}/{source}"
        protocols = self.fs.protocol if isinstance(self.fs.protocol, tuple) else (
            self.fs.protocol,)
        if "file" in protocols:  # a local folder: scandir is ~20x faster than fsspec here
            if not os.path.isdir(base):
                return out
            for entry in os.scandir(base):
                try:
                    day = date.fromisoformat(entry.name)
                except ValueError:
                    continue
                parts = sorted(f"{f.name}:{st.st_size}:{st.st_mtime_ns}"
                               for f in os.scandir(entry.path) if _is_raw(f.name)
                               for st in (f.stat(),))
                if parts:
                    out[day] = "|".join(parts)
            return out
        if not self.fs.exists(base):
            return out
        by_day: dict[date, list[str]] = {}
        for path, info in self.fs.find(base, detail=True).items():
            rel = path[len(base):].strip("/").split("/")
            if len(rel) != 2 or not _is_raw(rel[1]):
                continue
            try:
                day = date.fromisoformat(rel[0])
            except ValueError:
                continue
            by_day.setdefault(day, []).append(
                f"{rel[1]}:{info.get('size')}:{info.get('mtime') or info.get('LastModified')}")
        return {d: "|".join(sorted(v)) for d, v in by_day.items()}

    # -- quarantine --------------------------------------------------------
    def quarantine(self, f: RawFile, reason: str) -> str:
        """Move a bad file aside with a note saying why; nothing is deleted."""
        folder = f"{self.root}/{QUARANTINE}/{f.source}/{f.game_date.isoformat()}"
        self.fs.makedirs(folder, exist_ok=True)
        dest = f"{folder}/{f.name}"
        self.fs.mv(f.path, dest)
        self._listings.pop(f.source, None)
        with self.fs.open(dest + ".error.txt", "wb") as fh:
            fh.write(reason.encode())
        return dest


def _is_raw(name: str) -> bool:
    return not name.startswith(".") and name.endswith((".json", ".json.gz"))
