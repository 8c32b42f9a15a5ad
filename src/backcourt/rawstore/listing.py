"""Listing a raw store: which dates of a source hold raw files, and their fingerprints.

A local store is walked with ``os.scandir`` on each open folder, which gives each date
folder's *stat parts* — every raw file's name, size, mtime, ctime and inode; ``content`` turns them
into content fingerprints (a hash of the bytes, cached under the stat parts). An object
store is listed through fsspec, whose listing gives each object's ETag or generation: a
token that moves with its bytes (an object store without one is read and hashed).
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Iterator
from datetime import date

from backcourt.rawstore.local_walk import is_raw, walk_local

# the object-store listing fields that move with an object's bytes, by preference
CONTENT_TOKENS = ("generation", "ETag", "etag", "md5Hash", "content_md5")


def _token(fs, path: str, info: dict) -> str:
    for key in CONTENT_TOKENS:
        if info.get(key):
            return f"{key}={str(info[key]).strip(chr(34))}"
    return hashlib.sha256(fs.cat_file(path)).hexdigest()


def remote_parts(fs, base: str, depth: int) -> Iterator[tuple[list[str], str]]:
    """Each raw file ``depth`` levels under ``base`` in an object store: the folders
    between, and its "name:content-token" part of a fingerprint."""
    if not fs.exists(base):
        return
    for path, info in fs.find(base, detail=True).items():
        rel = path[len(base):].strip("/").split("/")
        if len(rel) == depth and is_raw(rel[-1]):
            yield rel[:-1], f"{rel[-1]}:{_token(fs, path, info)}"


def stat_local(folder: str) -> list[str]:
    """One date folder's stat parts ([] when it holds no raw file). A folder that is there
    but cannot be read raises ``PermissionError`` naming it: it is not an empty folder."""
    if not os.path.isdir(folder):
        return []
    return walk_local(folder, 1).get((), [])


def by_date(found: dict[tuple[str, ...], list[str]]) -> dict[date, list[str]]:
    out: dict[date, list[str]] = {}
    for (day, *_), fp in found.items():
        try:
            out[date.fromisoformat(day)] = fp
        except ValueError:
            continue
    return out


class Walk:
    """One background walk of a local store's root: every source's listing, every raw
    file's stat, and their digest (``RawStore.stamp``). It runs on a thread that mostly
    waits in system calls (without the GIL), so it overlaps the caller's own work (a plan
    reads the ledger meanwhile)."""

    def __init__(self, root: str) -> None:
        self.root = root
        self._lock = threading.Lock()
        self._by_source: dict[str, dict[date, list[str]]] | None = None
        self._digest: str | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._prepare, name="raw-walk", daemon=True)
        self._thread.start()

    def _prepare(self) -> None:
        try:
            # (imported here: it imports this module)
            from backcourt.rawstore import early_walk

            found = early_walk.take(self.root)   # the command's head start, if any
            if found is None:
                found = walk_local(self.root, 3)
            by_source: dict[str, dict[tuple[str, ...], list[str]]] = {}
            for (source, *day), fp in found.items():
                by_source.setdefault(source, {})[tuple(day)] = fp
            h = hashlib.sha256()
            for folders in sorted(found):
                h.update("/".join(folders).encode() + b"\n" + "\n".join(found[folders]).encode())
            self._digest = h.hexdigest()
            self._by_source = {s: by_date(found) for s, found in by_source.items()}
        except BaseException as exc:  # raised to whoever asks for a source
            self._error = exc

    def join(self) -> None:
        self._thread.join()

    def digest(self) -> str:
        """A hash of every raw file's name, size, times and inode: it moves whenever a
        file is added, removed, renamed or written (an in-place edit moves its ctime even
        when its mtime is put back)."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._digest is not None
        return self._digest

    def source(self, name: str) -> dict[date, list[str]]:
        """``{date: stat parts}`` of one source folder."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._by_source is not None
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
