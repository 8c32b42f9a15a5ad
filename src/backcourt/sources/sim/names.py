"""Name spellings: slugs, "F. Last", "Last, First" and the bookmakers' free-text variants."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from backcourt.sources.sim.rng import stable_unit

_SUFFIXES = (" Jr.", " Sr.", " III", " II", " IV", ", Jr.")
_NICK_FIRST = ("Big", "Lil", "Young", "Swaggy", "Boogie", "Slim", "Flash", "Dolla", "Smooth")
_NICK_LAST = ("Buckets", "Hoops", "Splash", "Cash", "Ice", "Tank", "Glide", "Bounce", "Money")
NICKNAME_RATE = 1 / 300


@lru_cache(maxsize=16384)
def ascii_fold(text: str) -> str:
    text = text.replace("Đ", "D").replace("đ", "d").replace("ł", "l").replace("Ł", "L")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=16384)
def slugify(text: str) -> str:
    s = ascii_fold(text).lower()
    s = re.sub(r"[^a-z0-9\s-]", "", s)
    return re.sub(r"[\s-]+", "-", s).strip("-")


def name_i(first: str, family: str) -> str:
    return f"{first[0]}. {family}" if first else family


def last_first(first: str, family: str) -> str:
    return f"{family}, {first}" if first else family


def drop_suffix(text: str) -> str:
    for suf in _SUFFIXES:
        if text.endswith(suf):
            return text[: -len(suf)]
    return text


@lru_cache(maxsize=65536)
def bookmaker_name(full: str, book: str, player_id: int, seed: int) -> str:
    """How a bookmaker spells a player: accents and suffixes are often dropped and now and then
    the book uses a nickname that no roster knows (``book`` "" gives a plain ASCII spelling)."""
    if book and stable_unit("nick", seed, book, player_id) < NICKNAME_RATE:
        a = int(stable_unit("nick-a", seed, player_id) * len(_NICK_FIRST))
        b = int(stable_unit("nick-b", seed, player_id) * len(_NICK_LAST))
        return f"{_NICK_FIRST[a]} {_NICK_LAST[b]}"
    name = full
    style = stable_unit("style", seed, book, player_id)
    if book in ("draftkings", "fanduel") or style < 0.5:
        name = ascii_fold(name)
    if book in ("fanduel", "caesars") or style < 0.3:
        name = drop_suffix(name)
    return name.replace(", Jr.", " Jr.")
