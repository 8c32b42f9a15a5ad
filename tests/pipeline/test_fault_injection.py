"""Fault injection on a simulated raw store: each case breaks the input the way the
real world does and checks that the pipeline says so, names the file, and loads the rest."""

from __future__ import annotations

import gzip
import os
from datetime import date, timedelta
from pathlib import Path

import orjson

from backcourt import app as lib
from backcourt.rawstore import quarantine as Q
from tests.conftest import SIM_START, make_context

DAY = SIM_START + timedelta(days=2)
LAST = SIM_START + timedelta(days=4)
BOX = "gamebook_player_stats"


def box_files(raw: str, day: date) -> list[Path]:
    return sorted((Path(raw) / "nba_boxscore" / day.isoformat()).glob("*.json*"))


def run_box(ctx, start=SIM_START, end=LAST, how="test"):
    return lib.backfill(ctx, lib.select(ctx, names=[BOX]), start, end, how)[1]


def failed(summary) -> dict[tuple[str, str], str]:
    return {(f.processor, f.game_date.isoformat()): f"{f.category}: {f.message}"
            for f in summary.failures}


def games_loaded(ctx, day: date) -> int:
    return ctx.wh.query(f"SELECT count(DISTINCT game_id) FROM nba_raw.{BOX} "
                        "WHERE game_date = ?", [day])[0][0]


# -- one decode path ----------------------------------------------------------------------
def test_corrupt_gzip_is_quarantined_alone(tmp_path, raw_copy):
    """A corrupt .json.gz used to fail every date of its batch ("Error -3 while
    decompressing data", no file named): now that file alone is quarantined."""
    bad = box_files(raw_copy, DAY)[0]
    gz = bad.with_name(bad.name + ".gz")
    gz.write_bytes(gzip.compress(bad.read_bytes())[:-40] + b"\x00" * 40)
    bad.unlink()
    other = box_files(raw_copy, DAY)[1]   # a healthy .json.gz beside it
    other.with_name(other.name + ".gz").write_bytes(gzip.compress(other.read_bytes()))
    other.unlink()
    ctx = make_context(tmp_path, raw_copy)
    summary = run_box(ctx)
    fails = failed(summary)
    assert list(fails) == [(BOX, DAY.isoformat())]
    msg = fails[(BOX, DAY.isoformat())]
    assert msg.startswith("BAD_RAW_INPUT") and gz.name in msg and "gzip" in msg
    for d in (SIM_START, SIM_START + timedelta(days=1), LAST):
        assert games_loaded(ctx, d) == len(box_files(raw_copy, d)) > 0
    assert games_loaded(ctx, DAY) == len(box_files(raw_copy, DAY))   # the rest of the date
    assert (Path(raw_copy) / "_quarantine" / "nba_boxscore" / DAY.isoformat() / gz.name).exists()


def test_not_utf8_and_wrong_shape_are_quarantined(tmp_path, raw_copy):
    files = box_files(raw_copy, DAY)
    files[0].write_bytes(b'{"boxScoreTraditional": "\xff\xfe"}')
    files[1].write_bytes(b"[1, 2, 3]")
    ctx = make_context(tmp_path, raw_copy)
    msg = failed(run_box(ctx))[(BOX, DAY.isoformat())]
    assert files[0].name in msg and files[1].name in msg
    assert games_loaded(ctx, DAY) == len(files) - 2


# -- quarantine is part of the state ----------------------------------------------------------
def test_quarantine_holds_on_every_rerun_and_in_every_warehouse(tmp_path, raw_copy):
    bad = box_files(raw_copy, DAY)[0]
    good_bytes = bad.read_bytes()
    bad.write_bytes(good_bytes[: len(good_bytes) // 2])
    bad_bytes = bad.read_bytes()
    ctx = make_context(tmp_path, raw_copy)
    key = (BOX, DAY.isoformat())
    assert key in failed(run_box(ctx))
    # the same backfill again, nothing fixed: still failed (it used to exit 0 here)
    again = run_box(ctx, how="rerun")
    assert key in failed(again) and not again.ok
    assert "BAD_RAW_INPUT" in failed(again)[key]
    assert "put a corrected file" in failed(again)[key]
    # a second warehouse over the same raw store sees the record too
    other = make_context(tmp_path, raw_copy, name="other.duckdb")
    assert key in failed(run_box(other, how="other"))
    [rec] = Q.all_records(ctx.store)
    assert rec.name == bad.name and rec.field == "<file>"
    # the same bad bytes put back: still failed, put aside again
    bad.write_bytes(bad_bytes)
    assert key in failed(run_box(ctx, how="same bytes"))
    assert not bad.exists()
    # a file with different (good) bytes: re-validated, released, the date loads
    bad.write_bytes(good_bytes)
    fixed = run_box(ctx, how="fixed")
    assert fixed.ok, failed(fixed)
    assert Q.all_records(ctx.store) == []
    assert games_loaded(ctx, DAY) == len(box_files(raw_copy, DAY))
    assert run_box(other, how="other fixed").ok


# -- symlinks leaving the raw root ------------------------------------------------------------
def test_symlink_outside_the_raw_root_is_refused(tmp_path, raw_copy, monkeypatch):
    target = box_files(raw_copy, DAY)[0]
    outside = tmp_path / "elsewhere.json"
    outside.write_bytes(target.read_bytes())
    target.unlink()
    os.symlink(outside, target)
    inside = box_files(raw_copy, LAST)[0]     # a symlink within the root is fine
    kept = Path(raw_copy) / "library" / inside.name
    kept.parent.mkdir()
    inside.rename(kept)
    os.symlink(kept, inside)
    ctx = make_context(tmp_path, raw_copy)
    msg = failed(run_box(ctx))[(BOX, DAY.isoformat())]
    assert target.name in msg and "outside the raw root" in msg
    assert games_loaded(ctx, LAST) == len(box_files(raw_copy, LAST))
    assert outside.exists()   # the target itself is never touched


def test_symlink_followed_when_allowed(tmp_path, raw_copy, monkeypatch):
    target = box_files(raw_copy, DAY)[0]
    outside = tmp_path / "elsewhere.json"
    outside.write_bytes(orjson.dumps(orjson.loads(target.read_bytes())))
    target.unlink()
    os.symlink(outside, target)
    monkeypatch.setenv("BACKCOURT_FOLLOW_SYMLINKS", "1")
    ctx = make_context(tmp_path, raw_copy)
    assert run_box(ctx).ok
    assert games_loaded(ctx, DAY) == len(box_files(raw_copy, DAY))


# -- complete raw dates ------------------------------------------------------------------------
SEED = 7   # the seed of the session's simulated raw files


def test_incomplete_dates_are_listed_and_completed_by_phase1(tmp_path, raw_copy):
    from backcourt.sources import missing_raw_dates
    from backcourt.sources.completeness import incomplete_raw_dates

    root = Path(raw_copy)
    day = DAY.isoformat()
    before = {str(p.relative_to(root)): p.read_bytes() for p in root.glob(f"*/{day}/*.json")}
    box = box_files(raw_copy, DAY)
    pbp = sorted((root / "nba_playbyplay" / day).glob("*.json"))
    lines = sorted((root / "odds_game_lines" / day).glob("*.json"))
    event = lines[0].name.split("_")[0]
    box[0].unlink()
    pbp[-1].unlink()
    for f in lines:
        if f.name.startswith(event):
            f.unlink()
    (root / "odds_events" / LAST.isoformat() / "events.json").unlink()
    ctx = make_context(tmp_path, raw_copy)
    found = {i.day: i.missing for i in incomplete_raw_dates(ctx.store, SIM_START, LAST)}
    assert set(found) == {DAY, LAST}
    assert f"nba_boxscore/{day}/{box[0].name}" in found[DAY]
    assert f"nba_playbyplay/{day}/{pbp[-1].name}" in found[DAY]
    assert f"odds_game_lines/{day}/{event}_<snapshot>.json" in found[DAY]
    assert any("odds_events" in m and "index" in m for m in found[LAST])
    # the date's folders all exist: before, Phase 1 thought it present
    assert missing_raw_dates(ctx.store, SIM_START, LAST, SEED) == [DAY, LAST]
    assert lib.scrape_missing(ctx, SIM_START, LAST, SEED) == [DAY, LAST]
    after = {str(p.relative_to(root)): p.read_bytes() for p in root.glob(f"*/{day}/*.json")}
    assert after == before
    assert incomplete_raw_dates(ctx.store, SIM_START, LAST) == []


def test_a_date_without_its_scoreboard_is_incomplete(tmp_path, raw_copy):
    from backcourt.rawstore import RawStore
    from backcourt.sources.completeness import incomplete_raw_dates

    (Path(raw_copy) / "nba_scoreboard" / DAY.isoformat() / "scoreboard.json").unlink()
    [found] = incomplete_raw_dates(RawStore(raw_copy), SIM_START, LAST)
    assert found.day == DAY and "the date's index" in found.missing[0]


def test_kill_trials_end_equal_to_a_clean_run(tmp_path):
    """Three random SIGKILL trials (the bench script runs 20 or more): Phase 1 killed
    half-way through a date by the simulator's hook, and `daily` killed at a random time."""
    import subprocess
    import sys

    script = Path(__file__).parents[2] / "bench" / "kill_trials.py"
    done = subprocess.run([sys.executable, str(script), "--trials", "3", "--workdir",
                           str(tmp_path / "trials")], capture_output=True, text=True,
                          timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 of 3 trials identical to a clean run" in done.stdout
    assert done.stdout.count("a date half-written") == 2


def test_preflight_names_incomplete_dates_and_quarantine(tmp_path, raw_copy):
    from backcourt.preflight import preflight

    box_files(raw_copy, DAY)[0].unlink()
    bad = box_files(raw_copy, LAST)[0]
    bad.write_bytes(b"{")
    ctx = make_context(tmp_path, raw_copy)
    run_box(ctx)
    checks = {c.name: c for c in preflight(ctx, SIM_START, LAST).checks}
    assert checks["raw dates"].status == "warn" and str(DAY) in checks["raw dates"].detail
    assert checks["quarantine"].status == "fail" and bad.name in checks["quarantine"].detail


# -- content fingerprints -----------------------------------------------------------------------
def test_plan_sees_content_not_times(tmp_path, raw_copy):
    """An edit keeping size and mtime makes its date stale; a re-scrape writing identical
    bytes (new mtimes, new inodes) makes nothing stale."""
    from backcourt.planner import make_plan
    from backcourt.sources import sim

    ctx = make_context(tmp_path, raw_copy)
    procs = lib.select(ctx, names=[BOX])
    assert run_box(ctx).ok
    assert make_plan(ctx, procs, SIM_START, LAST).targets() == {}
    sim.scrape(ctx.store, SIM_START, LAST, seed=SEED)        # the same bytes rewritten
    ctx.store.refresh()
    assert make_plan(ctx, procs, SIM_START, LAST).targets() == {}
    path = box_files(raw_copy, DAY)[0]
    st = path.stat()
    data = path.read_bytes()
    at = data.index(b'"points":') + len(b'"points":')
    digit = data[at:at + 1]
    assert digit.isdigit()
    path.write_bytes(data[:at] + (b"1" if digit != b"1" else b"2") + data[at + 1:])
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_size == st.st_size and path.stat().st_mtime_ns == st.st_mtime_ns
    ctx.store.refresh()
    assert make_plan(ctx, procs, SIM_START, LAST).targets() == {BOX: {DAY}}


# -- real responses: one bad row, repeated rows ----------------------------------------------
def test_a_bad_row_fails_the_date_but_the_rest_of_the_file_loads(tmp_path):
    import copy

    fixture = Path(__file__).parents[1] / "fixtures" / "leaguegamelog.json"
    doc = orjson.loads(fixture.read_bytes())
    rs = doc["resultSets"][0]
    col = {h: j for j, h in enumerate(rs["headers"])}
    other = copy.deepcopy(rs["rowSet"])
    for r, (tid, abbr, matchup) in zip(other, [(1610612738, "BOS", "BOS @ NYK"),
                                                (1610612752, "NYK", "NYK vs. BOS")], strict=True):
        r[col["TEAM_ID"]], r[col["TEAM_ABBREVIATION"]], r[col["MATCHUP"]] = tid, abbr, matchup
        r[col["GAME_ID"]] = "0022500166"
    other[0][col["PTS"]] = 101
    rs["rowSet"] += other + [copy.deepcopy(rs["rowSet"][0])]   # and an exact repeat
    day = date(2025, 11, 3)
    folder = tmp_path / "raw" / "nba_team_gamelogs" / day.isoformat()
    folder.mkdir(parents=True)
    (folder / "log.json").write_bytes(orjson.dumps(doc))
    ctx = make_context(tmp_path, str(tmp_path / "raw"))
    summary = lib.run(ctx, lib.select(ctx, names=["schedule", "team_boxscore"]), day, day, "t")
    fails = failed(summary)
    msg = fails[("schedule", day.isoformat())]
    assert msg.startswith("BAD_RAW_INPUT") and "log.json" in msg
    assert f"rowSet[2][{col['PTS']}]" in msg and "other games loaded" in msg
    assert ("team_boxscore", day.isoformat()) in fails   # its schedule failed: blocked
    assert ctx.wh.query("SELECT game_id FROM nba_raw.schedule") == [("0022500165",)]
    assert (folder / "log.json").exists()                       # not moved: it is half good
    warned = ctx.wh.query("SELECT source_file, field, reason FROM nba_raw.raw_input_warnings")
    assert warned and all("log.json" in w[0] and "repeat" in w[2] for w in warned)
    q = ctx.wh.query("SELECT file, field FROM backcourt_ops.quarantine")
    assert ("nba_team_gamelogs/2025-11-03/log.json", f"resultSets[0].rowSet[2][{col['PTS']}]") in q


# -- referential checks ---------------------------------------------------------------------------
def _edit_json(path: Path, fn) -> None:
    doc = orjson.loads(path.read_bytes())
    fn(doc)
    path.write_bytes(orjson.dumps(doc))


def test_unknown_player_id_is_a_registry_error_that_validate_lists(tmp_path, raw_copy):
    from backcourt.validation import validate

    path = box_files(raw_copy, DAY)[0]
    _edit_json(path, lambda d: d["boxScoreTraditional"]["homeTeam"]["players"][0].update(
        personId=999999999))
    ctx = make_context(tmp_path, raw_copy)
    procs = lib.select(ctx, names=["schedule", BOX])
    lib.backfill(ctx, procs, SIM_START, LAST, "t")
    errors = ctx.wh.query("SELECT source_file, reason FROM nba_raw.player_registry_errors")
    assert (f"nba_boxscore/{DAY}/{path.name}",
            "unknown player id 999999999 (boxScoreTraditional.homeTeam.players[0].personId)"
            ) in errors
    v = validate(ctx, procs, SIM_START, LAST)
    [f] = [f for f in v.findings if f.type == "unknown_player_id"]
    assert "999999999" in f.detail and f.dates == [DAY]
    assert v.exit_code(strict=True) == 1


def test_unknown_team_wrong_date_and_unscheduled_box_scores_are_quarantined(tmp_path, raw_copy):
    root = Path(raw_copy)
    box = box_files(raw_copy, DAY)
    _edit_json(box[0], lambda d: d["boxScoreTraditional"].update(homeTeamId=1610612799)
               or d["boxScoreTraditional"]["homeTeam"].update(teamId=1610612799))
    moved = box_files(raw_copy, LAST)[0]                       # filed under another date
    wrong = root / "nba_boxscore" / DAY.isoformat() / moved.name
    moved.rename(wrong)
    stray = root / "nba_boxscore" / DAY.isoformat() / "0022399999.json"   # on no schedule
    stray.write_bytes(box[1].read_bytes().replace(box[1].stem.encode(), b"0022399999"))
    ctx = make_context(tmp_path, raw_copy)
    summary = lib.backfill(ctx, lib.select(ctx, names=["schedule", BOX]), SIM_START, LAST,
                           "t")[1]
    msg = failed(summary)[(BOX, DAY.isoformat())]
    assert f"{box[0].name}: field 'boxScoreTraditional.homeTeam.teamId': unknown team id " \
           "1610612799" in msg
    assert f"{wrong.name}: field 'gameId': game {wrong.stem} is scheduled on {LAST}, " \
           f"not on {DAY} (filed under the wrong date)" in msg
    assert "0022399999.json: field 'gameId': game 0022399999 has no schedule entry" in msg
    q = {r[0] for r in ctx.wh.query("SELECT file FROM backcourt_ops.quarantine")}
    assert {f"nba_boxscore/{DAY}/{n}" for n in (box[0].name, wrong.name, stray.name)} <= q
    # the same game is never on two dates
    assert ctx.wh.query(f"SELECT count(DISTINCT game_date) FROM nba_raw.{BOX} "
                        "WHERE game_id = ?", [wrong.stem]) == [(0,)]


def test_a_scoreboard_game_with_an_unknown_team_is_left_out_alone(tmp_path, raw_copy):
    path = Path(raw_copy) / "nba_scoreboard" / DAY.isoformat() / "scoreboard.json"
    games = orjson.loads(path.read_bytes())["scoreboard"]["games"]
    _edit_json(path, lambda d: d["scoreboard"]["games"][0]["awayTeam"].update(
        teamId=1610612799, teamTricode="XXX"))
    ctx = make_context(tmp_path, raw_copy)
    summary = lib.run(ctx, lib.select(ctx, names=["schedule"]), SIM_START, LAST, "t")
    msg = failed(summary)[("schedule", DAY.isoformat())]
    assert "scoreboard.games[0].awayTeam.teamId" in msg and "unknown team id 1610612799" in msg
    loaded = {g for (g,) in ctx.wh.query("SELECT game_id FROM nba_raw.schedule "
                                          "WHERE game_date = ?", [DAY])}
    assert loaded == {g["gameId"] for g in games[1:]}


# -- clear errors for paths and the environment --------------------------------------------------
def cli(*args: str, env: dict | None = None):
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "backcourt", *args], capture_output=True,
                          text=True, env={**os.environ, **(env or {})}, timeout=600)


RANGE = ["--start", SIM_START.isoformat(), "--end", SIM_START.isoformat()]


def one_line_exit_2(done, *words: str) -> None:
    assert done.returncode == 2, (done.returncode, done.stdout[-500:], done.stderr[-2000:])
    assert "Traceback" not in done.stderr + done.stdout
    assert all(w in done.stderr for w in words), done.stderr


def test_bad_warehouse_paths_are_one_line_exit_2_and_create_nothing(tmp_path, sim_raw):
    missing_dir = tmp_path / "nope" / "wh.duckdb"
    one_line_exit_2(cli("backfill", "--phases", "2", *RANGE, "--warehouse", str(missing_dir),
                        "--raw", sim_raw), str(missing_dir.parent), "does not exist")
    for read in (["status", *RANGE], ["plan", *RANGE], ["validate", *RANGE], ["runs"],
                 ["report", *RANGE]):
        absent = tmp_path / "absent.duckdb"
        one_line_exit_2(cli(*read, "--warehouse", str(absent)), str(absent), "no warehouse")
        assert not absent.exists() and not Path(f"{absent}.lock").exists()
    assert not missing_dir.parent.exists()
    one_line_exit_2(cli("backfill", "--phases", "2", *RANGE, "--warehouse", "/dev/null",
                        "--raw", sim_raw), "/dev/null", "not a regular file")
    assert not Path("/dev/null.lock").exists()
    one_line_exit_2(cli("status", *RANGE, "--warehouse", str(tmp_path)), "is a folder")
    not_a_folder = tmp_path / "raw.txt"
    not_a_folder.write_text("x")
    one_line_exit_2(cli("backfill", "--phases", "2", *RANGE, "--warehouse",
                        str(tmp_path / "wh.duckdb"), "--raw", str(not_a_folder)),
                    str(not_a_folder), "not a folder")


def _mount(*args: str) -> bool:
    import subprocess

    if os.geteuid() != 0:
        return False
    return subprocess.run(["mount", *args], capture_output=True).returncode == 0


def test_a_full_disk_is_named_as_the_cause(tmp_path, sim_raw):
    import subprocess

    import pytest

    disk = tmp_path / "tiny"
    disk.mkdir()
    if not _mount("-t", "tmpfs", "-o", "size=1m", "tmpfs", str(disk)):
        pytest.skip("needs a small tmpfs (root)")
    try:
        wh = str(disk / "wh.duckdb")
        args = ["backfill", "--phases", "2-3", "--start", SIM_START.isoformat(),
                "--end", LAST.isoformat(), "--warehouse", wh, "--raw", sim_raw]
        runs = [cli(*args) for _ in range(2)]
        worst = runs[-1]
        assert all(r.returncode != 0 for r in runs)
        text = worst.stdout + worst.stderr
        assert "No space left on device" in text and "cannot rollback" not in text
        assert "Traceback" not in text
        debug = cli("--debug", *args)
        assert "Traceback" in debug.stderr and "No space left on device" in debug.stderr
    finally:
        subprocess.run(["umount", str(disk)], check=False)


def test_status_reads_a_read_only_warehouse(tmp_path, sim_raw):
    import subprocess

    import pytest

    src = tmp_path / "src"
    src.mkdir()
    wh = src / "wh.duckdb"
    assert cli("backfill", "--phases", "2", *RANGE, "--warehouse", str(wh), "--raw",
               sim_raw).returncode == 0
    ro = tmp_path / "ro"
    ro.mkdir()
    if not _mount("--bind", str(src), str(ro)):
        pytest.skip("needs a read-only bind mount (root)")
    try:
        subprocess.run(["mount", "-o", "remount,ro,bind", str(ro)], check=True)
        done = cli("status", "--processor", "schedule", *RANGE, "--warehouse",
                   str(ro / "wh.duckdb"), "--raw", sim_raw, "--json")
        assert done.returncode == 0, done.stderr[-2000:]
        assert "Traceback" not in done.stderr
        one_line_exit_2(cli("backfill", "--phases", "2", *RANGE, "--warehouse",
                            str(ro / "wh.duckdb"), "--raw", sim_raw), "read-only")
    finally:
        subprocess.run(["umount", str(ro)], check=False)
