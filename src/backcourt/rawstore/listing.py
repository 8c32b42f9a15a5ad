"""Listing a raw store: which dates of a source hold raw files, and their fingerprints.

A local store is walked on native threads (``scandir-rs``), which gives each date folder's
*stat parts* — every raw file's name, size, mtime, ctime and inode; ``content`` turns them
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

QUARANTINE = "_quarantine"   # bad files moved aside: never raw files


def is_raw(name: str) -> bool:
    return not name.startswith(".") and name.endswith((".json", ".json.gz"))


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
    with os.scandir(folder):   # the walker reports nothing for an unreadable root
        pass
    return walk_local(folder, 1).get((), [])


def walk_local(folder: str, depth: int) -> dict[tuple[str, ...], list[str]]:
    """Stat parts of the raw files ``depth`` levels below ``folder``, by the folders
    between. Every listing of a local store goes through here, so a date's fingerprint is
    the same whichever way it was listed. A file rewritten in place changes only its own
    times (not its folder's), so every file's are read: one stat each, 57,000 in 4
    seasons, on the walker's native threads."""
    import scandir_rs  # not needed by commands that never list raw files

    scan = scandir_rs.Scandir(folder, max_depth=depth, skip_hidden=True,
                              dir_exclude=[QUARANTINE])
    entries, errors = scan.collect()
    return _fingerprints(entries, errors, folder, depth)


def _fingerprints(entries, errors, folder: str, depth: int) -> dict[tuple[str, ...], list[str]]:
    """Group a walk's files by their folders: ``{folders: ["name:size:mtime_ns:ctime_ns:
    inode", …]}`` (the loop is kept to the bare minimum per file: 57,000 of them in 4
    seasons). The walker lists the names; each file's stat is taken here, because the
    walker's "ctime" is the birth time, which an in-place edit does not move."""
    if errors:
        shown = "; ".join(f"{path}: {why}" for path, why in errors[:3])
        raise OSError(f"cannot list raw files under {folder}: {shown}")
    sep = os.sep
    raw: list[tuple[str, str, bool]] = []   # (folders between, name, is a symlink)
    paths: list[str] = []
    for e in entries:
        if e.is_dir:
            continue
        path = e.path
        if path.endswith(".json") or path.endswith(".json.gz"):
            where, _, name = path.rpartition(sep)
            raw.append((where, name, e.is_symlink))
            paths.append(f"{folder}{sep}{path}")
    parts: dict[str, list[str]] = {}
    here: str | None = None
    found: list[str] = []
    for (where, name, link), st in zip(raw, _stat_all(paths), strict=True):
        if st is None:   # removed since the walk
            continue
        if where != here:   # a folder's files mostly come one after another
            here, found = where, parts.setdefault(where, [])
        found.append(f"{name}:{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}"
                     f"{':symlink' if link else ''}")
    out = {}
    for where, found in parts.items():
        folders = tuple(where.split(sep)) if where else ()
        if len(folders) == depth - 1:
            found.sort()
            out[folders] = found
    return out


def _stat_all(paths: list[str]) -> list[os.stat_result | None]:
    stat = os.stat
    out: list[os.stat_result | None] = []
    for p in paths:
        try:
            out.append(stat(p))
        except FileNotFoundError:
            out.append(None)
    return out


def by_date(found: dict[tuple[str, ...], list[str]]) -> dict[date, list[str]]:
    out: dict[date, list[str]] = {}
    for (day, *_), fp in found.items():
        try:
            out[date.fromisoformat(day)] = fp
        except ValueError:
            continue
    return out


class Walk:
    """One background walk of a local store's root: every source's listing, and every raw
    file's stat. The walk runs on the walker's native threads; the stats on one Python
    thread that mostly waits in the syscall (without the GIL), so both overlap the
    caller's own work (a plan reads the ledger meanwhile)."""

    def __init__(self, root: str) -> None:
        import scandir_rs

        self.root = root
        self._scan = scandir_rs.Scandir(root, max_depth=3, skip_hidden=True,
                                        dir_exclude=[QUARANTINE])
        self._scan.start()
        self._lock = threading.Lock()
        self._by_source: dict[str, dict[date, list[str]]] | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._prepare, name="raw-walk", daemon=True)
        self._thread.start()

    def _prepare(self) -> None:
        try:
            self._scan.join()
            entries, errors = self._scan.results()
            by_source: dict[str, dict[tuple[str, ...], list[str]]] = {}
            for (source, *day), fp in _fingerprints(entries, errors, self.root, 3).items():
                by_source.setdefault(source, {})[tuple(day)] = fp
            self._by_source = {s: by_date(found) for s, found in by_source.items()}
        except BaseException as exc:  # raised to whoever asks for a source
            self._error = exc

    def join(self) -> None:
        self._thread.join()

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
