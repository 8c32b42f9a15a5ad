"""`status --json` and `plan --json` read one state pass: after damage done behind the
tool's back, both give the same state to every (processor, date) cell, and the damaged
cells and what reads them are not done.

Damage: a week of rows deleted, a raw file edited in place, a partition that failed, an
upstream partition gone (table and ledger), and a raw folder removed (blocked)."""

from __future__ import annotations

import dataclasses
import os
import pickle
import shutil
import time
from datetime import date
from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from backcourt import app as lib
from backcourt.cli import cli
from backcourt.rawstore import store as store_module
from backcourt.registry import Registry
from tests.conftest import SIM_END, SIM_START, make_context

runner = CliRunner()
RANGE = ["--start", SIM_START.isoformat(), "--end", SIM_END.isoformat()]
WEEK = (date(2023, 11, 1), date(2023, 11, 7))


@pytest.fixture(scope="module")
def loaded(sim_raw, tmp_path_factory):
    """Phases 2-4 over the simulated window, done once; each test damages a copy."""
    work = tmp_path_factory.mktemp("status_plan")
    raw = work / "raw"
    shutil.copytree(sim_raw, raw)
    ctx = make_context(work, str(raw))
    assert lib.run(ctx, lib.select(ctx, [2, 3, 4]), SIM_START, SIM_END, "fill").ok
    ctx.wh.execute("CHECKPOINT")
    ctx.wh.close()
    lib.release_locks()
    return work


@pytest.fixture
def copy(loaded, tmp_path):
    shutil.copy(loaded / "wh.duckdb", tmp_path / "wh.duckdb")
    shutil.copytree(loaded / "raw", tmp_path / "raw")
    ctx = make_context(tmp_path, str(tmp_path / "raw"), switch_raw=True)
    yield ctx
    ctx.wh.close()
    lib.release_locks()


def cells(ctx, tmp_path) -> tuple[dict, dict]:
    """Every cell's state from `status --json` and from `plan --json` (same range)."""
    ctx.wh.execute("CHECKPOINT")
    ctx.wh.close()
    lib.release_locks()
    env = {"BACKCOURT_WAREHOUSE": str(tmp_path / "wh.duckdb"),
           "BACKCOURT_RAW": str(tmp_path / "raw")}
    status = runner.invoke(cli, ["status", *RANGE, "--json"], env=env)
    plan = runner.invoke(cli, ["plan", *RANGE, "--json"], env=env)
    lib.release_locks()
    assert status.exit_code in (0, 1) and plan.exit_code in (0, 1), status.stdout + plan.stdout
    by_status = {(name, d): c["state"]
                 for name, body in orjson.loads(status.stdout)["processors"].items()
                 for d, c in body["dates"].items()}
    by_plan = {(c["processor"], c["game_date"]): c["state"]
               for c in orjson.loads(plan.stdout)["cells"]}
    return by_status, by_plan


def same_states(by_status: dict, by_plan: dict) -> None:
    shared = by_status.keys() & by_plan.keys()
    # the plan covers every processor's cells of the range; status has every cell
    assert {k for k in by_status if SIM_START.isoformat() <= k[1]} <= by_plan.keys()
    differ = {k: (by_status[k], by_plan[k]) for k in shared if by_status[k] != by_plan[k]}
    assert not differ, dict(list(differ.items())[:10])


def test_rows_deleted_behind_the_tools_back(copy, tmp_path):
    copy.wh.execute("DELETE FROM nba_analytics.player_game_summary "
                    "WHERE game_date BETWEEN ? AND ?", list(WEEK))
    by_status, by_plan = cells(copy, tmp_path)
    same_states(by_status, by_plan)
    day = WEEK[0].isoformat()
    assert by_status[("player_game_summary", day)] == "missing"
    # what reads it through a window is not current any more
    later = date(2023, 11, 10).isoformat()
    assert by_status[("upcoming_player_game_context", later)] == "stale"
    assert by_plan[("upcoming_player_game_context", later)] == "stale"


def test_raw_file_edited_in_place(copy, tmp_path):
    day = date(2023, 11, 15)
    path = Path(copy.store.root) / "nba_injury_report" / day.isoformat() / "injury_report.json"
    doc = orjson.loads(path.read_bytes())
    entry = next(e for e in doc["entries"] if e["currentStatus"] != "Out")
    entry["currentStatus"] = "Out"
    time.sleep(0.01)
    path.write_bytes(orjson.dumps(doc))
    by_status, by_plan = cells(copy, tmp_path)
    same_states(by_status, by_plan)
    assert by_status[("injury_report", day.isoformat())] == "stale"
    assert by_status[("upcoming_player_game_context", day.isoformat())] == "stale"


def test_a_failed_partition(copy, tmp_path):
    name = "team_offense_game_summary"
    good = copy.registry.get(name)
    broken = dataclasses.replace(good, sql="SELECT no_such_column FROM nba_raw.schedule")
    registry = copy.registry
    copy.pipeline.registry = Registry(tuple(broken if p.name == name else p
                                            for p in registry.processors))
    crash = lib.run(copy, lib.select(copy, names=[name]), *WEEK, "crash")
    copy.pipeline.registry = registry
    assert not crash.ok
    by_status, by_plan = cells(copy, tmp_path)
    same_states(by_status, by_plan)
    assert by_status[(name, WEEK[0].isoformat())] == "failed"
    assert by_status[("team_defense_game_summary", WEEK[0].isoformat())] != "done"


def test_a_missing_upstream_partition(copy, tmp_path):
    day = date(2023, 11, 8)
    p = copy.registry.get("team_offense_game_summary")
    copy.wh.execute(f"DELETE FROM {p.table} WHERE game_date = ?", [day])
    for ops in ("ledger", "partition_state"):
        copy.wh.execute(f"DELETE FROM backcourt_ops.{ops} WHERE processor = ? "
                        "AND game_date = ?", [p.name, day])
    by_status, by_plan = cells(copy, tmp_path)
    same_states(by_status, by_plan)
    assert by_status[(p.name, day.isoformat())] == "missing"
    assert by_status[("team_defense_game_summary", day.isoformat())] == "stale"
    assert by_status[("upcoming_team_game_context", date(2023, 11, 9).isoformat())] == "stale"


def test_a_raw_folder_removed_blocks_the_partition_and_its_readers(copy, tmp_path):
    day = date(2023, 11, 8)
    shutil.rmtree(Path(copy.store.root) / "nba_boxscore" / day.isoformat())
    p = copy.registry.get("gamebook_player_stats")
    copy.wh.execute(f"DELETE FROM {p.table} WHERE game_date = ?", [day])
    by_status, by_plan = cells(copy, tmp_path)
    same_states(by_status, by_plan)
    assert by_status[(p.name, day.isoformat())] == "blocked"
    assert by_status[("player_game_summary", day.isoformat())] == "blocked"
    # the reason names the missing folder and the command that fetches it
    reason = plan_reasons(tmp_path)[(p.name, day.isoformat())]
    assert reason.startswith(f"no raw files in nba_boxscore/{day}")
    assert f"backcourt backfill --start {day} --end {day} --phases 1-2" in reason


def plan_reasons(tmp_path) -> dict:
    env = {"BACKCOURT_WAREHOUSE": str(tmp_path / "wh.duckdb"),
           "BACKCOURT_RAW": str(tmp_path / "raw")}
    plan = runner.invoke(cli, ["plan", *RANGE, "--json"], env=env)
    lib.release_locks()
    return {(c["processor"], c["game_date"]): c["reason"]
            for c in orjson.loads(plan.stdout)["cells"]}


def test_phase1_is_in_the_registry_plan_and_status(copy, tmp_path):
    """A date whose raw folder is gone: with Phase 1 asked for, its source's cell is
    missing and to run, and what reads the folder is missing (Phase 1 writes it first),
    not blocked — in `plan` and in `status` alike; the backfill fetches and fills it."""
    day = date(2023, 11, 8)
    shutil.rmtree(Path(copy.store.root) / "nba_boxscore" / day.isoformat())
    p = copy.registry.get("gamebook_player_stats")
    copy.wh.execute(f"DELETE FROM {p.table} WHERE game_date = ?", [day])
    assert [s.name for s in copy.registry.sources_in([1])] == ["sim"]
    copy.wh.execute("CHECKPOINT")
    copy.wh.close()
    lib.release_locks()
    env = {"BACKCOURT_WAREHOUSE": str(tmp_path / "wh.duckdb"),
           "BACKCOURT_RAW": str(tmp_path / "raw"), "BACKCOURT_SEED": "7"}
    phases = ["--phase", "1", "--phase", "2"]
    plan = orjson.loads(runner.invoke(cli, ["plan", *RANGE, *phases, "--json"],
                                      env=env).stdout)
    status = orjson.loads(runner.invoke(cli, ["status", *RANGE, *phases, "--json"],
                                        env=env).stdout)
    cells = {(c["processor"], c["game_date"]): c for c in plan["cells"]}
    sim_cell = cells[("sim", day.isoformat())]
    assert sim_cell["state"] == "missing" and sim_cell["run"]
    assert "nba_boxscore" in sim_cell["reason"]
    assert plan["stages"][0] == [{"processor": "sim", "dates": [day.isoformat()]}]
    assert cells[(p.name, day.isoformat())]["state"] == "missing"
    assert status["processors"]["sim"]["dates"][day.isoformat()]["state"] == "missing"
    assert status["processors"][p.name]["dates"][day.isoformat()]["state"] == "missing"
    done = runner.invoke(cli, ["backfill", *RANGE, "--phases", "1-2", "--json"], env=env)
    lib.release_locks()
    assert done.exit_code == 0, done.stdout
    assert orjson.loads(done.stdout)["scraped_dates"] == [day.isoformat()]
    after = orjson.loads(runner.invoke(cli, ["status", *RANGE, *phases, "--json"],
                                       env=env).stdout)
    lib.release_locks()
    assert after["complete"] is True


# -- the state pass kept between read commands (backcourt.partitions.kept) -----------

TAMPERED = "kept pass read"


def read_command(tmp_path, command: str) -> dict:
    """``command`` over the range, as JSON (exit 0 or 1: complete or not, clean or not)."""
    env = {"BACKCOURT_WAREHOUSE": str(tmp_path / "wh.duckdb"),
           "BACKCOURT_RAW": str(tmp_path / "raw")}
    out = runner.invoke(cli, [command, *RANGE, "--json"], env=env)
    lib.release_locks()
    assert out.exit_code in (0, 1), out.stdout
    return orjson.loads(out.stdout)


def status_cells(tmp_path) -> dict:
    return {(name, d): c for name, body in read_command(tmp_path, "status")["processors"].items()
            for d, c in body["dates"].items()}


def tamper_kept(tmp_path, cell: tuple[str, date]) -> None:
    """Mark one cell of every kept pass failed with a reason nothing else writes: a
    command that shows it read the kept pass instead of computing its own."""
    from backcourt.partitions import kept
    from backcourt.partitions.state import State

    passes = [(f, data) for f in kept.folder(str(tmp_path / "wh.duckdb")).glob("*.pickle")
              if "cells" in (data := pickle.loads(f.read_bytes()))]
    assert passes, "the read command kept no state pass"
    for f, data in passes:
        data["cells"][cell] = State("failed", TAMPERED)
        f.write_bytes(pickle.dumps(data))


def damage_rows(ctx, tmp_path):
    ctx.wh.execute("DELETE FROM nba_analytics.player_game_summary WHERE game_date = ?",
                   [WEEK[0]])
    return ("player_game_summary", WEEK[0].isoformat()), "missing"


def damage_raw_in_place(ctx, tmp_path):
    """Same size, mtime put back: only the file's ctime moves."""
    day = date(2023, 11, 15)
    path = Path(ctx.store.root) / "nba_injury_report" / day.isoformat() / "injury_report.json"
    st = path.stat()
    data = bytearray(path.read_bytes())
    i = data.index(b'"Out"')
    data[i + 1:i + 4] = b"OUT"
    time.sleep(0.01)
    path.write_bytes(bytes(data))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    return ("injury_report", day.isoformat()), "stale"


def behind_the_tools_back(tmp_path, damage):
    """Apply ``damage`` with a connection of its own, closed after: (its cell, its state)."""
    ctx = make_context(tmp_path, str(tmp_path / "raw"))
    try:
        return damage(ctx, tmp_path)
    finally:
        ctx.wh.execute("CHECKPOINT")
        ctx.wh.close()
        lib.release_locks()


@pytest.mark.parametrize("damage", [damage_rows, damage_raw_in_place])
def test_a_kept_pass_is_read_and_any_damage_is_a_new_one(copy, tmp_path, damage,
                                                         monkeypatch):
    """`status` keeps its state pass (and its matrix); `plan`, the next read command, reads
    that pass (a tampered cell shows); damage behind the tool's back — rows deleted, a raw
    file rewritten in place with its size and mtime put back — makes the next commands
    compute the pass again. (A pass is kept when the command walks the whole raw store:
    over more than ``FEW_DATES`` dates, lowered here to this window's 26.)"""
    monkeypatch.setattr(store_module, "FEW_DATES", 5)
    target = ("team_offense_game_summary", date(2023, 11, 10))
    copy.wh.execute("CHECKPOINT")
    copy.wh.close()   # (a connection this process writes with is never a kept pass's)
    lib.release_locks()
    status_cells(tmp_path)                    # computes and keeps the pass
    tamper_kept(tmp_path, target)
    assert plan_reasons(tmp_path)[(target[0], target[1].isoformat())] == TAMPERED
    cell, state = behind_the_tools_back(tmp_path, damage)
    after = status_cells(tmp_path)
    assert after[(target[0], target[1].isoformat())]["state"] == "done"
    assert after[cell]["state"] == state
    assert plan_reasons(tmp_path)[(target[0], target[1].isoformat())] != TAMPERED


def tamper_answers(tmp_path, change) -> int:
    """Apply ``change`` to every kept answer (not the passes); how many there were."""
    from backcourt.partitions import kept

    answers = [(f, data) for f in kept.folder(str(tmp_path / "wh.duckdb")).glob("*.pickle")
               if "answer" in (data := pickle.loads(f.read_bytes()))]
    for f, data in answers:
        change(data["answer"])
        f.write_bytes(pickle.dumps(data))
    return len(answers)


@pytest.mark.parametrize("damage", [damage_rows, damage_raw_in_place])
def test_kept_status_and_plan_answers_are_read_and_damage_is_a_new_one(copy, tmp_path,
                                                                       damage, monkeypatch):
    """`status` keeps its matrix and `plan` its plan, each under its pass's key and its
    own question: the next same command reads it (a tampered cell shows in both), and
    damage behind the tool's back makes both compute again and find it."""
    from backcourt.planner.plan import PlanCell
    from backcourt.status.matrix import Cell, StatusMatrix

    monkeypatch.setattr(store_module, "FEW_DATES", 5)
    target = ("team_offense_game_summary", date(2023, 11, 10))
    copy.wh.execute("CHECKPOINT")
    copy.wh.close()
    lib.release_locks()
    status_cells(tmp_path)
    plan_reasons(tmp_path)

    def tamper(answer) -> None:
        if isinstance(answer, StatusMatrix):
            answer.cells[target] = Cell("failed", 0, TAMPERED)
        else:
            answer.cells[target] = PlanCell(*target, "failed", True, TAMPERED)

    assert tamper_answers(tmp_path, tamper) == 2
    key = (target[0], target[1].isoformat())
    assert status_cells(tmp_path)[key]["reason"] == TAMPERED
    assert plan_reasons(tmp_path)[key] == TAMPERED
    cell, state = behind_the_tools_back(tmp_path, damage)
    after = status_cells(tmp_path)
    assert after[key]["state"] == "done" and after[cell]["state"] == state
    reasons = plan_reasons(tmp_path)
    assert reasons[key] != TAMPERED and reasons[cell] is not None   # the damage is planned


def test_a_kept_pass_is_keyed_by_the_code_and_the_question(copy, tmp_path):
    """A changed processor declaration, another range or another completeness is another
    key; a context that writes keeps nothing, nor one that does not walk the raw store."""
    from backcourt.config import Settings
    from backcourt.partitions import kept

    assert kept.key(copy, SIM_START, SIM_END, None, False, [], True) is None   # writes
    copy.wh.execute("CHECKPOINT")
    copy.wh.close()
    lib.release_locks()
    settings = Settings(warehouse=str(tmp_path / "wh.duckdb"), raw=str(tmp_path / "raw"))
    ctx = lib.open_context(settings, read_only=True)
    try:
        assert kept.key(ctx, SIM_START, SIM_END, None, False, [], True) is None  # no walk
        ctx.store.refresh()
        walking = ctx.store.listing_ahead(10_000)   # the whole store walked, as for a season
        walking.__enter__()
        first = kept.key(ctx, SIM_START, SIM_END, None, False, [], True)
        assert first is not None
        assert kept.key(ctx, SIM_START, SIM_END, None, False, [], True) == first
        assert kept.key(ctx, SIM_START, WEEK[1], None, False, [], True) != first
        assert kept.key(ctx, SIM_START, SIM_END, True, False, [], True) != first
        name = "team_offense_game_summary"
        good = ctx.registry.get(name)
        changed = dataclasses.replace(good, sql=good.sql + "\n-- changed")
        ctx.pipeline.registry = Registry(tuple(changed if p.name == name else p
                                               for p in ctx.registry.processors))
        assert kept.key(ctx, SIM_START, SIM_END, None, False, [], True) != first
        walking.__exit__(None, None, None)
    finally:
        ctx.wh.close()
        lib.release_locks()


@pytest.mark.parametrize("damage", [b"garbage\n", b"", b"\x80\x05K"])
def test_a_damaged_kept_pass_is_computed_again(copy, tmp_path, monkeypatch, damage):
    """A kept pass that cannot be read (a truncated or overwritten file) is no answer: the
    command computes the pass as if none were kept, and says the same."""
    from backcourt.partitions import kept

    monkeypatch.setattr(store_module, "FEW_DATES", 5)
    copy.wh.execute("CHECKPOINT")
    copy.wh.close()
    lib.release_locks()
    first = status_cells(tmp_path)
    files = list(kept.folder(str(tmp_path / "wh.duckdb")).glob("*.pickle"))
    assert files
    for f in files:
        f.write_bytes(damage)
    assert status_cells(tmp_path) == first


@pytest.mark.parametrize("damage", [damage_rows, damage_raw_in_place])
def test_a_kept_validation_is_read_and_any_damage_is_a_new_one(copy, tmp_path, damage,
                                                               monkeypatch):
    """`validate` keeps its answer under its state pass's key and its own question; the
    next `validate` reads it (a tampered finding shows); rows deleted or a raw file
    rewritten in place behind the tool's back make the next one validate again, and it
    finds the damage."""
    from backcourt.partitions import kept
    from backcourt.validation.validate import Finding

    monkeypatch.setattr(store_module, "FEW_DATES", 5)
    copy.wh.execute("CHECKPOINT")
    copy.wh.close()
    lib.release_locks()
    first = read_command(tmp_path, "validate")
    answers = [f for f in kept.folder(str(tmp_path / "wh.duckdb")).glob("*.pickle")
               if "answer" in pickle.loads(f.read_bytes())]
    assert len(answers) == 1, "validate kept no answer"
    data = pickle.loads(answers[0].read_bytes())
    data["answer"].findings.append(Finding("freshness", "MEDIUM", "schedule", [WEEK[0]],
                                           TAMPERED, "none"))
    answers[0].write_bytes(pickle.dumps(data))
    assert TAMPERED in [f["detail"] for f in read_command(tmp_path, "validate")["findings"]]
    (processor, day), _ = behind_the_tools_back(tmp_path, damage)
    after = read_command(tmp_path, "validate")
    assert TAMPERED not in [f["detail"] for f in after["findings"]]
    assert any(f["processor"] == processor and day in f["dates"] for f in after["findings"])
    assert not any(f["processor"] == processor and day in f["dates"]
                   for f in first["findings"])
