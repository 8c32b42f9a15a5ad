"""Bad raw files raise RawRecordError naming the file, the JSON path of the field and why."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import orjson
import pytest

from backcourt.pipeline.phase2.names import PlayerResolver
from backcourt.pipeline.phase2.parsers import PARSERS
from backcourt.pipeline.phase2.parsers.base import RawRecordError

from ._helpers import FIXTURES, SAMPLES, raw_file

BOX = "boxScoreTraditional"
P3 = f"{BOX}.homeTeam.players[3]"  # RJ Barrett: 31:06, 23 points


def _raises(
    source: str,
    day: str,
    name: str,
    payload: bytes,
    resolver: PlayerResolver,
    field: str,
    reason: str,
) -> RawRecordError:
    with pytest.raises(RawRecordError) as info:
        PARSERS[source](payload, raw_file(source, day, name), resolver)
    exc = info.value
    display = f"{source}/{day}/{name}"
    assert exc.file == display
    assert exc.field == field
    assert reason in exc.reason, exc.reason
    message = str(exc)
    assert display in message and field in message and exc.reason in message
    return exc


def _edit(data: Any, fn: Callable[[Any], None]) -> bytes:
    data = copy.deepcopy(data)
    fn(data)
    return orjson.dumps(data)


# -- box score -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def box() -> dict:
    return orjson.loads((SAMPLES / "boxscoretraditionalv3.json").read_bytes())


def _box(resolver: PlayerResolver, payload: bytes, field: str, reason: str) -> RawRecordError:
    return _raises(
        "nba_boxscore", "2025-11-03", "0022500165.json", payload, resolver, field, reason
    )


def _stats(data: dict, i: int = 3) -> dict:
    return data[BOX]["homeTeam"]["players"][i]["statistics"]


def test_box_truncated(box: dict, resolver: PlayerResolver) -> None:
    payload = (SAMPLES / "boxscoretraditionalv3.json").read_bytes()
    _box(resolver, payload[: len(payload) // 2], "<file>", "invalid JSON")
    _box(resolver, b"", "<file>", "invalid JSON")
    _box(resolver, b"[1, 2]", "<file>", "expected a JSON object")


def test_box_string_for_int(box: dict, resolver: PlayerResolver) -> None:
    payload = _edit(box, lambda d: _stats(d).update(points="23"))
    _box(resolver, payload, f"{P3}.statistics.points", "Input should be a valid integer (got '23')")


def test_box_null_for_int(box: dict, resolver: PlayerResolver) -> None:
    payload = _edit(box, lambda d: _stats(d).update(assists=None))
    _box(resolver, payload, f"{P3}.statistics.assists", "valid integer (got None)")


def test_box_float_for_int(box: dict, resolver: PlayerResolver) -> None:
    """A whole float (as real responses send counts) is that integer; 1.5 is rejected."""
    payload = _edit(box, lambda d: _stats(d).update(steals=1.5))
    _box(resolver, payload, f"{P3}.statistics.steals", "valid integer")


def test_box_missing_key(box: dict, resolver: PlayerResolver) -> None:
    payload = _edit(box, lambda d: _stats(d).pop("fieldGoalsAttempted"))
    _box(resolver, payload, f"{P3}.statistics.fieldGoalsAttempted", "missing key")
    payload = _edit(box, lambda d: d[BOX].pop("homeTeamId"))
    _box(resolver, payload, f"{BOX}.homeTeamId", "missing key")


def test_box_negative_count(box: dict, resolver: PlayerResolver) -> None:
    payload = _edit(box, lambda d: _stats(d).update(turnovers=-1))
    _box(resolver, payload, f"{P3}.statistics.turnovers", "greater than or equal to 0")


def test_box_made_more_than_attempted(box: dict, resolver: PlayerResolver) -> None:
    def edit(d: dict) -> None:
        s = _stats(d)
        s["fieldGoalsMade"] = s["fieldGoalsAttempted"] + 1

    payload = _edit(box, edit)
    _box(resolver, payload, f"{P3}.statistics.fieldGoalsMade", "field goals made")


def test_box_no_minutes_but_points(box: dict, resolver: PlayerResolver) -> None:
    payload = _edit(box, lambda d: _stats(d).update(minutes=""))
    exc = _box(resolver, payload, f"{P3}.statistics.minutes", "no playing time ('')")
    assert "points=23" in exc.reason
    payload = _edit(box, lambda d: _stats(d).update(minutes="PT00M00.00S"))
    _box(resolver, payload, f"{P3}.statistics.minutes", "non-zero statistics")


def test_box_bad_minutes(box: dict, resolver: PlayerResolver) -> None:
    payload = _edit(box, lambda d: _stats(d).update(minutes="31:66"))
    _box(resolver, payload, f"{P3}.statistics.minutes", "unrecognised minutes '31:66'")


def test_box_points_do_not_sum_to_team_total(box: dict, resolver: PlayerResolver) -> None:
    def edit(d: dict) -> None:  # one more free throw: consistent for the player, not the team
        s = _stats(d)
        s["freeThrowsMade"] += 1
        s["freeThrowsAttempted"] += 1
        s["points"] += 1

    payload = _edit(box, edit)
    _box(resolver, payload, f"{BOX}.homeTeam.statistics.points", "team total 128 != sum")


def test_box_points_formula(box: dict, resolver: PlayerResolver) -> None:
    payload = _edit(box, lambda d: _stats(d).update(points=24))
    _box(resolver, payload, f"{P3}.statistics.points", "points 24 != 2*FGM")


def test_box_team_ids(box: dict, resolver: PlayerResolver) -> None:
    payload = _edit(box, lambda d: d[BOX].update(homeTeamId=1610612743))
    _box(resolver, payload, f"{BOX}.homeTeam.teamId", "does not match homeTeamId")


# -- play-by-play ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pbp() -> dict:
    return orjson.loads((SAMPLES / "playbyplayv3.json").read_bytes())


def _pbp(resolver: PlayerResolver, payload: bytes, field: str, reason: str) -> RawRecordError:
    return _raises(
        "nba_playbyplay", "2024-10-22", "0022400001.json", payload, resolver, field, reason
    )


def _first_shot(d: dict) -> tuple[int, dict]:
    return next((i, a) for i, a in enumerate(d["game"]["actions"]) if a["isFieldGoal"] == 1)


def test_pbp_errors(pbp: dict, resolver: PlayerResolver) -> None:
    i, _ = _first_shot(pbp)
    payload = (SAMPLES / "playbyplayv3.json").read_bytes()
    _pbp(resolver, payload[:-10], "<file>", "invalid JSON")
    _pbp(
        resolver,
        _edit(pbp, lambda d: _first_shot(d)[1].update(shotValue=4)),
        f"game.actions[{i}].shotValue",
        "Input should be 2 or 3 (got 4)",
    )
    _pbp(
        resolver,
        _edit(pbp, lambda d: _first_shot(d)[1].update(personId="1642258")),
        f"game.actions[{i}].personId",
        "valid integer",
    )
    _pbp(
        resolver,
        _edit(pbp, lambda d: _first_shot(d)[1].pop("shotDistance")),
        f"game.actions[{i}].shotDistance",
        "missing key",
    )
    _pbp(
        resolver,
        _edit(pbp, lambda d: _first_shot(d)[1].update(shotResult="Made")),
        f"game.actions[{i}].shotResult",
        "contradicts actionType",
    )
    # the field-goal flag itself: missing or not 0/1, on any action
    _pbp(
        resolver,
        _edit(pbp, lambda d: d["game"]["actions"][0].pop("isFieldGoal")),
        "game.actions[0].isFieldGoal",
        "missing key",
    )
    _pbp(
        resolver,
        _edit(pbp, lambda d: d["game"]["actions"][1].update(isFieldGoal="1")),
        "game.actions[1].isFieldGoal",
        "expected 0 or 1 (got '1')",
    )
    _pbp(
        resolver,
        _edit(pbp, lambda d: d["game"].update(gameId="22400001")),
        "game.gameId",
        "should match pattern",
    )
    _pbp(resolver, _edit(pbp, lambda d: d.pop("game")), "game", "missing key")


# -- scoreboard ------------------------------------------------------------------------------


def test_scoreboard_errors(resolver: PlayerResolver) -> None:
    board = orjson.loads((SAMPLES / "scoreboardv3.json").read_bytes())

    def sb(payload: bytes, field: str, reason: str, day: str = "2025-11-05") -> None:
        _raises("nba_scoreboard", day, "scoreboard.json", payload, resolver, field, reason)

    sb(
        _edit(board, lambda d: d["scoreboard"]["games"][2]["homeTeam"].update(score="103")),
        "scoreboard.games[2].homeTeam.score",
        "valid integer",
    )
    sb(
        _edit(board, lambda d: d["scoreboard"]["games"][0].update(gameTimeUTC="6pm")),
        "scoreboard.games[0].gameTimeUTC",
        "not an ISO-8601 timestamp",
    )
    sb(orjson.dumps(board), "scoreboard.gameDate", "in the folder of 2025-11-06", day="2025-11-06")


# -- injury report ---------------------------------------------------------------------------


def test_injury_errors(resolver: PlayerResolver) -> None:
    report = orjson.loads((FIXTURES / "injury_report.json").read_bytes())

    def inj(payload: bytes, field: str, reason: str) -> None:
        _raises(
            "nba_injury_report",
            "2025-11-05",
            "injury_report.json",
            payload,
            resolver,
            field,
            reason,
        )

    inj(
        _edit(report, lambda d: d["entries"][1].update(currentStatus="GTD")),
        "entries[1].currentStatus",
        "Input should be",
    )
    inj(
        _edit(report, lambda d: d["entries"][2].update(gameDate="2025-11-06")),
        "entries[2].gameDate",
        "entry of 2025-11-06 in the folder of 2025-11-05",
    )
    inj(
        _edit(report, lambda d: d["entries"][0].update(playerName="")),
        "entries[0].playerName",
        "at least 1 character",
    )
    inj(
        _edit(report, lambda d: d["entries"][0].update(teamTricode="PHL")),
        "entries[0].teamTricode",
        "unknown team 'PHL'",
    )


# -- odds ------------------------------------------------------------------------------------


def test_odds_errors(resolver: PlayerResolver) -> None:
    props = orjson.loads((FIXTURES / "odds_props_pregame.json").read_bytes())
    out0 = "data.bookmakers[0].markets[0].outcomes[0]"

    def odds(payload: bytes, field: str, reason: str, source: str = "odds_player_props") -> None:
        _raises(source, "2025-11-05", "e9_20251105T220000Z.json", payload, resolver, field, reason)

    def outcome(d: dict) -> dict:
        return d["data"]["bookmakers"][0]["markets"][0]["outcomes"][0]

    odds(_edit(props, lambda d: outcome(d).update(price="-115")), f"{out0}.price", "valid integer")
    odds(_edit(props, lambda d: outcome(d).update(price=-115.5)), f"{out0}.price", "valid integer")
    odds(_edit(props, lambda d: outcome(d).pop("point")), f"{out0}.point", "missing key")
    odds(_edit(props, lambda d: outcome(d).update(name="Yes")), f"{out0}.name", "Over or Under")
    odds(_edit(props, lambda d: outcome(d).update(point=None)), f"{out0}.point", "valid number")
    odds(
        _edit(props, lambda d: d["data"].update(home_team="Denver Rockets")),
        "data.home_team",
        "unknown team",
    )
    odds(
        _edit(props, lambda d: d["data"].update(commence_time="2025-11-07T00:00:00Z")),
        "data.commence_time",
        "in the folder of 2025-11-05",
    )
    odds(_edit(props, lambda d: d.pop("timestamp")), "timestamp", "missing key")

    def dup(d: dict) -> None:
        outcomes = d["data"]["bookmakers"][0]["markets"][0]["outcomes"]
        outcomes.append(dict(outcomes[0]))

    odds(_edit(props, dup), "data.bookmakers[0].markets[0].outcomes[10].name", "second Over")

    lines = orjson.loads((FIXTURES / "odds_game_lines.json").read_bytes())

    def h2h(d: dict) -> dict:
        return d["data"]["bookmakers"][0]["markets"][0]

    odds(
        _edit(lines, lambda d: h2h(d)["outcomes"][0].update(name="Draw")),
        f"{out0}.name",
        "expected one of",
        "odds_game_lines",
    )
    spreads1 = "data.bookmakers[0].markets[1].outcomes[0].point"
    odds(
        _edit(
            lines, lambda d: d["data"]["bookmakers"][0]["markets"][1]["outcomes"][0].pop("point")
        ),
        spreads1,
        "missing key",
        "odds_game_lines",
    )


# -- game logs and rosters -------------------------------------------------------------------


def test_gamelog_errors(resolver: PlayerResolver) -> None:
    log = orjson.loads((FIXTURES / "leaguegamelog.json").read_bytes())

    def gl(payload: bytes, field: str, reason: str) -> None:
        """A defect of the file rejects it; a defect of a row leaves out that row's game
        (the fixture holds one game, so nothing is left) with the file, row and field."""
        if not field.startswith("resultSets[0].rowSet["):
            _raises("nba_team_gamelogs", "2025-11-03", "log.json", payload, resolver, field,
                    reason)
            return
        f = raw_file("nba_team_gamelogs", "2025-11-03", "log.json")
        out = PARSERS["nba_team_gamelogs"](payload, f, resolver)
        assert out.rows == {"team_boxscore": [], "schedule": []}
        [exc] = out.row_errors
        assert exc.file == f.display and exc.field == field and reason in exc.reason

    def row(d: dict, i: int) -> list:
        return d["resultSets"][0]["rowSet"][i]

    gl(
        _edit(log, lambda d: row(d, 1).__setitem__(5, "2025-11-04")),
        "resultSets[0].rowSet[1][5]",
        "column GAME_DATE: row of 2025-11-04 in the folder of 2025-11-03",
    )
    gl(
        _edit(log, lambda d: row(d, 0).__setitem__(26, "100")),
        "resultSets[0].rowSet[0][26]",
        "column PTS: Input should be a valid integer",
    )
    gl(
        _edit(log, lambda d: row(d, 0).__setitem__(9, 87)),
        "resultSets[0].rowSet[0][9]",
        "column FGM: field goals made 87 > attempted 86",
    )
    gl(
        _edit(log, lambda d: row(d, 1).__setitem__(27, 27)),
        "resultSets[0].rowSet[1][27]",
        "column PLUS_MINUS: 27 does not match the score 128-100",
    )
    gl(_edit(log, lambda d: row(d, 0).pop()), "resultSets[0].rowSet[0]", "expected 29 values")
    gl(
        _edit(log, lambda d: row(d, 0).__setitem__(6, "MIL @ XYZ")),
        "resultSets[0].rowSet[0][6]",
        "unknown team 'XYZ'",
    )

    def drop_column(d: dict) -> None:
        rs = d["resultSets"][0]
        j = rs["headers"].index("PLUS_MINUS")
        rs["headers"].pop(j)
        for r in rs["rowSet"]:
            r.pop(j)

    gl(_edit(log, drop_column), "resultSets[0].headers", "missing column PLUS_MINUS")
    gl(
        _edit(log, lambda d: row(d, 0).__setitem__(1, 1610612761)),
        "resultSets[0].rowSet[0][1]",
        "column TEAM_ID: MIL is team 1610612749, not 1610612761",
    )
    gl(
        _edit(log, lambda d: row(d, 0).__setitem__(0, "22024")),
        "resultSets[0].rowSet[0][0]",
        "column SEASON_ID: '22024' does not match game 0022500165 (2025-26)",
    )
    gl(_edit(log, lambda d: d["resultSets"][0].update(name="Other")), "resultSets", "no result set")


def test_roster_errors(resolver: PlayerResolver) -> None:
    roster = orjson.loads((FIXTURES / "commonteamroster.json").read_bytes())

    def ro(payload: bytes, field: str, reason: str) -> None:
        _raises("nba_rosters", "2025-11-03", "1610612761.json", payload, resolver, field, reason)

    def row(d: dict, i: int) -> list:
        return d["resultSets"][0]["rowSet"][i]

    ro(
        _edit(roster, lambda d: row(d, 2).__setitem__(10, "1995-10-15")),
        "resultSets[0].rowSet[2][10]",
        "column BIRTH_DATE: expected 'MON DD, YYYY'",
    )
    ro(
        _edit(roster, lambda d: row(d, 4).__setitem__(14, None)),
        "resultSets[0].rowSet[4][14]",
        "column PLAYER_ID: Input should be a valid integer",
    )


def test_season_schedule_errors(resolver: PlayerResolver) -> None:
    sched = orjson.loads((FIXTURES / "scheduleleaguev2.json").read_bytes())

    def ss(payload: bytes, field: str, reason: str) -> None:
        _raises("nba_schedule", "2025-10-01", "schedule.json", payload, resolver, field, reason)

    def game(d: dict, day: int, g: int) -> dict:
        return d["leagueSchedule"]["gameDates"][day]["games"][g]

    base = "leagueSchedule.gameDates[0]"
    ss(
        _edit(sched, lambda d: d["leagueSchedule"].update(seasonYear="2024-25")),
        f"{base}.games[0].gameId",
        "game of season 2025-26 in the 2024-25 schedule",
    )
    ss(
        _edit(sched, lambda d: d["leagueSchedule"]["gameDates"][0].update(gameDate="13/05/2025")),
        f"{base}.gameDate",
        "not a valid date (got '13/05/2025')",
    )
    ss(
        _edit(sched, lambda d: d["leagueSchedule"]["gameDates"][0].update(gameDate="Nov 5")),
        f"{base}.gameDate",
        "not a MM/DD/YYYY 00:00:00 date",
    )
    ss(
        _edit(sched, lambda d: game(d, 0, 1)["homeTeam"].update(teamId=-1)),
        f"{base}.games[1].homeTeam.teamId",
        "greater than or equal to 0",
    )
    ss(
        _edit(sched, lambda d: game(d, 1, 0).update(gameId="0022500171")),
        "leagueSchedule.gameDates[1].games[0].gameId",
        "duplicate game 0022500171",
    )
