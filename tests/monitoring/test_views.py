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
    assert "backfill --start" in text.stdout

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
