"""A damaged data file of a Spark warehouse: the command's error names the file and the
cause in one line, and says the way out — as a damaged DuckDB file is named — exit 2 (the
environment, not the run); Spark's Java trace only with ``--debug``.

Real parts: two simulated game dates, Phase 2 run by the CLI on Spark in local mode (the
driver writes one Parquet file per month and table), one of those files overwritten with
garbage, then ``status`` and ``backfill`` in processes of their own.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

RANGE = ["--start", "2023-10-24", "--end", "2023-10-25"]


def _cli(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BACKCOURT_")}
    env["BACKCOURT_SPARK_MASTER"] = "local[1]"
    return subprocess.run([sys.executable, "-m", "backcourt", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def damaged(tmp_path_factory) -> tuple[Path, Path]:
    """A Spark warehouse whose Phase 2 ran over two dates, and its damaged file."""
    from backcourt.rawstore import RawStore
    from backcourt.sources import sim

    root = tmp_path_factory.mktemp("spark_damaged")
    sim.scrape(RawStore(str(root / "raw")), date(2023, 10, 24), date(2023, 10, 25), seed=3)
    ran = _cli(root, "run", "--phase", "2", *RANGE, "--engine", "spark",
               "--warehouse", "sw", "--raw", "raw")
    assert ran.returncode == 0, ran.stderr[-2000:]
    [file] = (root / "sw" / "tables" / "nba_raw" / "gamebook_player_stats").glob("*/*.parquet")
    file.write_bytes(b"garbage")
    return root, file


def _error(p: subprocess.CompletedProcess) -> str:
    """The error's line: one line of stderr."""
    [line] = [line for line in p.stderr.splitlines() if line.startswith("error: ")]
    return line


@pytest.mark.parametrize("command", [["status", "--phase", "2", "--json"],
                                     ["--debug", "backfill", "--phases", "2-3"]],
                         ids=["status-json", "backfill-debug"])
def test_a_damaged_parquet_file_is_named_in_one_line(damaged, command):
    """The line was the whole Py4J message with its Java stack (thousands of characters),
    exit 1; the file's path and its cause were somewhere inside. The trace now comes
    after the line only with --debug."""
    root, file = damaged
    p = _cli(root, *command, *RANGE, "--engine", "spark", "--warehouse", "sw", "--raw", "raw")
    assert p.returncode == 2, p.stderr[-2000:]
    line = _error(p)
    assert f"warehouse file {file}: this file is not a Parquet file (length is too low: 7)" \
        in line, line
    assert "move it out of the warehouse" in line and "backcourt backfill" in line, line
    assert len(line) < 500 and " at org.apache" not in line, line
    if "--json" in command:   # stdout says it too, as for any error of a command
        import orjson

        assert orjson.loads(p.stdout) == {"ok": False, "exit": 2,
                                          "error": line.removeprefix("error: ")}
    debug = command[0] == "--debug"
    assert ("Traceback" in p.stderr) == debug
    # (Spark's own log printed the trace too, before the line)
    assert ("at org.apache.parquet" in p.stderr) == debug


def test_a_damaged_duckdb_file_is_named_alike(tmp_path):
    (tmp_path / "wh.duckdb").write_bytes(b"garbage-garbage-garbage")
    p = _cli(tmp_path, "status", *RANGE, "--warehouse", "wh.duckdb", "--raw", "raw")
    assert p.returncode == 2, p.stderr
    assert "warehouse wh.duckdb: this file is not a DuckDB database" in p.stderr


def test_a_damaged_file_met_inside_a_run_is_the_failure_s_reason(tmp_path):
    """A file the plan does not read (another month of an input) but a processor's
    statement does: the batch failed with the Py4J message as its reason, whose first
    line — all the run's summary shows — was 'An error occurred while calling o…'. The
    reason is now the file's line, with the way out; the run exits 1 (work failed)."""
    from backcourt.rawstore import RawStore
    from backcourt.sources import sim

    span = ["--start", "2023-10-31", "--end", "2023-11-01"]
    sim.scrape(RawStore(str(tmp_path / "raw")), date(2023, 10, 31), date(2023, 11, 1), seed=3)
    ran = _cli(tmp_path, "run", "--phase", "2", *span, "--engine", "spark",
               "--warehouse", "sw", "--raw", "raw")
    assert ran.returncode == 0, ran.stderr[-2000:]
    [file] = (tmp_path / "sw" / "tables" / "nba_raw" / "gamebook_player_stats"
              ).glob("2023-10/*.parquet")
    file.write_bytes(b"garbage")
    p = _cli(tmp_path, "run", "--phase", "3", "--start", "2023-11-01", "--end", "2023-11-01",
             "--engine", "spark", "--warehouse", "sw", "--raw", "raw")
    assert p.returncode == 1, (p.stdout[-2000:], p.stderr[-2000:])
    errors = [line for line in p.stdout.splitlines()
              if line.startswith("FAILED ") and ": PROCESSING_ERROR: " in line]
    assert errors, p.stdout[-3000:]
    for line in errors:   # (player_game_summary reads the box scores)
        reason = line.split(": PROCESSING_ERROR: ", 1)[1]
        assert reason.startswith(f"warehouse file {file}: this file is not a Parquet file"), line
        assert "move it out of the warehouse" in reason, line
    assert "at org.apache" not in p.stdout + p.stderr
