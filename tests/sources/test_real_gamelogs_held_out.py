"""Real team game logs, held out from every parser test, load completely and exactly.

The held-out season files are not part of the repository: point
``BACKCOURT_HELD_OUT_GAMELOGS`` at a folder of stats-site ``leaguegamelog`` /
``teamgamelogs`` responses (``*.json`` or ``*.json.gz``, league-wide: both teams of each
game). The test refuses a file whose name appears anywhere in tests/ or src/ (it would not
be held out). Without the folder the held-out test is skipped with that reason; the same
comparison runs on the repository's own game-log fixture either way, so the check itself
is exercised in CI.
"""

from __future__ import annotations

import os
from pathlib import Path

import orjson
import pytest

from .real_gamelogs import load_and_compare

ROOT = Path(__file__).parent.parent.parent
HELD_OUT = os.environ.get("BACKCOURT_HELD_OUT_GAMELOGS", "")
# file name -> {row: a word of the reason} for rows that are genuinely bad in the real data
GENUINELY_BAD: dict[str, dict[int, str]] = {}


def _referenced(name: str) -> list[str]:
    stem = name.split(".")[0]
    return [str(p.relative_to(ROOT)) for folder in ("tests", "src")
            for p in (ROOT / folder).rglob("*") if p.is_file() and p.suffix in (".py", ".md")
            and stem in p.read_text(errors="replace")]


@pytest.mark.skipif(not HELD_OUT, reason="no held-out real game logs: set "
                    "BACKCOURT_HELD_OUT_GAMELOGS to a folder of stats-site team game logs")
def test_held_out_real_game_logs_load_completely_and_exactly(tmp_path):
    paths = sorted(p for p in Path(HELD_OUT).iterdir()
                   if p.name.endswith((".json", ".json.gz")))
    assert paths, f"no .json or .json.gz files in {HELD_OUT}"
    for p in paths:
        assert not _referenced(p.name), f"{p.name} is not held out: {_referenced(p.name)}"
    load_and_compare(paths, tmp_path, GENUINELY_BAD)


def test_the_comparison_on_the_repository_fixture_names_its_one_bad_row(tmp_path):
    """Three dates in the leaguegamelog shape with a repeated row added and
    one genuinely bad row (FGM above FGA on 2025-11-05): two dates load exactly, the bad
    date is named and left out."""
    doc = orjson.loads((ROOT / "tests" / "fixtures" / "leaguegamelog_span.json").read_bytes())
    rows = doc["resultSets"][0]["rowSet"]
    rows.insert(2, list(rows[1]))                     # TOR's row of 2025-11-03 again
    span = tmp_path / "span.json"
    span.write_bytes(orjson.dumps(doc))
    got = load_and_compare([span], tmp_path, {"span.json": {5: "FGM"}})
    assert len(got.games) == 2 and got.warnings == 1


def _as_teamgamelogs(doc: dict) -> dict:
    """The same games in the ``teamgamelogs`` shape as the stats site sends it: SEASON_YEAR,
    GAME_DATE with a time, counts as integral floats, game minutes (48.0), rank columns."""
    rs = doc["resultSets"][0]
    headers = rs["headers"]
    counts = {"FGM", "FGA", "FG3M", "FG3A", "FTM", "FTA", "OREB", "DREB", "REB", "AST", "STL",
              "BLK", "TOV", "PF", "PTS", "PLUS_MINUS"}
    out_headers = ["SEASON_YEAR" if h == "SEASON_ID" else h for h in headers
                   if h != "VIDEO_AVAILABLE"] + ["GP_RANK", "PTS_RANK"]
    rows = []
    for n, row in enumerate(rs["rowSet"]):
        rec = dict(zip(headers, row, strict=True))
        rec["SEASON_YEAR"] = "2025-26"
        rec["GAME_DATE"] += "T00:00:00"
        rec["MIN"] = rec["MIN"] / 5.0
        for c in counts:
            rec[c] = float(rec[c])
        rec["GP_RANK"], rec["PTS_RANK"] = 1, n + 1
        rows.append([rec[h] for h in out_headers])
    return {"resource": "teamgamelogs", "parameters": {"SeasonNullable": "2025-26"},
            "resultSets": [{"name": "TeamGameLogs", "headers": out_headers, "rowSet": rows}]}


def test_the_comparison_in_the_teamgamelogs_shape_with_its_quirks(tmp_path):
    """The fixture's games as teamgamelogs: integral floats, game minutes, rank columns,
    and a row repeated with only its ranks changed: everything loads exactly, the repeat is
    dropped with one warning, the one bad row (FGM above FGA) is named."""
    doc = _as_teamgamelogs(orjson.loads(
        (ROOT / "tests" / "fixtures" / "leaguegamelog_span.json").read_bytes()))
    rows = doc["resultSets"][0]["rowSet"]
    again = list(rows[2])
    again[-1] = 17                                    # OKC's row of 11-04, another rank
    rows.insert(3, again)
    span = tmp_path / "teamgamelogs.json"
    span.write_bytes(orjson.dumps(doc))
    got = load_and_compare([span], tmp_path, {"teamgamelogs.json": {5: "FGM"}})
    assert len(got.games) == 2 and got.warnings == 1
