"""A new operator off the happy path: typos, missing files, signals. Every command keeps
the exit-code table (0 done, 1 not done and named, 2 usage/environment, 3 busy, 130
interrupted), prints no traceback for a user mistake, and a read command creates nothing.

Real parts: a simulated raw store of two game dates written by the simulator, DuckDB files
in tmp folders, the command line through Typer's runner (and a real process for signals).
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from backcourt.cli import cli

START, END = "2023-10-24", "2023-10-25"
RANGE = ["--start", START, "--end", END]
runner = CliRunner()


def invoke(*args: str, env: dict | None = None):
    return runner.invoke(cli, list(args), env=env)


@pytest.fixture(scope="module")
def tiny_raw(tmp_path_factory) -> str:
    """Two simulated game dates (opening night and the next), written once."""
    from datetime import date

    from backcourt.rawstore import RawStore
    from backcourt.sources import sim

    root = tmp_path_factory.mktemp("tiny") / "store"
    sim.scrape(RawStore(str(root)), date(2023, 10, 24), date(2023, 10, 25), seed=3)
    return str(root)


@pytest.fixture(scope="module")
def filled(tiny_raw, tmp_path_factory) -> str:
    """A warehouse whose Phase 2 schedule ran from ``tiny_raw`` (its recorded raw root)."""
    wh = str(tmp_path_factory.mktemp("wh") / "w.duckdb")
    r = invoke("run", "--processor", "schedule", *RANGE, "--warehouse", wh, "--raw", tiny_raw)
    assert r.exit_code == 0, r.output
    return wh


@pytest.mark.parametrize("command", ["status", "plan", "validate"])
def test_an_unknown_phase_is_a_usage_error(command, filled, tiny_raw):
    """`--phase 7` selected nothing and exited 0 with an empty matrix: a typo read as
    "everything is done"."""
    r = invoke(command, *RANGE, "--phase", "7", "--warehouse", filled, "--raw", tiny_raw)
    assert r.exit_code == 2, r.output
    assert "7" in r.output and "Traceback" not in r.output


READS_WITHOUT_RAW = [["events"], ["failures", *RANGE], ["quality", *RANGE], ["breakers"]]
READS_WITH_RAW = [["quarantine"], ["names", "--unresolved"],
                  ["dashboard", *RANGE, "--out", "{tmp}/d.html"]]


@pytest.mark.parametrize("args", READS_WITHOUT_RAW + READS_WITH_RAW,
                         ids=lambda a: a[0])
def test_a_read_command_on_a_missing_warehouse_creates_nothing(args, tmp_path, tiny_raw):
    """These opened the warehouse for writing: a mistyped --warehouse created an empty
    one (and its lock file) and most of them answered 'nothing here', exit 0."""
    wh = tmp_path / "typo.duckdb"
    extra = ["--raw", tiny_raw] if args in READS_WITH_RAW else []
    r = invoke(*[a.format(tmp=tmp_path) for a in args], "--warehouse", str(wh), *extra,
               "--json")
    assert r.exit_code == 2, r.output
    assert "no warehouse there" in r.output and "Traceback" not in r.output
    assert sorted(p.name for p in tmp_path.iterdir()) == []


WRITES_TO_AN_EXISTING_WAREHOUSE = [
    ["names", "--alias", "Boogie Buckets", "--player-id", "2544", "--raw", "{raw}"],
    ["quarantine", "--release", "nba_boxscore/2023-10-24/x.json", "--raw", "{raw}"],
    ["breakers", "--reset", "1628983"],
]


@pytest.mark.parametrize("args", WRITES_TO_AN_EXISTING_WAREHOUSE, ids=lambda a: a[0])
def test_a_write_to_a_missing_warehouse_creates_nothing(args, tmp_path, tiny_raw):
    """An alias, a release or a breaker reset on a mistyped --warehouse created an empty
    warehouse (and added the alias to the raw store): each changes a warehouse it must
    find, so it is named, exit 2, and nothing is made."""
    import shutil

    raw = tmp_path / "raw"
    shutil.copytree(tiny_raw, raw)
    where = tmp_path / "elsewhere"
    where.mkdir()
    r = invoke(*[a.format(raw=raw) for a in args], "--warehouse", str(where / "typo.duckdb"),
               "--json")
    assert r.exit_code == 2, r.output
    assert "no warehouse there" in r.output and "Traceback" not in r.output
    assert sorted(p.name for p in where.iterdir()) == []
    assert not (raw / ".backcourt" / "player-aliases.json").exists()


@pytest.mark.parametrize("args", [["runs"], ["report", *RANGE], ["events"],
                                  ["failures", *RANGE], ["quality", *RANGE], ["breakers"],
                                  ["status", *RANGE, "--phase", "2"]], ids=lambda a: a[0])
def test_without_raw_a_command_uses_the_warehouse_s_raw_root(args, filled, tmp_path,
                                                              monkeypatch):
    """A warehouse filled with --raw elsewhere refused every command that has no --raw
    option (runs, report, events, failures, quality, breakers), telling the user to
    'check --raw': none of them could be used on it."""
    import orjson

    monkeypatch.chdir(tmp_path)                      # no ./raw here
    r = invoke(*args, "--warehouse", filled, "--json", env={"BACKCOURT_RAW": None})
    assert r.exit_code in (0, 1), r.output           # answered (1: not complete)
    orjson.loads(r.stdout)
    assert list(tmp_path.iterdir()) == []


def test_a_mistyped_raw_is_still_refused(filled, tmp_path):
    r = invoke("status", *RANGE, "--warehouse", filled, "--raw", str(tmp_path / "typo"))
    assert r.exit_code == 2 and "was filled from the raw store" in r.output


@pytest.mark.parametrize("args", [["status", *RANGE, "--raw", "{raw}"], ["runs"],
                                  ["validate", *RANGE, "--raw", "{raw}"]], ids=lambda a: a[0])
def test_a_duckdb_file_that_is_no_warehouse_is_named(args, tmp_path, tiny_raw):
    """--warehouse pointed at another project's DuckDB file (or an empty one) gave
    'error: CatalogException: … backcourt_ops.partition_state does not exist', exit 1."""
    import duckdb

    other = tmp_path / "other.duckdb"
    with duckdb.connect(str(other)) as con:
        con.execute("CREATE TABLE sales (x INTEGER)")
    r = invoke(*[a.format(raw=tiny_raw) for a in args], "--warehouse", str(other))
    assert r.exit_code == 2, r.output
    assert "not a backcourt warehouse" in r.output and "Catalog" not in r.output


def test_sigterm_stops_any_command_with_exit_130(tmp_path):
    """scrape (and every command outside a run) died of SIGTERM with 143 and no word;
    the exit-code table promises 130 for Ctrl-C and SIGTERM alike."""
    import os
    import signal
    import subprocess
    import sys
    import time

    p = subprocess.Popen([sys.executable, "-m", "backcourt", "scrape", "--source", "sim",
                          "--start", "2023-10-24", "--end", "2024-04-14",
                          "--raw", str(tmp_path / "raw")],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=os.environ)
    deadline = time.monotonic() + 120
    while not (tmp_path / "raw").exists() and time.monotonic() < deadline:
        time.sleep(0.2)                              # it is writing: the work is under way
    p.send_signal(signal.SIGTERM)
    out, err = p.communicate(timeout=120)
    assert p.returncode == 130, err.decode()[-500:]
    assert b"interrupted (SIGTERM): run the same command again to resume" in err
    assert b"Traceback" not in err


def test_a_view_stopped_by_ctrl_c_is_not_told_to_resume(tmp_path):
    """Ctrl-C is how one leaves ``watch`` (or ``serve``): its line said 'run the same
    command again to resume', as if work had been cut short. A view says it stopped, and
    exits 130 as any stopped command."""
    import os
    import signal
    import subprocess
    import sys
    import time

    p = subprocess.Popen([sys.executable, "-m", "backcourt", "watch", "--warehouse",
                          str(tmp_path / "wh.duckdb"), "--wait", "60"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=os.environ)
    time.sleep(4)   # waiting for a run to publish (a signal during the imports stops too)
    p.send_signal(signal.SIGINT)
    err = p.communicate(timeout=60)[1].decode()
    assert p.returncode == 130, err[-500:]
    assert "interrupted (SIGINT)" in err and "resume" not in err, err[-500:]
    assert "Traceback" not in err


def test_a_burst_of_stop_signals_still_exits_130_with_one_line(tmp_path):
    """A stop signal that arrives while the command is already stopping (a second Ctrl-C,
    SIGTERM from a supervisor after the terminal's SIGINT) raised another interrupt in the
    clean-up: one message per signal, and once in a while one escaped the CLI's handlers
    (exit -2 with a traceback) or came during the interpreter's shutdown (exit -15, 'lost
    sys.stderr'). Signals keep coming, alternately SIGTERM and SIGINT, from the moment the
    scrape is under way until the process has exited."""
    import os
    import signal
    import subprocess
    import sys
    import time

    for trial in range(3):
        raw = tmp_path / f"raw{trial}"
        p = subprocess.Popen([sys.executable, "-m", "backcourt", "scrape", "--source", "sim",
                              "--start", "2023-10-24", "--end", "2024-04-14", "--raw",
                              str(raw)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             env=os.environ)
        deadline = time.monotonic() + 120
        while not raw.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        sent = 0
        while p.poll() is None:
            try:
                p.send_signal((signal.SIGTERM, signal.SIGINT)[sent % 2])
            except ProcessLookupError:   # (it ended between the poll and the signal)
                break
            sent += 1
            time.sleep(0.0002)
        err = p.communicate(timeout=120)[1].decode()
        assert sent >= 2 and p.returncode == 130, (sent, p.returncode, err[-800:])
        assert err.count("interrupted") == 1, err[-800:]
        assert "Traceback" not in err and "Exception ignored" not in err, err[-800:]


def _serve(tmp_path, *args: str):
    """``backcourt serve`` in a process of its own: its exit code, or None when it is
    still serving after 60 s (then stopped)."""
    import os
    import subprocess
    import sys

    p = subprocess.Popen([sys.executable, "-m", "backcourt", "serve", *RANGE, *args],
                         cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         env=os.environ)
    try:
        _, err = p.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        p.terminate()
        p.communicate()
        return None, ""
    return p.returncode, err.decode()


def test_serve_refuses_a_missing_warehouse_and_a_bad_port(tmp_path, filled, tiny_raw):
    """serve on a mistyped --warehouse served an empty dashboard and created the file on
    the first page view; a port out of range or in use was 'error: OverflowError' or
    'OSError', exit 1."""
    import socket

    code, err = _serve(tmp_path, "--warehouse", str(tmp_path / "typo.duckdb"),
                       "--raw", tiny_raw, "--port", "0")
    assert code == 2 and "no warehouse there" in err
    assert not (tmp_path / "typo.duckdb").exists()
    code, err = _serve(tmp_path, "--warehouse", filled, "--port", "99999")
    assert code == 2 and "--port" in err and "Traceback" not in err
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        code, err = _serve(tmp_path, "--warehouse", filled,
                           "--port", str(taken.getsockname()[1]))
    assert code == 2 and "in use" in err, err


@pytest.mark.parametrize("args", [
    ["status", "--start", "2023-13-01", "--end", END],
    ["plan", *RANGE, "--reprocess", "bogus", "--raw", "{raw}"],
    ["validate", *RANGE, "--processor", "nope", "--raw", "{raw}"],
    ["backfill", *RANGE, "--phases", "3-1", "--raw", "{raw}"],
    ["daily", "--date", "2023-02-30"],
    ["runs", "no-such-run"],
    ["status", *RANGE, "--raw", "{tmp}/typo"],
], ids=lambda a: "-".join(a[:1] + a[5:6]))
def test_an_error_under_json_is_json_with_the_same_exit_code(args, filled, tiny_raw,
                                                            tmp_path):
    """Under --json a failing command left stdout empty: a script reading it got no
    answer (status, plan and runs answer a busy warehouse in JSON; the rest did not)."""
    import orjson

    args = [a.format(raw=tiny_raw, tmp=tmp_path) for a in args]
    plain = invoke(*args, "--warehouse", filled)
    as_json = invoke(*args, "--warehouse", filled, "--json")
    assert as_json.exit_code == plain.exit_code != 0, plain.output
    body = orjson.loads(as_json.stdout)
    assert body["ok"] is False and body["exit"] == plain.exit_code and body["error"]


def test_an_alias_to_an_unknown_player_id_is_refused(tmp_path, tiny_raw):
    """`names --alias NAME --player-id 1` (a typo: no player has id 1) was accepted,
    exit 0, and marked the name's dates stale, to be reloaded under a player who does not
    exist; the library promised a ValueError for an unknown id."""
    import shutil

    raw = tmp_path / "store"
    shutil.copytree(tiny_raw, raw)
    wh = str(tmp_path / "w.duckdb")
    assert invoke("run", "--phase", "2", *RANGE, "--warehouse", wh, "--raw", str(raw)
                  ).exit_code == 0
    r = invoke("names", "--alias", "Boogie Buckets", "--player-id", "1", "--warehouse", wh,
               "--raw", str(raw))
    assert r.exit_code == 2 and "player" in r.output and "1" in r.output, r.output
    assert not (raw / ".backcourt" / "player-aliases.json").exists()


def test_the_plan_s_fix_for_a_deleted_raw_file_fetches_it_again(tmp_path, tiny_raw):
    """A box score deleted behind the tool's back: `plan` suggested `backfill … --phases
    2-5`, which never fetches raw files, so running the fix failed the same way again.
    The fix it prints now starts with Phase 1 (which fetches only what is missing) and
    running it leaves the range complete."""
    import shutil

    import orjson

    raw = tmp_path / "store"
    shutil.copytree(tiny_raw, raw)
    wh = str(tmp_path / "w.duckdb")
    where = ["--warehouse", wh, "--raw", str(raw)]
    assert invoke("backfill", *RANGE, "--phases", "2-3", *where).exit_code == 0
    box = sorted((raw / "nba_boxscore" / END).iterdir())[0]
    box.unlink()
    plan = invoke("plan", *RANGE, "--phase", "2", "--phase", "3", *where, "--json")
    [fix] = orjson.loads(plan.stdout)["commands"]
    assert "--phases 1-3" in fix, fix
    found = orjson.loads(invoke("validate", *RANGE, "--phase", "2", *where, "--json").stdout)
    raw_fixes = [f["fix"] for f in found["findings"] if f["processor"] in
                 ("gamebook_player_stats", "team_boxscore", "pbp_shots")]
    assert raw_fixes and all("--phases 1-" in f for f in raw_fixes), raw_fixes
    args = fix.split()[1:]                          # without "backcourt"
    assert invoke(*args, *where).exit_code == 0
    assert box.exists()
    assert invoke("status", *RANGE, "--phase", "2", "--phase", "3", *where).exit_code == 0


def test_a_range_without_game_dates_is_not_called_complete(filled):
    """status over the off-season exited 1 ('no game dates in this range') while its
    --json said "complete": true."""
    import orjson

    r = invoke("status", "--start", "2023-07-01", "--end", "2023-07-10", "--warehouse",
               filled, "--json")
    body = orjson.loads(r.stdout)
    assert r.exit_code == 1 and body["dates"] == [] and body["complete"] is False


@pytest.mark.parametrize("args", [["run", "--phase", "2"], ["backfill", "--phases", "2-5"]],
                         ids=lambda a: a[0])
def test_a_raw_root_that_does_not_exist_is_named_not_read_as_empty(args, tmp_path):
    """A mistyped --raw on a new warehouse: run and backfill without Phase 1 found no game
    dates, did nothing and exited 0 ('ok': true, 0 partitions) — missing read as empty."""
    r = invoke(*args, *RANGE, "--warehouse", str(tmp_path / "w.duckdb"),
               "--raw", str(tmp_path / "typo"))
    assert r.exit_code == 2, r.output
    assert "typo" in r.output and "does not exist" in r.output
    assert not (tmp_path / "typo").exists()


@pytest.mark.parametrize("args", [
    ["events", "--limit", "-1"], ["quarantine", "--limit", "-5", "--raw", "{raw}"],
    ["backfill", *RANGE, "--phases", "2", "--workers", "0", "--raw", "{raw}"],
    ["daily", "--date", END, "--workers", "-2", "--raw", "{raw}"],
    ["run", *RANGE, "--phase", "2", "--wait", "-1", "--raw", "{raw}"],
], ids=lambda a: "-".join(a[:1] + [x for x in a if x.startswith("--") and x not in
                                     ("--start", "--end", "--raw", "--phases", "--phase",
                                      "--date")]))
def test_an_out_of_range_number_is_a_usage_error(args, filled, tiny_raw):
    """--limit -1 reached the engine ('error: BinderException: LIMIT/OFFSET cannot be
    negative', exit 1); --workers 0 or -2 and --wait -1 were silently read as 1 and 0."""
    r = invoke(*[a.format(raw=tiny_raw) for a in args], "--warehouse", filled)
    assert r.exit_code == 2, r.output
    assert "Exception" not in r.output and "Invalid value" in r.output


def test_a_backfill_of_an_empty_store_is_not_done(tmp_path):
    """A new warehouse over a raw root that exists but holds nothing: `backfill --phases
    2-5` ran nothing and exited 0 while `status` over the same range exited 1. It now
    exits 1, naming the range, the store and the command that fetches it."""
    raw = tmp_path / "empty"
    raw.mkdir()
    wh = str(tmp_path / "w.duckdb")
    r = invoke("backfill", *RANGE, "--phases", "2-5", "--warehouse", wh, "--raw", str(raw),
               "--json")
    assert r.exit_code == 1, r.output
    import orjson

    body = orjson.loads(r.stdout)
    assert body["ok"] is False and "no game dates" in body["error"], body
    assert "--phases 1-5" in body["error"] and str(raw) in body["error"], body


def test_phase_1_alone_runs_no_processor(tmp_path, tiny_raw):
    """`backfill --phases 1` selected no processor phase, and no phase meant every
    processor: it ran Phases 2-5 too. Phase 1 alone fetches and runs nothing else."""
    import shutil

    import orjson

    raw = tmp_path / "raw"
    shutil.copytree(tiny_raw, raw)
    wh = str(tmp_path / "w.duckdb")
    r = invoke("backfill", *RANGE, "--phases", "1", "--warehouse", wh, "--raw", str(raw),
               "--json")
    assert r.exit_code == 0, r.output
    body = orjson.loads(r.stdout)
    assert body["planned"] == 0 and body["succeeded"] == 0 and body["per_processor"] == {}


@pytest.mark.parametrize("args", [
    ["status", *RANGE, "--nope"],            # an unknown option
    ["plan", "--start", START],              # a missing one
    ["runs", "--limit", "many"],             # not a number
    ["nosuch"],                              # not a command
], ids=lambda a: "-".join(a[:1] + a[-1:]))
def test_a_command_line_the_parser_rejects_is_json_under_json(args):
    """The parser's own errors (before any command runs) left stdout empty under --json."""
    import orjson

    plain = invoke(*args)
    as_json = invoke(*args, "--json")
    assert as_json.exit_code == plain.exit_code == 2, plain.output
    body = orjson.loads(as_json.stdout)
    assert body["ok"] is False and body["exit"] == 2 and body["error"]
    assert not plain.stdout.strip().startswith("{")
