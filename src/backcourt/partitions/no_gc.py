"""Planning without the cyclic garbage collector.

A 4-season plan makes ~300,000 small objects (states, fingerprints, cells) and no
reference cycles; the collector would walk them again and again as they pile up (~12 % of
the plan's time). Reference counting still frees everything; the collector resumes after.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def no_gc() -> Iterator[None]:
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
