"""Schedule structure: 82 games, nights, back-to-backs, blackouts, December additions,
postponements, play-in and playoffs."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import date, timedelta

import pytest

from backcourt.sources.sim.calendar import (
    all_star_break,
    opening_day,
    regular_season_end,
    thanksgiving,
)
from backcourt.sources.sim.schedule import build_regular_schedule
from backcourt.sources.sim.teams import load_teams

from .sim_support import SEASON, SeasonFiles


def _regular(season_files: SeasonFiles) -> list[tuple[date, dict]]:
    return [(d, g) for d, g in season_files.finals if g["gameId"][2] == "2"]


def test_82_games_a_team_41_at_home(season_files: SeasonFiles) -> None:
    games = _regular(season_files)
    assert len(games) == 1230
    assert len({g["gameId"] for _, g in games}) == 1230
    per_team: Counter[int] = Counter()
    home: Counter[int] = Counter()
    for _, g in games:
        per_team[g["homeTeam"]["teamId"]] += 1
        per_team[g["awayTeam"]["teamId"]] += 1
        home[g["homeTeam"]["teamId"]] += 1
    assert set(per_team.values()) == {82}
    assert set(home.values()) == {41}
    assert set(per_team) == {t.team_id for t in load_teams()}


def test_game_nights(season_files: SeasonFiles) -> None:
    nights = Counter(d for d, _ in _regular(season_files))
    assert 155 <= len(nights) <= 166
    assert min(nights.values()) >= 1 and max(nights.values()) <= 15
    first, last = min(nights), max(nights)
    assert first == opening_day(SEASON) and first.weekday() == 1 and 18 <= first.day <= 24
    assert last == regular_season_end(SEASON) and last.weekday() == 6 and last.month == 4
    assert 170 <= (last - first).days <= 176
    assert nights[date(SEASON, 12, 25)] >= 1


def test_no_games_on_blackout_days(season_files: SeasonFiles) -> None:
    days = {d for d, _ in season_files.games}
    assert thanksgiving(SEASON) not in days
    assert thanksgiving(SEASON).weekday() == 3 and 22 <= thanksgiving(SEASON).day <= 28
    assert date(SEASON, 12, 24) not in days
    asb = all_star_break(SEASON)
    assert len(asb) == 6 and asb[2].weekday() == 6 and 15 <= asb[2].day <= 21
    assert not days & set(asb)


def test_back_to_backs(season_files: SeasonFiles) -> None:
    played: dict[int, set[date]] = defaultdict(set)
    for d, g in _regular(season_files):
        played[g["homeTeam"]["teamId"]].add(d)
        played[g["awayTeam"]["teamId"]].add(d)
    for team, days in played.items():
        b2b = sum(1 for d in days if d - timedelta(days=1) in days)
        assert 13 <= b2b <= 17, (team, b2b)
        assert not any(d - timedelta(days=1) in days and d - timedelta(days=2) in days
                       for d in days)


def _schedule(season_files: SeasonFiles) -> dict:
    path = season_files.folder("nba_schedule", opening_day(SEASON)) / "schedule.json"
    return season_files.load(path)["leagueSchedule"]


def test_season_schedule_file(season_files: SeasonFiles) -> None:
    sched = _schedule(season_files)
    assert sched["seasonYear"] == "2023-24" and sched["leagueId"] == "00"
    games = [g for gd in sched["gameDates"] for g in gd["games"]]
    assert len(games) == 1200
    assert season_files.dates("nba_schedule") == [opening_day(SEASON)]
    listed = {g["gameId"]: (d, g) for d, g in season_files.games}
    for gd in sched["gameDates"]:
        assert re.fullmatch(r"\d{2}/\d{2}/\d{4} 00:00:00", gd["gameDate"])
        day = date(int(gd["gameDate"][6:10]), int(gd["gameDate"][:2]), int(gd["gameDate"][3:5]))
        for g in gd["games"]:
            assert g["gameStatus"] == 1
            assert re.fullmatch(r"\d{1,2}:\d{2} (am|pm) ET", g["gameStatusText"])
            assert set(g["homeTeam"]) == {"teamId", "teamTricode"}
            sb_day, sb = listed[g["gameId"]]
            if sb["gameStatusText"] == "PPD" or sb["gameStatus"] == 1:
                continue
            if sb_day == day:
                assert sb["gameTimeUTC"] == g["gameDateTimeUTC"]
                assert sb["gameCode"] == g["gameCode"]


def test_december_additions(season_files: SeasonFiles) -> None:
    published = {g["gameId"] for gd in _schedule(season_files)["gameDates"] for g in gd["games"]}
    added = [(d, g) for d, g in _regular(season_files) if g["gameId"] not in published]
    assert len(added) == 30
    assert all(d.month == 12 for d, _ in added)
    assert sorted(g["gameId"] for _, g in added) == [f"00223{n:05d}" for n in range(1201, 1231)]
    per_team = Counter(t for _, g in added for t in (g["homeTeam"]["teamId"],
                                                       g["awayTeam"]["teamId"]))
    assert set(per_team.values()) == {2} and len(per_team) == 30


def test_postponed_games(season_files: SeasonFiles) -> None:
    ppd = [(d, g) for d, g in season_files.games if g["gameStatusText"] == "PPD"]
    assert 2 <= len(ppd) <= 4
    finals = {g["gameId"]: d for d, g in season_files.finals}
    published = {g["gameId"]: gd["gameDate"] for gd in _schedule(season_files)["gameDates"]
                 for g in gd["games"]}
    for d, g in ppd:
        assert g["gameStatus"] == 1 and g["period"] == 0
        assert g["homeTeam"]["score"] == 0 and g["homeTeam"]["periods"] == []
        assert finals[g["gameId"]] > d
        assert published[g["gameId"]] == f"{d:%m/%d/%Y} 00:00:00"
        assert not season_files.folder("nba_boxscore", d).joinpath(f"{g['gameId']}.json").exists()


def test_play_in_and_playoffs(season_files: SeasonFiles) -> None:
    end = regular_season_end(SEASON)
    playin = [(d, g) for d, g in season_files.finals if g["gameId"][2] == "5"]
    assert sorted(g["gameId"] for _, g in playin) == [f"00523{n:05d}" for n in range(1, 7)]
    assert all(end < d < end + timedelta(days=7) for d, _ in playin)
    playoff = [(d, g) for d, g in season_files.finals if g["gameId"][2] == "4"]
    series: dict[str, Counter[int]] = defaultdict(Counter)
    for d, g in playoff:
        gid = g["gameId"]
        assert re.fullmatch(r"0042300[1-4][0-7][1-7]", gid)
        assert d > max(d for d, _ in playin)
        winner = g["homeTeam"] if g["homeTeam"]["score"] > g["awayTeam"]["score"] else g["awayTeam"]
        series[gid[7:9]][winner["teamId"]] += 1
    rounds = Counter(key[0] for key in series)
    assert rounds == {"1": 8, "2": 4, "3": 2, "4": 1}
    for wins in series.values():
        assert max(wins.values()) == 4 and sum(wins.values()) <= 7
    teams = {t for d, g in playoff if g["gameId"][7] == "1"
             for t in (g["homeTeam"]["teamId"], g["awayTeam"]["teamId"])}
    assert len(teams) == 16
    last = max(d for d, _ in playoff)
    assert last.month == 6 and last.day <= 21
    finals_game = [g for _, g in playoff if g["gameId"][7] == "4"][0]
    assert finals_game["gameLabel"] == "NBA Finals" and finals_game["seriesGameNumber"] == "Game 1"


@pytest.mark.parametrize("season", [2021, 2022, 2024, 2025])
def test_other_seasons_have_the_same_structure(season: int) -> None:
    sched = build_regular_schedule(season, 0)
    games = sched.games
    assert len(games) == 1230
    per_team: Counter[int] = Counter()
    days: dict[int, set[date]] = defaultdict(set)
    for g in games:
        per_team[g.home] += 1
        per_team[g.away] += 1
        days[g.home].add(g.day)
        days[g.away].add(g.day)
    assert set(per_team.values()) == {82}
    blackout = {thanksgiving(season), date(season, 12, 24), *all_star_break(season)}
    assert not blackout & {g.day for g in games}
    for team_days in days.values():
        assert 13 <= sum(1 for d in team_days if d - timedelta(days=1) in team_days) <= 17
    assert opening_day(season).weekday() == 1
    assert max(g.day for g in games) == regular_season_end(season)
    assert sum(g.added for g in games) == 30 and 2 <= sum(g.postponed for g in games) <= 4
