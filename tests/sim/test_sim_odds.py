"""Player points props and game lines: snapshots, lines, prices, names, coverage."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

import numpy as np

from backcourt.sources.sim.names import ascii_fold, drop_suffix
from backcourt.sources.sim.teams import load_teams

from .sim_support import SeasonFiles

BOOKS = {"draftkings", "fanduel", "betmgm", "caesars"}


def _ts(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ")


def _by_event(season_files: SeasonFiles, source: str) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = defaultdict(list)
    for path in season_files.files(source):
        doc = season_files.load(path)
        ev, stamp = path.stem.split("_")
        assert doc["data"]["id"] == ev and len(ev) == 32
        assert stamp == _ts(doc["timestamp"]).strftime("%Y%m%dT%H%M%SZ")
        doc["_day"] = path.parent.name
        out[ev].append(doc)
    for docs in out.values():
        docs.sort(key=lambda d: d["timestamp"])
    return out


def test_snapshots_and_in_game_lines(season_files: SeasonFiles) -> None:
    props = _by_event(season_files, "odds_player_props")
    lines = _by_event(season_files, "odds_game_lines")
    n_games = len(season_files.finals)
    assert len(lines) == n_games
    in_game = 0
    for ev, docs in lines.items():
        tip = _ts(docs[0]["data"]["commence_time"])
        before = [(tip - _ts(d["timestamp"])).total_seconds() / 3600 for d in docs
                  if _ts(d["timestamp"]) < tip]
        assert len(before) == 3
        assert 19 <= before[0] <= 21 and 5 <= before[1] <= 7 and 0.5 <= before[2] <= 1.5
        after = [d for d in docs if _ts(d["timestamp"]) >= tip]
        in_game += bool(after)
        assert len(after) <= 1
        assert all(d["_day"] == docs[0]["_day"] for d in docs)
        if ev in props:
            assert [d["timestamp"] for d in props[ev]] == [d["timestamp"] for d in docs]
    assert 0.22 < in_game / n_games < 0.38
    no_props = n_games - len(props)
    assert 0.02 < no_props / n_games < 0.09


def test_prop_lines_and_prices(season_files: SeasonFiles) -> None:
    props = _by_event(season_files, "odds_player_props")
    moved = total = 0
    for docs in props.values():
        pre = [d for d in docs if d["timestamp"] < d["data"]["commence_time"]]
        for d in docs:
            books = d["data"]["bookmakers"]
            assert 3 <= len(books) <= 4 and {b["key"] for b in books} <= BOOKS
            for b in books:
                (market,) = b["markets"]
                assert market["key"] == "player_points"
                assert b["last_update"] <= d["timestamp"]
                points: dict[str, set[float]] = defaultdict(set)
                for o in market["outcomes"]:
                    assert o["point"] % 1 == 0.5
                    assert isinstance(o["price"], int) and -130 <= o["price"] <= 110
                    assert o["name"] in ("Over", "Under")
                    points[o["description"]].add(o["point"])
                assert all(len(v) == 1 for v in points.values())
        first = pre[0]["data"]["bookmakers"]
        players = {ascii_fold(drop_suffix(o["description"]))
                   for b in first for o in b["markets"][0]["outcomes"]}
        assert 8 <= len(players) <= 15            # 5-7 a team (+ a rare nickname)
        # bookmakers differ by at most one point on a player
        per_player: dict[str, set[float]] = defaultdict(set)
        for b in first:
            for o in b["markets"][0]["outcomes"]:
                per_player[ascii_fold(drop_suffix(o["description"]))].add(o["point"])
        assert all(max(v) - min(v) <= 1.0 for v in per_player.values())
        live = [d for d in docs if d["timestamp"] >= d["data"]["commence_time"]]
        if live:
            close = {(b["key"], o["description"]): o["point"]
                     for b in pre[-1]["data"]["bookmakers"] for o in b["markets"][0]["outcomes"]}
            for b in live[0]["data"]["bookmakers"]:
                for o in b["markets"][0]["outcomes"]:
                    key = (b["key"], o["description"])
                    if key in close:
                        total += 1
                        moved += close[key] != o["point"]
    assert total > 1000 and moved / total > 0.5


def test_lines_track_points_and_names_need_resolution(season_files: SeasonFiles) -> None:
    props = _by_event(season_files, "odds_player_props")
    full = {t.team_id: t.full_name for t in load_teams()}
    game_of = {(full[g["homeTeam"]["teamId"]], g["gameTimeUTC"]): g["gameId"]
               for _, g in season_files.finals}
    official = set()
    variants: dict[str, dict[str, int]] = {}
    for gid, box in season_files.boxscores.items():
        pts: dict[str, int] = {}
        for side in ("homeTeam", "awayTeam"):
            for p in box[side]["players"]:
                full = f"{p['firstName']} {p['familyName']}"
                official.add(full)
                for variant in (full, ascii_fold(full), drop_suffix(full),
                                ascii_fold(drop_suffix(full))):
                    pts[variant] = p["statistics"]["points"]
        variants[gid] = pts
    names = exact = unresolved = 0
    xs, ys = [], []
    for docs in props.values():
        data = docs[0]["data"]
        gid = game_of[(data["home_team"], data["commence_time"])]
        close = [d for d in docs if d["timestamp"] < d["data"]["commence_time"]][-1]
        for b in close["data"]["bookmakers"]:
            for o in b["markets"][0]["outcomes"]:
                if o["name"] != "Over":
                    continue
                names += 1
                exact += o["description"] in official
                found = variants[gid].get(o["description"])
                if found is None:
                    unresolved += 1
                    continue
                xs.append(o["point"])
                ys.append(found)
    assert names > 20000
    assert 0.6 < exact / names < 0.99          # most names match exactly, some do not
    assert 0 < unresolved / names < 0.01       # a few nicknames nobody can resolve
    assert np.corrcoef(xs, ys)[0, 1] > 0.5
    assert abs(np.mean(np.array(ys) - np.array(xs))) < 2.0


def test_game_lines(season_files: SeasonFiles) -> None:
    lines = _by_event(season_files, "odds_game_lines")
    fav_right = n = 0
    for docs in lines.values():
        for d in docs:
            data = d["data"]
            for b in data["bookmakers"]:
                markets = {m["key"]: m["outcomes"] for m in b["markets"]}
                assert set(markets) == {"h2h", "spreads", "totals"}
                h2h = {o["name"]: o["price"] for o in markets["h2h"]}
                spreads = {o["name"]: o["point"] for o in markets["spreads"]}
                assert set(h2h) == set(spreads) == {data["home_team"], data["away_team"]}
                assert spreads[data["home_team"]] == -spreads[data["away_team"]]
                totals = markets["totals"]
                assert {o["name"] for o in totals} == {"Over", "Under"}
                assert totals[0]["point"] % 1 == 0.5 and totals[0]["point"] > 150
                if spreads[data["home_team"]] != 0:
                    n += 1
                    home_fav = spreads[data["home_team"]] < 0
                    fav_right += home_fav == (h2h[data["home_team"]] < h2h[data["away_team"]])
    assert fav_right / n > 0.97
