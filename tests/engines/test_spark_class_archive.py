"""The driver JVM's class-data archive: written by the first process, used by the next.

The first fresh process with no archive has its JVM write one at exit (a part file of its
own); the next start adopts a finished part file and passes it to the JVM; part files
that never finished are removed, and one still being written is left alone. The folder
stays bounded: other names' part files and archives nobody uses, and every file of a
deleted clone's venv, go at the next start (small files stand in for the JVM's dumps).
"""

from __future__ import annotations

import os
import shutil
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
    name = final.removesuffix(".jsa")
    assert sorted(p.name for p in where.iterdir()) == [final, f"{name}.paths"]
    # what a start of another venv checks: this pyspark install is still there
    assert any(p.endswith("pyspark") and os.path.isdir(p)
               for p in (where / f"{name}.paths").read_text().splitlines())


def test_unfinished_part_files_go_and_one_being_written_stays(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    where = tmp_path / "backcourt"
    where.mkdir()
    name = class_archive._name(class_archive._ident())
    broken, busy = where / f"{name}.a.part", where / f"{name}.b.part"
    broken.write_bytes(b"\0" * 64)   # the JVM died before writing the header
    old = time.time() - 60
    os.utime(broken, (old, old))
    busy.write_bytes(b"\0" * 64)     # written a moment ago
    opts = class_archive.options()
    assert "-XX:ArchiveClassesAtExit=" in opts
    assert not broken.exists() and busy.exists()
    assert not (where / f"{name}.jsa").exists()


MB = 1 << 20


def _file(path: Path, size: int, *, finished: bool = True, age_s: float = 0.0) -> Path:
    """A stand-in for a JVM's dump: the magic number when it finished, then zeros."""
    path.write_bytes((class_archive.MAGIC if finished else b"\0" * 4) + b"\0" * (size - 4))
    then = time.time() - age_s
    os.utime(path, (then, then))
    return path


def _held(where: Path) -> int:
    """The bytes of archives and part files (a name's ``.paths`` is a line or two)."""
    return sum(p.stat().st_size for p in where.iterdir() if p.suffix in (".jsa", ".part"))


def test_other_names_part_files_and_unused_archives_do_not_pile_up(tmp_path, monkeypatch):
    """Every venv path has its own name; a clone deleted before its next start left its part
    file (~190 MB) behind for ever, and an archive nobody uses any more stayed too."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    where = tmp_path / "backcourt"
    where.mkdir()
    hour, day = 3600.0, 86400.0
    left = _file(where / "spark-classes-aaaaaaaaaaaaaaaa.x1.part", MB, age_s=hour)
    spare = _file(where / "spark-classes-bbbbbbbbbbbbbbbb.x2.part", MB, age_s=hour)
    kept = _file(where / "spark-classes-bbbbbbbbbbbbbbbb.jsa", MB, age_s=day)
    died = _file(where / "spark-classes-cccccccccccccccc.x3.part", MB, finished=False, age_s=hour)
    # five minutes unchanged: settled by its own name's rule (10 s), not by another's
    busy = _file(where / "spark-classes-dddddddddddddddd.x4.part", MB, finished=False, age_s=300)
    unused = _file(where / "spark-classes-eeeeeeeeeeeeeeee.jsa", MB, age_s=30 * day)
    before = _held(where)
    class_archive.options()
    # a finished part file of another name becomes that name's archive (its own next
    # start would have adopted it), and then ages like any archive
    adopted = where / "spark-classes-aaaaaaaaaaaaaaaa.jsa"
    assert adopted.exists() and not left.exists()
    assert adopted.stat().st_mtime < time.time() - hour / 2   # still the dump's time
    assert not spare.exists() and kept.exists()   # that name had an archive already
    assert not died.exists()                       # the JVM died before the header
    assert busy.exists()                           # perhaps still being written
    assert not unused.exists()                     # not used for 30 days
    assert _held(where) == before - 3 * MB


def _venv(root: Path) -> list[str]:
    """The ident of a pyspark installed under ``root`` (a clone's venv), on this Java."""
    (root / "pyspark").mkdir(parents=True)
    java = os.path.realpath(shutil.which("java") or "/usr/bin/java")
    return ["4.0.0", str(root / "pyspark"), "", java]


def _dumped(opts: str, size: int) -> Path:
    """What the JVM does at exit with ``-XX:ArchiveClassesAtExit``: writes the archive."""
    assert "-XX:ArchiveClassesAtExit=" in opts
    return _file(Path(opts.split("-XX:ArchiveClassesAtExit=")[1].split()[0]), size)


def test_files_of_deleted_clones_go_at_the_next_start(tmp_path):
    """Each fresh clone (a CI run) has a venv path of its own, so a name of its own; its
    part file or archive went nowhere once the clone was deleted."""
    where = tmp_path / "cache"
    kept = _venv(tmp_path / "kept")
    _dumped(class_archive._options(where, kept), MB)
    most = 0
    for i in range(6):
        clone = _venv(tmp_path / f"clone{i}")
        _dumped(class_archive._options(where, clone), MB)
        most = max(most, _held(where))
        shutil.rmtree(tmp_path / f"clone{i}")
    live = _venv(tmp_path / "live")
    opts = class_archive._options(where, live)
    assert "-XX:ArchiveClassesAtExit=" in opts   # its own archive is not there yet
    # left: the clone still on disk (its part file, too recent to adopt for another
    # name) and each live name's paths; at most two clones' files were ever there at once
    name = class_archive._name(kept)
    assert sorted(p.name for p in where.iterdir() if not p.name.endswith(".part")) == sorted(
        [f"{name}.paths", f"{class_archive._name(live)}.paths"])
    assert [p.name.split(".")[0] for p in where.glob("*.part")] == [name]
    assert most == 2 * MB and _held(where) == MB
    assert (where / f"{name}.paths").read_text().splitlines() == kept[1:2] + kept[3:]


def test_an_archive_in_use_is_kept_however_old(tmp_path):
    """A start touches the archive it uses, so another venv's start, even weeks after the
    archive was written, does not take it as unused; one nobody used for weeks goes."""
    where = tmp_path / "cache"
    mine, other = _venv(tmp_path / "mine"), _venv(tmp_path / "other")
    class_archive._options(where, mine)
    final = _file(where / f"{class_archive._name(mine)}.jsa", MB, age_s=40 * 86400)
    opts = class_archive._options(where, mine)
    assert f"-XX:SharedArchiveFile={final}" in opts
    assert final.stat().st_mtime > time.time() - 60
    class_archive._options(where, other)
    assert final.exists()
    long_ago = time.time() - 40 * 86400
    os.utime(final, (long_ago, long_ago))   # then nobody used it for 40 days
    class_archive._options(where, other)
    assert not final.exists()
    assert not (where / f"{class_archive._name(mine)}.paths").exists()


def test_an_archive_removed_after_the_check_starts_the_jvm_without_it(tmp_path):
    """Another start may remove an archive between this start's check and its JVM's
    opening it: the JVM starts without one, silently; the next start writes a new one."""
    where = tmp_path / "cache"
    mine = _venv(tmp_path / "mine")
    class_archive._options(where, mine)
    final = _file(where / f"{class_archive._name(mine)}.jsa", MB)
    opts = class_archive._options(where, mine)
    assert f"-XX:SharedArchiveFile={final}" in opts
    final.unlink()   # another process pruned it meanwhile
    java = subprocess.run(["java", *opts.split(), "-version"], capture_output=True,
                          text=True, timeout=60)
    said = java.stderr.lower()   # -version writes to stderr; nothing else is there
    assert java.returncode == 0 and "version" in said.splitlines()[0]
    assert not any(word in said for word in ("archive", "error", "warning"))
    assert "-XX:ArchiveClassesAtExit=" in class_archive._options(where, mine)
