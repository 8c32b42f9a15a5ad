"""Date partitions written by the driver itself, when Spark runs in local mode on a local
folder.

Spark's own write goes through Hadoop's local file system, which sets the permissions of
every file and folder it creates by starting a ``chmod`` process when Hadoop's native
library is absent (as with the pip-installed pyspark): ~90 processes for a 26-date write,
and with the write's own job and commit about 1.1 s per table and batch. In local mode the
driver is the only executor and the warehouse a folder on its disk, so the rows (collected
as Arrow) are written here instead: one Parquet file per date into a hidden staging folder
of the table, then each date's folder is swapped in by renames. Spark lists the same
folders (it skips names starting with ``.`` or ``_``) and reads the files with the table's
declared types, so every reader sees the table it would have seen after Spark's write.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import uuid
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.parquet as pq

from backcourt.arrow import pa

COMPRESSION = "zstd"   # as spark.sql.parquet.compression.codec


def local_folder(path: str) -> str | None:
    """The folder a warehouse path names on this machine (``file:`` or no scheme), or
    None (``hdfs://``, ``s3a://``…)."""
    if path.startswith("file://"):
        return path[len("file://"):]
    if path.startswith("file:"):
        return path[len("file:"):]
    return None if "://" in path else path


def replace_dates(location: str, column: str, days: Iterable[date], rows: pa.Table) -> None:
    """Make the folder ``<location>/<column>=<day>`` of each of ``days`` hold exactly
    ``rows`` of that day (``rows``: the table's columns, ``column`` among them, typed as
    Spark stores them); a day without rows loses its folder."""
    with staging_in(Path(location)) as staging:
        data = rows.drop_columns([column])
        keys = rows.column(column)
        for day in days:
            put(staging, f"{column}={day.isoformat()}",
                data.filter(pc.equal(keys, pa.scalar(day, keys.type))))


@contextlib.contextmanager
def staging_in(root: Path) -> Iterator[Path]:
    """A hidden staging folder inside ``root`` (created if need be), removed after."""
    root.mkdir(parents=True, exist_ok=True)
    staging = root / f".backcourt-staging-{uuid.uuid4().hex}"
    staging.mkdir()
    try:
        yield staging
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def put(staging: Path, name: str, rows: pa.Table) -> None:
    """Make the folder ``name`` beside ``staging`` hold exactly ``rows``, as one Parquet
    file written into ``staging`` and swapped in by renames; no rows: no folder."""
    if rows.num_rows:
        (staging / name).mkdir()
        pq.write_table(rows, staging / name /
                       f"part-00000-{uuid.uuid4()}.c000.{COMPRESSION}.parquet",
                       compression=COMPRESSION)
    _swap(staging.parent / name, staging / name if rows.num_rows else None, staging)


def _swap(target: Path, new: Path | None, staging: Path) -> None:
    """Replace the folder ``target`` with ``new`` (None: remove it)."""
    old = staging / f"old-{target.name}"
    with contextlib.suppress(FileNotFoundError):
        os.rename(target, old)
    if new is not None:
        os.rename(new, target)


def scannable(schema: pa.Schema) -> bool:
    """Whether Spark reads a Parquet file of ``schema`` back as the same values with the
    types ``createDataFrame`` would give them: numbers, booleans, text, dates, decimals and
    timestamps without a time zone, in micro- or milliseconds."""
    def ok(t: pa.DataType) -> bool:
        if pa.types.is_timestamp(t):
            return t.tz is None and t.unit in ("us", "ms")
        return (pa.types.is_boolean(t) or pa.types.is_integer(t) or pa.types.is_floating(t)
                or pa.types.is_string(t) or pa.types.is_large_string(t)
                or pa.types.is_date32(t) or pa.types.is_decimal128(t))
    return all(ok(f.type) for f in schema)


@contextlib.contextmanager
def scratch(root: str, rows: pa.Table) -> Iterator[str]:
    """``rows`` as one Parquet file under ``<root>/_scratch`` while the block runs."""
    folder = Path(root, "_scratch")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4().hex}.parquet"
    pq.write_table(rows, path, compression="none")
    try:
        yield str(path)
    finally:
        path.unlink(missing_ok=True)
