"""Stop signals of the ``backcourt`` process: Ctrl-C (SIGINT) and SIGTERM stop any command
alike, with exit 130 and one line saying so.

- The first stop signal raises ``KeyboardInterrupt`` in the main thread (the command stops
  and records what finished); a later one does nothing while that stop is on its way out:
  another interrupt raised in its clean-up (a run's record, a pool's shut-down, the error
  handlers, the interpreter's exit) would print one more line, lose what the clean-up
  records, or escape every handler (exit -2 with a traceback).
- Once the command's exit code is decided, ``ignore`` sets both signals to be ignored: the
  interpreter's shutdown resets a Python handler to the default action, so a signal then
  would kill the process (-15) after it finished.
- A forked process (a pool's worker, the early walk) inherits the handler: there, a
  SIGTERM ends it at once and quietly (death by the signal, as its pool's ``terminate``
  expects) and a SIGINT — a terminal sends Ctrl-C to its whole process group — is left to
  the parent, which stops its pool. ``in_worker`` sets the same at a worker's start, so it
  holds inside a long C call too.

Only the standard library: the entry point installs the handlers before its imports.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Callable

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
_RETRY_S = 0.05   # a signal that came during an import is sent again this much later

_state: dict = {"owner": None, "stopping": False, "busy": False, "resumable": False}


def install() -> None:
    """This process's commands stop on SIGINT and SIGTERM (the entry point, first; again
    changes nothing)."""
    if _state["owner"] == os.getpid():
        return
    _state.update(owner=os.getpid(), stopping=False)
    for sig in STOP_SIGNALS:
        signal.signal(sig, _on_signal)


def stop(signum: int, frame=None, before: Callable[[], None] | None = None,
         say: bool = True) -> None:
    """What a stop signal does (the body of every handler of one; ``frame`` the one it
    interrupted): the first raises ``KeyboardInterrupt`` after ``before()`` and, when
    ``say``, the line on stderr; the next ones return at once while that stop is under
    way. One that comes during an import is delivered again once the import is over."""
    owner = _state["owner"]
    if owner is not None and os.getpid() != owner:   # a forked child
        in_worker()
        if signum == signal.SIGTERM:
            os.kill(os.getpid(), signal.SIGTERM)   # now the default action: quietly gone
        return
    if _state["busy"]:   # a signal while this very handler runs: the one it raises stops
        return
    again = _state["stopping"]
    if again and _under_way():
        return
    if _importing(frame):
        # an extension module's set-up may swallow the interrupt (Cython's has a bare
        # ``except:``, run when ``numpy.random`` is first imported): the command then went
        # on to the end and exited 0 after saying 'interrupted'
        timer = threading.Timer(_RETRY_S, os.kill, (os.getpid(), signum))
        timer.daemon = True
        timer.start()
        return
    _state["busy"] = True
    try:
        _state["stopping"] = True
        if before is not None:
            before()
        if say and not again:   # straight to the descriptor: the console may be mid-line
            hint = (": run the same command again to resume" if _state["resumable"]
                    else "")
            os.write(2, f"\ninterrupted ({signal.Signals(signum).name}){hint}\n".encode())
    finally:
        _state["busy"] = False
    raise KeyboardInterrupt(f"signal {signum}")


def resumable() -> None:
    """The command under way picks up where it stopped when it is run again (a scrape:
    only missing files are fetched); a stop's line says so. Any other command (a view, a
    server, a check) stops with the line alone: it did no work to resume."""
    _state["resumable"] = True


def _importing(frame) -> bool:
    """Whether ``frame`` runs inside an import."""
    while frame is not None:
        if frame.f_code.co_filename.startswith("<frozen importlib"):
            return True
        frame = frame.f_back
    return False


def _under_way() -> bool:
    """Whether an earlier stop is still on its way out: an interrupt, or the exit it
    became, is being handled (a clean-up, an ``except``, a ``finally``). Else something
    swallowed it (a library's bare ``except:``), and this signal stops the command
    anew."""
    exc = sys.exception()
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def stopping() -> bool:
    """Whether a stop signal has stopped the command (its line is written)."""
    return bool(_state["stopping"])


def ignore() -> None:
    """The command's exit code is decided: a stop signal from now on changes nothing."""
    if sys.unraisablehook is not _quiet_race:
        _quiet_race.previous = sys.unraisablehook   # type: ignore[attr-defined]
        sys.unraisablehook = _quiet_race
    for sig in STOP_SIGNALS:
        signal.signal(sig, signal.SIG_IGN)


def _quiet_race(unraisable) -> None:
    """A signal that came just before it was set to be ignored is still reported by the
    interpreter ('Signal 2 ignored due to race condition', with a traceback): it is one
    more stop signal, which changes nothing now. Anything else goes to the usual hook."""
    exc = unraisable.exc_value
    if isinstance(exc, OSError) and "ignored due to race condition" in str(exc):
        return
    _quiet_race.previous(unraisable)   # type: ignore[attr-defined]


def in_worker() -> None:
    """In a forked worker process: SIGTERM ends it quietly, SIGINT is the parent's."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _on_signal(signum: int, frame) -> None:
    stop(signum, frame)
