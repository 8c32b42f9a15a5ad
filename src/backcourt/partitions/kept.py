"""The state pass kept between read commands.

``status``, ``plan`` and ``validate`` each need the state pass, and computing it reads the
ledger, counts every table's rows per date and fingerprints every done partition's inputs
(four seasons: 17,000 partitions, 22 tables). Nothing of that can change unless one of its
inputs does, so a read command keeps the pass it computed beside the warehouse, under a
key of everything the pass is a function of:

- the warehouse's data on disk (``Warehouse.stamp``: the file's and its log's size, times
  and inode — every committed write moves one of them);
- the raw store (``RawStore.stamp``: every raw file's name, size, times and inode, and its
  notes — an in-place edit moves a file's ctime even when its mtime is put back);
- the code: every processor's code fingerprint, the mode, and backcourt's own source files;
- the question: the range, the sources asked for, ``complete``, ``scrape``, the seed and
  today's date.

A later read command with the same key loads the pass instead of computing it; any change
to any input is a new key, so a kept pass is never out of date — only the proof is cheaper
than the computation (one stat per raw file). Engines without a stamp (Spark, BigQuery),
object stores, and a warehouse this process writes to are never kept.

A command whose whole answer is a function of the same inputs (``status``'s matrix,
``plan``'s plan, ``validate``'s findings) keeps that answer too, under the pass's key plus
its own options (``answer``).
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from backcourt.ledger import PartitionState

if TYPE_CHECKING:
    from backcourt.partitions.context import Context
    from backcourt.registry import Source

FORMAT = 1
KEEP = 16   # passes and answers kept per warehouse (status, plan, validate; ranges)
_CODE: list[str] = []   # backcourt's source files' stamp, once per process
T = TypeVar("T")


def key(ctx: Context, start: date, end: date, complete: bool | None, scrape: bool,
        sources: list[Source], processors: bool) -> str | None:
    """The key of the pass a read command asks for, or None when it cannot be kept."""
    if not ctx.keep_states:
        return None
    warehouse = ctx.wh.stamp()
    if warehouse is None:
        return None
    raw = ctx.store.stamp()
    if raw is None:
        return None
    parts = [f"format {FORMAT}", _code_stamp(), ctx.wh.path, warehouse, ctx.store.root_url,
             raw, f"symlinks {ctx.store.follow_symlinks}", repr(ctx.mode), f"seed {ctx.seed}",
             f"today {date.today()}", f"{start} {end} {complete} {scrape} {processors}",
             ",".join(s.name for s in sources)]
    if processors:
        parts += [f"{p.name}:{ctx.pipeline.code_fingerprint(p)}"
                  for p in ctx.registry.order()]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def load(ctx: Context, k: str) -> dict | None:
    """The fields of the pass kept under ``k`` (None when there is none or it cannot be
    read); ``States.from_kept`` makes the pass of them."""
    data = _read(ctx, k)
    if data is None or "latest" not in data:
        return None
    try:
        keys, columns = data["latest"]
        data["latest"] = dict(zip(keys, map(PartitionState._make, zip(*columns, strict=True)),
                                  strict=True))
    except Exception:   # noqa: BLE001 - not a pass's columns: as if nothing were kept
        return None
    return data


def save(ctx: Context, k: str, fields: dict) -> None:
    """Keep a pass's ``fields`` (``States.kept_fields``) under ``k``, and only the newest
    ``KEEP`` passes. A folder that cannot be written to (a read-only warehouse folder)
    keeps nothing: the next command computes."""
    latest = fields["latest"]
    # by column: a third faster both ways than 17,000 named tuples
    _write(ctx, k, {**fields, "key": k,
                    "latest": (list(latest), list(zip(*latest.values(), strict=True)))})


def answer(ctx: Context, pass_key: str | None, question: tuple, kind: type[T],
           compute: Callable[[], T], kept_as: Callable[[T], T] = lambda a: a) -> T:
    """A read command's whole answer (a ``kind``): the one kept under the pass's key plus
    ``question`` (the command and its own options) when there is one, else ``compute()``,
    then kept (as ``kept_as`` makes it) when the pass can be. The answer is a function of
    the same inputs as the pass, so the pass's key proves it current."""
    if pass_key is None:
        return compute()
    k = hashlib.sha256("\n".join([pass_key, *map(repr, question)]).encode()).hexdigest()[:32]
    data = _read(ctx, k)
    if data is not None and isinstance(data.get("answer"), kind):
        return data["answer"]
    found = compute()
    _write(ctx, k, {"key": k, "answer": kept_as(found)})
    return found


def _read(ctx: Context, k: str) -> dict | None:
    """What is kept under ``k``, or None: nothing, another key's, or a damaged file (pickle
    raises many kinds: it is no answer, and the command computes as if none were kept)."""
    try:
        data = pickle.loads(_path(ctx, k).read_bytes())
    except Exception:   # noqa: BLE001
        return None
    return data if isinstance(data, dict) and data.get("key") == k else None


def _write(ctx: Context, k: str, data: dict) -> None:
    path = _path(ctx, k)
    try:
        path.parent.mkdir(exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(tmp, path)
        kept = sorted(path.parent.glob("*.pickle"), key=lambda p: p.stat().st_mtime_ns)
        for old in kept[:-KEEP]:
            old.unlink(missing_ok=True)
    except OSError:
        return


def folder(warehouse: str) -> Path:
    """Where a warehouse's kept passes live: beside it, like its lock and progress files."""
    return Path(f"{warehouse}.states")


def _path(ctx: Context, k: str) -> Path:
    return folder(ctx.wh.path) / f"{k}.pickle"


def _code_stamp() -> str:
    """backcourt's own source files (a changed rule of the state pass is a new key)."""
    if not _CODE:
        root = Path(__file__).resolve().parents[1]
        h = hashlib.sha256()
        for where, dirs, files in os.walk(root):
            dirs.sort()
            for name in sorted(files):
                if name.endswith(".py"):
                    st = os.stat(os.path.join(where, name))
                    h.update(f"{where}/{name}:{st.st_size}:{st.st_mtime_ns}\n".encode())
        _CODE.append(h.hexdigest())
    return _CODE[0]
