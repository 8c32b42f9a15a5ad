"""``backcourt import`` splits box-score archives (a folder, a zip or a JSON Lines file of
``boxscoretraditionalv3`` responses) into ``nba_boxscore/<date>/<gameId>.json``, dating each
game by the store's own schedule and checking each box score as Phase 2 will."""

from __future__ import annotations

import copy
import gzip
import zipfile
from datetime import date
from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from backcourt import app as lib
from backcourt.cli import cli
from tests.conftest import make_context

FIXTURES = Path(__file__).parent.parent / "fixtures"
SPAN = FIXTURES / "leaguegamelog_span.json"       # games of 2025-11-03 and 11-04 (11-05 bad)
REAL_BOX = FIXTURES / "nba_api_samples" / "boxscoretraditionalv3.json"   # 0022500165
NOV3, NOV4 = date(2025, 11, 3), date(2025, 11, 4)
runner = CliRunner()


def invoke(*args: str, raw: Path):
    return runner.invoke(cli, list(args), env={"BACKCOURT_RAW": str(raw)})


def _games() -> dict[str, bytes]:
    """The real box score of 2025-11-03, the 11-04 game (OKC @ LAC) in its shape, a game
    no schedule lists, and a box score naming the same team twice."""
    real = orjson.loads(REAL_BOX.read_bytes())
    okc = copy.deepcopy(real)
    b = okc["boxScoreTraditional"]
    b["gameId"], b["homeTeamId"], b["awayTeamId"] = "0022500170", 1610612746, 1610612760
    b["homeTeam"]["teamId"], b["homeTeam"]["teamTricode"] = 1610612746, "LAC"
    b["awayTeam"]["teamId"], b["awayTeam"]["teamTricode"] = 1610612760, "OKC"
    unknown = copy.deepcopy(real)
    unknown["boxScoreTraditional"]["gameId"] = "0022500999"
    same = copy.deepcopy(real)
    same["boxScoreTraditional"]["awayTeamId"] = 1610612761
    return {"a/0022500165.json": REAL_BOX.read_bytes(), "b/okc_lac.json": orjson.dumps(okc),
            "c/unknown.json": orjson.dumps(unknown), "d/same.json": orjson.dumps(same),
            "e/broken.json": b'{"boxScoreTraditional": ',
            "f/v2.json": b'{"resource": "boxscoretraditionalv2", "resultSets": []}'}


def _archive(kind: str, tmp: Path) -> Path:
    games = _games()
    if kind == "folder":
        for name, data in games.items():
            (tmp / "season" / name).parent.mkdir(parents=True, exist_ok=True)
            (tmp / "season" / name).write_bytes(data)
        return tmp / "season"
    if kind == "zip":
        with zipfile.ZipFile(tmp / "season.zip", "w") as z:
            for name, data in games.items():
                z.writestr(name, data)
        return tmp / "season.zip"
    lines = b"\n".join(orjson.dumps(orjson.loads(d)) if d.endswith(b"}") else d
                       for d in games.values())
    (tmp / "season.jsonl.gz").write_bytes(gzip.compress(lines + b"\n"))
    return tmp / "season.jsonl.gz"


@pytest.mark.parametrize("kind", ["folder", "zip", "jsonl"])
def test_an_archive_is_split_by_the_dates_of_the_stores_schedule(tmp_path, kind):
    raw = tmp_path / "raw"
    assert invoke("import", str(SPAN), raw=raw).exit_code == 1      # its 11-05 row is bad
    archive = _archive(kind, tmp_path)
    r = invoke("import", str(archive), "--json", raw=raw)
    assert r.exit_code == 1, r.output                   # four entries named, not imported
    body = orjson.loads(r.stdout)
    assert body["boxscores"] == {"2025-11-03": 1, "2025-11-04": 1}
    problems = body["problems"]
    assert len(problems) == 4, problems
    [v2] = [p for p in problems if "v2 box score" in p]
    assert "v2.json" in v2 or "season.jsonl.gz:6" in v2
    [unknown] = [p for p in problems if "0022500999" in p]
    assert "boxScoreTraditional.gameId" in unknown and "date is unknown" in unknown
    [same] = [p for p in problems if "awayTeamId" in p]
    assert "same team as homeTeamId" in same and "0022500165" in same
    [broken] = [p for p in problems if "not JSON" in p]
    where = {"folder": "e/broken.json", "zip": "season.zip!e/broken.json",
             "jsonl": "season.jsonl.gz:5"}[kind]
    assert where in broken
    nov3 = raw / "nba_boxscore" / "2025-11-03" / "0022500165.json"
    nov4 = raw / "nba_boxscore" / "2025-11-04" / "0022500170.json"
    assert orjson.loads(nov3.read_bytes()) == orjson.loads(REAL_BOX.read_bytes())
    assert orjson.loads(nov4.read_bytes())["boxScoreTraditional"]["homeTeamId"] == 1610612746
    if kind != "jsonl":                                 # the bytes as they came
        assert nov3.read_bytes() == REAL_BOX.read_bytes()
    before = nov3.read_bytes()
    assert invoke("import", str(archive), raw=raw).exit_code == 1
    assert nov3.read_bytes() == before


def test_a_single_box_score_and_its_phase2_load(tmp_path):
    """One box score given as a file is imported like an archive of one, and Phase 2 loads
    every player of it on its date."""
    raw = tmp_path / "raw"
    r = invoke("import", str(REAL_BOX), raw=raw)
    assert r.exit_code == 1 and "date is unknown" in r.output       # no schedule yet
    assert not (raw / "nba_boxscore").exists()
    assert invoke("import", str(SPAN), raw=raw).exit_code == 1
    r = invoke("import", str(REAL_BOX), raw=raw)
    assert r.exit_code == 0, r.output
    assert "imported 1 box scores of 1 date(s)" in r.output
    ctx = make_context(tmp_path, str(raw))
    try:
        summary = lib.run(ctx, lib.select(ctx, [2], ["schedule", "gamebook_player_stats"]),
                          NOV3, NOV3, "imported")
        assert summary.ok, summary
        box = orjson.loads(REAL_BOX.read_bytes())["boxScoreTraditional"]
        want = {p["personId"] for side in ("homeTeam", "awayTeam")
                for p in box[side]["players"]}
        got = {pid for (pid,) in ctx.wh.query(
            "SELECT player_id FROM nba_raw.gamebook_player_stats WHERE game_id = '0022500165'")}
        assert got == want
    finally:
        ctx.wh.close()
        lib.release_locks()


def test_an_imported_date_is_complete_by_its_team_game_logs(tmp_path):
    """Without scoreboards, the imported logs are the index of the imported box scores:
    2025-11-03's box score makes that date complete (no scoreboard is asked for), and a
    box score on 11-04 of a game the logs do not list names both that file and the logged
    game's missing box score."""
    from backcourt.rawstore import RawStore
    from backcourt.sources.completeness import incomplete_raw_dates

    raw = tmp_path / "raw"
    invoke("import", str(SPAN), raw=raw)
    assert invoke("import", str(REAL_BOX), raw=raw).exit_code == 0
    store = RawStore(str(raw))
    assert incomplete_raw_dates(store, NOV3, NOV4) == []
    stray = raw / "nba_boxscore" / "2025-11-04" / "0022500999.json"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(REAL_BOX.read_bytes())
    [nov4] = incomplete_raw_dates(RawStore(str(raw)), NOV3, NOV4)
    assert nov4.day == NOV4
    assert nov4.missing == ("nba_boxscore/2025-11-04/0022500170.json",)
    assert nov4.unexpected == ("nba_boxscore/2025-11-04/0022500999.json (a game not in the "
                               "date's team game logs)",)


def test_an_archive_with_no_box_score_is_named(tmp_path):
    (tmp_path / "empty").mkdir()
    r = invoke("import", str(tmp_path / "empty"), raw=tmp_path / "raw")
    assert r.exit_code == 1 and "no box scores" in r.output
