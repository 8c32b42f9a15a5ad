"""The core knows no basketball: a bakery's three processors (a Python loader, a same-day
SQL sum, a three-day window) are planned, run, validated and damaged through the core,
in a process that never imports the NBA pipeline (tests/toy/bakery.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_a_bakery_pipeline_runs_on_the_core_alone(tmp_path):
    r = subprocess.run([sys.executable, "-m", "tests.toy.bakery", str(tmp_path)],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "bakery ok" in r.stdout
