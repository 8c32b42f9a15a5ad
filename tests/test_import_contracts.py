"""Which room may import which (pyproject.toml, [tool.importlinter]): the planner never
imports the executor, the partition core knows no pipeline, the CLI reaches the warehouse
and the pipeline only through the library."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_are_kept():
    lint = Path(sys.executable).with_name("lint-imports")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    r = subprocess.run([str(lint), "--config", str(ROOT / "pyproject.toml")],
                       capture_output=True, text=True, cwd=ROOT, env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "6 kept, 0 broken" in r.stdout
