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
its own options (``answer_key``).
"""

from __future__ import annotations

import hashlib
import os
import pickle
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from backcourt.ledger import PartitionState

if TYPE_CHECKING:
    from backcourt.partitions.context import Context
    from backcourt.registry import Source

FORMAT = 1
KEEP = 16   # passes and answers kept per warehouse (status, plan, validate; ranges)
_CODE: list[str] = []   # backcourt's source files' stamp, once per process


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
    try:
        data = pickle.loads(_path(ctx, k).read_bytes())
        if not isinstance(data, dict) or data.get("key") != k:
            return None
        keys, columns = data["latest"]
        data["latest"] = dict(zip(keys, map(PartitionState._make, zip(*columns, strict=True)),
                                  strict=True))
    except Exception:   # noqa: BLE001 - a damaged file (pickle raises many kinds) is no
        return None     # answer: the pass is computed as if nothing were kept
    return data


def save(ctx: Context, k: str, fields: dict) -> None:
    """Keep a pass's ``fields`` (``States.kept_fields``) under ``k``, and only the newest
    ``KEEP`` passes. A folder that cannot be written to (a read-only warehouse folder)
    keeps nothing: the next command computes."""
    latest = fields["latest"]
    # by column: a third faster both ways than 17,000 named tuples
    _write(ctx, k, {**fields, "key": k,
                    "latest": (list(latest), list(zip(*latest.values(), strict=True)))})


def load_answer(ctx: Context, k: str) -> object | None:
    """A read command's whole answer kept under ``k`` (``save_answer``), or None."""
    try:
        data = pickle.loads(_path(ctx, k).read_bytes())
    except Exception:   # noqa: BLE001 - as in ``load``: no answer, computed again
        return None
    if not isinstance(data, dict) or data.get("key") != k:
        return None
    return data.get("answer")


def save_answer(ctx: Context, k: str, answer: object) -> None:
    """Keep a read command's answer (e.g. ``validate``'s findings), a function of the same
    inputs as the pass under the key it was derived from (``answer_key``)."""
    _write(ctx, k, {"key": k, "answer": answer})


def answer_key(pass_key: str | None, *question: object) -> str | None:
    """The key of an answer computed from the pass under ``pass_key`` and ``question``
    (the command's own options), or None when the pass cannot be kept."""
    if pass_key is None:
        return None
    text = "\n".join([pass_key, *map(repr, question)])
    return hashlib.sha256(text.encode()).hexdigest()[:32]


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
