"""Name normalization, the player resolver and the team lookups."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backcourt.pipeline.phase2.names import (
    SUFFIXES,
    PlayerResolver,
    all_teams,
    from_last_first,
    player_lookup,
    team_by_abbr,
    team_by_full_name,
    team_by_id,
)


@pytest.mark.parametrize(
    ("name", "lookup"),
    [
        ("Gary Trent Jr.", "garytrent"),
        ("Nikola Jokić", "nikolajokic"),
        ("Ja'Kobe Walter", "jakobewalter"),
        ("Kel’el Ware", "kelelware"),  # typographic apostrophe
        ("Jaime Jaquez Jr", "jaimejaquez"),
        ("Glenn Robinson III", "glennrobinson"),
        ("Gary Payton II", "garypayton"),
        ("Kristaps Porziņģis", "kristapsporzingis"),
        ("Dennis Schröder", "dennisschroder"),
        ("Egor Dëmin", "egordemin"),
        ("Collin Murray-Boyles", "collinmurrayboyles"),
        ("P.J. Tucker", "pjtucker"),
        ("PJ Tucker", "pjtucker"),
        ("J.R. Smith", "jrsmith"),  # a leading "jr" is a name, not a suffix
        ("  Jamal   MURRAY ", "jamalmurray"),
        ("Nenê", "nene"),
        ("Đorđe Petrović", "dordepetrovic"),
        ("Trent Jr.", "trentjr"),  # a suffix only goes when a first and a last name remain
        ("Jimmy Butler III Jr.", "jimmybutler"),
    ],
)
def test_player_lookup_examples(name: str, lookup: str) -> None:
    assert player_lookup(name) == lookup


@pytest.mark.parametrize(
    ("published", "first_last"),
    [
        ("Murray, Jamal", "Jamal Murray"),
        ("Jokić, Nikola", "Nikola Jokić"),
        ("Trent Jr., Gary", "Gary Trent Jr."),
        ("Trent, Gary, Jr.", "Gary Trent Jr."),
        ("Trent, Jr., Gary", "Gary Trent Jr."),
        ("Gary Trent, Jr.", "Gary Trent Jr."),
        ("Walter, Ja'Kobe", "Ja'Kobe Walter"),
        ("  Murray ,  Jamal  ", "Jamal Murray"),
        ("Nenê", "Nenê"),
        ("", ""),
    ],
)
def test_from_last_first(published: str, first_last: str) -> None:
    assert from_last_first(published) == first_last


def test_last_first_then_lookup_matches_the_box_score_name() -> None:
    assert player_lookup(from_last_first("Trent Jr., Gary")) == player_lookup("Gary Trent Jr.")
    assert player_lookup(from_last_first("Jokić, Nikola")) == player_lookup("Nikola Jokic")


# -- properties ------------------------------------------------------------------------------

_ACCENTED = {
    "a": "áàâäãåā", "c": "çčć", "e": "éèêëē", "i": "íìîïī", "n": "ñń",
    "o": "óòôöõō", "s": "šś", "u": "úùûüū", "y": "ýÿ", "z": "žźż",
}  # fmt: skip
_ascii_names = st.lists(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz'.-", min_size=1, max_size=10),
    min_size=1,
    max_size=4,
).map(" ".join)


@given(st.text())
def test_lookup_is_idempotent(name: str) -> None:
    once = player_lookup(name)
    assert player_lookup(once) == once
    assert once == "" or (once.isascii() and once.isalnum() and once == once.lower())


@given(_ascii_names, st.data())
def test_case_and_accents_do_not_matter(name: str, data: st.DataObject) -> None:
    accented = "".join(
        data.draw(st.sampled_from(_ACCENTED[c] + c)) if c in _ACCENTED else c for c in name
    )
    expected = player_lookup(name)
    assert player_lookup(accented) == expected
    assert player_lookup(accented.upper()) == expected
    assert player_lookup(name.title()) == expected
    assert player_lookup(unicodedata.normalize("NFD", accented)) == expected


@given(
    # a first name that is itself a suffix ("V") reads as "Last, Jr." and is left alone
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz'", min_size=1, max_size=10).filter(
        lambda s: s.replace("'", "") not in SUFFIXES
    ),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz'-", min_size=1, max_size=12),
)
def test_last_first_round_trip(first: str, last: str) -> None:
    assert player_lookup(from_last_first(f"{last}, {first}")) == player_lookup(f"{first} {last}")


# -- resolver --------------------------------------------------------------------------------


def test_resolver_holds_every_reference_player(resolver: PlayerResolver) -> None:
    # 5,198 players in nba_players.csv plus 4 rookies only on the 2025-26 rosters
    assert resolver.player_count == 5198 + 4


def test_resolver_resolves(resolver: PlayerResolver) -> None:
    assert resolver.resolve("nikolajokic") == (203999, None)
    assert resolver.resolve(player_lookup("Ja'Kobe Walter")) == (1642266, None)
    # shared lookups: the single active/rostered player wins
    assert resolver.resolve("garytrent") == (1629018, None)  # not Gary Trent (1980s)
    assert resolver.resolve("jarenjackson") == (1628991, None)
    assert resolver.resolve("garretttemple") == (202066, None)  # inactive in the list, rostered
    assert resolver.resolve("tamarbates") == (1642926, None)  # only on the rosters file


def test_resolver_failures(resolver: PlayerResolver) -> None:
    assert resolver.resolve("camjohnson") == (None, "unknown name")
    assert resolver.resolve("") == (None, "unknown name")
    assert resolver.resolve("charlessmith") == (None, "ambiguous: 3 players")
    assert resolver.resolve("mikejames") == (None, "ambiguous: 2 players")


def test_add_known_registers_names_and_settles_ambiguity() -> None:
    r = PlayerResolver()
    r.add_known(1628455, "Mike James")  # seen on a roster
    assert r.resolve("mikejames") == (1628455, None)
    r.add_known(1629661, "Cam Johnson")  # a nickname seen with its id
    assert r.resolve("camjohnson") == (1629661, None)
    r.add_known(2229, "Mike James")  # both now rostered: ambiguous again
    assert r.resolve("mikejames") == (None, "ambiguous: 2 players")


def test_empty_resolver() -> None:
    r = PlayerResolver(reference=False)
    assert r.player_count == 0
    assert r.resolve("nikolajokic") == (None, "unknown name")


# -- teams -----------------------------------------------------------------------------------


def test_team_lookups() -> None:
    assert len(all_teams()) == 30
    den = team_by_abbr("DEN")
    assert den is not None and den.id == 1610612743 and den.full_name == "Denver Nuggets"
    assert team_by_id(1610612743) == den
    assert team_by_full_name("Denver Nuggets") == den
    assert team_by_full_name("denver nuggets ") == den
    assert team_by_full_name("Los Angeles Clippers") == team_by_full_name("LA Clippers")
    assert team_by_abbr("XXX") is None
    assert team_by_id(1) is None
    assert team_by_full_name("Seattle SuperSonics") is None
