"""Check that team game logs in the stats site's shape load completely and exactly.

``load_and_compare`` imports the files with ``backcourt import``, runs ``backfill --phases
2`` through the CLI, and compares the warehouse with what the files say, read here on their
own (plain JSON, no parser of the project): every game of every date, each team's games,
points and the other counts per team and date, the final scores; the repeated rows dropped
with a warning and nothing else left out, except the rows the caller names as genuinely bad.
"""

from __future__ import annotations

import gzip
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import orjson
from typer.testing import CliRunner

from backcourt.cli import cli

STATS = ("FGM", "FGA", "FG3M", "FG3A", "FTM", "FTA", "OREB", "DREB", "REB", "AST", "STL",
         "BLK", "TOV", "PF", "PTS")
# the only Phase 2 partitions a store of game logs alone cannot fill: their inputs are box
# scores and play-by-play files, which game logs do not hold
NEEDS_OTHER_FILES = {"gamebook_player_stats", "pbp_shots"}


@dataclass
class Expected:
    team_dates: dict[tuple[str, int], Counter] = field(default_factory=dict)
    games: dict[str, tuple[str, int, int, int, int]] = field(default_factory=dict)
    repeats: int = 0                          # rows repeated (ranks aside): dropped, warned
    dates: set[str] = field(default_factory=set)


def read_rows(path: Path) -> tuple[list[str], list[list]]:
    data = path.read_bytes()
    if path.name.endswith(".gz"):
        data = gzip.decompress(data)
    doc = orjson.loads(data)
    [rs] = [r for r in doc["resultSets"] if r["name"] in ("LeagueGameLog", "TeamGameLogs")]
    return rs["headers"], rs["rowSet"]


def expected(paths: list[Path], bad_dates: set[str] = frozenset()) -> Expected:
    """What the files hold, date by date (``bad_dates``: dates with a genuinely bad row,
    which the import leaves out whole)."""
    out = Expected()
    seen: dict[tuple[str, int], tuple] = {}
    sides: dict[str, dict[str, tuple[int, int]]] = {}
    for path in paths:
        headers, rows = read_rows(path)
        col = {h: i for i, h in enumerate(headers)}
        for row in rows:
            day = row[col["GAME_DATE"]][:10]
            if day in bad_dates:
                continue
            out.dates.add(day)
            game, team = row[col["GAME_ID"]], int(row[col["TEAM_ID"]])
            values = tuple(int(float(row[col[s]])) for s in STATS)
            if (game, team) in seen:
                assert seen[(game, team)] == values, f"{path.name}: two different rows of " \
                                                     f"team {team} in game {game}"
                out.repeats += 1
                continue
            seen[(game, team)] = values
            counts = out.team_dates.setdefault((day, team), Counter())
            counts["games"] += 1
            for s, v in zip(STATS, values, strict=True):
                counts[s] += v
            side = "home" if " vs. " in row[col["MATCHUP"]] else "away"
            sides.setdefault(game, {"day": day})[side] = (team, values[-1])
    for game, s in sides.items():
        assert "home" in s and "away" in s, f"game {game} has one team's row only: the " \
                                            "held-out logs must be league-wide"
        (home, home_pts), (away, away_pts) = s["home"], s["away"]
        out.games[game] = (s["day"], home, away, home_pts, away_pts)
    return out


@dataclass
class Loaded:
    import_out: dict
    backfill_out: dict
    team_dates: dict[tuple[str, int], Counter]
    games: dict[str, tuple[str, int, int, int, int]]
    warnings: int
    quarantined: list[tuple[str, str, str]]   # the ledger's and the raw store's


def load(paths: list[Path], tmp: Path) -> Loaded:
    runner = CliRunner()
    env = {"BACKCOURT_RAW": str(tmp / "raw"), "BACKCOURT_WAREHOUSE": str(tmp / "wh.duckdb")}
    r = runner.invoke(cli, ["import", *map(str, paths), "--json"], env=env)
    assert r.exit_code in (0, 1), r.output
    imported = orjson.loads(r.stdout)
    days = sorted(imported["dates"])
    assert days, imported
    r = runner.invoke(cli, ["backfill", "--start", days[0], "--end", days[-1], "--phases", "2",
                            "--json"], env=env)
    assert r.exit_code in (0, 1), r.output
    backfill = orjson.loads(r.stdout)
    con = duckdb.connect(str(tmp / "wh.duckdb"))   # the CLI run's in-process config
    try:
        team_dates: dict[tuple[str, int], Counter] = {}
        sums = ", ".join(f"sum({s.lower()})" for s in STATS)
        for day, team, n, *values in con.execute(
                f"SELECT game_date, team_id, count(*), {sums} FROM nba_raw.team_boxscore "
                "GROUP BY ALL").fetchall():
            team_dates[(day.isoformat(), team)] = Counter(
                {"games": n, **dict(zip(STATS, map(int, values), strict=True))})
        games = {g: (d.isoformat(), h, a, hp, ap) for g, d, h, a, hp, ap in con.execute(
            "SELECT game_id, game_date, home_team_id, away_team_id, home_score, away_score "
            "FROM nba_raw.schedule").fetchall()}
        [(warnings,)] = con.execute("SELECT count(*) FROM nba_raw.raw_input_warnings").fetchall()
        quarantined = con.execute("SELECT file, field, reason FROM backcourt_ops.quarantine"
                                  ).fetchall()
    finally:
        con.close()
    quarantined += [(str(p), "", "moved aside") for p in (tmp / "raw" / "_quarantine").rglob("*")
                    if p.is_file()]
    return Loaded(imported, backfill, team_dates, games, warnings, quarantined)


def load_and_compare(paths: list[Path], tmp: Path,
                     bad_rows: dict[str, dict[int, str]] | None = None) -> Loaded:
    """``bad_rows``: file name -> {row index: a word of the reason} for rows that are
    genuinely bad; the import must name exactly those, and nothing else may be left out."""
    bad_rows = bad_rows or {}
    got = load(paths, tmp)
    problems = got.import_out["problems"]
    named = [(p, name, i, word) for name, rows in bad_rows.items()
             for i, word in rows.items() for p in problems
             if name in p and f"rowSet[{i}]" in p and word in p]
    assert len(problems) == len(named) == sum(map(len, bad_rows.values())), problems
    bad_dates = set()
    for path in paths:
        headers, rows = read_rows(path)
        at = headers.index("GAME_DATE")
        bad_dates |= {rows[i][at][:10] for i in bad_rows.get(path.name, {})}
    want = expected(paths, bad_dates)

    assert set(got.import_out["dates"]) == want.dates
    failures = got.backfill_out["failures"]
    blocked = got.backfill_out["blocked"]["partitions"] if got.backfill_out["blocked"] else []
    assert not failures, failures
    assert not got.quarantined, got.quarantined
    assert {b["processor"] for b in blocked} <= NEEDS_OTHER_FILES, blocked
    assert all("no raw files" in b["reason"] for b in blocked), blocked
    assert got.games == want.games
    assert got.team_dates == want.team_dates
    assert got.warnings == want.repeats
    return got
