"""Serialisation of a simulated season to the raw file shapes of docs/RAW_FORMATS.md.

Besides the sources listed there, the simulator writes one extra file:

``nba_schedule/<opening date>/schedule.json`` — the regular-season schedule as the league
publishes it before opening night, shaped like the NBA stats ``scheduleleaguev2`` response::

    {"leagueSchedule": {"seasonYear": "2023-24", "leagueId": "00",
      "gameDates": [{"gameDate": "10/24/2023 00:00:00",
        "games": [{"gameId": "0022300001", "gameCode": "20231024/LALDEN", "gameStatus": 1,
                   "gameStatusText": "7:30 pm ET", "gameDateTimeUTC": "2023-10-24T23:30:00Z",
                   "homeTeam": {"teamId": 1610612743, "teamTricode": "DEN"},
                   "awayTeam": {"teamId": 1610612747, "teamTricode": "LAL"}}]}]}}

It holds the 1,200 games known at the start: the 30 games added in December (game numbers
1201-1230) are absent, and postponed games are still listed on their original date.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

import numpy as np
import orjson

from backcourt.sources.sim.calendar import (
    et_clock_text,
    iso_z,
    season_label,
    tip_utc,
)
from backcourt.sources.sim.game import (
    REG_SECONDS,
    SUBTYPES,
)
from backcourt.sources.sim.names import bookmaker_name, last_first, name_i, slugify
from backcourt.sources.sim.odds import STEP, event_id, game_documents
from backcourt.sources.sim.people import age_on, person, season_rosters
from backcourt.sources.sim.rng import stable_unit
from backcourt.sources.sim.schedule import RegularGame
from backcourt.sources.sim.season import (
    PlayedGame,
    PostponedGame,
    SeasonSim,
    TeamGame,
    regular_game_id,
)
from backcourt.sources.sim.teams import Team, load_teams

SCOREBOARD = "nba_scoreboard"
BOXSCORE = "nba_boxscore"
PLAYBYPLAY = "nba_playbyplay"
INJURY_REPORT = "nba_injury_report"
ROSTERS = "nba_rosters"
PROPS = "odds_player_props"
LINES = "odds_game_lines"
EVENTS = "odds_events"
SCHEDULE = "nba_schedule"
SOURCES = (SCOREBOARD, BOXSCORE, PLAYBYPLAY, INJURY_REPORT, ROSTERS, PROPS, LINES, EVENTS,
           SCHEDULE)

RawFileOut = tuple[str, str, bytes]        # (source, file name, payload)

_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_ORDINAL = {1: "1st", 2: "2nd", 3: "3rd", 4: "4th"}


def _dump(obj: object) -> bytes:
    return orjson.dumps(obj)


def _meta_time(moment: datetime) -> str:
    return iso_z(moment)[:-1] + ".000Z"


def _iso_minutes(seconds: int) -> str:
    m, s = divmod(int(seconds), 60)
    return f"PT{m:02d}M{s:02d}.00S"


def _game_code(day: date, home: Team, away: Team) -> str:
    return f"{day:%Y%m%d}/{away.tricode}{home.tricode}"


def _et_text(day: date, minutes: int) -> str:
    return f"{day.isoformat()}T{minutes // 60:02d}:{minutes % 60:02d}:00Z"


# -- scoreboard -----------------------------------------------------------------------------
def _sb_team(team: Team, wins: int, losses: int, score: int, seed: int,
             periods: list[dict[str, Any]]) -> dict[str, Any]:
    return {"teamId": team.team_id, "teamName": team.nickname, "teamCity": team.city,
            "teamTricode": team.tricode, "teamSlug": team.slug, "wins": wins, "losses": losses,
            "score": score, "seed": seed, "inBonus": None, "timeoutsRemaining": 0,
            "periods": periods}


def _sb_final(g: PlayedGame) -> dict[str, Any]:
    teams = load_teams()
    home, away = teams[g.home.team], teams[g.away.team]
    out = g.outcome
    n_ot = out.periods - 4
    status = "Final" if n_ot == 0 else ("Final/OT" if n_ot == 1 else f"Final/{n_ot}OT")

    def periods(side: int) -> list[dict[str, Any]]:
        return [{"period": k + 1, "periodType": "REGULAR" if k < 4 else "OVERTIME",
                 "score": int(out.period_points[side, k])} for k in range(out.periods)]

    hp, ap = out.score
    meta = g.meta
    return {
        "gameId": g.game_id, "gameCode": _game_code(g.day, home, away), "gameStatus": 3,
        "gameStatusText": status, "period": out.periods, "gameClock": "",
        "gameTimeUTC": iso_z(tip_utc(g.day, g.tip)), "gameEt": _et_text(g.day, g.tip),
        "regulationPeriods": 4,
        "seriesGameNumber": meta.series_game if meta else "",
        "gameLabel": meta.label if meta else "",
        "gameSubLabel": meta.sub_label if meta else "",
        "seriesText": g.series_text, "ifNecessary": False,
        "seriesConference": meta.conference if meta else "",
        "poRoundDesc": meta.round_desc if meta else "", "gameSubtype": "", "isNeutral": False,
        "homeTeam": _sb_team(home, g.home.wins, g.home.losses, hp, g.home.seed, periods(0)),
        "awayTeam": _sb_team(away, g.away.wins, g.away.losses, ap, g.away.seed, periods(1)),
    }


def _sb_postponed(p: PostponedGame) -> dict[str, Any]:
    teams = load_teams()
    home, away = teams[p.home], teams[p.away]
    (hw, hl), (aw, al) = p.records
    return {
        "gameId": p.game_id, "gameCode": _game_code(p.day, home, away), "gameStatus": 1,
        "gameStatusText": "PPD", "period": 0, "gameClock": "",
        "gameTimeUTC": iso_z(tip_utc(p.day, p.tip)), "gameEt": _et_text(p.day, p.tip),
        "regulationPeriods": 4, "seriesGameNumber": "", "gameLabel": "", "gameSubLabel": "",
        "seriesText": "", "ifNecessary": False, "seriesConference": "", "poRoundDesc": "",
        "gameSubtype": "", "isNeutral": False,
        "homeTeam": _sb_team(home, hw, hl, 0, 0, []),
        "awayTeam": _sb_team(away, aw, al, 0, 0, []),
    }


def scoreboard(sim: SeasonSim, day: date) -> dict[str, Any]:
    slate = sim.slates[day]
    entries: list[tuple[int, str, dict[str, Any]]] = []
    entries += [(g.tip, g.game_id, _sb_final(g)) for g in slate.finals]
    entries += [(p.tip, p.game_id, _sb_postponed(p)) for p in slate.postponed]
    entries.sort(key=lambda e: (e[0], e[1]))
    stamp = datetime(day.year, day.month, day.day) + timedelta(days=1, hours=10)
    return {
        "meta": {"version": 1,
                 "request": f"http://nba.cloud/league/00/{day:%Y/%m/%d}/scoreboard?Format=json",
                 "time": _meta_time(stamp)},
        "scoreboard": {"gameDate": day.isoformat(), "leagueId": "00",
                       "leagueName": "National Basketball Association",
                       "games": [e[2] for e in entries]},
    }


# -- box score ------------------------------------------------------------------------------
def _stat_block(r: list[int], seconds: int, plus_minus: float | None,
                minutes: str | None = None) -> dict[str, Any]:
    fgm, fga, fg3m, fg3a, ftm, fta, oreb, dreb, ast, stl, blk, tov, pf, pts = r
    block: dict[str, Any] = {
        "minutes": minutes if minutes is not None else _iso_minutes(seconds),
        "fieldGoalsMade": fgm, "fieldGoalsAttempted": fga,
        "fieldGoalsPercentage": round(fgm / fga, 3) if fga else 0.0,
        "threePointersMade": fg3m, "threePointersAttempted": fg3a,
        "threePointersPercentage": round(fg3m / fg3a, 3) if fg3a else 0.0,
        "freeThrowsMade": ftm, "freeThrowsAttempted": fta,
        "freeThrowsPercentage": round(ftm / fta, 3) if fta else 0.0,
        "reboundsOffensive": oreb, "reboundsDefensive": dreb, "reboundsTotal": oreb + dreb,
        "assists": ast, "steals": stl, "blocks": blk, "turnovers": tov, "foulsPersonal": pf,
        "points": pts,
    }
    if plus_minus is not None:
        block["plusMinusPoints"] = float(plus_minus)
    return block


def _box_team(tg: TeamGame, margin: int) -> dict[str, Any]:
    team = load_teams()[tg.team]
    players = []
    stats = tg.stats.tolist()
    secs = tg.seconds.tolist()
    pms = tg.plus_minus.tolist()
    starter = tg.starter.tolist()
    for k, pid in enumerate(tg.player_ids):
        p = person(pid)
        sec = secs[k]
        players.append({
            "personId": pid, "firstName": p.first, "familyName": p.family,
            "nameI": name_i(p.first, p.family), "playerSlug": slugify(p.full),
            "position": p.role if starter[k] else "", "comment": tg.comments[k],
            "jerseyNum": "",
            "statistics": _stat_block(stats[k], sec, pms[k], None if sec > 0 else ""),
        })
    first = tg.starter
    return {
        "teamId": team.team_id, "teamCity": team.city, "teamName": team.nickname,
        "teamTricode": team.tricode, "teamSlug": team.slug, "players": players,
        "statistics": _stat_block(tg.stats.sum(axis=0).tolist(), sum(secs), float(margin)),
        "starters": _stat_block(tg.stats[first].sum(axis=0).tolist(),
                                int(tg.seconds[first].sum()), None),
        "bench": _stat_block(tg.stats[~first].sum(axis=0).tolist(),
                             int(tg.seconds[~first].sum()), None),
    }


def boxscore(g: PlayedGame) -> dict[str, Any]:
    teams = load_teams()
    hp, ap = g.outcome.score
    done = tip_utc(g.day, g.tip) + timedelta(hours=3)
    return {
        "meta": {"version": 1,
                 "request": f"http://nba.cloud/games/{g.game_id}/boxscoretraditional?Format=json",
                 "time": _meta_time(done)},
        "boxScoreTraditional": {
            "gameId": g.game_id, "awayTeamId": teams[g.away.team].team_id,
            "homeTeamId": teams[g.home.team].team_id,
            "homeTeam": _box_team(g.home, hp - ap), "awayTeam": _box_team(g.away, ap - hp),
        },
    }


# -- play-by-play ---------------------------------------------------------------------------
def _period_name(p: int) -> str:
    return _ORDINAL[p] + " Period" if p <= 4 else f"{_ORDINAL.get(p - 4, f'{p - 4}th')} OT"


def _wall(g: PlayedGame, minutes_after_tip: int) -> str:
    m = g.tip + minutes_after_tip
    h = (m // 60) % 24
    return f"{h % 12 or 12}:{m % 60:02d} {'PM' if h >= 12 else 'AM'} EST"


def _base_action(num: int, aid: int, clock: str, period: int) -> dict[str, Any]:
    return {"actionNumber": num, "clock": clock, "period": period, "teamId": 0,
            "teamTricode": "", "personId": 0, "playerName": "", "playerNameI": "",
            "xLegacy": 0, "yLegacy": 0, "shotDistance": 0, "shotResult": "", "isFieldGoal": 0,
            "scoreHome": "", "scoreAway": "", "pointsTotal": 0, "location": "",
            "description": "", "actionType": "", "subType": "", "videoAvailable": 0,
            "shotValue": 0, "actionId": aid}


def _describe(sub: str, value: int) -> str:
    text = sub[:-5] if sub.endswith(" Shot") and ("Layup" in sub or "Dunk" in sub) else sub
    text = text[:-4] + "Shot" if text.endswith(" shot") else text
    return f"3PT {text}" if value == 3 else text


# (subType, description text, shot value) per zone and shot type
_SHOT_TEXT = tuple(tuple((sub, _describe(sub, 3 if z >= 3 else 2), 3 if z >= 3 else 2)
                         for sub in subs) for z, subs in enumerate(SUBTYPES))
_DIST_TEXT = tuple(f"{d}' " if d > 0 else "" for d in range(100))
_FT_TEXT = {(k, m): f"Free Throw {k} of {m}" for m in (1, 2, 3) for k in range(1, m + 1)}
# "PT11M43.00S" for every tenth of a second left in a period
_CLOCKS = tuple(f"PT{k // 600:02d}M{(k % 600) / 10:05.2f}S" for k in range(7201))


def _clock_texts(t: np.ndarray, period: np.ndarray) -> list[str]:
    end = np.where(period <= 4, 720.0 * period, REG_SECONDS + 300.0 * (period - 4))
    tenths = np.clip(np.rint((end - t) * 10.0), 0, 7200).astype(np.int64).tolist()
    return [_CLOCKS[k] for k in tenths]


def playbyplay(g: PlayedGame) -> dict[str, Any]:
    teams = load_teams()
    out = g.outcome
    sides = (g.home, g.away)
    team_objs = (teams[g.home.team], teams[g.away.team])
    pids = [np.asarray(tg.player_ids)[tg.active_pos].tolist() for tg in sides]
    people = [[person(p) for p in side] for side in pids]
    family = [[p.family for p in side] for side in people]
    short = [[name_i(p.first, p.family) for p in side] for side in people]
    actions: list[dict[str, Any]] = []
    score = [0, 0]
    pts: dict[int, int] = {}
    asts: dict[int, int] = {}
    num = 1
    t_arr = out.ev_t
    per_arr = np.where(t_arr < REG_SECONDS, np.minimum(t_arr // 720.0, 3) + 1,
                       5 + (t_arr - REG_SECONDS) // 300.0)
    per_arr = np.clip(per_arr, 1, out.periods).astype(np.int64)
    clocks = _clock_texts(t_arr, per_arr)
    cols = zip(per_arr.tolist(), clocks, out.ev_side.tolist(), out.ev_player.tolist(),
               out.ev_kind.tolist(), out.ev_made.tolist(), out.ev_zone.tolist(),
               out.ev_ast.tolist(), out.ev_ftn.tolist(), out.ev_ftm.tolist(), out.ev_x.tolist(),
               out.ev_y.tolist(), out.ev_dist.tolist(), out.ev_sub.tolist(), strict=True)
    current = 0

    def period_marker(period: int, start: bool) -> None:
        nonlocal num
        num += 1
        a = _base_action(num, len(actions) + 1, "PT12M00.00S" if period <= 4 else "PT05M00.00S",
                         period)
        if not start:
            a["clock"] = "PT00M00.00S"
        offset = (period - 1) * 34 + (18 if period >= 3 else 0) + (0 if start else 30)
        word = "Start" if start else "End"
        a.update({"scoreHome": str(score[0]), "scoreAway": str(score[1]),
                  "pointsTotal": score[0] + score[1], "actionType": "period",
                  "subType": "start" if start else "end",
                  "description": f"{word} of {_period_name(period)} ({_wall(g, offset)})",
                  "videoAvailable": 0 if start else 1})
        actions.append(a)

    static = [[(pid, fam, short[si][k]) for k, (pid, fam) in enumerate(zip(pids[si], family[si],
                                                                          strict=True))]
              for si in (0, 1)]
    team_fields = [(t.team_id, t.tricode, loc) for t, loc in zip(team_objs, "hv", strict=True)]
    append = actions.append
    for period, clock, side, pl, kind, made, zone, ast, ftn, ftm, x, y, dist, sub in cols:
        if current < period:
            while current < period:
                if current:
                    period_marker(current, False)
                current += 1
                period_marker(current, True)
        team_id, tricode, loc = team_fields[side]
        pid, fam, short_name = static[side][pl]
        if kind == 0:
            num += 2
            subtype, desc, value = _SHOT_TEXT[zone][sub]
            dist_txt = _DIST_TEXT[dist]
            if made:
                score[side] += value
                pts[pid] = p_now = pts.get(pid, 0) + value
                if ast >= 0:
                    apid, afam, _ = static[side][ast]
                    asts[apid] = a_now = asts.get(apid, 0) + 1
                    text = f"{fam} {dist_txt}{desc} ({p_now} PTS) ({afam} {a_now} AST)"
                else:
                    text = f"{fam} {dist_txt}{desc} ({p_now} PTS)"
                result, atype = "Made", "Made Shot"
                sh, sa = score
                total = sh + sa
                sh, sa = str(sh), str(sa)
            else:
                text = f"MISS {fam} {dist_txt}{desc}"
                result, atype, sh, sa, total = "Missed", "Missed Shot", "", "", 0
            is_fg = 1
        else:
            num += 1
            subtype = _FT_TEXT[(ftn, ftm)]
            x = y = dist = value = 0
            result, atype, is_fg = "", "Free Throw", 0
            if made:
                score[side] += 1
                pts[pid] = p_now = pts.get(pid, 0) + 1
                text = f"{fam} {subtype} ({p_now} PTS)"
                sh, sa = score
                total = sh + sa
                sh, sa = str(sh), str(sa)
            else:
                text = f"MISS {fam} {subtype}"
                sh, sa, total = "", "", 0
        append({
            "actionNumber": num, "clock": clock, "period": period, "teamId": team_id,
            "teamTricode": tricode, "personId": pid, "playerName": fam,
            "playerNameI": short_name, "xLegacy": x, "yLegacy": y, "shotDistance": dist,
            "shotResult": result, "isFieldGoal": is_fg, "scoreHome": sh, "scoreAway": sa,
            "pointsTotal": total, "location": loc, "description": text,
            "actionType": atype, "subType": subtype, "videoAvailable": 1, "shotValue": value,
            "actionId": len(actions) + 1})
    while current < out.periods:
        if current:
            period_marker(current, False)
        current += 1
        period_marker(current, True)
    period_marker(current, False)
    done = tip_utc(g.day, g.tip) + timedelta(hours=3)
    return {
        "meta": {"version": 1, "request": f"http://nba.cloud/games/{g.game_id}/playbyplay?Format=json",
                 "time": _meta_time(done)},
        "game": {"gameId": g.game_id, "videoAvailable": 1, "actions": actions},
    }


# -- injury report --------------------------------------------------------------------------
def injury_report(sim: SeasonSim, day: date) -> dict[str, Any]:
    teams = load_teams()
    finals = sorted(sim.slates[day].finals, key=lambda g: (g.tip, g.game_id))
    first = min(tip_utc(g.day, g.tip) for g in finals)
    published = first - timedelta(hours=2, minutes=30)
    published = published.replace(minute=0 if published.minute < 30 else 30, second=0)
    entries = []
    for g in finals:
        matchup = f"{teams[g.away.team].tricode}@{teams[g.home.team].tricode}"
        for tg in (g.away, g.home):
            rows = []
            for pid, status, reason in tg.report:
                p = person(pid)
                rows.append({"gameId": g.game_id, "gameDate": day.isoformat(),
                             "matchup": matchup, "teamTricode": teams[tg.team].tricode,
                             "playerName": last_first(p.first, p.family),
                             "currentStatus": status, "reason": reason})
            entries += sorted(rows, key=lambda r: r["playerName"])
    return {"reportDate": day.isoformat(), "reportTimeUTC": iso_z(published), "entries": entries}


# -- rosters --------------------------------------------------------------------------------
@lru_cache(maxsize=256)
def _roster_rows(season: int, seed: int, team_idx: int) -> tuple[tuple[int, list[Any]], ...]:
    """(player id, row without AGE) of a team's season roster."""
    teams = load_teams()
    team = teams[team_idx]
    rosters = season_rosters(season, seed)
    rows = []
    for pid in sorted(rosters.teams[team_idx], key=lambda p: (person(p).family, p)):
        p = person(pid)
        exp = season - p.from_year
        if pid in rosters.came_from:
            how = f"Traded from {teams[rosters.came_from[pid]].city}"
        elif exp == 0:
            how = f"#{1 + int(stable_unit('pick', pid) * 58)} Pick in {p.from_year} Draft"
        else:
            how = "Signed as a Free Agent" if stable_unit("how", pid) < 0.55 else "Draft"
        rows.append((pid, [
            team.team_id, str(season), "00", p.full, p.first, slugify(p.full),
            str(rosters.jersey[pid]), p.position, p.height, str(p.weight),
            f"{_MONTHS[p.birth.month - 1]} {p.birth.day:02d}, {p.birth.year}",
            0.0, "R" if exp <= 0 else str(exp), p.school, pid, how,
        ]))
    return tuple(rows)


def roster(sim: SeasonSim, day: date, team_idx: int) -> dict[str, Any]:
    team = load_teams()[team_idx]
    rows = []
    for pid, row in _roster_rows(sim.season, sim.seed, team_idx):
        out = list(row)
        out[11] = float(age_on(person(pid), day))
        rows.append(out)
    return {
        "resource": "commonteamroster",
        "parameters": {"TeamID": team.team_id, "Season": season_label(sim.season),
                       "LeagueID": "00"},
        "resultSets": [{"name": "CommonTeamRoster", "headers": list(_ROSTER_HEADERS),
                        "rowSet": rows}],
    }


_ROSTER_HEADERS = ("TeamID", "SEASON", "LeagueID", "PLAYER", "NICKNAME", "PLAYER_SLUG", "NUM",
                   "POSITION", "HEIGHT", "WEIGHT", "BIRTH_DATE", "AGE", "EXP", "SCHOOL",
                   "PLAYER_ID", "HOW_ACQUIRED")


# -- season schedule ------------------------------------------------------------------------
def season_schedule(sim: SeasonSim) -> dict[str, Any]:
    teams = load_teams()
    by_day: dict[date, list[RegularGame]] = {}
    for g in sim.schedule.games:
        if not g.added:
            by_day.setdefault(g.orig_day, []).append(g)
    dates = []
    for d in sorted(by_day):
        games = []
        for g in sorted(by_day[d], key=lambda x: (x.orig_tip, x.number)):
            home, away = teams[g.home], teams[g.away]
            games.append({
                "gameId": regular_game_id(sim.season, g.number),
                "gameCode": _game_code(d, home, away), "gameStatus": 1,
                "gameStatusText": et_clock_text(g.orig_tip),
                "gameDateTimeUTC": iso_z(tip_utc(d, g.orig_tip)),
                "homeTeam": {"teamId": home.team_id, "teamTricode": home.tricode},
                "awayTeam": {"teamId": away.team_id, "teamTricode": away.tricode},
            })
        dates.append({"gameDate": f"{d:%m/%d/%Y} 00:00:00", "games": games})
    return {"leagueSchedule": {"seasonYear": season_label(sim.season), "leagueId": "00",
                               "gameDates": dates}}


# -- odds -----------------------------------------------------------------------------------
def odds_files(sim: SeasonSim, g: PlayedGame) -> list[RawFileOut]:
    def spell(pid: int, book: str) -> str:
        return bookmaker_name(person(pid).full, book, pid, sim.seed)

    files: list[RawFileOut] = []
    for name, props, lines in game_documents(g, sim.seed, sim.season, spell):
        if props is not None:
            files.append((PROPS, name, _dump(props)))
        files.append((LINES, name, _dump(lines)))
    return files


def odds_events(sim: SeasonSim, finals: list[PlayedGame], snapshots: list[str]) -> dict[str, Any]:
    """The date's event list as The Odds API's historical events endpoint returns it
    (``GET /v4/historical/sports/basketball_nba/events?date=<snapshot>``), taken at the
    date's first snapshot: the index of the date's odds files (one or more per event)."""
    teams = load_teams()
    first = datetime.strptime(min(snapshots), "%Y%m%dT%H%M%SZ")
    events = [{"id": event_id(sim.seed, g.game_id), "sport_key": "basketball_nba",
               "sport_title": "NBA", "commence_time": iso_z(tip_utc(g.day, g.tip)),
               "home_team": teams[g.home.team].full_name,
               "away_team": teams[g.away.team].full_name} for g in finals]
    return {"timestamp": iso_z(first), "previous_timestamp": iso_z(first - STEP),
            "next_timestamp": iso_z(first + STEP), "data": events}


# -- one date -------------------------------------------------------------------------------
def files_for_date(sim: SeasonSim, day: date) -> list[RawFileOut]:
    """Every file of every source for one game date (empty when no game is listed), in
    the order they are written: the indexes last (the odds event list after the odds
    files, the scoreboard after everything), so a write killed half-way leaves a date
    whose missing index marks it incomplete (see ``sources.completeness``)."""
    slate = sim.slates.get(day)
    files: list[RawFileOut] = []
    if day == sim.opening:
        files.append((SCHEDULE, "schedule.json", _dump(season_schedule(sim))))
    if slate is None:
        return files
    finals = sorted(slate.finals, key=lambda g: (g.tip, g.game_id))
    if finals:
        files.append((INJURY_REPORT, "injury_report.json", _dump(injury_report(sim, day))))
    team_ids = sorted({t for g in finals for t in (g.home.team, g.away.team)}
                      | {t for p in slate.postponed for t in (p.home, p.away)})
    teams = load_teams()
    for t in team_ids:
        files.append((ROSTERS, f"{teams[t].team_id}.json", _dump(roster(sim, day, t))))
    for g in finals:
        files.append((BOXSCORE, f"{g.game_id}.json", _dump(boxscore(g))))
        files.append((PLAYBYPLAY, f"{g.game_id}.json", _dump(playbyplay(g))))
        files += odds_files(sim, g)
    snapshots = [name.rsplit("_", 1)[1].removesuffix(".json")
                 for source, name, _ in files if source == LINES]
    if snapshots:
        files.append((EVENTS, "events.json", _dump(odds_events(sim, finals, snapshots))))
    files.append((SCOREBOARD, "scoreboard.json", _dump(scoreboard(sim, day))))
    return files
