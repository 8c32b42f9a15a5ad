"""Listing a raw store: which dates of a source hold raw files, and their fingerprints.

A date folder's fingerprint names every raw file in it with its size and modification
time, so it changes when a file is added, removed or rewritten (in place too). A local
store is walked on native threads (``scandir-rs``); an object store is listed through
fsspec.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from datetime import date

QUARANTINE = "_quarantine"   # bad files moved aside: never raw files


def is_raw(name: str) -> bool:
    return not name.startswith(".") and name.endswith((".json", ".json.gz"))


def _part(name: str, info: dict) -> str:
    return f"{name}:{info.get('size')}:{info.get('mtime') or info.get('LastModified')}"


def remote_parts(fs, base: str, depth: int) -> Iterator[tuple[list[str], str]]:
    """Each raw file ``depth`` levels under ``base`` in an object store: the folders
    between, and its "name:size:mtime" part of a fingerprint."""
    if not fs.exists(base):
        return
    for path, info in fs.find(base, detail=True).items():
        rel = path[len(base):].strip("/").split("/")
        if len(rel) == depth and is_raw(rel[-1]):
            yield rel[:-1], _part(rel[-1], info)


def fingerprint_local(folder: str) -> str:
    """One date folder's fingerprint ("" when it holds no raw file)."""
    if not os.path.isdir(folder):
        return ""
    return walk_local(folder, 1).get((), "")


def walk_local(folder: str, depth: int) -> dict[tuple[str, ...], str]:
    """Fingerprints of the raw files ``depth`` levels below ``folder``, by the folders
    between. Every listing of a local store goes through here, so a date's fingerprint is
    the same whichever way it was listed. A file rewritten in place changes only its own
    modification time (not its folder's), so every file's is read: one stat each, 57,000
    in 4 seasons, on the walker's native threads."""
    import scandir_rs  # not needed by commands that never list raw files

    scan = scandir_rs.Scandir(folder, max_depth=depth, skip_hidden=True,
                              dir_exclude=[QUARANTINE])
    entries, errors = scan.collect()
    return _fingerprints(entries, errors, folder, depth)


def _fingerprints(entries, errors, folder: str, depth: int) -> dict[tuple[str, ...], str]:
    """Group a walk's files by their folders: ``{folders: "name:size:mtime_us|…"}`` (the
    loop is kept to the bare minimum per file: 57,000 of them in 4 seasons)."""
    if errors:
        shown = "; ".join(f"{path}: {why}" for path, why in errors[:3])
        raise OSError(f"cannot list raw files under {folder}: {shown}")
    parts: dict[str, list[str]] = {}
    sep = os.sep
    here: str | None = None
    found: list[str] = []
    for e in entries:
        if e.is_dir:
            continue
        path = e.path
        if path.endswith(".json") or path.endswith(".json.gz"):
            where, _, name = path.rpartition(sep)
            if where != here:   # a folder's files mostly come one after another
                here, found = where, parts.setdefault(where, [])
            found.append(f"{name}:{e.st_size}:{int(e.mtime * 1e6)}")
    out = {}
    for where, found in parts.items():
        folders = tuple(where.split(sep)) if where else ()
        if len(folders) == depth - 1:
            found.sort()
            out[folders] = "|".join(found)
    return out


def by_date(found: dict[tuple[str, ...], str]) -> dict[date, str]:
    out: dict[date, str] = {}
    for (day, *_), fp in found.items():
        try:
            out[date.fromisoformat(day)] = fp
        except ValueError:
            continue
    return out


class Walk:
    """One background walk of a local store's root: every source's listing."""

    def __init__(self, root: str) -> None:
        import scandir_rs

        self.root = root
        self._scan = scandir_rs.Scandir(root, max_depth=3, skip_hidden=True,
                                        dir_exclude=[QUARANTINE])
        self._scan.start()
        self._joined = False
        self._lock = threading.Lock()
        self._by_source: dict[str, dict[date, str]] | None = None

    def join(self) -> None:
        with self._lock:
            self._join()

    def _join(self) -> None:
        if not self._joined:
            self._scan.join()
            self._joined = True

    def source(self, name: str) -> dict[date, str]:
        """``{date: "name:size:mtime|…"}`` of one source folder."""
        with self._lock:
            if self._by_source is None:
                self._join()
                entries, errors = self._scan.results()
                by_source: dict[str, dict[tuple[str, ...], str]] = {}
                for (source, *day), fp in _fingerprints(entries, errors, self.root,
                                                        3).items():
                    by_source.setdefault(source, {})[tuple(day)] = fp
                self._by_source = {s: by_date(found) for s, found in by_source.items()}
            return self._by_source.get(name, {})


def present_local(base: str) -> set[date]:
    out: set[date] = set()
    try:
        days = list(os.scandir(base))
    except (FileNotFoundError, NotADirectoryError):
        return out
    for entry in days:
        try:
            day = date.fromisoformat(entry.name)
        except ValueError:
            continue
        with os.scandir(entry.path) as files:
            if any(is_raw(f.name) for f in files):
                out.add(day)
    return out


class Listing:
    """One source's listing, computed once by whichever thread asks first."""

    def __init__(self) -> None:
        self._done = threading.Event()
        self._value: dict[date, str] = {}
        self._error: BaseException | None = None

    def set(self, value: dict[date, str]) -> None:
        self._value = value
        self._done.set()

    def fail(self, exc: BaseException) -> None:
        self._error = exc
        self._done.set()

    @property
    def ready(self) -> bool:
        return self._done.is_set() and self._error is None

    def get(self) -> dict[date, str]:
        self._done.wait()
        if self._error is not None:
            raise self._error
        return self._value
