"""A read command's walk of the raw store, started at the command's first instruction.

``plan``, ``status`` and ``validate`` over many dates prove the raw store unchanged with
one ``stat`` per raw file (``local_walk.walk_local``: four seasons, 57,612 files, ~0.3 s of
one core). The walk needs nothing of the command but the raw root, so the command's entry
point forks a child that walks while the parent imports its libraries and opens the
warehouse (also ~0.3 s); the first ``listing.Walk`` of that root then takes the child's
answer instead of walking. The fork happens before any thread exists (only the
interpreter and this module are loaded).

It is only a head start: the child walks with the same function; a child that fails sends
nothing and the parent walks itself (raising the same error). It starts only when the raw
root is named (``--raw`` or ``BACKCOURT_RAW``, a local folder) and the range is long
enough for the command to walk the whole store (``FEW_DATES``).
"""

from __future__ import annotations

import marshal
import os
from datetime import date

from backcourt.rawstore.local_walk import FEW_DATES, walk_local

READ_COMMANDS = ("plan", "status", "validate")

_started: dict[str, tuple[int, int]] = {}   # absolute root -> (child pid, read end)


def start(argv: list[str]) -> None:
    """Fork the walk of the raw root ``argv`` names, when it is a read command's over
    more than ``FEW_DATES`` dates; else nothing."""
    root = _root_to_walk(argv)
    if root is None or not hasattr(os, "fork"):   # (no fork: the command walks itself)
        return
    read, write = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(read)
        os.close(write)
        return
    if pid == 0:   # the child: walk, send, and leave without running the parent's exits
        code = 1
        try:
            os.close(read)
            # not the command's output: a caller reading it to its end (a pipe) must not
            # wait for this child when the command ends early (a usage error)
            null = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(null, fd)
            data = marshal.dumps(walk_local(root, 3))
            view = memoryview(data)
            while view:
                view = view[os.write(write, view):]
            code = 0
        finally:
            os._exit(code)
    os.close(write)
    _started[os.path.abspath(root)] = (pid, read)


def take(root: str) -> dict[tuple[str, ...], list[str]] | None:
    """The child's walk of ``root`` (as ``walk_local(root, 3)`` returns it), once; None when
    none was started for it or the child failed."""
    entry = _started.pop(os.path.abspath(root), None)
    if entry is None:
        return None
    pid, read = entry
    chunks = []
    try:
        while chunk := os.read(read, 1 << 20):
            chunks.append(chunk)
    finally:
        os.close(read)
        _, status = os.waitpid(pid, 0)
    if status != 0:
        return None
    return marshal.loads(b"".join(chunks))


def _root_to_walk(argv: list[str]) -> str | None:
    command = next((a for a in argv if not a.startswith("-")), None)
    if command not in READ_COMMANDS:
        return None
    raw = _option(argv, "--raw") or os.environ.get("BACKCOURT_RAW")
    start, end = _option(argv, "--start"), _option(argv, "--end")
    if not raw or "://" in raw or not (start and end) or not os.path.isdir(raw):
        return None
    try:
        days = (date.fromisoformat(end) - date.fromisoformat(start)).days + 1
    except ValueError:
        return None   # the command names the mistake
    return raw if days > FEW_DATES else None


def _option(argv: list[str], name: str) -> str | None:
    for i, arg in enumerate(argv):
        if arg == name and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith(name + "="):
            return arg[len(name) + 1:]
    return None
