"""Hand-made files in tests/fixtures, built from real figures where possible."""

from __future__ import annotations

from datetime import date, datetime

import orjson
import pytest

from backcourt.pipeline.phase2.names import PlayerResolver

from ._helpers import FIXTURES, SAMPLES, run

EVENT = "e912304de2b2ce35b473ce2ecd3d1502"
STATS = (
    "fgm",
    "fga",
    "fg3m",
    "fg3a",
    "ftm",
    "fta",
    "oreb",
    "dreb",
    "reb",
    "ast",
    "stl",
    "blk",
    "tov",
    "pf",
    "pts",
    "plus_minus",
    "minutes",
)


def _fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


# -- game logs -------------------------------------------------------------------------------


def test_leaguegamelog(resolver: PlayerResolver) -> None:
    out = run(
        "nba_team_gamelogs",
        "2025-11-03",
        "leaguegamelog.json",
        _fixture("leaguegamelog.json"),
        resolver,
    )
    teams = {r["team_abbr"]: r for r in out.rows["team_boxscore"]}
    assert set(teams) == {"MIL", "TOR"}
    tor, mil = teams["TOR"], teams["MIL"]
    assert (tor["is_home"], tor["opponent_team_id"]) == (True, 1610612749)
    assert (mil["is_home"], mil["opponent_team_id"]) == (False, 1610612761)
    assert tor["season"] == mil["season"] == "2025-26"
    assert tor["source"] == "gamelog" and tor["minutes"] == 240.0
    assert tor["plus_minus"] == 28.0 and isinstance(tor["plus_minus"], float)

    [game] = out.rows["schedule"]
    assert game == {
        "game_date": date(2025, 11, 3),
        "game_id": "0022500165",
        "season": "2025-26",
        "season_type": "Regular Season",
        "game_status": 3,
        "game_status_text": "Final",
        "is_postponed": False,
        "tipoff_utc": None,
        "home_team_id": 1610612761,
        "home_team_abbr": "TOR",
        "away_team_id": 1610612749,
        "away_team_abbr": "MIL",
        "home_score": 128,
        "away_score": 100,
        "source_file": "nba_team_gamelogs/2025-11-03/leaguegamelog.json",
    }


def test_gamelog_matches_the_box_score_team_totals(resolver: PlayerResolver) -> None:
    log = run(
        "nba_team_gamelogs",
        "2025-11-03",
        "leaguegamelog.json",
        _fixture("leaguegamelog.json"),
        resolver,
    )
    box = run(
        "nba_boxscore",
        "2025-11-03",
        "0022500165.json",
        (SAMPLES / "boxscoretraditionalv3.json").read_bytes(),
        resolver,
    )
    from_log = {r["team_id"]: r for r in log.rows["team_boxscore"]}
    from_box = {r["team_id"]: r for r in box.rows["team_boxscore"]}
    assert from_log.keys() == from_box.keys()
    for team_id, row in from_box.items():
        for col in STATS:
            assert from_log[team_id][col] == row[col], col


def test_gamelog_headers_matched_by_name(resolver: PlayerResolver) -> None:
    data = orjson.loads(_fixture("leaguegamelog.json"))
    rs = data["resultSets"][0]
    order = list(reversed(range(len(rs["headers"]))))
    rs["headers"] = [rs["headers"][i] for i in order]
    rs["rowSet"] = [[row[i] for i in order] for row in rs["rowSet"]]
    shuffled = run(
        "nba_team_gamelogs", "2025-11-03", "leaguegamelog.json", orjson.dumps(data), resolver
    )
    plain = run(
        "nba_team_gamelogs",
        "2025-11-03",
        "leaguegamelog.json",
        _fixture("leaguegamelog.json"),
        resolver,
    )
    assert shuffled.rows == plain.rows


def test_teamgamelogs_one_side(resolver: PlayerResolver) -> None:
    out = run(
        "nba_team_gamelogs", "2025-11-03", "tor.json", _fixture("teamgamelogs.json"), resolver
    )
    [tor] = out.rows["team_boxscore"]
    assert (tor["team_abbr"], tor["pts"], tor["stl"], tor["tov"], tor["blk"]) == (
        "TOR",
        128,
        8,
        9,
        6,
    )
    assert tor["minutes"] == 240.0  # MIN 48.0 (game minutes) x 5 players
    assert tor["season"] == "2025-26"
    [game] = out.rows["schedule"]
    # only Toronto's row: Milwaukee's score is PTS - PLUS_MINUS = 128 - 28
    assert (game["home_team_abbr"], game["home_score"]) == ("TOR", 128)
    assert (game["away_team_abbr"], game["away_team_id"], game["away_score"]) == (
        "MIL",
        1610612749,
        100,
    )


def test_gamelog_away_side_only(resolver: PlayerResolver) -> None:
    data = orjson.loads(_fixture("leaguegamelog.json"))
    data["resultSets"][0]["rowSet"] = data["resultSets"][0]["rowSet"][:1]  # MIL @ TOR
    out = run("nba_team_gamelogs", "2025-11-03", "mil.json", orjson.dumps(data), resolver)
    [game] = out.rows["schedule"]
    assert (game["home_team_id"], game["home_team_abbr"], game["home_score"]) == (
        1610612761,
        "TOR",
        128,
    )
    assert (game["away_team_abbr"], game["away_score"]) == ("MIL", 100)


# -- rosters ---------------------------------------------------------------------------------


def test_commonteamroster(resolver: PlayerResolver) -> None:
    out = run(
        "nba_rosters", "2025-11-03", "1610612761.json", _fixture("commonteamroster.json"), resolver
    )
    rows = out.rows["rosters"]
    assert len(rows) == 7
    by_id = {r["player_id"]: r for r in rows}
    ingram = by_id[1627742]
    assert ingram == {
        "game_date": date(2025, 11, 3),
        "team_id": 1610612761,
        "season": "2025-26",
        "player_id": 1627742,
        "player_name": "Brandon Ingram",
        "player_lookup": "brandoningram",
        "position": "F",
        "jersey": "3",
        "birth_date": date(1997, 9, 2),
        "source_file": "nba_rosters/2025-11-03/1610612761.json",
    }
    assert by_id[1642266]["player_lookup"] == "jakobewalter"
    assert by_id[202066]["birth_date"] == date(1986, 5, 8)


# -- injury report ---------------------------------------------------------------------------


def test_injury_report(resolver: PlayerResolver) -> None:
    out = run(
        "nba_injury_report",
        "2025-11-05",
        "injury_report.json",
        _fixture("injury_report.json"),
        resolver,
    )
    rows = out.rows["injury_report"]
    assert len(rows) == 6
    ids = {r["player_name_raw"]: r["player_id"] for r in rows}
    assert ids == {
        "Embiid, Joel": 203954,
        "Jackson Jr., Jaren": 1628991,
        "Jokić, Nikola": 203999,
        "Jaquez Jr., Jaime": 1631170,
        "Smith, Charles": None,
        "Doe, Johnathan": None,
    }
    jokic = next(r for r in rows if r["player_id"] == 203999)
    assert jokic["player_lookup"] == "nikolajokic"
    assert (jokic["status"], jokic["team_abbr"], jokic["game_id"]) == (
        "Probable",
        "DEN",
        "0022500178",
    )
    assert jokic["report_time_utc"] == datetime(2025, 11, 5, 21, 30)
    assert next(r for r in rows if r["player_id"] == 1631170)["reason"] is None
    errors = {e["player_name_raw"]: e for e in out.registry_errors}
    assert set(errors) == {"Smith, Charles", "Doe, Johnathan"}
    assert errors["Smith, Charles"]["reason"] == "ambiguous: 3 players"
    assert errors["Doe, Johnathan"] == {
        "game_date": date(2025, 11, 5),
        "source": "nba_injury_report",
        "source_file": "nba_injury_report/2025-11-05/injury_report.json",
        "player_name_raw": "Doe, Johnathan",
        "player_lookup": "johnathandoe",
        "reason": "unknown name",
    }


# -- odds ------------------------------------------------------------------------------------


def test_odds_props_pregame(resolver: PlayerResolver) -> None:
    name = f"{EVENT}_20251105T220000Z.json"
    out = run(
        "odds_player_props", "2025-11-05", name, _fixture("odds_props_pregame.json"), resolver
    )
    rows = out.rows["odds_player_props"]
    assert len(rows) == 9  # 5 DraftKings lines, 4 FanDuel lines (one of them Over only)
    for r in rows:
        assert r["event_id"] == EVENT and r["market"] == "player_points"
        assert (r["home_team_abbr"], r["away_team_abbr"]) == ("DEN", "MIA")
        assert r["commence_time"] == datetime(2025, 11, 6, 2, 0)
        assert r["snapshot_time"] == datetime(2025, 11, 5, 22, 0)
        assert r["minutes_before_tip"] == 240.0 and r["is_pregame"] is True
    key = {(r["bookmaker"], r["player_name_raw"], r["line"]): r for r in rows}
    dk = key[("draftkings", "Nikola Jokic", 27.5)]
    assert (dk["player_id"], dk["player_lookup"], dk["over_price"], dk["under_price"]) == (
        203999,
        "nikolajokic",
        -115,
        -105,
    )
    fd = key[("fanduel", "Nikola Jokić", 27.5)]
    assert (fd["player_id"], fd["over_price"], fd["under_price"]) == (203999, -120, -108)
    # the one-sided alternate line is listed first in the file but comes after the main line
    order = [(r["bookmaker"], r["player_name_raw"], r["line"]) for r in rows]
    assert order.index(("fanduel", "Jamal Murray", 21.5)) < order.index(
        ("fanduel", "Jamal Murray", 25.5)
    )
    alt = key[("fanduel", "Jamal Murray", 25.5)]
    assert (alt["player_id"], alt["over_price"], alt["under_price"]) == (1627750, 180, None)
    assert key[("draftkings", "Tyler Herro", 22.5)]["over_price"] == 100
    assert key[("draftkings", "Jaime Jaquez Jr", 12.5)]["player_id"] == 1631170
    cam = key[("fanduel", "Cam Johnson", 13.5)]  # Under listed first
    assert (cam["player_id"], cam["over_price"], cam["under_price"]) == (None, -122, -104)
    # one registry error per unresolved name and file
    assert [
        (e["player_name_raw"], e["player_lookup"], e["reason"]) for e in out.registry_errors
    ] == [("Cam Johnson", "camjohnson", "unknown name")]


def test_odds_props_other_markets_ignored(resolver: PlayerResolver) -> None:
    data = orjson.loads(_fixture("odds_props_ingame.json"))
    book = data["data"]["bookmakers"][0]
    rebounds = {
        "key": "player_rebounds",
        "outcomes": [
            {"name": "Over", "description": "Nikola Jokic", "price": -110, "point": 12.5},
            {"name": "Under", "description": "Nikola Jokic", "price": -110, "point": 12.5},
        ],
    }
    book["markets"].insert(0, rebounds)
    out = run("odds_player_props", "2025-11-05", "x.json", orjson.dumps(data), resolver)
    [row] = out.rows["odds_player_props"]
    assert (row["market"], row["line"]) == ("player_points", 30.5)


def test_odds_props_in_game_snapshot(resolver: PlayerResolver) -> None:
    name = f"{EVENT}_20251106T023000Z.json"
    out = run("odds_player_props", "2025-11-05", name, _fixture("odds_props_ingame.json"), resolver)
    [row] = out.rows["odds_player_props"]
    assert row["is_pregame"] is False
    assert row["minutes_before_tip"] == -30.0
    assert (row["line"], row["over_price"], row["under_price"]) == (30.5, -110, -120)


def test_odds_props_at_tipoff_is_not_pregame(resolver: PlayerResolver) -> None:
    data = orjson.loads(_fixture("odds_props_ingame.json"))
    data["timestamp"] = data["data"]["commence_time"]
    out = run("odds_player_props", "2025-11-05", "x.json", orjson.dumps(data), resolver)
    [row] = out.rows["odds_player_props"]
    assert row["minutes_before_tip"] == 0.0 and row["is_pregame"] is False


def test_game_lines(resolver: PlayerResolver) -> None:
    name = f"{EVENT}_20251105T220000Z.json"
    out = run("odds_game_lines", "2025-11-05", name, _fixture("odds_game_lines.json"), resolver)
    rows = {r["bookmaker"]: r for r in out.rows["game_lines"]}
    assert set(rows) == {"draftkings", "fanduel"}  # betmgm offers nothing
    dk = rows["draftkings"]
    assert (dk["home_spread"], dk["home_spread_price"]) == (-6.5, -110)
    assert (dk["total"], dk["over_price"], dk["under_price"]) == (233.5, -108, -112)
    assert (dk["home_moneyline"], dk["away_moneyline"]) == (-250, 205)
    assert (dk["home_team_abbr"], dk["away_team_abbr"], dk["event_id"]) == ("DEN", "MIA", EVENT)
    assert dk["minutes_before_tip"] == 240.0 and dk["is_pregame"] is True
    fd = rows["fanduel"]  # away team listed first in both markets; no totals
    assert (fd["home_spread"], fd["home_spread_price"]) == (-7.0, -112)
    assert (fd["home_moneyline"], fd["away_moneyline"]) == (-245, 200)
    assert fd["total"] is None and fd["over_price"] is None and fd["under_price"] is None


# -- season schedule -------------------------------------------------------------------------


def test_season_schedule(resolver: PlayerResolver) -> None:
    out = run(
        "nba_schedule", "2025-10-01", "schedule.json", _fixture("scheduleleaguev2.json"), resolver
    )
    rows = {r["game_id"]: r for r in out.rows["season_schedule"]}
    assert rows["0022500171"] == {
        "game_date": date(2025, 11, 5),
        "game_id": "0022500171",
        "season": "2025-26",
        "season_type": "Regular Season",
        "tipoff_utc": datetime(2025, 11, 6, 0, 0),
        "home_team_id": 1610612739,
        "away_team_id": 1610612755,
        "published_date": date(2025, 10, 1),
        "source_file": "nba_schedule/2025-10-01/schedule.json",
    }
    assert rows["0022500178"]["tipoff_utc"] == datetime(2025, 11, 6, 2, 0)
    final = rows["0062500001"]  # NBA Cup final, teams not known yet
    assert final["season_type"] == "NBA Cup Final"
    assert final["game_date"] == date(2025, 12, 13)
    assert final["home_team_id"] is None and final["away_team_id"] is None


def test_scoreboard_postponed_and_scheduled(resolver: PlayerResolver) -> None:
    board = {
        "scoreboard": {
            "gameDate": "2023-10-24",
            "games": [
                {
                    "gameId": "0022300001",
                    "gameStatus": 1,
                    "gameStatusText": "PPD",
                    "gameTimeUTC": "2023-10-24T23:30:00Z",
                    "homeTeam": {"teamId": 1610612743, "teamTricode": "DEN", "score": 0},
                    "awayTeam": {"teamId": 1610612747, "teamTricode": "LAL", "score": 0},
                },
                {
                    "gameId": "0042300101",
                    "gameStatus": 2,
                    "gameStatusText": "Q3 5:12",
                    "gameTimeUTC": "2023-10-25T02:00:00Z",
                    "homeTeam": {"teamId": 1610612744, "teamTricode": "GSW", "score": 70},
                    "awayTeam": {"teamId": 1610612756, "teamTricode": "PHX", "score": 68},
                },
            ],
        }
    }
    out = run("nba_scoreboard", "2023-10-24", "scoreboard.json", orjson.dumps(board), resolver)
    ppd, live = out.rows["schedule"]
    assert ppd["is_postponed"] is True and ppd["home_score"] is None and ppd["away_score"] is None
    assert (ppd["season"], ppd["season_type"]) == ("2023-24", "Regular Season")
    assert live["is_postponed"] is False and live["home_score"] is None
    assert (live["season"], live["season_type"]) == ("2023-24", "Playoffs")


def test_minutes_formats_and_inactive(resolver: PlayerResolver) -> None:
    data = orjson.loads((SAMPLES / "boxscoretraditionalv3.json").read_bytes())
    home = data["boxScoreTraditional"]["homeTeam"]
    home["players"][0]["statistics"]["minutes"] = "PT30M49.00S"
    temple = home["players"][13]
    temple["comment"] = "Inactive - Injury/Illness - Left Knee; Soreness"
    temple["statistics"]["minutes"] = "PT00M00.00S"
    home["statistics"]["minutes"] = "265:00"
    out = run("nba_boxscore", "2025-11-03", "0022500165.json", orjson.dumps(data), resolver)
    rows = {r["player_id"]: r for r in out.rows["gamebook_player_stats"]}
    assert rows[1627742]["minutes"] == pytest.approx(30 + 49 / 60)
    assert rows[1627742]["minutes_raw"] == "PT30M49.00S"
    assert rows[202066]["player_status"] == "INACTIVE"
    assert rows[202066]["dnp_reason"].startswith("Inactive - Injury/Illness")
    assert rows[202066]["minutes"] == 0.0
    tor = next(r for r in out.rows["team_boxscore"] if r["team_abbr"] == "TOR")
    assert tor["minutes"] == 265.0
