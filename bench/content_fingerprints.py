"""The cost of content fingerprints: every raw date folder of a store, cold and warm.

    .venv/bin/python bench/content_fingerprints.py --raw DIR [--runs 3]

Cold: the cache (``.backcourt/content-fingerprints.json``) deleted, so every file is read
and hashed. Warm: a fresh store object (nothing in memory), the cache on disk, nothing
changed: one stat per file, no file read. Then one file edited in place with its size and
mtime put back: only its folder is read again. Prints files, bytes and seconds (the OS
page cache is warm in every case: the files were just written or read).
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from backcourt.rawstore import RawStore
from backcourt.rawstore.content import CACHE_NOTE
from backcourt.rawstore.store import NOTES


def all_fingerprints(root: str) -> tuple[dict, float]:
    store = RawStore(root)
    sources = sorted(p.name for p in Path(root).iterdir()
                     if p.is_dir() and not p.name.startswith((".", "_")))
    t = time.perf_counter()
    with store.listing_ahead(10_000):
        fps = {s: store.fingerprints(s) for s in sources}
    return fps, time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--raw", required=True)
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    root = os.path.abspath(a.raw)
    files = [p for p in Path(root).rglob("*.json*")
             if not any(x.startswith((".", "_")) for x in p.relative_to(root).parts)]
    size = sum(p.stat().st_size for p in files)
    folders = len({p.parent for p in files})
    print(f"{len(files)} raw files, {size / 2**20:.0f} MiB, {folders} date folders")
    cache = Path(root) / NOTES / CACHE_NOTE
    for run in range(a.runs):
        cache.unlink(missing_ok=True)
        cold, cold_s = all_fingerprints(root)
        warm, warm_s = all_fingerprints(root)
        assert cold == warm
        print(f"run {run + 1}: cold {cold_s:.2f} s (every file hashed), "
              f"warm {warm_s:.2f} s (cache {cache.stat().st_size / 2**10:.0f} KiB)")
    edited = files[len(files) // 2]
    st = edited.stat()
    data = bytearray(edited.read_bytes())
    data[-2] = ord(" ") if data[-2] != ord(" ") else ord("\n")
    edited.write_bytes(bytes(data))
    os.utime(edited, ns=(st.st_atime_ns, st.st_mtime_ns))
    after, edit_s = all_fingerprints(root)
    moved = [(s, d) for s in after for d in after[s] if after[s][d] != warm[s].get(d)]
    print(f"one file edited in place (size and mtime kept): {edit_s:.2f} s, "
          f"{len(moved)} date folder(s) moved: {moved}")


if __name__ == "__main__":
    main()
