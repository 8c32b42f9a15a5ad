"""An error as one line for a person: a command's last word, a failed batch's reason.

An engine error can be thousands of characters: Spark's reaches Python through Py4J with
its Java stack trace in the message. The line keeps what was said and leaves the stack's
frames out (the trace is for ``--debug``); a warehouse file that does not read is named
as ``damaged_files`` words it, with the way out.
"""

from __future__ import annotations

import re

from backcourt.warehouse.damaged_files import damaged_file

# a frame of a Java stack trace ("at org.apache…(File.java:12)", "... 42 more")
_JAVA_FRAME = re.compile(r"\s*(at \S+\(.*\)|\.\.\. \d+ more)\s*$")


def headline(exc: BaseException) -> str:
    """The exception's type and text on one line, without the frames of a Java stack."""
    lines = [line for line in str(exc).splitlines() if not _JAVA_FRAME.match(line)]
    return f"{type(exc).__name__}: {' '.join(' '.join(lines).split()) or type(exc).__name__}"


def failure_reason(exc: BaseException) -> str:
    """Why a batch failed, one line: a damaged warehouse file named with the way out, else
    the exception's headline."""
    return damaged_file(str(exc)) or headline(exc)
