"""The command line: exit codes and --json, on real files."""

from __future__ import annotations

import orjson
from typer.testing import CliRunner

from backcourt.cli import cli
from tests.conftest import SIM_END, SIM_START

runner = CliRunner()


def invoke(*args: str, env: dict | None = None):
    return runner.invoke(cli, list(args), env=env)


def test_run_status_json_and_exit_codes(tmp_path, sim_raw):
    env = {"BACKCOURT_WAREHOUSE": str(tmp_path / "cli.duckdb"), "BACKCOURT_RAW": sim_raw}
    rng = ["--start", SIM_START.isoformat(), "--end", SIM_END.isoformat()]
    before = invoke("status", *rng, "--json", env=env)
    assert before.exit_code == 2                       # no warehouse yet: none is created
    assert not (tmp_path / "cli.duckdb").exists()
    r = invoke("run", "--phase", "2", "--phase", "3", *rng, "--json", env=env)
    assert r.exit_code == 0, r.stdout
    summary = orjson.loads(r.stdout)
    assert summary["ok"] and summary["failed"] == 0 and summary["rows"] > 0
    everything = invoke("status", *rng, "--json", env=env)
    assert everything.exit_code == 1                   # Phase 4 has not run
    st = invoke("status", *rng, "--phase", "2", "--phase", "3", "--json", env=env)
    assert st.exit_code == 0
    body = orjson.loads(st.stdout)
    assert body["complete"] is True
    assert body["summary"]["player_game_summary"]["done"] == len(body["dates"])
    runs = orjson.loads(invoke("runs", "--json", env=env).stdout)
    assert runs[0]["start_date"] == SIM_START.isoformat()
    shown = orjson.loads(invoke("runs", runs[0]["run_id"], "--json", env=env).stdout)
    assert len(shown["attempts"]) == summary["succeeded"]


def test_usage_errors_exit_2(tmp_path):
    env = {"BACKCOURT_WAREHOUSE": str(tmp_path / "x.duckdb"), "BACKCOURT_RAW": str(tmp_path)}
    assert invoke("run", "--phase", "2", "--start", "2023-13-01", "--end", "2023-11-01",
                  env=env).exit_code == 2
    assert invoke("run", "--start", "2023-11-01", "--end", "2023-11-02",
                  env=env).exit_code == 2
    assert invoke("run", "--processor", "nope", "--start", "2023-11-01", "--end",
                  "2023-11-02", env=env).exit_code == 2
    assert invoke("backfill", "--phases", "9", "--start", "2023-11-01", "--end",
                  "2023-11-02", env=env).exit_code == 2


def test_modes_table_lists_thirteen_behaviors():
    body = orjson.loads(invoke("modes", "--json").stdout)
    assert set(body) == {"daily", "backfill", "not_switches", "rules"}
    from backcourt.registry.mode import Mode

    numbered = sorted(int(f.description.split(".")[0]) for f in Mode.model_fields.values()
                      if f.description and f.description[0].isdigit())
    numbered += [int(b.split(".")[0]) for b in body["not_switches"]]
    assert sorted(numbered) == list(range(1, 14))      # the 13 behaviors of PIPELINE.md
    assert all(len(why) > 40 for why in body["not_switches"].values())   # each says why
    assert set(body["daily"]) == set(Mode.model_fields)
    assert body["daily"]["downstream_triggers"] is True
    assert body["backfill"]["downstream_triggers"] is False
