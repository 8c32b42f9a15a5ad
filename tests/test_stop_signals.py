"""``backcourt.stop_signals``: a stop signal that lands inside an import is not lost.

An extension module's set-up may swallow the interrupt raised there: Cython's has a bare
``except:`` (run when ``numpy.random`` is first imported, which the simulator does at its
first date), so a SIGTERM sent at that moment said 'interrupted' and the scrape went on to
the end, exit 0 (seen once in 100 scrapes under a burst of signals). The module below does
what that set-up does, in a process of its own that sends itself the signal mid-import.
"""

from __future__ import annotations

import os
import subprocess
import sys

SWALLOWS = """
import os, signal
try:
    os.kill(os.getpid(), signal.SIGTERM)   # its handler runs here, inside the import
    sum(range(1000))
except:  # noqa: E722 - as an extension module's set-up does
    pass
"""

COMMAND = """
import sys, time
from backcourt import stop_signals

stop_signals.install()
try:
    import swallows
    time.sleep(5)
    print("went on to the end")
except KeyboardInterrupt:
    stop_signals.ignore()
    sys.exit(130)
"""


def test_a_signal_during_an_import_stops_once_the_import_is_over(tmp_path):
    (tmp_path / "swallows.py").write_text(SWALLOWS)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), *sys.path])}
    p = subprocess.run([sys.executable, "-c", COMMAND], capture_output=True, text=True,
                       env=env, timeout=60)
    assert p.returncode == 130, (p.stdout, p.stderr)
    assert "went on" not in p.stdout
    assert p.stderr.count("interrupted (SIGTERM)") == 1 and "Traceback" not in p.stderr
