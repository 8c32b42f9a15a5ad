"""The driver JVM's class-data archive (Java's CDS): Spark's classes loaded from a file
mapped into memory instead of found, read and verified in ~250 jars at every start.

A session start (JVM, Spark context, one query) took 10.6–11.9 s without and 5.3–7.9 s
with the archive (2 cores, load 2–4). The JVM writes the archive itself when it exits
(``-XX:ArchiveClassesAtExit``), holding every class the process loaded; that first run
pays for it: its start took ~20 s instead of ~12, and a few seconds more at exit. The
file (~150 MB) is kept in the user's cache folder (``$XDG_CACHE_HOME/backcourt``, else
``~/.cache/backcourt``), named for the pyspark install and the Java it runs on, so
another version never meets it (a JVM also refuses an archive of another class path, and
then simply starts without it).

Several processes may start at once with no archive yet: each writes a file of its own
(``….part``); a later start adopts a finished one (its header, which the JVM writes last,
holds the archive's magic number) by renaming it, and removes the rest.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
import uuid
from pathlib import Path

MAGIC = bytes.fromhex("a8ab0bf0")   # 0xf00baba8, little-endian: a dynamic CDS archive
SETTLED_S = 10.0   # a part file untouched this long is no longer being written
QUIET = "-Xlog:cds=off -Xlog:cds+dynamic=off"   # its notes (signed jars skipped…)


def folder() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "backcourt"


def _name() -> str:
    import pyspark

    java = shutil.which("java") or ""
    ident = "|".join([pyspark.__version__, os.path.dirname(pyspark.__file__),
                      os.environ.get("JAVA_HOME", ""), os.path.realpath(java) if java else ""])
    return f"spark-classes-{hashlib.sha1(ident.encode()).hexdigest()[:16]}"


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


def options() -> str:
    """The JVM options that use the archive, or that write it at exit when there is none
    yet; "" when the cache folder cannot be written."""
    where = folder()
    try:
        name = _name()
        final = where / f"{name}.jsa"
        where.mkdir(parents=True, exist_ok=True)
        _adopt(where, name, final)
        if final.exists():
            return f"-XX:SharedArchiveFile={final} {QUIET}"
        if not os.access(where, os.W_OK):
            return ""
        part = where / f"{name}.{uuid.uuid4().hex[:12]}.part"
        return f"-XX:ArchiveClassesAtExit={part} {QUIET}"
    except (OSError, ImportError):
        return ""
