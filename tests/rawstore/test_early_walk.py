"""A read command's head start: the raw store's walk forked at the entry point is the walk
the command would have made, and only read commands over many dates start one."""

from __future__ import annotations

import json
import subprocess
import sys
import time

from backcourt.rawstore.early_walk import _root_to_walk

LONG = ["--start", "2023-10-01", "--end", "2024-06-30"]


def _child(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.strip()


def test_the_forked_walk_is_the_walk_of_the_store(sim_raw):
    code = f"""
from backcourt.rawstore import early_walk, local_walk
early_walk.start(["status", *{LONG!r}, "--raw", {sim_raw!r}])
assert early_walk._started, "no walk was started"
got = early_walk.take({sim_raw!r})
assert got == local_walk.walk_local({sim_raw!r}, 3), "not the same walk"
assert early_walk.take({sim_raw!r}) is None   # once
print(sum(map(len, got.values())))
"""
    assert int(_child(code)) > 100   # the raw files of the simulated weeks


def test_a_failed_child_leaves_the_walk_to_the_command(sim_raw):
    code = f"""
from backcourt.rawstore import early_walk, listing
def broken(root, depth):
    raise PermissionError("cannot read")
early_walk.walk_local = broken   # the child's walk fails
early_walk.start(["plan", *{LONG!r}, "--raw", {sim_raw!r}])
assert early_walk._started
assert early_walk.take({sim_raw!r}) is None
w = listing.Walk({sim_raw!r})   # the command walks itself
print(len(w.digest()))
"""
    assert _child(code) == "64"


def test_only_read_commands_over_many_dates_start_one(sim_raw, monkeypatch):
    monkeypatch.delenv("BACKCOURT_RAW", raising=False)
    assert _root_to_walk(["plan", *LONG, "--raw", sim_raw]) == sim_raw
    assert _root_to_walk(["validate", *LONG, f"--raw={sim_raw}"]) == sim_raw
    assert _root_to_walk(["backfill", *LONG, "--raw", sim_raw]) is None   # it writes
    assert _root_to_walk(["plan", "--start", "2024-01-01", "--end", "2024-01-31",
                          "--raw", sim_raw]) is None   # a month reads its folders alone
    assert _root_to_walk(["plan", *LONG]) is None   # the root the warehouse records
    assert _root_to_walk(["plan", "--start", "2024-13-01", "--end", "2024-06-30",
                          "--raw", sim_raw]) is None   # the command names the mistake
    assert _root_to_walk(["plan", *LONG, "--raw", "s3://bucket/raw"]) is None
    assert _root_to_walk(["plan", *LONG, "--raw", sim_raw + "-typo"]) is None
    monkeypatch.setenv("BACKCOURT_RAW", sim_raw)
    assert _root_to_walk(["status", *LONG]) == sim_raw


def test_a_command_with_a_head_start_answers_as_one_without(sim_raw, tmp_path):
    """The whole process (with the forked walk) and the CLI called in a process (no entry
    point, no fork) give the same plan."""
    wh = str(tmp_path / "w.duckdb")
    subprocess.run([sys.executable, "-m", "backcourt", "run", "--phase", "2", "--processor",
                    "schedule", "--start", "2023-10-24", "--end", "2023-10-24", "--raw",
                    sim_raw, "--warehouse", wh, "--json"], capture_output=True, check=True)
    args = ["plan", *LONG, "--raw", sim_raw, "--warehouse", wh, "--json"]
    forked = subprocess.run([sys.executable, "-m", "backcourt", *args], capture_output=True,
                            text=True)
    inline = subprocess.run([sys.executable, "-c", "import sys\nfrom backcourt.cli import app\n"
                             f"sys.argv = ['backcourt', *{args!r}]\napp()"],
                            capture_output=True, text=True)
    assert forked.returncode == inline.returncode, forked.stderr[-2000:]
    a, b = json.loads(forked.stdout), json.loads(inline.stdout)
    assert a["partitions_to_run"] > 0 and a == b


def test_a_command_that_ends_early_does_not_wait_for_the_walk(tmp_path):
    """The child holds none of the command's output: a caller reading the command's output
    to its end gets it when the command exits, not when a walk it started ends (here a
    slow one: the walk is made to sleep)."""
    raw = tmp_path / "raw"
    (raw / "nba_schedule" / "2023-10-24").mkdir(parents=True)
    code = ("import sys, time\n"
            "from backcourt.rawstore import early_walk\n"
            "def slow(root, depth):\n"
            "    time.sleep(5)\n"
            "    return {}\n"
            "early_walk.walk_local = slow\n"
            f"early_walk.start(['plan', *{LONG!r}, '--raw', {str(raw)!r}])\n"
            "assert early_walk._started\n"
            "print('usage error', flush=True)\n"
            "sys.exit(2)\n")
    t = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 2 and done.stdout == "usage error\n", done.stderr
    assert time.perf_counter() - t < 4
