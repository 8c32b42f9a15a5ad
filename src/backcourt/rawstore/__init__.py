"""The raw store: one folder per source and date, on any fsspec filesystem."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from backcourt.rawstore.store import RawFile, RawStore

__all__ = ["RawFile", "RawStore"]


def __getattr__(name: str):
    # the store is imported when it is first used: a command's entry point imports
    # ``early_walk`` from this package before anything else (see that module)
    if name in __all__:
        from backcourt.rawstore import store

        return getattr(store, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
