"""backcourt: an NBA player-points-props pipeline built around a trustworthy backfill."""

__version__ = "0.1.0"

__all__ = ["RawFile", "RawStore"]


def __getattr__(name: str):
    # the raw store on first use: the command line's start-up (``--help``) never pays for it
    if name in __all__:
        from backcourt.rawstore import store

        return getattr(store, name)
    raise AttributeError(f"module 'backcourt' has no attribute {name!r}")
