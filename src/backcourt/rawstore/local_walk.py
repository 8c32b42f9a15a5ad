"""One walk of a local raw store's folders: every raw file's stat parts, by its folders.

Every listing of a local store goes through ``walk_local`` (``listing`` for a command's
fingerprints, ``early_walk`` for a read command's head start), so a date's fingerprint is
the same whichever way it was listed.
"""

from __future__ import annotations

import os
from stat import S_ISDIR

QUARANTINE = "_quarantine"   # bad files moved aside: never raw files
# up to this many dates are fingerprinted folder by folder instead of listing the source
# (RawStore), and a read command gets no head start on the walk (early_walk)
FEW_DATES = 64


def is_raw(name: str) -> bool:
    return not name.startswith(".") and name.endswith((".json", ".json.gz"))


def walk_local(folder: str, depth: int) -> dict[tuple[str, ...], list[str]]:
    """Stat parts of the raw files ``depth`` levels below ``folder``, by the folders
    between: ``{folders: ["name:size:mtime_ns:ctime_ns:inode", …]}``, each list sorted.
    Every listing of a local store goes through here, so a date's fingerprint is the same
    whichever way it was listed. A file rewritten in place changes only its own times (not
    its folder's), so every file's are read: one ``stat`` each (57,000 in 4 seasons),
    relative to its open folder (no path to resolve), in a loop kept to the bare minimum
    per file. Hidden names, the quarantine folder and symlinked folders are not entered."""
    out: dict[tuple[str, ...], list[str]] = {}
    stack: list[tuple[tuple[str, ...], str]] = [((), folder)]
    leaf = depth - 1
    while stack:
        folders, path = stack.pop()
        try:
            fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
        except (FileNotFoundError, NotADirectoryError):
            continue   # removed since its parent was listed
        # any other error (an unreadable folder) names the folder: it is not an empty one
        try:
            with os.scandir(fd) as it:
                entries = list(it)
            if len(folders) < leaf:
                for e in entries:
                    name = e.name
                    if (name[0] != "." and name != QUARANTINE
                            and e.is_dir(follow_symlinks=False)):
                        stack.append(((*folders, name), f"{path}/{name}"))
                continue
            found: list[str] = []
            for e in entries:
                name = e.name
                if not is_raw(name):
                    continue
                try:
                    st = e.stat()   # a symlink's target (the file read)
                except FileNotFoundError:   # removed since the listing, or dangling
                    continue
                if S_ISDIR(st.st_mode):   # a folder named like a file
                    continue
                found.append(f"{name}:{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:"
                             f"{st.st_ino}{':symlink' if e.is_symlink() else ''}")
            if found:
                found.sort()
                out[folders] = found
        finally:
            os.close(fd)
    return out
