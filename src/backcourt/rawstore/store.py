"""Raw files under ``<root>/<source>/<YYYY-MM-DD>/<name>``; bad files go to ``<root>/_quarantine``.

The root is a local path or any fsspec URL (``gs://bucket/raw``, ``s3://…``, ``memory://…``).
"""

from __future__ import annotations

import gzip
import hashlib
import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

import orjson

from backcourt.rawstore.content import CACHE_NOTE, ContentFingerprints, folder_fingerprint
from backcourt.rawstore.listing import Listing, Walk, present_local, remote_parts, stat_local
from backcourt.rawstore.local_walk import FEW_DATES, QUARANTINE, is_raw
from backcourt.rawstore.remote import check_bucket

# a hidden folder for what a source remembers about the store (never a source, never listed)
NOTES = ".backcourt"
# the note of the dates whose player names an alias changed (see ``fingerprints``)
RESOLUTION = "name-resolution.json"
# set to 1 to read symlinks that point outside the raw root (refused by default)
FOLLOW_SYMLINKS_ENV = "BACKCOURT_FOLLOW_SYMLINKS"


class RefusedRawFile(ValueError):
    """A raw file the store will not read (a symlink leaving the raw root)."""


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

    def __init__(self, root: str, follow_symlinks: bool | None = None):
        self.root_url = root
        if follow_symlinks is None:
            follow_symlinks = os.environ.get(FOLLOW_SYMLINKS_ENV, "") not in ("", "0")
        self.follow_symlinks = follow_symlinks
        local = _local_path(root)
        self._local = local is not None
        self._fs = None
        self._pid = os.getpid()   # the process that made ``_fs``
        if local is not None:
            self.root = local.rstrip("/") or "/"
        else:
            self._fs, path = _url_to_fs(root)
            self.root = path.rstrip("/")
            check_bucket(self._fs, root, self.root)   # missing or denied: named now
        self._listings: dict[str, Listing] = {}
        self._present: dict[str, set[date]] = {}
        self._days: dict[tuple[str, date], str] = {}   # (source, date) -> fingerprint
        self._walk: Walk | None = None
        self._names: dict[str, dict[date, str]] | None = None   # see ``_resolution``
        self._lock = threading.Lock()
        self._content = ContentFingerprints(self)

    @property
    def is_local(self) -> bool:
        return self._local

    @property
    def fs(self):
        """The fsspec filesystem (for a local folder: made on first use; in a forked parsing
        worker: made again, as an object store's async client is not fork-safe)."""
        if self._fs is None or self._pid != os.getpid():
            self._fs = _url_to_fs(self.root if self._local else self.root_url)[0]
            self._pid = os.getpid()
        return self._fs

    # -- paths -------------------------------------------------------------
    def _dir(self, source: str, day: date) -> str:
        return f"{self.root}/{source}/{day.isoformat()}"

    # -- writing -----------------------------------------------------------
    def write(self, source: str, day: date, name: str, payload: bytes) -> str:
        path = self._write(self._dir(source, day), name, payload)
        self._forget(source)
        return path

    def _write(self, folder: str, name: str, payload: bytes) -> str:
        """Write one file atomically enough for a local folder: under a hidden temporary
        name (never a raw file), then renamed."""
        path, tmp = f"{folder}/{name}", f"{folder}/.{name}.tmp"
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
        return path

    def _read(self, path: str) -> bytes:
        if self._local:
            with open(path, "rb") as fh:
                return fh.read()
        with self.fs.open(path, "rb") as fh:
            return fh.read()

    def write_json(self, source: str, day: date, name: str, obj: object) -> str:
        return self.write(source, day, name, orjson.dumps(obj))

    def read_note(self, name: str) -> bytes | None:
        """A small file a source keeps beside the raw files (None when there is none)."""
        try:
            return self._read(f"{self.root}/{NOTES}/{name}")
        except FileNotFoundError:
            return None

    def write_note(self, name: str, payload: bytes) -> None:
        """``name`` may hold folders (``quarantine/<source>/<date>/<file>.json``)."""
        folder, _, base = f"{NOTES}/{name}".rpartition("/")
        self._write(f"{self.root}/{folder}", base, payload)
        if name == RESOLUTION:
            with self._lock:
                self._names = None

    def delete_note(self, name: str) -> None:
        path = f"{self.root}/{NOTES}/{name}"
        try:
            if self._local:
                os.remove(path)
            else:
                self.fs.rm(path)
        except FileNotFoundError:
            pass

    def list_notes(self, folder: str) -> list[str]:
        """Names (relative to ``folder``) of the notes below a notes folder, recursively."""
        base = f"{self.root}/{NOTES}/{folder}".rstrip("/")
        out: list[str] = []
        if self._local:
            for where, _dirs, files in os.walk(base):
                rel = os.path.relpath(where, base)
                out += [n if rel == "." else f"{rel}/{n}" for n in files
                        if not n.startswith(".")]
            return sorted(out)
        if not self.fs.exists(base):
            return []
        for path in self.fs.find(base):
            rel = path[len(base):].strip("/")
            if not rel.rsplit("/", 1)[-1].startswith("."):
                out.append(rel)
        return sorted(out)

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
                    if is_raw(n)]
        if not self.fs.exists(folder):
            return []
        out = []
        for path in sorted(self.fs.ls(folder, detail=False)):
            name = path.rstrip("/").rsplit("/", 1)[-1]
            if not is_raw(name):
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
        """A raw file's bytes, gunzipped for ``.json.gz``. A symlink that leaves the raw
        root is refused (``RefusedRawFile``) unless the store follows symlinks."""
        self.check_inside(f)
        data = self._read(f.path)
        if f.name.endswith(".gz"):
            data = gzip.decompress(data)
        return data

    def check_inside(self, f: RawFile) -> None:
        """Refuse a local raw file that is a symlink resolving outside the raw root."""
        if not self._local or self.follow_symlinks or not os.path.islink(f.path):
            return
        target = os.path.realpath(f.path)
        root = os.path.realpath(self.root)
        if os.path.commonpath([target, root]) != root:
            raise RefusedRawFile(
                f"symlink to {target}, outside the raw root {root}: refused "
                f"(set {FOLLOW_SYMLINKS_ENV}=1 to follow symlinks)")

    def content_hash(self, f: RawFile) -> str:
        """SHA-256 of the file's stored bytes (a refused symlink: of its target's name)."""
        try:
            self.check_inside(f)
        except RefusedRawFile:
            return hashlib.sha256(b"symlink:" + os.readlink(f.path).encode()).hexdigest()
        return hashlib.sha256(self._read(f.path)).hexdigest()

    def fingerprint(self, source: str, day: date) -> str:
        """A hash of the date's files' names and bytes (see ``content``): changes exactly
        when a file is added, removed or its bytes change. Cached until a write through
        this store or ``refresh()`` (called at the start of every plan and run)."""
        return self.fingerprints(source, [day]).get(day, "")

    def fingerprints(self, source: str, days: Sequence[date] | None = None
                     ) -> dict[date, str]:
        """Fingerprints of ``source``'s dates holding raw files: of every date, or at least
        of ``days`` when given. A few dates (a daily run) are read folder by folder; more
        make one listing of the whole source, which then serves every date.

        A date whose names Phase 2 now resolves differently (an alias added for a name its
        files hold: the ``name-resolution.json`` note) has that change in its fingerprint,
        so exactly the partitions reading it are stale."""
        files = self._file_fingerprints(source, days)
        changed = self._resolution().get(source)
        if not changed:
            return files
        return {d: f"{fp}|names:{changed[d]}" if d in changed else fp
                for d, fp in files.items()}

    def _resolution(self) -> dict[str, dict[date, str]]:
        """source -> date -> digest of the aliases that changed the date's names."""
        with self._lock:
            cached = self._names
        if cached is None:
            note = self.read_note(RESOLUTION)
            raw = orjson.loads(note) if note is not None else {}
            cached = {src: {date.fromisoformat(d): v for d, v in days.items()}
                      for src, days in raw.items()}
            with self._lock:
                self._names = cached
        return cached

    def _file_fingerprints(self, source: str, days: Sequence[date] | None = None
                           ) -> dict[date, str]:
        if days is not None and len(days) <= FEW_DATES:
            with self._lock:
                listing = self._listings.get(source)
            if listing is None or not listing.ready:
                return self._day_fingerprints(source, days)
        with self._lock:
            pending = self._listings.get(source)
            if pending is None:
                pending = self._listings[source] = Listing()
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

    def dates_with_files(self, source: str, days: Sequence[date] | None = None) -> set[date]:
        """The dates of ``source`` holding at least one raw file: all of them (names only,
        no stat), or those among ``days`` — a few dates (a daily run's) are looked up folder
        by folder instead of reading every date folder of the source."""
        with self._lock:
            listing = self._listings.get(source)
            present = self._present.get(source)
        if listing is not None and listing.ready:
            present = set(listing.get())
        elif present is None and days is not None and len(days) <= FEW_DATES:
            return set(self._day_fingerprints(source, days))
        elif present is None:
            present = (present_local(f"{self.root}/{source}") if self._local
                       else set(self.fingerprints(source)))
            with self._lock:
                self._present[source] = present
        return set(present) if days is None else present & set(days)

    def refresh(self) -> None:
        """Forget cached listings (files may have changed behind this process's back)."""
        with self._lock:
            self._listings.clear()
            self._present.clear()
            self._days.clear()
            self._walk = None
            self._names = None

    @contextmanager
    def listing_ahead(self, dates: int) -> Iterator[None]:
        """When the caller will ask about more than ``FEW_DATES`` dates, list every source
        of a local store in the background while it does other work; ``fingerprints`` then
        take that listing instead of listing again. The listing runs on a thread that spends
        most of its time in system calls (without the GIL), so it overlaps the caller's work
        (reading the ledger). Waits for it on exit: the process may fork next, and must not
        while the listing's thread runs. A few dates are read
        folder by folder, and object stores list on demand, as before."""
        walk = None
        if dates > FEW_DATES and self._local and os.path.isdir(self.root):
            walk = Walk(self.root)
            with self._lock:
                self._walk = walk
        try:
            yield
        finally:
            if walk is not None:
                walk.join()

    def stamp(self) -> str | None:
        """A token that moves whenever anything a plan reads of this store moves: every
        raw file's stat parts (one walk, shared with the listings) and the notes'
        (aliases, provenance, quarantine records; not the fingerprint cache, which
        readers rewrite), from the walk of the whole store under way (``listing_ahead``).
        None for an object store, or when no walk is under way (a command about a few
        dates reads their folders alone: walking the store to prove them costs more)."""
        if not self._local:
            return None
        if not os.path.isdir(self.root):
            return "absent"
        with self._lock:
            walk = self._walk
        if walk is None:
            return None
        notes = []
        for where, _dirs, files in os.walk(f"{self.root}/{NOTES}"):
            for name in files:
                if name == CACHE_NOTE or name.startswith("."):
                    continue
                st = os.stat(f"{where}/{name}")
                notes.append(f"{where}/{name}:{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}")
        notes.sort()
        return walk.digest() + "|" + hashlib.sha256("\n".join(notes).encode()).hexdigest()

    def _forget(self, source: str) -> None:
        with self._lock:
            self._walk = None   # its listing of ``source`` is out of date
            self._listings.pop(source, None)
            self._present.pop(source, None)
            for key in [k for k in self._days if k[0] == source]:
                del self._days[key]

    def _day_fingerprints(self, source: str, days: Sequence[date]) -> dict[date, str]:
        with self._lock:
            known = {d: self._days.get((source, d)) for d in days}
        todo = [d for d, fp in known.items() if fp is None]
        for day, fp in zip(todo, self._list_days(source, todo), strict=True):
            known[day] = fp
            with self._lock:
                self._days[(source, day)] = fp
        return {d: fp for d in days if (fp := known[d])}

    def _list_days(self, source: str, days: list[date]) -> list[str]:
        """Fingerprints of some date folders ("" for one without raw files), the stat
        parts of local folders resolved in one batch (one cache write at most)."""
        if not self._local:
            return [folder_fingerprint([part for _, part in
                                        remote_parts(self.fs, self._dir(source, d), 1)])
                    for d in days]
        items = [(f"{source}/{d.isoformat()}", self._dir(source, d),
                  stat_local(self._dir(source, d))) for d in days]
        listed = [it for it in items if it[2]]
        fps = dict(zip([it[0] for it in listed], self._content.resolve(listed), strict=True))
        return [fps.get(rel, "") for rel, _, _ in items]

    def _list_source(self, source: str) -> dict[date, str]:
        base = f"{self.root}/{source}"
        if self._local:  # a local folder: a native walk is ~40x faster than fsspec here
            if not os.path.isdir(self.root):
                return {}
            with self._lock:   # one walk lists every source: a run reads them all
                walk = self._walk
                if walk is None:
                    walk = self._walk = Walk(self.root)
            found = walk.source(source)
            days = sorted(found)
            fps = self._content.resolve([(f"{source}/{d.isoformat()}", self._dir(source, d),
                                          found[d]) for d in days])
            return dict(zip(days, fps, strict=True))
        by_day: dict[date, list[str]] = {}
        for folders, part in remote_parts(self.fs, base, 2):
            try:
                day = date.fromisoformat(folders[0])
            except ValueError:
                continue
            by_day.setdefault(day, []).append(part)
        return {d: folder_fingerprint(v) for d, v in by_day.items()}

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
