"""NBA franchises through the seasons: the abbreviations and names a team id has had.

The stats API keys a franchise by one team id for its whole history, while its abbreviation
follows the city and name of the season (New Orleans is ``NOH``, then ``NOK`` for the two
seasons played partly in Oklahoma City, then ``NOH`` again, then ``NOP``). Real responses
carry the abbreviation of their season, so a team is resolved by id and its abbreviation
checked against that id's history. Seasons are given by their start year (2011 = 2011-12);
``None`` = still current. Teams without an entry have kept the abbreviation and name of
the reference list (``nba_teams.csv``) over the seasons Phase 2 reads.
"""

from __future__ import annotations

from functools import lru_cache

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
    1610612746: ((1978, 1983, "SDC", "San Diego Clippers"),
                 (1984, None, "LAC", "Los Angeles Clippers")),
    1610612758: ((1975, 1984, "KCK", "Kansas City Kings"),
                 (1985, None, "SAC", "Sacramento Kings")),
}

# other spellings of a franchise's abbreviation seen in the wild (Basketball-Reference's)
ALIASES: dict[str, int] = {"CHO": 1610612766, "BRK": 1610612751, "PHO": 1610612756}


def known_team(team_id: int) -> bool:
    return team_id in HISTORY or team_by_id(team_id) is not None


def team_at(team_id: int, season: int) -> tuple[str, str] | None:
    """(abbreviation, full name) of a team id in the season starting in ``season``."""
    for first, last, abbr, name in HISTORY.get(team_id, ()):
        if first <= season and (last is None or season <= last):
            return abbr, name
    team = team_by_id(team_id)
    return (team.abbr, team.full_name) if team is not None else None


@lru_cache(maxsize=1)
def _by_abbr() -> dict[str, int]:
    out = {t.abbr: t.id for t in all_teams()}
    for team_id, eras in HISTORY.items():
        for _, _, abbr, _ in eras:
            out.setdefault(abbr, team_id)
    return out | ALIASES


def team_id_of_abbr(abbr: str) -> int | None:
    """The franchise that has used this abbreviation (in some season), or None."""
    return _by_abbr().get(abbr)


def abbr_problem(team_id: int, abbr: str) -> str | None:
    """Why ``abbr`` cannot be team ``team_id``'s (None when it can): an unknown id, an
    unknown abbreviation, or another franchise's. Any season's abbreviation of the
    franchise is accepted (a response of one season never carries another's)."""
    if not known_team(team_id):
        return f"unknown team id {team_id}"
    owner = team_id_of_abbr(abbr)
    if owner is None:
        return f"unknown team abbreviation {abbr!r}"
    if owner != team_id:
        return f"{abbr} is team {owner}, not {team_id}"
    return None
