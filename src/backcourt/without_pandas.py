"""Importing pandas only where it is used.

pyarrow and LightGBM each import pandas (with numpy, 0.2-0.35 s on the development
machine) only to recognise pandas inputs: pyarrow at the first input check of a process,
LightGBM when it is imported. backcourt hands them Python lists, Arrow data and numpy
arrays, never a pandas object (pandas is installed for the NBA stats client, which imports
it itself). ``pandas_refused`` makes those first looks find no pandas, in the calling
thread only and only while it lasts; a later ``import pandas`` anywhere works as usual.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class _Refuse:
    """An import finder that refuses pandas to one thread."""

    def __init__(self, thread: int) -> None:
        self.thread = thread

    def find_spec(self, name: str, path: object = None, target: object = None) -> None:
        if name == "pandas" and threading.get_ident() == self.thread:
            raise ModuleNotFoundError("pandas is not imported for an input check",
                                      name=name)
        return None


@contextmanager
def pandas_refused() -> Iterator[None]:
    """While it lasts, ``import pandas`` in this thread fails as if pandas were absent
    (nothing changes when pandas is imported already)."""
    if "pandas" in sys.modules:
        yield
        return
    finder = _Refuse(threading.get_ident())
    sys.meta_path.insert(0, finder)   # type: ignore[arg-type]
    try:
        yield
    finally:
        sys.meta_path.remove(finder)   # type: ignore[arg-type]
