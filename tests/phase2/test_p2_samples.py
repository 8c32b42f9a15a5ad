"""Every real NBA stats sample parses, with exact figures."""

from __future__ import annotations

import csv
import re
from datetime import date, datetime
from importlib import resources

import orjson
import pytest

from backcourt.pipeline.phase2.names import PlayerResolver, team_by_id
from backcourt.pipeline.phase2.parsers import PARSERS, TABLE_SOURCES

from ._helpers import SAMPLES, TABLE_COLUMNS, run


def _sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def test_parsers_registry() -> None:
    assert set(PARSERS) == {
        "nba_scoreboard",
        "nba_schedule",
        "nba_boxscore",
        "nba_playbyplay",
        "nba_injury_report",
        "nba_rosters",
        "odds_player_props",
        "odds_game_lines",
        "nba_team_gamelogs",
    }
    assert set(TABLE_SOURCES) == set(TABLE_COLUMNS)
    for sources in TABLE_SOURCES.values():
        assert set(sources) <= set(PARSERS)


# -- box score -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def box(resolver: PlayerResolver):
    return run(
        "nba_boxscore",
        "2025-11-03",
        "0022500165.json",
        _sample("boxscoretraditionalv3.json"),
        resolver,
    )


def test_boxscore_teams(box) -> None:
    teams = {r["team_abbr"]: r for r in box.rows["team_boxscore"]}
    assert set(teams) == {"TOR", "MIL"}
    tor, mil = teams["TOR"], teams["MIL"]
    assert (tor["pts"], mil["pts"]) == (128, 100)  # MIL 100 @ TOR 128
    assert tor["is_home"] and not mil["is_home"]
    assert tor["team_id"] == 1610612761 and tor["opponent_team_id"] == 1610612749
    assert mil["team_id"] == 1610612749 and mil["opponent_team_id"] == 1610612761
    assert (tor["fgm"], tor["fga"], tor["fg3m"], tor["fg3a"], tor["ftm"], tor["fta"]) == (
        44,
        91,
        17,
        38,
        23,
        29,
    )
    assert (tor["oreb"], tor["dreb"], tor["reb"], tor["ast"], tor["tov"], tor["pf"]) == (
        10,
        40,
        50,
        33,
        9,
        23,
    )
    assert (mil["fgm"], mil["fga"], mil["reb"], mil["ast"]) == (37, 86, 41, 26)
    assert tor["minutes"] == mil["minutes"] == 240.0
    assert tor["plus_minus"] == 28.0 and mil["plus_minus"] == -28.0
    for r in teams.values():
        assert r["game_id"] == "0022500165"
        assert r["season"] == "2025-26"
        assert r["source"] == "boxscore"
        assert r["game_date"] == date(2025, 11, 3)
        assert r["source_file"] == "nba_boxscore/2025-11-03/0022500165.json"


def test_boxscore_players(box) -> None:
    players = box.rows["gamebook_player_stats"]
    by_team: dict[str, list[dict]] = {}
    for p in players:
        by_team.setdefault(p["team_abbr"], []).append(p)
    assert len(by_team["TOR"]) == 14 and len(by_team["MIL"]) == 15
    for abbr, rows in by_team.items():
        assert sum(r["is_starter"] for r in rows) == 5
        team = next(t for t in box.rows["team_boxscore"] if t["team_abbr"] == abbr)
        assert sum(r["pts"] for r in rows) == team["pts"]
    by_name = {p["player_name"]: p for p in players}

    ingram = by_name["Brandon Ingram"]
    assert ingram["minutes_raw"] == "30:49"
    assert ingram["minutes"] == pytest.approx(30.8167, abs=1e-4)
    assert ingram["minutes"] == pytest.approx(30 + 49 / 60)
    assert (ingram["pts"], ingram["fgm"], ingram["fga"], ingram["reb"]) == (13, 6, 12, 8)
    assert ingram["position"] == "F" and ingram["is_starter"]
    assert ingram["player_status"] == "ACTIVE" and ingram["dnp_reason"] is None
    assert ingram["plus_minus"] == 17.0

    temple = by_name["Garrett Temple"]
    assert temple["player_status"] == "DNP"
    assert temple["dnp_reason"] == "DNP - Coach's Decision"
    assert temple["minutes_raw"] == "" and temple["minutes"] == 0.0
    assert temple["position"] == "" and not temple["is_starter"]
    assert by_name["Thanasis Antetokounmpo"]["player_status"] == "DNP"
    assert sum(p["player_status"] == "ACTIVE" for p in players) == 27

    trent = by_name["Gary Trent Jr."]
    assert trent["player_lookup"] == "garytrent" and trent["player_id"] == 1629018
    assert by_name["Ja'Kobe Walter"]["player_lookup"] == "jakobewalter"
    giannis = by_name["Giannis Antetokounmpo"]
    assert (giannis["pts"], giannis["team_id"], giannis["is_home"]) == (22, 1610612749, False)


# -- scoreboard ------------------------------------------------------------------------------


def test_scoreboard(resolver: PlayerResolver) -> None:
    out = run(
        "nba_scoreboard", "2025-11-05", "scoreboard.json", _sample("scoreboardv3.json"), resolver
    )
    games = out.rows["schedule"]
    assert len(games) == 11
    assert [g["game_id"] for g in games] == [f"00225001{n}" for n in range(71, 82)]
    scores = {
        g["game_id"]: (g["away_team_abbr"], g["away_score"], g["home_team_abbr"], g["home_score"])
        for g in games
    }
    assert scores == {
        "0022500171": ("PHI", 121, "CLE", 132),
        "0022500172": ("UTA", 103, "DET", 114),
        "0022500173": ("BKN", 112, "IND", 103),
        "0022500174": ("WAS", 107, "BOS", 136),
        "0022500175": ("MIN", 114, "NYK", 137),
        "0022500176": ("HOU", 124, "MEM", 109),
        "0022500177": ("NOP", 101, "DAL", 99),
        "0022500178": ("MIA", 112, "DEN", 122),
        "0022500179": ("SAS", 116, "LAL", 118),
        "0022500180": ("OKC", 119, "POR", 121),
        "0022500181": ("GSW", 116, "SAC", 121),
    }
    first = games[0]
    assert first["season"] == "2025-26" and first["season_type"] == "Regular Season"
    assert first["game_status"] == 3 and first["game_status_text"] == "Final"
    assert first["is_postponed"] is False
    assert first["tipoff_utc"] == datetime(2025, 11, 6, 0, 0)
    assert games[-1]["tipoff_utc"] == datetime(2025, 11, 6, 3, 0)
    for g in games:
        assert team_by_id(g["home_team_id"]).abbr == g["home_team_abbr"]
        assert team_by_id(g["away_team_id"]).abbr == g["away_team_abbr"]


# -- play-by-play ----------------------------------------------------------------------------


def test_playbyplay(resolver: PlayerResolver) -> None:
    payload = _sample("playbyplayv3.json")
    out = run("nba_playbyplay", "2024-10-22", "0022400001.json", payload, resolver)
    shots = out.rows["pbp_shots"]
    actions = orjson.loads(payload)["game"]["actions"]
    attempts = [a for a in actions if a["actionType"] in ("Made Shot", "Missed Shot")]
    assert len(shots) == len(attempts) == 174
    made = [a for a in attempts if a["actionType"] == "Made Shot"]
    assert sum(s["is_made"] for s in shots) == len(made) == 88
    assisted = [a for a in made if re.search(r"\(\S.* \d+ AST\)$", a["description"])]
    assert sum(s["is_assisted"] for s in shots) == len(assisted) == 63
    assert sum(s["shot_value"] == 3 for s in shots) == 77
    assert sum(s["shot_value"] == 3 and s["is_made"] for s in shots) == 28
    assert not any(s["is_assisted"] for s in shots if not s["is_made"])
    assert all(s["game_id"] == "0022400001" for s in shots)

    by_number = {s["action_number"]: s for s in shots}
    three = by_number[21]  # "Johnson 26' 3PT Jump Shot (3 PTS) (Wallace 1 AST)"
    assert three["is_made"] and three["shot_value"] == 3
    assert three["is_assisted"] and three["assist_player_name"] == "Wallace"
    assert (three["team_id"], three["player_id"]) == (1610612737, 1630552)
    assert (three["x_legacy"], three["y_legacy"], three["shot_distance"]) == (157, 203, 26.0)
    assert (three["period"], three["clock"]) == (1, "PT10M50.00S")
    assert (three["action_type"], three["sub_type"]) == ("Made Shot", "Jump Shot")
    miss = by_number[7]
    assert not miss["is_made"] and not miss["is_assisted"] and miss["assist_player_name"] is None


# -- rosters (commonallplayers) --------------------------------------------------------------


def test_commonallplayers(resolver: PlayerResolver) -> None:
    out = run(
        "nba_rosters",
        "2025-11-05",
        "commonallplayers.json",
        _sample("commonallplayers.json"),
        resolver,
    )
    rows = out.rows["rosters"]
    assert len(rows) == 526
    text = resources.files("backcourt.reference").joinpath("rosters_2025_26.csv").read_text()
    reference = {int(r["player_id"]): int(r["team_id"]) for r in csv.DictReader(text.splitlines())}
    assert {r["player_id"]: r["team_id"] for r in rows} == reference
    assert {r["season"] for r in rows} == {"2025-26"}
    assert all(
        r["birth_date"] is None and r["jersey"] is None and r["position"] is None for r in rows
    )
    assert len({r["team_id"] for r in rows}) == 30
    achiuwa = next(r for r in rows if r["player_id"] == 1630173)
    assert (
        achiuwa["player_name"] == "Precious Achiuwa"
        and achiuwa["player_lookup"] == "preciousachiuwa"
    )
