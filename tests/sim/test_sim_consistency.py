"""Box scores, play-by-play, scoreboards, injury reports and rosters agree with each other."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime

from backcourt.sources.sim.teams import load_teams

from .sim_support import SeasonFiles

_KEYS = ("fieldGoalsMade", "fieldGoalsAttempted", "threePointersMade", "threePointersAttempted",
         "freeThrowsMade", "freeThrowsAttempted", "reboundsOffensive", "reboundsDefensive",
         "reboundsTotal", "assists", "steals", "blocks", "turnovers", "foulsPersonal", "points")


def test_box_scores_add_up(season_files: SeasonFiles) -> None:
    for _gid, team, opp in season_files.team_games("2"):
        players = [p["statistics"] for p in team["players"]]
        for key in _KEYS:
            assert sum(p[key] for p in players) == team["statistics"][key], key
            starters = [p["statistics"][key] for p in team["players"] if p["position"]]
            assert sum(starters) == team["starters"][key]
        for s in players + [team["statistics"]]:
            assert s["points"] == (2 * s["fieldGoalsMade"] + s["threePointersMade"]
                                   + s["freeThrowsMade"])
            assert s["reboundsTotal"] == s["reboundsOffensive"] + s["reboundsDefensive"]
            assert s["foulsPersonal"] <= 6 or s is team["statistics"]
        margin = team["statistics"]["points"] - opp["statistics"]["points"]
        assert team["statistics"]["plusMinusPoints"] == margin
        assert sum(p["plusMinusPoints"] for p in players) == 5 * margin


def test_play_by_play_matches_box_scores(season_files: SeasonFiles) -> None:
    for gid, actions in season_files.playbyplay.items():
        box = season_files.boxscores[gid]
        fg: dict[int, Counter[str]] = defaultdict(Counter)
        score = {"h": 0, "v": 0}
        last_total = 0
        for a in actions:
            if a["actionType"] in ("Made Shot", "Missed Shot"):
                assert a["isFieldGoal"] == 1 and a["shotValue"] in (2, 3)
                c = fg[a["personId"]]
                c["fga"] += 1
                c["fg3a"] += a["shotValue"] == 3
                if a["shotResult"] == "Made":
                    c["fgm"] += 1
                    c["fg3m"] += a["shotValue"] == 3
                    score[a["location"]] += a["shotValue"]
                    assert a["description"].endswith(" AST)") == ("AST)" in a["description"])
                else:
                    assert a["shotResult"] == "Missed" and a["description"].startswith("MISS ")
            elif a["actionType"] == "Free Throw":
                c = fg[a["personId"]]
                c["fta"] += 1
                if not a["description"].startswith("MISS"):
                    c["ftm"] += 1
                    score[a["location"]] += 1
            if a["scoreHome"]:
                assert int(a["scoreHome"]) == score["h"] and int(a["scoreAway"]) == score["v"]
                assert a["pointsTotal"] >= last_total
                last_total = a["pointsTotal"]
        for side in ("homeTeam", "awayTeam"):
            for p in box[side]["players"]:
                s, c = p["statistics"], fg[p["personId"]]
                assert (s["fieldGoalsAttempted"], s["fieldGoalsMade"]) == (c["fga"], c["fgm"])
                assert (s["threePointersAttempted"], s["threePointersMade"]) == (c["fg3a"],
                                                                                c["fg3m"])
                assert (s["freeThrowsAttempted"], s["freeThrowsMade"]) == (c["fta"], c["ftm"])
        assert score["h"] == box["homeTeam"]["statistics"]["points"]
        assert score["v"] == box["awayTeam"]["statistics"]["points"]


def test_assist_descriptions_name_a_teammate(season_files: SeasonFiles) -> None:
    gid, actions = next(iter(season_files.playbyplay.items()))
    box = season_files.boxscores[gid]
    families = {p["familyName"] for side in ("homeTeam", "awayTeam")
                for p in box[side]["players"]}
    assisted = [a for a in actions if a["description"].endswith(" AST)")]
    assert len(assisted) > 20
    for a in assisted:
        who = a["description"].rsplit("(", 1)[1]
        name = who.rsplit(" ", 2)[0]
        assert name in families


def test_scoreboards_match_box_scores(season_files: SeasonFiles) -> None:
    for day, g in season_files.finals:
        box = season_files.boxscores[g["gameId"]]
        for side in ("homeTeam", "awayTeam"):
            t = g[side]
            assert t["score"] == box[side]["statistics"]["points"]
            assert t["score"] == sum(p["score"] for p in t["periods"])
            assert len(t["periods"]) == g["period"] >= 4
        assert g["gameTimeUTC"] > f"{day.isoformat()}T12"
        assert g["gameEt"].startswith(day.isoformat())
        assert g["homeTeam"]["score"] != g["awayTeam"]["score"]
    ids = {g["gameId"] for _, g in season_files.finals}
    assert ids == set(season_files.boxscores) == set(season_files.playbyplay)


def test_regular_season_records(season_files: SeasonFiles) -> None:
    record: Counter[tuple[int, str]] = Counter()
    for _, g in sorted(season_files.finals, key=lambda x: (x[0], x[1]["gameTimeUTC"])):
        if g["gameId"][2] != "2":
            continue
        h, a = g["homeTeam"], g["awayTeam"]
        win, lose = (h, a) if h["score"] > a["score"] else (a, h)
        record[(win["teamId"], "w")] += 1
        record[(lose["teamId"], "l")] += 1
        for t in (h, a):
            assert (t["wins"], t["losses"]) == (record[(t["teamId"], "w")],
                                                record[(t["teamId"], "l")])


def test_injury_reports(season_files: SeasonFiles) -> None:
    statuses: Counter[str] = Counter()
    for day in season_files.dates("nba_injury_report"):
        rep = season_files.load(season_files.folder("nba_injury_report", day) /
                                "injury_report.json")
        assert rep["reportDate"] == day.isoformat()
        tips = [g["gameTimeUTC"] for d, g in season_files.finals if d == day]
        assert rep["reportTimeUTC"] < min(tips)
        for e in rep["entries"]:
            statuses[e["currentStatus"]] += 1
            assert ", " in e["playerName"] and e["gameDate"] == day.isoformat()
            assert "@" in e["matchup"] and e["reason"]
            box = season_files.boxscores[e["gameId"]]
            side = box["homeTeam"] if box["homeTeam"]["teamTricode"] == e["teamTricode"] else \
                box["awayTeam"]
            names = {f"{p['familyName']}, {p['firstName']}": p for p in side["players"]}
            p = names[e["playerName"]]
            if e["currentStatus"] == "Out":
                assert p["comment"] != ""
    assert set(statuses) >= {"Out", "Questionable", "Probable", "Doubtful"}


def test_rosters_for_teams_playing(season_files: SeasonFiles) -> None:
    teams = {t.team_id for t in load_teams()}
    for day in season_files.dates("nba_scoreboard")[::10]:
        games = season_files.scoreboards[day]["scoreboard"]["games"]
        playing = {g[s]["teamId"] for g in games for s in ("homeTeam", "awayTeam")}
        files = {int(p.stem) for p in season_files.files("nba_rosters", day)}
        assert files == playing and files <= teams
        for team_id in files:
            doc = season_files.load(season_files.folder("nba_rosters", day) / f"{team_id}.json")
            rs = doc["resultSets"][0]
            assert doc["parameters"]["Season"] == "2023-24"
            assert 13 <= len(rs["rowSet"]) <= 15
            col = {h: i for i, h in enumerate(rs["headers"])}
            for row in rs["rowSet"]:
                born = datetime.strptime(row[col["BIRTH_DATE"]], "%b %d, %Y").date()
                assert 18 <= (day - born).days / 365.25 <= 45
                assert row[col["TeamID"]] == team_id
                exp = row[col["EXP"]]
                debut = 2023 - (0 if exp == "R" else int(exp))
                age_at_debut = (date(debut, 10, 20) - born).days / 365.25
                assert 18.9 <= age_at_debut <= 23.0
