"""A range over several seasons is written one season per worker, with the same bytes and
the same result (dates in order, files, bytes) as writing it in this process."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from backcourt.rawstore import RawStore
from backcourt.sources import sim


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


def test_seasons_in_workers_write_the_same_bytes(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    # the end of the 2022-23 playoffs and the first nights of 2023-24: two seasons, so
    # (with a low threshold) each goes to its own worker
    start, end = date(2023, 6, 1), date(2023, 10, 26)
    monkeypatch.setattr(sim, "_MIN_DATES_PER_WORKER", 1)
    assert len(sim._by_season([start, date(2023, 7, 1), end])) == 2
    calls: list[date] = []
    forked = sim.scrape(RawStore(str(tmp_path / "forked")), start, end, seed=3,
                        on_date=lambda d, n: calls.append(d), workers=2)
    inline = sim.scrape(RawStore(str(tmp_path / "inline")), start, end, seed=3, workers=1)
    assert forked.dates == inline.dates == calls
    assert {sim.season_of(d) for d in forked.dates} == {2022, 2023}
    assert (forked.files, forked.bytes) == (inline.files, inline.bytes)
    assert _tree(tmp_path / "forked") == _tree(tmp_path / "inline")


_STOPPED = """
import sys
from datetime import date
from backcourt import stop_signals
from backcourt.rawstore import RawStore
from backcourt.sources import sim

stop_signals.install()   # as the command's entry point does
store = RawStore(sys.argv[1])
# a pool that ends (its terminate sends each worker a SIGTERM), then one that is stopped
sim.scrape(store, date(2023, 10, 24), date(2023, 11, 10), seed=3, workers=2)
try:
    sim.scrape(store, date(2023, 11, 11), date(2024, 4, 14), seed=3, workers=2,
               on_date=lambda d, n: print(d, flush=True))
except KeyboardInterrupt:
    stop_signals.ignore()
    sys.exit(130)
"""


def test_the_pool_ends_and_stops_quietly(tmp_path: Path) -> None:
    """The simulator's pool under the command's stop handling (``stop_signals``): a pool
    that ends (its terminate sends each worker a SIGTERM) prints nothing, and a SIGTERM to
    the whole process group stops the parent alone, with one line and exit 130; the
    workers die of it quietly and none is left."""
    import os
    import signal
    import subprocess
    import sys

    p = subprocess.Popen([sys.executable, "-c", _STOPPED, str(tmp_path / "raw")],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         start_new_session=True, env=os.environ)
    assert p.stdout.readline().strip() == b"2023-11-11"   # the second pool is under way
    # (the first pool ended without a word: nothing on stderr so far is checked below)
    os.killpg(p.pid, signal.SIGTERM)
    out, err = p.communicate(timeout=120)
    assert p.returncode == 130, err.decode()[-800:]
    assert err.decode().count("interrupted") == 1 and b"Traceback" not in err, err.decode()
    assert len(out.split()) < 100                        # it stopped, well before April
    with pytest.raises(ProcessLookupError):              # no worker left in its group
        os.killpg(p.pid, 0)
