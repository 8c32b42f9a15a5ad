"""Whether a warehouse path (and a raw root) can be used, checked before anything is
opened or created: one line naming the path and the cause, never a traceback.

A read command (plan, status, validate, runs, report) opens an existing warehouse
read-only and never creates one; a write command needs a regular file (or a place to
create one) that it may write, in a folder where it may create the lock file and DuckDB's
write-ahead log.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from backcourt.warehouse.damaged_files import damaged_file


class WarehousePathError(Exception):
    """A path the command cannot use (exit 2: an environment error)."""


def check_warehouse_path(path: str, read_only: bool) -> None:
    """Raise ``WarehousePathError`` when the DuckDB file at ``path`` cannot be used."""
    if path == ":memory:":
        return
    p = Path(path)
    if p.exists():
        if p.is_dir():
            raise WarehousePathError(f"{path}: is a folder, not a DuckDB file")
        if not p.is_file():
            raise WarehousePathError(
                f"{path}: not a regular file (a device cannot be a warehouse)")
        if not os.access(p, os.R_OK):
            raise WarehousePathError(f"{path}: permission denied (cannot read it)")
        if not read_only:
            if not os.access(p, os.W_OK):
                raise WarehousePathError(
                    f"{path}: read-only (cannot write it; read commands still work)")
            folder = p.resolve().parent
            if not os.access(folder, os.W_OK | os.X_OK):
                raise WarehousePathError(
                    f"{path}: its folder {folder} is read-only (the lock file and the "
                    "write-ahead log are created there)")
        return
    if read_only:
        raise WarehousePathError(
            f"{path}: no warehouse there (a read command never creates one; check "
            "--warehouse or BACKCOURT_WAREHOUSE)")
    folder = p.parent if str(p.parent) else Path(".")
    if not folder.exists():
        raise WarehousePathError(f"{path}: folder {folder} does not exist")
    if not folder.is_dir():
        raise WarehousePathError(f"{path}: {folder} is not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise WarehousePathError(f"{path}: permission denied (cannot create files in {folder})")


def check_raw_root(root: str) -> None:
    """A local raw root that exists must be a readable folder (an absent one is a missing
    store, said by the commands that need it)."""
    if "://" in root and not root.startswith("file://"):
        return
    p = Path(root.removeprefix("file://")).expanduser()
    if not p.exists():
        return
    if not p.is_dir():
        raise WarehousePathError(f"raw root {root}: not a folder")
    if not os.access(p, os.R_OK | os.X_OK):
        raise WarehousePathError(f"raw root {root}: permission denied (cannot list it)")


# OS errors that are the environment's, not the run's: disk full, permissions, read-only
ENVIRONMENT_ERRNOS = {
    errno.ENOSPC: "No space left on device", errno.EACCES: "Permission denied",
    errno.EPERM: "Operation not permitted", errno.EROFS: "Read-only file system",
    errno.EDQUOT: "Disk quota exceeded", errno.ENOENT: "No such file or directory",
    errno.ENOTDIR: "Not a directory"}
ENVIRONMENT_TEXTS = tuple(ENVIRONMENT_ERRNOS.values())


def environment_cause(exc: BaseException) -> str | None:
    """The environment problem behind an exception (through its causes and contexts): an
    OS error of ``ENVIRONMENT_ERRNOS``, an engine error whose text names one (DuckDB
    reports "Could not write file …: No space left on device"), or a warehouse file that
    does not read (``damaged_files``: Spark's Java trace made one line). None when there
    is none."""
    seen: set[int] = set()
    stack: list[BaseException | None] = [exc]
    while stack:
        e = stack.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        if isinstance(e, WarehousePathError):
            return str(e)
        if isinstance(e, OSError) and e.errno in ENVIRONMENT_ERRNOS:
            where = f"{e.filename}: " if e.filename else ""
            return f"{where}{e.strerror or ENVIRONMENT_ERRNOS[e.errno]}"
        text = str(e)
        if damaged := damaged_file(text):   # (before the texts: a Java trace may hold one)
            return damaged
        if any(t in text for t in ENVIRONMENT_TEXTS):
            return " ".join(text.split())
        stack += [e.__cause__, e.__context__]
    return None
