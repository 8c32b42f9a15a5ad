"""The Phase 2 loader in worker processes gives the same table, row for row, as in-process;
a box score read by two processors is parsed once per run; Arrow conversion shortcuts."""

from __future__ import annotations

import os
import pickle
from datetime import UTC, date, datetime, timedelta, timezone

import pyarrow as pa

from backcourt import app as lib
from backcourt.partitions import workers
from backcourt.pipeline.phase2 import parse_files
from backcourt.pipeline.phase2.loader import RawFileLoader
from backcourt.pipeline.phase2.parsers import PARSERS
from backcourt.pipeline.phase2.parsers.base import ColumnRows, RawRecordError
from tests.conftest import SIM_END, SIM_START, make_context


def _phase2_days(ctx, p) -> list[date]:
    return ctx.partitions(p, SIM_START, SIM_END)


def test_worker_processes_give_the_same_tables(sim_raw, tmp_path, monkeypatch):
    ctx = make_context(tmp_path, sim_raw)
    try:
        assert lib.run(ctx, lib.select(ctx, [2]), SIM_START, SIM_END, "test").ok
        monkeypatch.setattr(parse_files, "MIN_FILES_PER_WORKER", 1)
        monkeypatch.setattr(parse_files, "FORK_WORTH_SECONDS", 0)
        for p in lib.select(ctx, [2]):
            days = _phase2_days(ctx, p)
            files = [f for d in days for i in p.inputs if i.is_raw
                     for f in ctx.store.list_files(i.raw_source, d)]
            if len({f.game_date for f in files}) > 1:   # (the schedule: one file)
                assert len(parse_files.split_by_date(files, 2)) > 1, p.name
            serial = RawFileLoader(workers=1).load(ctx, p, days, "serial")
            forked = RawFileLoader(workers=2).load(ctx, p, days, "forked")
            assert forked.table.num_rows > 0, p.name
            assert forked.table.equals(serial.table), p.name
            assert forked.registry_errors == serial.registry_errors, p.name
            assert forked.bad_files == serial.bad_files == {}
    finally:
        ctx.wh.close()


def test_a_box_score_is_parsed_once_for_its_two_tables(raw_copy, tmp_path, monkeypatch):
    calls: list[str] = []
    parse = PARSERS["nba_boxscore"]

    def counting(payload, file, resolver):
        calls.append(file.display)
        return parse(payload, file, resolver)

    monkeypatch.setitem(PARSERS, "nba_boxscore", counting)
    ctx = make_context(tmp_path, raw_copy)
    try:
        assert lib.run(ctx, lib.select(ctx, None, ["season_schedule", "schedule"]),
                       SIM_START, SIM_END, "test").ok
        players, teams = (ctx.registry.get(n) for n in ("gamebook_player_stats",
                                                        "team_boxscore"))
        days = _phase2_days(ctx, players)
        loader = RawFileLoader(workers=1)
        loader.load(ctx, players, days, "run")
        n_files = len(calls)
        assert n_files > 0
        shared = loader.load(ctx, teams, days, "run")
        assert len(calls) == n_files                      # team rows came from the first pass
        fresh = RawFileLoader(workers=1).load(ctx, teams, days, "run")
        assert shared.table.equals(fresh.table)
        assert len(calls) == 2 * n_files

        # handed over once: loading the team rows again parses again
        loader.load(ctx, teams, days, "run")
        assert len(calls) == 3 * n_files

        # a rewritten file is parsed again, not taken from the first pass
        loader.load(ctx, players, days[:1], "run")
        first = ctx.store.list_files("nba_boxscore", days[0])[0]
        st = os.stat(first.path)
        os.utime(first.path, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
        ctx.store.refresh()
        before = len(calls)
        loader.load(ctx, teams, days[:1], "run")
        assert len(calls) - before == len(ctx.store.list_files("nba_boxscore", days[0]))
    finally:
        ctx.wh.close()


def test_to_arrow_matches_the_per_column_conversion():
    columns = {"game_date": "DATE", "t": "TIMESTAMP", "n": "INTEGER", "x": "DOUBLE",
               "s": "VARCHAR", "b": "BOOLEAN"}
    plain = [{"game_date": date(2024, 1, 2), "t": datetime(2024, 1, 2, 23, 30), "n": 3,
              "x": 2, "s": "a", "b": True, "extra": object()},
             {"game_date": date(2024, 1, 3), "t": None, "n": None, "x": 2.5, "s": None,
              "b": False, "extra": None}]
    est = timezone(timedelta(hours=-5))
    odd = [{**plain[0], "game_date": "2024-01-02T00:00:00",
            "t": datetime(2024, 1, 2, 18, 30, tzinfo=est)},
           {**plain[1], "t": "2024-01-03T01:00:00Z"}]
    for rows in (plain, odd, []):
        got = parse_files.to_arrow(rows, columns)
        assert got.equals(parse_files._to_arrow_by_column(rows, columns))
        assert got.schema.names == list(columns)
    got = parse_files.to_arrow(odd, columns).column("t").to_pylist()
    assert got == [datetime(2024, 1, 2, 23, 30), datetime(2024, 1, 3, 1, 0)]
    assert datetime(2024, 1, 3, 1, tzinfo=UTC).replace(tzinfo=None) == got[1]


def test_rows_held_as_columns_give_the_same_table_as_row_dicts():
    columns = {"game_date": "DATE", "t": "TIMESTAMP", "n": "INTEGER", "x": "DOUBLE",
               "s": "VARCHAR", "b": "BOOLEAN"}
    est = timezone(timedelta(hours=-5))
    rows = [{"game_date": date(2024, 1, 2), "t": datetime(2024, 1, 2, 18, 30, tzinfo=est),
             "n": 3, "x": 2, "s": "a", "b": True},
            {"game_date": "2024-01-03", "t": "2024-01-03T01:00:00Z", "n": None, "x": 2.5,
             "s": None, "b": False},
            {"game_date": date(2024, 1, 4), "t": None, "n": 7, "x": None, "s": "c",
             "b": None}]
    # one file's rows, then two more files' (one of them empty), in load order
    parts = [ColumnRows({c: [r[c] for r in chunk] for c in columns})
             for chunk in (rows[:1], [], rows[1:])]
    assert [r for p in parts for r in p] == rows       # read as rows, they are the rows
    got = parse_files.columns_to_arrow(parts, columns)
    assert got.equals(parse_files._to_arrow_by_column(rows, columns))
    assert got.column("t").to_pylist()[:2] == [datetime(2024, 1, 2, 23, 30),
                                                 datetime(2024, 1, 3, 1, 0)]
    assert parts[2][1] == rows[2] and len(parts[1]) == 0
    assert pickle.loads(pickle.dumps(parts[2])) == rows[1:]


def test_first_per_key_keeps_the_first_row_in_order():
    t = pa.table({"d": [1, 1, 2, 1, 2], "k": ["a", "b", "a", "a", "a"], "v": [1, 2, 3, 4, 5]})
    assert parse_files.first_per_key(t, ["d", "k"]).column("v").to_pylist() == [1, 2, 3]
    unique = t.slice(0, 3)
    assert parse_files.first_per_key(unique, ["d", "k"]) is unique


def test_a_raw_record_error_survives_pickling():
    exc = pickle.loads(pickle.dumps(RawRecordError("src/2024-01-02/f.json", "a.b", "bad")))
    assert (exc.file, exc.field, exc.reason) == ("src/2024-01-02/f.json", "a.b", "bad")
    assert str(exc) == "src/2024-01-02/f.json: field 'a.b': bad"


def test_split_by_date_never_splits_a_date(sim_raw):
    from backcourt.rawstore import RawStore

    store = RawStore(sim_raw)
    files = [f for d in store.list_dates("nba_boxscore")
             for f in store.list_files("nba_boxscore", d)]
    chunks = parse_files.split_by_date(files, 2)
    assert [f for c in chunks for f in c] == files
    dates = [{f.game_date for f in c} for c in chunks]
    assert all(not (a & b) for i, a in enumerate(dates) for b in dates[i + 1:])


def _die(job):
    os._exit(3)


def _box_scores_with_dying_workers(ctx, monkeypatch, fork_worth_seconds: float):
    """Load the schedule, then the box scores with every worker process dying at once,
    forking when the first date's parse says the rest costs ``fork_worth_seconds``."""
    assert lib.run(ctx, lib.select(ctx, None, ["season_schedule", "schedule"]),
                   SIM_START, SIM_END, "schedule").ok
    monkeypatch.setattr(workers, "_run_in_worker", _die)
    monkeypatch.setattr(parse_files, "MIN_FILES_PER_WORKER", 1)
    monkeypatch.setattr(parse_files, "FORK_WORTH_SECONDS", fork_worth_seconds)
    return lib.run(ctx, lib.select(ctx, None, ["gamebook_player_stats"]),
                   SIM_START, SIM_END, "box scores")


def test_a_worker_that_dies_fails_its_batch_instead_of_hanging(sim_raw, tmp_path,
                                                                monkeypatch):
    # a parsing worker killed mid-load (out of memory, a crash in a C extension): the
    # batch is recorded as failed, with the reason, and the run goes on — it never waits
    # for the dead worker's result
    ctx = make_context(tmp_path, sim_raw)
    try:
        summary = _box_scores_with_dying_workers(ctx, monkeypatch, fork_worth_seconds=0)
        assert not summary.ok
        failed = {(f.category, f.processor) for f in summary.failures}
        assert failed == {("PROCESSING_ERROR", "gamebook_player_stats")}
        assert "BrokenProcessPool" in summary.failures[0].message
        assert ctx.wh.query("SELECT count(*) FROM nba_raw.gamebook_player_stats") == [(0,)]
    finally:
        ctx.wh.close()


def test_a_load_whose_first_date_is_cheap_starts_no_worker_processes(sim_raw, tmp_path,
                                                                      monkeypatch):
    # forking costs more than it saves on a small source: the first date, parsed here,
    # says what the rest would cost, and below FORK_WORTH_SECONDS no worker starts (a
    # worker would die here)
    ctx = make_context(tmp_path, sim_raw)
    try:
        summary = _box_scores_with_dying_workers(ctx, monkeypatch, fork_worth_seconds=1e9)
        assert summary.ok
        assert ctx.wh.query("SELECT count(*) FROM nba_raw.gamebook_player_stats")[0][0] > 0
    finally:
        ctx.wh.close()
