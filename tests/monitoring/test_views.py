"""The operators' views on a damaged warehouse: quarantine, failures, quality, events,
report's reasons for an empty result, runs as plain JSON."""

from __future__ import annotations

import orjson
from typer.testing import CliRunner

from backcourt.cli import cli
from tests.monitoring.conftest import RANGE

runner = CliRunner()


def invoke(damaged, *args: str):
    return runner.invoke(cli, list(args), env={"BACKCOURT_WAREHOUSE": damaged.warehouse,
                                               "BACKCOURT_RAW": damaged.raw})


def test_views_of_a_damaged_warehouse(damaged):
    q = invoke(damaged, "quarantine", "--json")
    assert q.exit_code == 1                                    # something is quarantined
    [record] = orjson.loads(q.stdout)
    assert record["game_date"] == damaged.failed[1] and record["field"].endswith("points")
    assert "twelve" in record["reason"] and "_quarantine" in record["moved_to"]
    text = invoke(damaged, "quarantine")
    assert "--release" in text.stdout
    # the re-run names the quarantined dates, not a placeholder
    day = damaged.failed[1]
    assert f"backcourt backfill --start {day} --end {day}" in " ".join(text.stdout.split())


def test_quarantine_release_validates_the_fixed_file_and_puts_it_back(damaged):
    from pathlib import Path

    [record] = orjson.loads(invoke(damaged, "quarantine", "--json").stdout)
    name = Path(record["moved_to"]).name
    still = invoke(damaged, "quarantine", "--release", name, "--json")
    assert still.exit_code == 1                                # not fixed yet
    assert "twelve" in orjson.loads(still.stdout)["error"]
    assert invoke(damaged, "quarantine", "--release", "nope.json").exit_code == 2
    moved = Path(record["moved_to"])
    doc = orjson.loads(moved.read_bytes())
    stats = doc["boxScoreTraditional"]["homeTeam"]["players"][0]["statistics"]
    stats["points"] = (2 * stats["fieldGoalsMade"] + stats["threePointersMade"]
                       + stats["freeThrowsMade"])
    moved.write_bytes(orjson.dumps(doc))                       # the fix
    done = invoke(damaged, "quarantine", "--release", name, "--json")
    assert done.exit_code == 0, done.stdout
    body = orjson.loads(done.stdout)
    assert Path(body["restored_to"]).exists() and not moved.exists()
    assert body["rerun"] == f"backcourt backfill --start {record['game_date']} " \
                            f"--end {record['game_date']}"
    listed = invoke(damaged, "quarantine", "--json")
    assert listed.exit_code == 0 and orjson.loads(listed.stdout) == []
    day = record["game_date"]
    rerun = invoke(damaged, "backfill", "--start", day, "--end", day, "--phases", "2")
    assert rerun.exit_code == 0, rerun.stdout
    st = orjson.loads(invoke(damaged, "status", "--start", day, "--end", day, "--phase", "2",
                             "--json").stdout)
    assert st["processors"]["gamebook_player_stats"]["dates"][day]["state"] == "done"

    quality = invoke(damaged, "quality", *RANGE, "--json")
    assert quality.exit_code == 1                              # Phase 4 never ran here
    body = orjson.loads(quality.stdout)
    assert body["rows"] == [] and "ml_feature_store" in body["why_empty"][0]

    report = invoke(damaged, "report", *RANGE, "--json")
    assert report.exit_code == 1
    why = orjson.loads(report.stdout)["why_empty"]
    assert any("player_prop_predictions" in w and "never run" in w for w in why)
    assert any("3,000" in w for w in why)                     # the walk-forward model
    assert "no graded predictions" in invoke(damaged, "report", *RANGE).stdout

    failures = invoke(damaged, "failures", *RANGE, "--json")
    assert failures.exit_code == 0
    fb = orjson.loads(failures.stdout)
    assert fb["total"] == sum(sum(r["categories"].values()) for r in fb["by_date"])

    events = invoke(damaged, "events", "--json")
    assert events.exit_code == 0 and orjson.loads(events.stdout) == []  # backfills emit none

    runs = orjson.loads(invoke(damaged, "runs", "--json").stdout)
    assert all(isinstance(r["processors"], list) for r in runs)
    finished = [r for r in runs if r["summary"] is not None]
    assert finished and all(isinstance(r["summary"], dict) for r in finished)
    one = orjson.loads(invoke(damaged, "runs", runs[0]["run_id"], "--json").stdout)
    assert isinstance(one["summary"], dict) and one["attempts"]


def test_an_empty_range_is_not_a_complete_dashboard(tmp_path):
    from backcourt import app as lib
    from backcourt.config import Settings

    # an empty warehouse, made by a write (a read command never creates one)
    lib.open_context(Settings(warehouse=str(tmp_path / "wh.duckdb"),
                              raw=str(tmp_path / "raw"))).wh.close()
    lib.release_locks()
    page = tmp_path / "empty.html"
    r = runner.invoke(cli, ["dashboard", *RANGE, "--out", str(page), "--json"],
                      env={"BACKCOURT_WAREHOUSE": str(tmp_path / "wh.duckdb"),
                           "BACKCOURT_RAW": str(tmp_path / "raw")})
    assert r.exit_code == 1 and orjson.loads(r.stdout)["complete"] is False
    assert "no game dates in this range" in page.read_text()
