"""The raw store: one folder per source and date, on any fsspec filesystem."""

from backcourt.rawstore.store import RawFile, RawStore

__all__ = ["RawFile", "RawStore"]
