"""An unreadable raw folder is never read as an empty one: the command stops with one line
naming the folder and the cause (exit 2), and records nothing for it.

Root reads any folder, so the command runs as root without the capabilities that bypass
file permissions (util-linux ``setpriv``), as an operator's own user would."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SIM_END, SIM_START

DAY = "2023-11-08"
SETPRIV = shutil.which("setpriv")


def as_a_user(*args: str, env: dict) -> subprocess.CompletedProcess:
    if SETPRIV is None:
        if os.environ.get("CI"):
            pytest.fail("util-linux setpriv is needed to drop root's file-permission bypass")
        pytest.skip("setpriv not installed")
    drop = [SETPRIV, "--bounding-set=-dac_override,-dac_read_search", "--"] \
        if os.geteuid() == 0 else []
    return subprocess.run([*drop, sys.executable, "-m", "backcourt.cli", *args],
                          env={**os.environ, **env}, capture_output=True, text=True,
                          timeout=300)


def test_an_unreadable_date_folder_stops_the_run_and_names_it(tmp_path, sim_raw):
    raw = tmp_path / "raw"
    shutil.copytree(sim_raw, raw)
    folder = raw / "nba_boxscore" / DAY
    folder.chmod(0)
    env = {"BACKCOURT_WAREHOUSE": str(tmp_path / "w.duckdb"), "BACKCOURT_RAW": str(raw)}
    try:
        rng = ["--start", SIM_START.isoformat(), "--end", SIM_END.isoformat()]
        for command in (["backfill", *rng, "--phases", "2"], ["plan", *rng],
                        ["backfill", "--start", DAY, "--end", DAY, "--phases", "2"]):
            p = as_a_user(*command, env=env)
            assert p.returncode == 2, (command, p.stdout[-500:], p.stderr[-500:])
            assert f"{folder}: Permission denied" in p.stderr and "Traceback" not in p.stderr
    finally:
        folder.chmod(0o755)
    if Path(env["BACKCOURT_WAREHOUSE"]).exists():   # nothing of that date was recorded
        import duckdb

        con = duckdb.connect(env["BACKCOURT_WAREHOUSE"], read_only=True)
        n = con.execute("SELECT count(*) FROM backcourt_ops.ledger WHERE game_date = ?",
                        [DAY]).fetchone()[0]
        con.close()
        assert n == 0
