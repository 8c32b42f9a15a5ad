"""League figures of the regular season within sensible tolerances."""

from __future__ import annotations

import math
from collections import Counter, defaultdict

import numpy as np

from .sim_support import SeasonFiles, seconds, zone_of


def test_team_box_figures(season_files: SeasonFiles) -> None:
    rows = [t["statistics"] for _, t, _ in season_files.team_games()]
    pts = np.array([r["points"] for r in rows])
    fga = np.array([r["fieldGoalsAttempted"] for r in rows])
    fg3a = np.array([r["threePointersAttempted"] for r in rows])
    fta = np.array([r["freeThrowsAttempted"] for r in rows])
    ftm = np.array([r["freeThrowsMade"] for r in rows])
    oreb = np.array([r["reboundsOffensive"] for r in rows])
    tov = np.array([r["turnovers"] for r in rows])
    pace = fga - oreb + tov + 0.44 * fta
    assert abs(pts.mean() - 114) < 2.5, pts.mean()
    assert 11.0 < pts.std() < 14.2, pts.std()
    assert abs(pace.mean() - 99) < 2.0, pace.mean()
    assert abs(fga.mean() - 89) < 2.0, fga.mean()
    assert abs(fg3a.mean() - 37) < 2.0, fg3a.mean()
    assert 20.0 < fta.mean() < 23.0, fta.mean()
    assert abs(ftm.sum() / fta.sum() - 0.78) < 0.02
    for key, lo, hi in (("assists", 22, 30), ("reboundsTotal", 40, 50), ("turnovers", 10, 16),
                        ("steals", 5, 10), ("blocks", 3, 7), ("foulsPersonal", 15, 23)):
        mean = np.mean([r[key] for r in rows])
        assert lo < mean < hi, (key, mean)


def test_shot_zones_and_geometry(season_files: SeasonFiles) -> None:
    att: Counter[str] = Counter()
    made: Counter[str] = Counter()
    for gid, actions in season_files.playbyplay.items():
        if gid[2] != "2":
            continue
        for a in actions:
            if a["isFieldGoal"] != 1:
                continue
            z = zone_of(a)
            att[z] += 1
            made[z] += a["shotResult"] == "Made"
            x, y, d = a["xLegacy"], a["yLegacy"], a["shotDistance"]
            assert abs(math.hypot(x, y) / 10 - d) <= 0.6, a
            if a["shotValue"] == 3:
                assert d >= 22
                if z == "atb3":
                    assert math.hypot(x, y) >= 237.5 and y > 92
            else:
                assert math.hypot(x, y) < 220
            if z == "corner3":
                assert 0 <= y <= 92
    total = sum(att.values())
    targets = {"restricted": (0.28, 0.66), "paint": (0.20, 0.44), "mid": (0.10, 0.42),
               "corner3": (0.11, 0.39), "atb3": (0.31, 0.35)}
    for zone, (share, pct) in targets.items():
        assert abs(att[zone] / total - share) < 0.02, (zone, att[zone] / total)
        assert abs(made[zone] / att[zone] - pct) < 0.025, (zone, made[zone] / att[zone])


def test_minutes(season_files: SeasonFiles) -> None:
    starters, played_counts, ot = [], [], 0
    for _gid, team, _ in season_files.team_games():
        players = team["players"]
        secs = [seconds(p["statistics"]["minutes"]) for p in players]
        n_ot = round((sum(secs) - 14400) / 1500)
        assert sum(secs) == 14400 + 1500 * n_ot
        assert seconds(team["statistics"]["minutes"]) == sum(secs)
        ot += n_ot > 0
        played_counts.append(sum(s > 0 for s in secs))
        starters += [s / 60 for p, s in zip(players, secs, strict=True) if p["position"]]
        assert sum(1 for p in players if p["position"]) == 5
        for p, s in zip(players, secs, strict=True):
            if s == 0:
                assert p["comment"] and p["statistics"]["minutes"] in ("", "PT00M00.00S")
                assert p["statistics"]["points"] == 0
            else:
                assert p["comment"] == ""
    n_team_games = len(played_counts)
    assert 0.03 < ot / n_team_games < 0.09
    assert 9.3 < np.mean(played_counts) < 10.7
    assert 30 < np.mean(starters) < 36
    assert np.percentile(starters, 10) > 26


def test_dnp_reasons_and_injury_spells(season_files: SeasonFiles) -> None:
    kinds: Counter[str] = Counter()
    out_streak: dict[int, int] = defaultdict(int)
    longest: dict[int, int] = defaultdict(int)
    for _gid, team, _ in sorted(season_files.team_games(), key=lambda x: x[0]):
        for p in team["players"]:
            c = p["comment"]
            if c:
                kinds[c.split(" - ")[0] + (" - Rest" if c.endswith("Rest") else "")] += 1
            pid = p["personId"]
            injured = "Injury/Illness" in c
            out_streak[pid] = out_streak[pid] + 1 if injured else 0
            longest[pid] = max(longest[pid], out_streak[pid])
    assert kinds["DNP"] > 500 and kinds["Inactive"] > 300
    assert kinds["DND - Rest"] > 10 and kinds["NWT"] > 0
    assert sum(1 for v in longest.values() if v >= 5) > 30
