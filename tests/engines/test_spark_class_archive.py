"""The driver JVM's class-data archive: written by the first process, used by the next.

The first fresh process with no archive has its JVM write one at exit (a part file of its
own); the next start adopts a finished part file and passes it to the JVM; part files
that never finished are removed, and one still being written is left alone.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from backcourt.warehouse.spark import class_archive

START = """
from backcourt.warehouse.spark.session import build_session, java_options
print(java_options("local[2]"))
spark = build_session("local[2]", {wh!r})
assert spark.sql("SELECT 1").collect()[0][0] == 1
# the local settings fixed at the start reached the JVM
conf = spark.sparkContext.getConf()
assert conf.get("spark.shuffle.compress") == conf.get("spark.broadcast.compress") == "false"
jvm_args = spark._jvm.java.lang.management.ManagementFactory.getRuntimeMXBean()
assert "-XX:CICompilerCount=1" in list(jvm_args.getInputArguments())
spark.stop()
"""


def _start(tmp: Path) -> str:
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp / "cache"))
    env.pop("BACKCOURT_SPARK_JAVA_OPTIONS", None)
    out = subprocess.run([sys.executable, "-c", START.format(wh=str(tmp / "wh"))], env=env,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout.strip().splitlines()[0]


def test_the_first_process_writes_the_archive_and_the_next_uses_it(tmp_path):
    first = _start(tmp_path)
    assert "-XX:ArchiveClassesAtExit=" in first
    where = tmp_path / "cache" / "backcourt"
    deadline = time.time() + 120   # the JVM may still be writing once python has exited
    while time.time() < deadline:
        parts = list(where.glob("*.part"))
        if len(parts) == 1 and parts[0].read_bytes()[:4] == class_archive.MAGIC:
            break
        time.sleep(1)
    assert len(parts) == 1 and parts[0].read_bytes()[:4] == class_archive.MAGIC
    old = time.time() - 60
    os.utime(parts[0], (old, old))   # settled
    second = _start(tmp_path)
    final = parts[0].name.split(".")[0] + ".jsa"
    assert f"-XX:SharedArchiveFile={where / final}" in second
    assert sorted(p.name for p in where.iterdir()) == [final]


def test_unfinished_part_files_go_and_one_being_written_stays(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    where = tmp_path / "backcourt"
    where.mkdir()
    name = class_archive._name()
    broken, busy = where / f"{name}.a.part", where / f"{name}.b.part"
    broken.write_bytes(b"\0" * 64)   # the JVM died before writing the header
    old = time.time() - 60
    os.utime(broken, (old, old))
    busy.write_bytes(b"\0" * 64)     # written a moment ago
    opts = class_archive.options()
    assert "-XX:ArchiveClassesAtExit=" in opts
    assert not broken.exists() and busy.exists()
    assert not (where / f"{name}.jsa").exists()
