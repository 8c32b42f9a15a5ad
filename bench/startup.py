"""Time the command line's start-up: ``python -m backcourt --help`` as a whole process.

    .venv/bin/python bench/startup.py [--runs 15] [--target 0.15]

Prints the best and median wall time and the median CPU time (user + system) of the
process, the number of modules it imported, and whether the best wall time meets the
target. On a loaded machine the CPU time is the steadier figure.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time

from bytecode import cache_bytecode


def one(args: list[str]) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run([sys.executable, *args], check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--target", type=float, default=0.15)
    a = ap.parse_args()
    cache_bytecode()
    probe = ("import sys, runpy; sys.argv = ['backcourt', '--help']\n"
             "try:\n    runpy.run_module('backcourt', run_name='__main__')\n"
             "except SystemExit:\n    pass\n"
             "sys.stderr.write(str(len(sys.modules)))")
    modules = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                             check=True).stderr.strip().splitlines()[-1]
    bare = [one(["-c", "pass"]) for _ in range(a.runs)]
    runs = [one(["-m", "backcourt", "--help"]) for _ in range(a.runs)]
    best = min(w for w, _ in runs)
    result = {
        "command": "python -m backcourt --help", "runs": a.runs,
        "wall_best_s": round(best, 3),
        "wall_median_s": round(statistics.median(w for w, _ in runs), 3),
        "cpu_median_s": round(statistics.median(c for _, c in runs), 3),
        "python_alone_wall_best_s": round(min(w for w, _ in bare), 3),
        "modules": int(modules), "load": os.getloadavg()[0],
        "target_s": a.target, "met": best <= a.target,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
