"""Seeded random generators: every stream is keyed by (seed, season, tags…), never global state."""

from __future__ import annotations

import zlib

import numpy as np


def _key(part: int | str) -> int:
    if isinstance(part, str):
        return zlib.crc32(part.encode())
    return int(part) & 0xFFFFFFFF


def rng_for(seed: int, season: int, *tags: int | str) -> np.random.Generator:
    """A generator that depends only on its arguments (stable across processes)."""
    entropy = [_key(seed), _key(season), *(_key(t) for t in tags)]
    return np.random.default_rng(np.random.SeedSequence(entropy))


def stable_unit(*parts: int | str) -> float:
    """A deterministic number in [0, 1) from the given parts (cheap, no generator)."""
    text = "|".join(str(p) for p in parts).encode()
    return (zlib.crc32(text) & 0xFFFFFFFF) / 2**32
