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
    kept = inside.with_name("kept.json")
    inside.rename(kept)
    os.symlink(kept, inside)
    ctx = make_context(tmp_path, raw_copy)
    msg = failed(run_box(ctx))[(BOX, DAY.isoformat())]
    assert target.name in msg and "outside the raw root" in msg
    assert games_loaded(ctx, LAST) == len(box_files(raw_copy, LAST)) - 1   # kept.json twin
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
