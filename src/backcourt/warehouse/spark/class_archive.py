"""The driver JVM's class-data archive (Java's CDS): Spark's classes loaded from a file
mapped into memory instead of found, read and verified in ~250 jars at every start.

A session start (JVM, Spark context, one query) took 10.6–11.9 s without and 5.3–7.9 s
with the archive (2 cores, load 2–4). The JVM writes the archive itself when it exits
(``-XX:ArchiveClassesAtExit``), holding every class the process loaded; that first run
pays for it: its start took ~20 s instead of ~12, and a few seconds more at exit. The
file (~150–190 MB) is kept in the user's cache folder (``$XDG_CACHE_HOME/backcourt``, else
``~/.cache/backcourt``), named for the pyspark install (its folder, so each venv path has
its own) and the Java it runs on, so another version never meets it (a JVM also refuses an
archive of another class path, and then simply starts without it).

Several processes may start at once with no archive yet: each writes a file of its own
(``….part``); a later start adopts a finished one (its header, which the JVM writes last,
holds the archive's magic number) by renaming it, and removes the rest.

The folder stays bounded: beside its archive a name keeps the paths it was made for
(``….paths``), and each start removes what no start will use again — every file of a
name whose pyspark folder or Java is gone (a deleted clone or CI checkout), an archive
not used for ``UNUSED_S`` (a start touches the archive it uses), and another name's part
file that has not changed for ``STALE_PART_S`` (a finished one first becomes that name's
archive, as its own next start would have made it). A start never removes files of its
own name beyond its part files. Another process may still remove an archive between a
start's check and its JVM's opening it: the JVM then starts without one (Java 17 does, with
no message), and the next start writes a new one.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import time
import uuid
from pathlib import Path

MAGIC = bytes.fromhex("a8ab0bf0")   # 0xf00baba8, little-endian: a dynamic CDS archive
SETTLED_S = 10.0   # a part file untouched this long is no longer being written
# Another name's part file: its writer may be any process, under any load; a JVM writes
# its dump in one go within seconds, so ten minutes without a change means it is over.
STALE_PART_S = 600.0
UNUSED_S = 14 * 86400.0   # an archive no start used for two weeks (another one costs ~10 s)
PREFIX = "spark-classes-"
QUIET = "-Xlog:cds=off -Xlog:cds+dynamic=off"   # its notes (signed jars skipped…)


def folder() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "backcourt"


def _ident() -> list[str]:
    """What the archive depends on: pyspark's version and folder, the Java used."""
    import pyspark

    java = shutil.which("java") or ""
    return [pyspark.__version__, os.path.dirname(pyspark.__file__),
            os.environ.get("JAVA_HOME", ""), os.path.realpath(java) if java else ""]


def _name(ident: list[str]) -> str:
    return f"{PREFIX}{hashlib.sha1('|'.join(ident).encode()).hexdigest()[:16]}"


def _adopt(where: Path, name: str, final: Path) -> None:
    """Rename a finished part file to ``final`` when there is none; remove the other
    settled ones (a part file is ~150 MB)."""
    now = time.time()
    for part in sorted(where.glob(f"{name}.*.part")):
        try:
            if now - part.stat().st_mtime < SETTLED_S:
                continue   # perhaps still being written
            with part.open("rb") as f:
                finished = f.read(len(MAGIC)) == MAGIC
            if finished and not final.exists():
                os.replace(part, final)
            else:
                part.unlink()
        except OSError:
            continue


def _record(where: Path, name: str, ident: list[str]) -> None:
    """Write ``name.paths`` once: the paths among ``ident`` that exist, one a line, so a
    start of another venv can tell when they are gone. Written whole, then renamed: a
    half-written path would read as a missing one."""
    paths = where / f"{name}.paths"
    if paths.exists():
        return
    held = [p for p in ident[1:] if p and os.path.isabs(p) and os.path.exists(p)]
    new = where / f"{name}.{uuid.uuid4().hex[:12]}.paths-new"
    new.write_text("".join(f"{p}\n" for p in held))
    os.replace(new, paths)


def _gone(paths: Path) -> bool:
    """True when ``name.paths`` names a path that no longer exists."""
    try:
        text = paths.read_text()
    except OSError:
        return False   # none (made by an older version), or unreadable: not known gone
    return any(not os.path.exists(p) for p in text.splitlines() if p)


def _finished(part: Path) -> bool:
    with part.open("rb") as f:
        return f.read(len(MAGIC)) == MAGIC


def _prune_name(where: Path, name: str, files: list[os.DirEntry[str]], now: float) -> None:
    """``files``: the name's files as listed (the archive, part files, ``.paths``)."""
    paths, final = where / f"{name}.paths", where / f"{name}.jsa"
    if _gone(paths):
        for f in files:
            _unlink(Path(f.path))
        return
    for f in files:
        if not f.name.endswith((".part", ".paths-new")):
            continue
        try:
            if now - f.stat().st_mtime < STALE_PART_S:
                continue   # perhaps still being written
            if f.name.endswith(".part") and _finished(Path(f.path)) and not final.exists():
                os.replace(f.path, final)
            else:
                os.unlink(f.path)
        except OSError:
            continue
    with contextlib.suppress(OSError):
        if final.exists():
            st = final.stat()
            if now - max(st.st_mtime, st.st_atime) >= UNUSED_S:   # atime: a JVM mapped it
                _unlink(final)
                _unlink(paths)
        elif (now - paths.stat().st_mtime >= UNUSED_S
              and not any(f.name.endswith(".part") for f in files)):
            _unlink(paths)   # alone for as long: its archive went, or never came


def _unlink(path: Path) -> None:
    with contextlib.suppress(OSError):   # already gone: another start pruned it too
        path.unlink()


def _prune(where: Path, own: str) -> None:
    """Remove other names' files that no start will use again (the module's rules): one
    listing of the folder, a stat per file, a few bytes read per settled part file."""
    now = time.time()
    names: dict[str, list[os.DirEntry[str]]] = {}
    with os.scandir(where) as entries:
        for e in entries:
            if e.name.startswith(PREFIX):
                name = e.name.split(".", 1)[0]
                if name != own:
                    names.setdefault(name, []).append(e)
    for name, files in names.items():
        _prune_name(where, name, files, now)


def _options(where: Path, ident: list[str]) -> str:
    """``options`` for the cache folder ``where`` and the install ``ident`` (``_ident``)."""
    name = _name(ident)
    final = where / f"{name}.jsa"
    where.mkdir(parents=True, exist_ok=True)
    _adopt(where, name, final)
    with contextlib.suppress(OSError):   # a folder it cannot list or write: still use
        _prune(where, name)               # the archive
        _record(where, name, ident)
    try:
        os.utime(final)   # used now: another venv's start leaves it for UNUSED_S
        used = True
    except FileNotFoundError:   # none yet, or another process removed it just now
        used = False
    except OSError:   # another user's file: still usable
        used = final.exists()
    if used:
        return f"-XX:SharedArchiveFile={final} {QUIET}"
    if not os.access(where, os.W_OK):
        return ""
    part = where / f"{name}.{uuid.uuid4().hex[:12]}.part"
    return f"-XX:ArchiveClassesAtExit={part} {QUIET}"


def options() -> str:
    """The JVM options that use the archive, or that write it at exit when there is none
    yet; "" when the cache folder cannot be written."""
    try:
        return _options(folder(), _ident())
    except (OSError, ImportError):
        return ""
