"""Bytecode for the code a bench times, cached before it times anything.

A Python installed the usual way caches each module's bytecode the first time it imports
it (``pip install`` compiles the package ahead). A machine whose environment sets
``PYTHONDONTWRITEBYTECODE=1`` (this project's development machines do) never writes that
cache, so each process would compile backcourt's modules from source again — 0.2-0.3 s
of CPU per command that no installed copy pays. The benches compile the timed source
trees first (``compileall`` writes the cache whatever that variable says); a process still
reads it with the variable set.
"""

from __future__ import annotations

import compileall
import importlib.util
from pathlib import Path


def cache_bytecode(*src_dirs: str | None) -> list[str]:
    """Compile the installed ``backcourt`` package and each given ``src`` folder (those
    that are None are skipped); returns the folders compiled."""
    spec = importlib.util.find_spec("backcourt")
    folders = [str(Path(spec.origin).parent)] if spec and spec.origin else []
    folders += [str(Path(d) / "backcourt") for d in src_dirs if d]
    for folder in folders:
        compileall.compile_dir(folder, quiet=1)
    return folders
