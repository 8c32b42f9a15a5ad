"""Raw files under ``<root>/<source>/<YYYY-MM-DD>/<name>``; bad files go to ``<root>/_quarantine``.

The root is a local path or any fsspec URL (``gs://bucket/raw``, ``s3://…``, ``memory://…``).
"""

from __future__ import annotations

import gzip
import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

import orjson

QUARANTINE = "_quarantine"
# a hidden folder for what a source remembers about the store (never a source, never listed)
NOTES = ".backcourt"
# up to this many dates are fingerprinted folder by folder instead of listing the source
FEW_DATES = 64


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
    """A local folder is read and written with ``os`` calls (no fsspec import, no per-file
    overhead: 57,000 files in a 4-season backfill); any other URL goes through fsspec."""

    def __init__(self, root: str):
        self.root_url = root
        local = _local_path(root)
        self._local = local is not None
        self._fs = None
        if local is not None:
            self.root = local.rstrip("/") or "/"
        else:
            self._fs, path = _url_to_fs(root)
            self.root = path.rstrip("/")
        self._listings: dict[str, _Listing] = {}
        self._present: dict[str, set[date]] = {}
        self._days: dict[tuple[str, date], str] = {}   # (source, date) -> fingerprint
        self._walk: _Walk | None = None
        self._lock = threading.Lock()

    @property
    def fs(self):
        """The fsspec filesystem (for a local folder: made on first use)."""
        if self._fs is None:
            self._fs = _url_to_fs(self.root)[0]
        return self._fs

    # -- paths -------------------------------------------------------------
    def _dir(self, source: str, day: date) -> str:
        return f"{self.root}/{source}/{day.isoformat()}"

    # -- writing -----------------------------------------------------------
    def write(self, source: str, day: date, name: str, payload: bytes) -> str:
        """Write one file atomically enough for a local folder (write then rename)."""
        folder = self._dir(source, day)
        path = f"{folder}/{name}"
        tmp = f"{folder}/.{name}.tmp"
        if self._local:
            os.makedirs(folder, exist_ok=True)
            with open(tmp, "wb") as fh:
                fh.write(payload)
            os.replace(tmp, path)
        else:
            self.fs.makedirs(folder, exist_ok=True)
            with self.fs.open(tmp, "wb") as fh:
                fh.write(payload)
            self.fs.mv(tmp, path)
        self._forget(source)
        return path

    def write_json(self, source: str, day: date, name: str, obj: object) -> str:
        return self.write(source, day, name, orjson.dumps(obj))

    def read_note(self, name: str) -> bytes | None:
        """A small file a source keeps beside the raw files (None when there is none)."""
        path = f"{self.root}/{NOTES}/{name}"
        try:
            if self._local:
                with open(path, "rb") as fh:
                    return fh.read()
            with self.fs.open(path, "rb") as fh:
                return fh.read()
        except FileNotFoundError:
            return None

    def write_note(self, name: str, payload: bytes) -> None:
        folder = f"{self.root}/{NOTES}"
        path, tmp = f"{folder}/{name}", f"{folder}/.{name}.tmp"
        if self._local:
            os.makedirs(folder, exist_ok=True)
            with open(tmp, "wb") as fh:
                fh.write(payload)
            os.replace(tmp, path)
        else:
            self.fs.makedirs(folder, exist_ok=True)
            with self.fs.open(path, "wb") as fh:
                fh.write(payload)

    def clear_date(self, source: str, day: date) -> None:
        folder = self._dir(source, day)
        if self.fs.exists(folder):
            self.fs.rm(folder, recursive=True)
        self._forget(source)

    # -- reading -----------------------------------------------------------
    def list_files(self, source: str, day: date) -> list[RawFile]:
        folder = self._dir(source, day)
        if self._local:
            try:
                names = os.listdir(folder)
            except (FileNotFoundError, NotADirectoryError):
                return []
            return [RawFile(source, day, n, f"{folder}/{n}") for n in sorted(names)
                    if _is_raw(n)]
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
        if self._local:
            try:
                names = os.listdir(folder)
            except (FileNotFoundError, NotADirectoryError):
                return []
        elif not self.fs.exists(folder):
            return []
        else:
            names = [p.rstrip("/").rsplit("/", 1)[-1]
                     for p in self.fs.ls(folder, detail=False)]
        days = []
        for name in names:
            try:
                days.append(date.fromisoformat(name))
            except ValueError:
                continue
        return sorted(days)

    def read_bytes(self, f: RawFile) -> bytes:
        if self._local:
            with open(f.path, "rb") as fh:
                data = fh.read()
        else:
            with self.fs.open(f.path, "rb") as fh:
                data = fh.read()
        if f.name.endswith(".gz"):
            data = gzip.decompress(data)
        return data

    def fingerprint(self, source: str, day: date) -> str:
        """Names, sizes and modification times of a date's files: changes when a file is
        added, removed or rewritten (in place too). Cached until a write through this store
        or ``refresh()`` (called at the start of every plan and run)."""
        return self.fingerprints(source, [day]).get(day, "")

    def fingerprints(self, source: str, days: Sequence[date] | None = None
                     ) -> dict[date, str]:
        """Fingerprints of ``source``'s dates holding raw files: of every date, or at least
        of ``days`` when given. A few dates (a daily run) are read folder by folder; more
        make one listing of the whole source, which then serves every date."""
        if days is not None and len(days) <= FEW_DATES:
            with self._lock:
                listing = self._listings.get(source)
            if listing is None or not listing.ready:
                return self._day_fingerprints(source, days)
        with self._lock:
            pending = self._listings.get(source)
            if pending is None:
                pending = self._listings[source] = _Listing()
                owner = True
            else:
                owner = False
        if owner:
            try:
                pending.set(self._list_source(source))
            except BaseException as exc:
                pending.fail(exc)
                with self._lock:
                    if self._listings.get(source) is pending:
                        del self._listings[source]
                raise
        return pending.get()

    def dates_with_files(self, source: str) -> set[date]:
        """The dates of ``source`` holding at least one raw file (names only, no stat)."""
        with self._lock:
            listing = self._listings.get(source)
            present = self._present.get(source)
        if listing is not None and listing.ready:
            return set(listing.get())
        if present is None:
            present = (_present_local(f"{self.root}/{source}") if self._local
                       else set(self.fingerprints(source)))
            with self._lock:
                self._present[source] = present
        return set(present)

    def refresh(self) -> None:
        """Forget cached listings (files may have changed behind this process's back)."""
        with self._lock:
            self._listings.clear()
            self._present.clear()
            self._days.clear()
            self._walk = None

    @contextmanager
    def listing_ahead(self, dates: int) -> Iterator[None]:
        """When the caller will ask about more than ``FEW_DATES`` dates, list every source
        of a local store in the background while it does other work; ``fingerprints`` then
        take that listing instead of listing again. The listing runs on native threads that
        never hold the GIL, so it overlaps the caller's Python work (4 seasons: 0.2-0.3 s of
        listing hidden behind reading the ledger). Waits for it on exit: the process may
        fork next, and must not while the listing's threads run. A few dates are read
        folder by folder, and object stores list on demand, as before."""
        walk = None
        if dates > FEW_DATES and self._local and os.path.isdir(self.root):
            walk = _Walk(self.root)
            with self._lock:
                self._walk = walk
        try:
            yield
        finally:
            if walk is not None:
                walk.join()

    def _forget(self, source: str) -> None:
        with self._lock:
            self._walk = None   # its listing of ``source`` is out of date
            self._listings.pop(source, None)
            self._present.pop(source, None)
            for key in [k for k in self._days if k[0] == source]:
                del self._days[key]

    def _day_fingerprints(self, source: str, days: Sequence[date]) -> dict[date, str]:
        out: dict[date, str] = {}
        for day in days:
            key = (source, day)
            with self._lock:
                fp = self._days.get(key)
            if fp is None:
                fp = self._list_day(source, day)
                with self._lock:
                    self._days[key] = fp
            if fp:
                out[day] = fp
        return out

    def _list_day(self, source: str, day: date) -> str:
        folder = self._dir(source, day)
        if self._local:
            return _fingerprint_local(folder)
        return "|".join(sorted(part for _, part in _remote_parts(self.fs, folder, 1)))

    def _list_source(self, source: str) -> dict[date, str]:
        base = f"{self.root}/{source}"
        if self._local:  # a local folder: a native walk is ~40x faster than fsspec here
            if not os.path.isdir(self.root):
                return {}
            with self._lock:   # one walk lists every source: a run reads them all
                walk = self._walk
                if walk is None:
                    walk = self._walk = _Walk(self.root)
            return walk.source(source)
        by_day: dict[date, list[str]] = {}
        for folders, part in _remote_parts(self.fs, base, 2):
            try:
                day = date.fromisoformat(folders[0])
            except ValueError:
                continue
            by_day.setdefault(day, []).append(part)
        return {d: "|".join(sorted(v)) for d, v in by_day.items()}

    # -- quarantine --------------------------------------------------------
    def quarantine(self, f: RawFile, reason: str) -> str:
        """Move a bad file aside with a note saying why; nothing is deleted."""
        folder = f"{self.root}/{QUARANTINE}/{f.source}/{f.game_date.isoformat()}"
        self.fs.makedirs(folder, exist_ok=True)
        dest = f"{folder}/{f.name}"
        self.fs.mv(f.path, dest)
        self._forget(f.source)
        with self.fs.open(dest + ".error.txt", "wb") as fh:
            fh.write(reason.encode())
        return dest


def _local_path(root: str) -> str | None:
    """The absolute path of a local root (a plain path or ``file://``), else None."""
    if root.startswith("file://"):
        root = root[len("file://"):]
    elif "://" in root:
        return None
    return os.path.abspath(os.path.expanduser(root))


def _url_to_fs(url: str):
    import fsspec  # only for object stores (and quarantine moves)

    return fsspec.core.url_to_fs(url)


def _is_raw(name: str) -> bool:
    return not name.startswith(".") and name.endswith((".json", ".json.gz"))


def _part(name: str, info: dict) -> str:
    return f"{name}:{info.get('size')}:{info.get('mtime') or info.get('LastModified')}"


def _remote_parts(fs, base: str, depth: int) -> Iterator[tuple[list[str], str]]:
    """Each raw file ``depth`` levels under ``base`` in an object store: the folders
    between, and its "name:size:mtime" part of a fingerprint."""
    if not fs.exists(base):
        return
    for path, info in fs.find(base, detail=True).items():
        rel = path[len(base):].strip("/").split("/")
        if len(rel) == depth and _is_raw(rel[-1]):
            yield rel[:-1], _part(rel[-1], info)


def _fingerprint_local(folder: str) -> str:
    """One date folder's fingerprint ("" when it holds no raw file)."""
    if not os.path.isdir(folder):
        return ""
    return _walk_local(folder, 1).get((), "")


def _walk_local(folder: str, depth: int) -> dict[tuple[str, ...], str]:
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


def _by_date(found: dict[tuple[str, ...], str]) -> dict[date, str]:
    out: dict[date, str] = {}
    for (day, *_), fp in found.items():
        try:
            out[date.fromisoformat(day)] = fp
        except ValueError:
            continue
    return out


class _Walk:
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
                self._by_source = {s: _by_date(found) for s, found in by_source.items()}
            return self._by_source.get(name, {})


def _present_local(base: str) -> set[date]:
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
            if any(_is_raw(f.name) for f in files):
                out.add(day)
    return out


class _Listing:
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
