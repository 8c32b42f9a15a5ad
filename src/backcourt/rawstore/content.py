"""Content fingerprints of raw date folders: a hash of the files' bytes, not their times.

A date folder's fingerprint is a SHA-256 over each raw file's name and the SHA-256 of its
bytes, so it moves exactly when a file is added, removed or its bytes change: a re-scrape
that writes identical bytes makes nothing stale, and an edit whose size and mtime were
restored is still seen.

Reading every byte on every plan would cost seconds, so the fingerprint of a local folder is
cached under the folder's *stat key* — every file's name, size, mtime, ctime and inode. The
ctime catches an in-place edit whose mtime was put back (the kernel sets ctime on every
write and on ``utime`` itself, and it cannot be set by a user); the inode catches a file
replaced by a rename. A folder whose stat key is unchanged is not read again; a changed one
has its files hashed again (a date folder holds a few dozen small files). A folder holding
a symlink is always hashed again (its target's changes do not move the link's stat).

The cache is one small file in the raw store's hidden ``.backcourt/`` folder, not beside a
warehouse: the hashes describe the raw files (and the inodes are those of the raw store's
filesystem), so every warehouse reading the store shares them; deleting it only costs one
re-hash. A read-only raw store keeps the cache in memory. Object stores need no cache:
their listing gives each object's ETag/generation/MD5, which moves with its bytes.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import orjson

CACHE_NOTE = "content-fingerprints.json"
HASH_THREADS = 8
PREFIX = "c:"   # a content fingerprint (an old name:size:mtime one never equals it)


def stat_key(parts: Sequence[str]) -> str:
    return hashlib.blake2b("|".join(parts).encode(), digest_size=16).hexdigest()


def file_sha256(path: str) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


class ContentFingerprints:
    """The content fingerprints of a local raw store's date folders, with their cache."""

    def __init__(self, store) -> None:
        self.store = store
        self._cache: dict[str, list[str]] | None = None   # folder -> [stat key, fingerprint]
        self._dirty = False
        self._lock = threading.Lock()

    def _load(self) -> dict[str, list[str]]:
        if self._cache is None:
            raw = self.store.read_note(CACHE_NOTE)
            try:
                self._cache = orjson.loads(raw) if raw else {}
            except orjson.JSONDecodeError:
                self._cache = {}   # a damaged cache is rebuilt
        return self._cache

    def resolve(self, items: list[tuple[str, str, list[str]]]) -> list[str]:
        """Fingerprints of folders given as (key relative to the root, absolute path,
        stat parts "name:size:mtime_us:ctime_us:inode[:symlink]" of its raw files)."""
        with self._lock:
            cache = self._load()
            keys = [stat_key(parts) for _, _, parts in items]
            out: list[str | None] = []
            todo = []
            for i, ((rel, _, parts), key) in enumerate(zip(items, keys, strict=True)):
                hit = cache.get(rel)
                if hit is not None and hit[0] == key and not any(
                        p.endswith(":symlink") for p in parts):
                    out.append(hit[1])
                else:
                    out.append(None)
                    todo.append(i)
        if todo:
            computed = self._hash_folders([items[i] for i in todo])
            with self._lock:
                for i, fp in zip(todo, computed, strict=True):
                    out[i] = fp
                    cache[items[i][0]] = [keys[i], fp]
                self._dirty = True
            self.save()
        return [fp or "" for fp in out]

    def _hash_folders(self, items: list[tuple[str, str, list[str]]]) -> list[str]:
        files = [(i, f"{folder}/{part.split(':', 1)[0]}")
                 for i, (_, folder, parts) in enumerate(items) for part in parts]
        if len(files) > 32:
            with ThreadPoolExecutor(HASH_THREADS) as pool:   # hashlib and reads drop the GIL
                digests = list(pool.map(self._digest, [p for _, p in files]))
        else:
            digests = [self._digest(p) for _, p in files]
        per: list[list[str]] = [[] for _ in items]
        for (i, path), digest in zip(files, digests, strict=True):
            per[i].append(f"{path.rsplit('/', 1)[-1]}:{digest}")
        return [folder_fingerprint(parts) for parts in per]

    def _digest(self, path: str) -> str:
        if os.path.islink(path):
            target = os.path.realpath(path)
            root = os.path.realpath(self.store.root)
            if not self.store.follow_symlinks and os.path.commonpath([target, root]) != root:
                return hashlib.sha256(b"symlink:" + target.encode()).hexdigest()
        try:
            return file_sha256(path)
        except FileNotFoundError:   # removed since the listing: the next plan sees it
            return "gone"

    def save(self) -> None:
        """Write the cache when it changed (a read-only store keeps it in memory)."""
        with self._lock:
            if not self._dirty or self._cache is None:
                return
            payload = orjson.dumps(self._cache)
            self._dirty = False
        with contextlib.suppress(OSError):
            self.store.write_note(CACHE_NOTE, payload)


def folder_fingerprint(parts: list[str]) -> str:
    """The fingerprint of a folder from its files' "name:content-token" parts."""
    if not parts:
        return ""
    joined = "|".join(sorted(parts))
    return PREFIX + hashlib.sha256(joined.encode()).hexdigest()[:32]
