"""A data file of the warehouse that does not read: one line naming the file, the cause and
the way out, as a damaged DuckDB file is named (``engine_paths``: "this file is not a
DuckDB database").

Spark reports it inside a Java stack trace of hundreds of lines (through Py4J): the file's
path on the line of the error class ``FAILED_READ_FILE`` ("Encountered error while reading
file …"), the cause on the last ``Caused by:`` line ("… is not a Parquet file (length is
too low: 7)"). Both are read from the error's text: this module imports no engine, and the
full trace stays in the exception for ``--debug``.
"""

from __future__ import annotations

import re

_READ_FAILED = re.compile(r"Encountered error while reading file (\S+?)\.?(?:\s|$)")
_NOT_PARQUET = re.compile(r"(\S+) (is not a Parquet file[^\n]*)")
_CAUSED_BY = re.compile(r"^Caused by: [\w.$]+: ([^\n]*)$", re.MULTILINE)


def damaged_file(text: str) -> str | None:
    """The one line for an error whose text says a warehouse file did not read, else
    None."""
    found = _READ_FAILED.search(text)
    if found is not None:
        path = found.group(1)
        causes = _CAUSED_BY.findall(text)
        reason = causes[-1] if causes else "it does not read"
    else:
        found = _NOT_PARQUET.search(text)
        if found is None:
            return None
        path, reason = found.groups()
    local = _local(path)
    for spelling in (path, f"file://{local}", f"file:{local}", local):
        reason = reason.replace(spelling, "")
    reason = " ".join(reason.split()).strip(" :.") or "it does not read"
    said = (f"this file {reason}" if reason.startswith("is ")
            else f"this file does not read ({reason})")
    return (f"warehouse file {local}: {said}: move it out of the warehouse; `backcourt "
            "status` then shows the partitions it held as missing, and `backcourt backfill` "
            "over their dates writes them again")


def _local(path: str) -> str:
    """``file:///a/b`` and ``file:/a/b`` as ``/a/b``; any other address as it is."""
    if path.startswith("file:"):
        return "/" + path.removeprefix("file:").lstrip("/")
    return path
