"""The Spark class archive's cache folder over many fresh clones, and what its pruning costs.

    .venv/bin/python bench/class_archive_folder.py [--src SRC] [--clones 10] [--names 300]

Each fresh clone (a CI run) is a venv path of its own: a folder holding a stand-in
``pyspark`` package (so the archive's name differs per clone, as a real venv's does).
Each runs ``class_archive.options()`` in a process of its own on one temporary cache
folder, then "its JVM" writes the dump it was told to (a sparse file of the real size,
190 MB, with the archive's magic number), and the clone is deleted. Prints the folder's
apparent size after each clone, then the CPU time of one ``options()`` over a folder of
``--names`` other names (an archive and a ``.paths`` each, none to remove). ``--src``
picks the code (another checkout's ``src``, e.g. from ``git archive``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DUMP = 190 * 1000 * 1000
MAGIC = bytes.fromhex("a8ab0bf0")
PROBE = "from backcourt.warehouse.spark import class_archive as c; print(c.options())"
TIMED = """
import time
from backcourt.warehouse.spark import class_archive as c
c.options()
t = time.process_time()
for _ in range({runs}):
    c.options()
print((time.process_time() - t) / {runs})
"""


def held(where: Path) -> int:
    return sum(p.stat().st_size for p in where.iterdir()) if where.exists() else 0


def clone_run(src: str, root: Path, cache: Path) -> None:
    (root / "pyspark").mkdir(parents=True)
    (root / "pyspark" / "__init__.py").write_text('__version__ = "4.0.0"\n')
    env = dict(os.environ, XDG_CACHE_HOME=str(cache), PYTHONPATH=f"{root}{os.pathsep}{src}")
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, check=True,
                         capture_output=True, text=True).stdout
    if "-XX:ArchiveClassesAtExit=" in out:
        part = Path(out.split("-XX:ArchiveClassesAtExit=")[1].split()[0])
        with part.open("wb") as f:   # the JVM's dump at exit
            f.write(MAGIC)
            f.truncate(DUMP)
    shutil.rmtree(root)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--src", default=str(Path(__file__).resolve().parent.parent / "src"))
    ap.add_argument("--clones", type=int, default=10)
    ap.add_argument("--names", type=int, default=300)
    ap.add_argument("--runs", type=int, default=50)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        cache = base / "cache"
        sizes = []
        for i in range(a.clones):
            clone_run(a.src, base / f"clone{i}", cache)
            sizes.append(held(cache / "backcourt"))
            print(f"after clone {i + 1}: {sizes[-1] / 1e6:,.0f} MB in "
                  f"{len(list((cache / 'backcourt').iterdir()))} files")
        many = base / "many" / "backcourt"
        many.mkdir(parents=True)
        now = time.time()
        for i in range(a.names):
            name = f"spark-classes-{i:016x}"
            (many / f"{name}.jsa").write_bytes(MAGIC)
            (many / f"{name}.paths").write_text(f"{base}\n")
            os.utime(many / f"{name}.jsa", (now, now))
        env = dict(os.environ, XDG_CACHE_HOME=str(base / "many"), PYTHONPATH=a.src)
        cpu = float(subprocess.run([sys.executable, "-c", TIMED.format(runs=a.runs)], env=env,
                                   check=True, capture_output=True, text=True).stdout)
        print(f"options() over {a.names} other names: {cpu * 1e3:.2f} ms CPU")
        print(json.dumps({"src": a.src, "sizes_mb": [round(s / 1e6) for s in sizes],
                          "options_cpu_ms": round(cpu * 1e3, 2), "names": a.names}))


if __name__ == "__main__":
    main()
