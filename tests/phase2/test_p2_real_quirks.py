"""Real stats-site team game logs as they come: integral floats for counts, historical
franchise abbreviations, repeated rows, one bad row among good ones, an unknown team."""

from __future__ import annotations

import copy

import orjson

from backcourt.pipeline.phase2.franchises import abbr_problem, team_at, team_id_of_abbr
from backcourt.pipeline.phase2.names import PlayerResolver
from backcourt.pipeline.phase2.parsers import PARSERS

from ._helpers import FIXTURES, check_shape, raw_file

LOG = orjson.loads((FIXTURES / "leaguegamelog.json").read_bytes())
HEADERS = LOG["resultSets"][0]["headers"]
COL = {h: j for j, h in enumerate(HEADERS)}


def rows() -> list[list]:
    return copy.deepcopy(LOG["resultSets"][0]["rowSet"])   # MIL 100 @ TOR 128


def parse(rowset: list[list], day: str = "2025-11-03", resolver=None):
    doc = copy.deepcopy(LOG)
    doc["resultSets"][0]["rowSet"] = rowset
    f = raw_file("nba_team_gamelogs", day, "log.json")
    out = PARSERS["nba_team_gamelogs"](orjson.dumps(doc), f, resolver or PlayerResolver())
    check_shape(out)
    return out


def second_game() -> list[list]:
    """Another game of the same date (made from the first: BOS @ NYK, same box lines)."""
    out = rows()
    for r, (tid, abbr, matchup) in zip(out, [(1610612738, "BOS", "BOS @ NYK"),
                                              (1610612752, "NYK", "NYK vs. BOS")], strict=True):
        r[COL["TEAM_ID"]], r[COL["TEAM_ABBREVIATION"]], r[COL["MATCHUP"]] = tid, abbr, matchup
        r[COL["GAME_ID"]] = "0022500166"
    return out


def test_integral_floats_are_integers_and_fractions_are_not():
    rs = rows()
    for r in rs:
        for c in ("FGM", "FGA", "TOV", "PTS", "REB"):
            r[COL[c]] = float(r[COL[c]])
    out = parse(rs)
    assert not out.row_errors and len(out.rows["team_boxscore"]) == 2
    tov = out.rows["team_boxscore"][0]["tov"]
    assert tov == 12 and type(tov) is int
    rs[0][COL["TOV"]] = 10.5
    out = parse(rs)
    [err] = out.row_errors
    assert err.field == f"resultSets[0].rowSet[0][{COL['TOV']}]" and "TOV" in err.reason


def test_historical_franchises_resolve_by_team_id():
    assert team_at(1610612740, 2011) == ("NOH", "New Orleans Hornets")
    assert team_at(1610612740, 2006)[0] == "NOK" and team_at(1610612740, 2023)[0] == "NOP"
    assert team_at(1610612766, 2000)[0] == "CHH" and team_at(1610612766, 2010)[0] == "CHA"
    for abbr, team, season in (("NJN", 1610612751, 2011), ("SEA", 1610612760, 2007),
                               ("VAN", 1610612763, 1999), ("CHO", 1610612766, 2016),
                               ("NOK", 1610612740, 2006), ("NOH", 1610612740, 2012),
                               ("WSB", 1610612764, 1996), ("WAS", 1610612764, 1997)):
        assert team_id_of_abbr(abbr, season) == team
        assert abbr_problem(team, abbr, season) is None
    assert abbr_problem(1610612740, "NJN", 2011) == \
        "NJN is team 1610612751, not 1610612740 (in 2011-12)"
    # a 2011-12 game of New Orleans at New Jersey, in the shape of the real log
    rs = rows()
    for r, (tid, abbr, matchup) in zip(rs, [(1610612740, "NOH", "NOH @ NJN"),
                                             (1610612751, "NJN", "NJN vs. NOH")], strict=True):
        r[COL["TEAM_ID"]], r[COL["TEAM_ABBREVIATION"]], r[COL["MATCHUP"]] = tid, abbr, matchup
        r[COL["SEASON_ID"]], r[COL["GAME_ID"]] = "22011", "0021100165"
        r[COL["GAME_DATE"]] = "2012-01-03"
    out = parse(rs, "2012-01-03")
    assert not out.row_errors
    [game] = out.rows["schedule"]
    assert (game["home_team_id"], game["home_team_abbr"]) == (1610612751, "NJN")
    assert (game["away_team_id"], game["away_team_abbr"]) == (1610612740, "NOH")


def test_exact_duplicates_are_dropped_with_a_warning():
    rs = rows()
    rs.append(copy.deepcopy(rs[1]))                       # identical in every value
    out = parse(rs)
    assert not out.row_errors and len(out.rows["team_boxscore"]) == 2
    assert len(out.rows["schedule"]) == 1
    [w] = out.warnings
    assert w["field"] == "resultSets[0].rowSet[2]" and "repeat of row 1" in w["reason"]


def test_repeats_differing_only_in_rank_columns_are_dropped_with_a_warning():
    doc = orjson.loads((FIXTURES / "teamgamelogs.json").read_bytes())
    rs = doc["resultSets"][0]
    headers = rs["headers"]
    again = copy.deepcopy(rs["rowSet"][0])
    again[headers.index("PTS_RANK")] = 7                  # only a rank differs
    rs["rowSet"].append(again)
    f = raw_file("nba_team_gamelogs", "2025-11-03", "teamgamelogs.json")
    out = PARSERS["nba_team_gamelogs"](orjson.dumps(doc), f, PlayerResolver())
    assert not out.row_errors and len(out.rows["team_boxscore"]) == 1
    [w] = out.warnings
    assert w["field"] == "resultSets[0].rowSet[1]" and "only columns not read differ" in w["reason"]


def test_a_bad_row_leaves_out_only_its_game():
    rs = rows() + second_game()
    rs[2][COL["PTS"]] = 101                               # BOS: points no longer add up
    out = parse(rs)
    [err] = out.row_errors
    assert err.field == f"resultSets[0].rowSet[2][{COL['PTS']}]"
    assert "PTS" in err.reason and err.file.endswith("log.json")
    assert {r["game_id"] for r in out.rows["team_boxscore"]} == {"0022500165"}
    assert [g["game_id"] for g in out.rows["schedule"]] == ["0022500165"]


def test_an_unknown_team_is_rejected_even_with_one_row_per_team():
    rs = rows() + second_game()
    rs[2][COL["TEAM_ID"]], rs[2][COL["TEAM_ABBREVIATION"]] = 1610612799, "XXX"
    rs[2][COL["MATCHUP"]] = "XXX @ NYK"
    rs[3][COL["MATCHUP"]] = "NYK vs. XXX"
    out = parse(rs)
    fields = {e.field: e.reason for e in out.row_errors}
    assert fields[f"resultSets[0].rowSet[2][{COL['TEAM_ID']}]"] == \
        "column TEAM_ID: unknown team id 1610612799"
    assert all(r["team_id"] != 1610612799 for r in out.rows["team_boxscore"])
    assert [g["game_id"] for g in out.rows["schedule"]] == ["0022500165"]


def test_a_game_of_the_1990s_belongs_to_its_own_season():
    """Game ids carry the season's last two digits: 0029900123 is 1999-00, not 2099-00
    (real logs of Vancouver, Seattle or the first Charlotte Hornets are all before 2002)."""
    rs = rows()
    for r, (tid, abbr, matchup) in zip(rs, [(1610612763, "VAN", "VAN @ SEA"),
                                             (1610612760, "SEA", "SEA vs. VAN")], strict=True):
        r[COL["TEAM_ID"]], r[COL["TEAM_ABBREVIATION"]], r[COL["MATCHUP"]] = tid, abbr, matchup
        r[COL["SEASON_ID"]], r[COL["GAME_ID"]] = "21999", "0029900123"
        r[COL["GAME_DATE"]] = "1999-12-01"
    out = parse(rs, "1999-12-01")
    assert not out.row_errors, out.row_errors
    [game] = out.rows["schedule"]
    assert game["season"] == "1999-00" and game["season_type"] == "Regular Season"
    assert {r["season"] for r in out.rows["team_boxscore"]} == {"1999-00"}


def test_an_abbreviation_is_valid_only_in_its_own_seasons():
    """By team id and season: NOH is New Orleans' from 2002-03 to 2012-13 (NOK between),
    NOP after; the Bobcats' CHA is not the first Hornets' CHH; SEA ended in 2007-08."""
    assert abbr_problem(1610612740, "NOH", 2023) == (
        "abbreviation NOH is team 1610612740's in 2002-03..2004-05, 2007-08..2012-13, "
        "not in 2023-24 (then NOP)")
    assert abbr_problem(1610612740, "NOP", 2011).startswith("abbreviation NOP is team "
                                                            "1610612740's in 2013-14..now")
    assert abbr_problem(1610612740, "NOH", 1999).endswith(
        "(team 1610612740 did not play in 1999-00)")
    assert abbr_problem(1610612766, "CHO", 2010) is not None
    assert abbr_problem(1610612766, "CHH", 2010) is not None
    assert team_id_of_abbr("SEA", 2008) is None and team_id_of_abbr("OKC", 2008) == 1610612760
    assert team_at(1610612763, 1990) is None


def test_a_game_with_an_abbreviation_of_another_season_is_left_out_alone():
    """A 2023-24 log that calls New Orleans NOH: that game is quarantined with the file,
    the field and the reason; the other game of the date loads. Likewise an opponent named
    in MATCHUP by an abbreviation no team had that season."""
    rs = rows() + second_game()
    rs[2][COL["TEAM_ID"]], rs[2][COL["TEAM_ABBREVIATION"]] = 1610612740, "NOH"
    rs[2][COL["MATCHUP"]], rs[3][COL["MATCHUP"]] = "NOH @ NYK", "NYK vs. NOH"
    out = parse(rs)
    fields = {e.field: e.reason for e in out.row_errors}
    assert fields[f"resultSets[0].rowSet[2][{COL['TEAM_ABBREVIATION']}]"] == (
        "column TEAM_ABBREVIATION: abbreviation NOH is team 1610612740's in 2002-03..2004-05,"
        " 2007-08..2012-13, not in 2025-26 (then NOP)")
    assert fields[f"resultSets[0].rowSet[3][{COL['MATCHUP']}]"] == \
        "column MATCHUP: unknown team 'NOH' in 2025-26"
    assert all(e.file.endswith("log.json") for e in out.row_errors)
    assert [g["game_id"] for g in out.rows["schedule"]] == ["0022500165"]
    assert {r["game_id"] for r in out.rows["team_boxscore"]} == {"0022500165"}


def test_every_team_of_the_real_data_is_valid_in_its_seasons():
    """The real data at hand: the 30 teams of nba_teams.csv in 2025-26 (the samples'
    season), and every team and season of FiveThirtyEight's RAPTOR file (2013-14 to
    2021-22, Basketball-Reference's abbreviations: BRK, PHO, NOP, CHA; fixtures/
    raptor_team_seasons.md)."""
    import csv

    with (FIXTURES.parent.parent / "src" / "backcourt" / "reference" / "nba_teams.csv"
          ).open() as f:
        teams = list(csv.DictReader(f))
    assert len(teams) == 30
    for t in teams:
        assert abbr_problem(int(t["team_id"]), t["abbreviation"], 2025) is None, t
    with (FIXTURES / "raptor_team_seasons.csv").open() as f:
        seen = {(r["team"], int(r["season"]) - 1) for r in csv.DictReader(f)}
    assert len(seen) == 9 * 30
    for abbr, season in seen:
        team = team_id_of_abbr(abbr, season)
        assert team is not None and abbr_problem(team, abbr, season) is None, (abbr, season)
