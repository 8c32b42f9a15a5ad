"""The hidden causal effects are measurable in the written files."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

import numpy as np

from backcourt.sources.sim.season import SeasonSim
from backcourt.sources.sim.teams import load_teams

from .sim_support import SeasonFiles, seconds, zone_of


def _game_days(season_files: SeasonFiles) -> dict[str, date]:
    return {g["gameId"]: d for d, g in season_files.finals}


def _team_dates(season_files: SeasonFiles) -> dict[int, set[date]]:
    out: dict[int, set[date]] = defaultdict(set)
    for d, g in season_files.finals:
        out[g["homeTeam"]["teamId"]].add(d)
        out[g["awayTeam"]["teamId"]].add(d)
    return out


def test_back_to_backs_lower_efficiency_and_minutes(season_files: SeasonFiles) -> None:
    days = _game_days(season_files)
    team_days = _team_dates(season_files)
    pts = {True: 0.0, False: 0.0}
    tsa = {True: 0.0, False: 0.0}
    minutes: dict[tuple[int, bool], list[float]] = defaultdict(list)
    for gid, team, _ in season_files.team_games("2"):
        d = days[gid]
        b2b = d - timedelta(days=1) in team_days[team["teamId"]]
        s = team["statistics"]
        pts[b2b] += s["points"]
        tsa[b2b] += 2 * (s["fieldGoalsAttempted"] + 0.44 * s["freeThrowsAttempted"])
        if any(p["comment"] == "DND - Rest" for p in team["players"]):
            continue        # a resting star hands his minutes to the others
        for p in team["players"]:
            if not p["comment"]:
                minutes[(p["personId"], b2b)].append(seconds(p["statistics"]["minutes"]) / 60)
    ts_b2b, ts_rest = pts[True] / tsa[True], pts[False] / tsa[False]
    assert ts_rest - ts_b2b > 0.01, (ts_b2b, ts_rest)
    # heavy-minute players play less on the second night
    diffs = [np.mean(minutes[(pid, False)]) - np.mean(minutes[(pid, True)])
             for pid, b2b in list(minutes) if not b2b and len(minutes[(pid, True)]) >= 5
             and np.mean(minutes[(pid, False)]) >= 28]
    assert len(diffs) > 50
    assert np.mean(diffs) > 0.5, np.mean(diffs)


def test_zone_defence_changes_opponent_fg(season_files: SeasonFiles, sim: SeasonSim) -> None:
    zones = ("restricted", "paint", "mid", "corner3", "atb3")
    index = {t.team_id: t.idx for t in load_teams()}
    made = defaultdict(float)
    att = defaultdict(float)
    half_made = defaultdict(float)
    half_att = defaultdict(float)
    days = _game_days(season_files)
    mid_season = date(sim.season + 1, 1, 20)
    for gid, actions in season_files.playbyplay.items():
        if gid[2] != "2":
            continue
        box = season_files.boxscores[gid]
        defender = {"h": box["awayTeam"]["teamId"], "v": box["homeTeam"]["teamId"]}
        half = days[gid] >= mid_season
        for a in actions:
            if a["isFieldGoal"] != 1:
                continue
            z = zones.index(zone_of(a))
            team = index[defender[a["location"]]]
            strength = sim.ratings.team_def[team, z]
            group = "strong" if strength < 0.97 else ("weak" if strength > 1.03 else "")
            ok = a["shotResult"] == "Made"
            if group:
                made[(z, group)] += ok
                att[(z, group)] += 1
            half_made[(team, z, half)] += ok
            half_att[(team, z, half)] += 1
    for z in range(5):
        strong = made[(z, "strong")] / att[(z, "strong")]
        weak = made[(z, "weak")] / att[(z, "weak")]
        assert weak - strong > 0.03, (zones[z], strong, weak)
    # persistence: what a defence allowed before late January predicts what it allows after
    first = [half_made[(t, z, False)] / half_att[(t, z, False)] for t in range(30)
             for z in range(5)]
    second = [half_made[(t, z, True)] / half_att[(t, z, True)] for t in range(30)
              for z in range(5)]
    assert np.corrcoef(first, second)[0, 1] > 0.8   # zone level differences dominate
    resid1 = np.array(first).reshape(30, 5) - np.mean(np.array(first).reshape(30, 5), axis=0)
    resid2 = np.array(second).reshape(30, 5) - np.mean(np.array(second).reshape(30, 5), axis=0)
    assert np.corrcoef(resid1.ravel(), resid2.ravel())[0, 1] > 0.3


def test_absent_top_scorer_raises_teammates_usage(season_files: SeasonFiles) -> None:
    fga = defaultdict(float)
    mins = defaultdict(float)
    team_of: dict[int, int] = {}
    games = list(season_files.team_games("2"))
    for _, team, _ in games:
        for p in team["players"]:
            fga[p["personId"]] += p["statistics"]["fieldGoalsAttempted"]
            mins[p["personId"]] += seconds(p["statistics"]["minutes"]) / 60
            team_of[p["personId"]] = team["teamId"]
    top: dict[int, int] = {}
    for pid, team in team_of.items():
        if mins[pid] > 600 and (team not in top or
                                fga[pid] / mins[pid] > fga[top[team]] / mins[top[team]]):
            top[team] = pid
    rate: dict[bool, list[tuple[float, float]]] = {True: [], False: []}
    for _, team, _ in games:
        star = top[team["teamId"]]
        out = any(p["personId"] == star and p["comment"] for p in team["players"])
        others = [p["statistics"] for p in team["players"] if p["personId"] != star]
        rate[out].append((sum(s["fieldGoalsAttempted"] for s in others),
                          sum(seconds(s["minutes"]) for s in others) / 60))
    per36 = {k: 36 * sum(f for f, _ in v) / sum(m for _, m in v) for k, v in rate.items()}
    assert len(rate[True]) > 50
    assert per36[True] / per36[False] > 1.04, per36


def test_recent_points_predict_points(season_files: SeasonFiles) -> None:
    history: dict[int, list[int]] = defaultdict(list)
    pairs = []
    for _, team, _ in sorted(season_files.team_games("2"), key=lambda x: x[0]):
        for p in team["players"]:
            if p["comment"]:
                continue
            h = history[p["personId"]]
            if len(h) >= 10:
                pairs.append((np.mean(h[-10:]), p["statistics"]["points"]))
            h.append(p["statistics"]["points"])
    recent, actual = np.array(pairs).T
    assert np.corrcoef(recent, actual)[0, 1] > 0.6


def test_pace_attributes_set_possessions(season_files: SeasonFiles, sim: SeasonSim) -> None:
    index = {t.team_id: t.idx for t in load_teams()}
    xs, ys = [], []
    for box in season_files.boxscores.values():
        poss = []
        for side in ("homeTeam", "awayTeam"):
            s = box[side]["statistics"]
            poss.append(s["fieldGoalsAttempted"] - s["reboundsOffensive"] + s["turnovers"]
                        + 0.44 * s["freeThrowsAttempted"])
        h, a = index[box["homeTeam"]["teamId"]], index[box["awayTeam"]["teamId"]]
        xs.append(sim.ratings.team_pace[h] + sim.ratings.team_pace[a])
        ys.append(np.mean(poss))
    assert np.corrcoef(xs, ys)[0, 1] > 0.25
