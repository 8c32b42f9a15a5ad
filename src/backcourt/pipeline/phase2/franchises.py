"""NBA franchises through the seasons: the abbreviations and names a team id has had.

The stats API keys a franchise by one team id for its whole history, while its abbreviation
follows the city and name of the season (New Orleans is ``NOH``, then ``NOK`` for the two
seasons played partly in Oklahoma City, then ``NOH`` again, then ``NOP``). Real responses
carry the abbreviation of their season, so a team is resolved by id and its abbreviation
checked against what that id was called *in that season*: ``NOH`` is New Orleans' in
2011-12 and no one's in 2023-24. Seasons are given by their start year (2011 = 2011-12);
``None`` = still current. Teams without an entry have kept the abbreviation and name of
the reference list (``nba_teams.csv``) over the seasons Phase 2 reads.
"""

from __future__ import annotations

from functools import lru_cache

from backcourt.calendar.calendar import season_name
from backcourt.pipeline.phase2.names import all_teams, team_by_id

# team id -> (first season, last season, abbreviation, full name), oldest first
HISTORY: dict[int, tuple[tuple[int, int | None, str, str], ...]] = {
    1610612740: ((2002, 2004, "NOH", "New Orleans Hornets"),
                 (2005, 2006, "NOK", "New Orleans/Oklahoma City Hornets"),
                 (2007, 2012, "NOH", "New Orleans Hornets"),
                 (2013, None, "NOP", "New Orleans Pelicans")),
    1610612751: ((1977, 2011, "NJN", "New Jersey Nets"),
                 (2012, None, "BKN", "Brooklyn Nets")),
    1610612760: ((1967, 2007, "SEA", "Seattle SuperSonics"),
                 (2008, None, "OKC", "Oklahoma City Thunder")),
    1610612763: ((1995, 2000, "VAN", "Vancouver Grizzlies"),
                 (2001, None, "MEM", "Memphis Grizzlies")),
    1610612766: ((1988, 2001, "CHH", "Charlotte Hornets"),
                 (2004, 2013, "CHA", "Charlotte Bobcats"),
                 (2014, None, "CHA", "Charlotte Hornets")),
    1610612764: ((1974, 1996, "WSB", "Washington Bullets"),
                 (1997, None, "WAS", "Washington Wizards")),
    1610612746: ((1978, 1983, "SDC", "San Diego Clippers"),
                 (1984, None, "LAC", "Los Angeles Clippers")),
    1610612758: ((1975, 1984, "KCK", "Kansas City Kings"),
                 (1985, None, "SAC", "Sacramento Kings")),
}

# other spellings of a franchise's abbreviation seen in the wild (Basketball-Reference's),
# with the seasons they were used: abbreviation -> (team id, first season, last season)
ALIASES: dict[str, tuple[int, int, int | None]] = {
    "CHO": (1610612766, 2014, None), "BRK": (1610612751, 2012, None),
    "PHO": (1610612756, 1968, None)}


def known_team(team_id: int) -> bool:
    return team_id in HISTORY or team_by_id(team_id) is not None


def team_at(team_id: int, season: int) -> tuple[str, str] | None:
    """(abbreviation, full name) of a team id in the season starting in ``season``, or
    None when the id is unknown or the franchise did not play that season."""
    eras = HISTORY.get(team_id)
    if eras is not None:
        for first, last, abbr, name in eras:
            if first <= season and (last is None or season <= last):
                return abbr, name
        return None
    team = team_by_id(team_id)
    return (team.abbr, team.full_name) if team is not None else None


def _in(season: int, first: int, last: int | None) -> bool:
    return first <= season and (last is None or season <= last)


@lru_cache(maxsize=1)
def _eras_by_abbr() -> dict[str, tuple[tuple[int, int, int | None], ...]]:
    """abbreviation -> every (team id, first season, last season) it has meant."""
    out: dict[str, list[tuple[int, int, int | None]]] = {}
    for t in all_teams():
        if t.id not in HISTORY:
            out.setdefault(t.abbr, []).append((t.id, 0, None))
    for team_id, eras in HISTORY.items():
        for first, last, abbr, _ in eras:
            out.setdefault(abbr, []).append((team_id, first, last))
    for abbr, era in ALIASES.items():
        out.setdefault(abbr, []).append(era)
    return {abbr: tuple(eras) for abbr, eras in out.items()}


def team_id_of_abbr(abbr: str, season: int) -> int | None:
    """The team that this abbreviation meant in the season starting in ``season``."""
    for team_id, first, last in _eras_by_abbr().get(abbr, ()):
        if _in(season, first, last):
            return team_id
    return None


def abbr_problem(team_id: int, abbr: str, season: int) -> str | None:
    """Why ``abbr`` cannot be team ``team_id``'s in the season starting in ``season``
    (None when it can): an unknown id, an unknown abbreviation, another franchise's
    abbreviation, or one the franchise had in other seasons only."""
    if not known_team(team_id):
        return f"unknown team id {team_id}"
    eras = _eras_by_abbr().get(abbr)
    if eras is None:
        return f"unknown team abbreviation {abbr!r}"
    owner = team_id_of_abbr(abbr, season)
    if owner == team_id:
        return None
    label = season_name(season)
    if owner is not None:
        return f"{abbr} is team {owner}, not {team_id} (in {label})"
    mine = [(first, last) for tid, first, last in eras if tid == team_id]
    if not mine:
        others = sorted({tid for tid, _, _ in eras})
        return f"{abbr} is team {', '.join(map(str, others))}, not {team_id}"
    spans = ", ".join(f"{season_name(first)}..{season_name(last) if last else 'now'}"
                      for first, last in mine)
    now = team_at(team_id, season)
    return (f"abbreviation {abbr} is team {team_id}'s in {spans}, not in {label}"
            + (f" (then {now[0]})" if now else f" (team {team_id} did not play in {label})"))
