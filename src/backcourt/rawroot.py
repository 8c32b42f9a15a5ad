"""A warehouse knows the raw root it was filled from.

Every run records it; a later command pointed at another root is refused (exit 2) unless
the operator says the raw files moved. A mistyped ``--raw`` would otherwise find every
source folder absent: plans full of blocked work, optional sources loaded as empty, and a
Phase 1 simulating into a new folder.
"""

from __future__ import annotations

import os

from backcourt.rawstore import RawStore

KEY = "raw_root"


class RawRootMismatch(ValueError):
    pass


def canonical(root: str) -> str:
    """A local folder by its real absolute path; any other URL as given."""
    store = RawStore(root)
    return os.path.realpath(store.root) if store.is_local else store.root_url.rstrip("/")


def check(ledger, root: str, switch: bool = False) -> None:
    """Refuse a raw root other than the recorded one; ``switch`` records the new one."""
    recorded = ledger.fact(KEY)
    given = canonical(root)
    if recorded is None or recorded == given:
        return
    if switch:
        ledger.record_fact(KEY, given)
        return
    raise RawRootMismatch(
        f"this warehouse was filled from the raw store {recorded}, not {given}. "
        f"Check --raw / BACKCOURT_RAW (a typo would make every raw folder look absent); "
        f"if the raw files really moved, pass --switch-raw once to record the new root")


def remember(ledger, root: str) -> None:
    """Record the raw root of a run, the first time the warehouse runs anything."""
    if ledger.fact(KEY) is None:
        ledger.record_fact(KEY, canonical(root))
