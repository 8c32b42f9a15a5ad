"""Shared helpers of the simulator tests: the season under test and a reader of its files."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

import orjson

from backcourt.sources.sim import ScrapeResult

SEASON = 2023
SEED = 0


@dataclass
class SeasonFiles:
    root: Path
    result: ScrapeResult
    calls: list[tuple[date, int]] = field(default_factory=list)

    def folder(self, source: str, day: date) -> Path:
        return self.root / source / day.isoformat()

    def dates(self, source: str) -> list[date]:
        base = self.root / source
        return sorted(date.fromisoformat(p.name) for p in base.iterdir()) if base.exists() else []

    def files(self, source: str, day: date | None = None) -> list[Path]:
        if day is not None:
            folder = self.folder(source, day)
            return sorted(folder.glob("*.json")) if folder.exists() else []
        return sorted((self.root / source).glob("*/*.json"))

    def load(self, path: Path) -> Any:
        return orjson.loads(path.read_bytes())

    @cached_property
    def scoreboards(self) -> dict[date, dict[str, Any]]:
        return {d: self.load(self.folder("nba_scoreboard", d) / "scoreboard.json")
                for d in self.dates("nba_scoreboard")}

    @cached_property
    def games(self) -> list[tuple[date, dict[str, Any]]]:
        """(scoreboard date, game) for every listed game (finals and postponed)."""
        return [(d, g) for d, sb in self.scoreboards.items() for g in sb["scoreboard"]["games"]]

    @cached_property
    def finals(self) -> list[tuple[date, dict[str, Any]]]:
        return [(d, g) for d, g in self.games if g["gameStatus"] == 3]

    @cached_property
    def boxscores(self) -> dict[str, dict[str, Any]]:
        return {p.stem: self.load(p)["boxScoreTraditional"] for p in self.files("nba_boxscore")}

    @cached_property
    def playbyplay(self) -> dict[str, list[dict[str, Any]]]:
        return {p.stem: self.load(p)["game"]["actions"] for p in self.files("nba_playbyplay")}

    def team_games(self, kind: str = "2") -> Iterator[tuple[str, dict[str, Any], dict[str, Any]]]:
        """(game id, team box, opponent box) for the finals of a season type digit."""
        for gid, box in self.boxscores.items():
            if gid[2] != kind:
                continue
            yield gid, box["homeTeam"], box["awayTeam"]
            yield gid, box["awayTeam"], box["homeTeam"]


_ISO = re.compile(r"PT(\d+)M(\d+(?:\.\d+)?)S")


def seconds(minutes: str) -> float:
    if not minutes:
        return 0.0
    m = _ISO.fullmatch(minutes)
    assert m, minutes
    return int(m.group(1)) * 60 + float(m.group(2))


def zone_of(action: dict) -> str:
    """How the pipeline classifies a field-goal attempt."""
    x, y, dist = action["xLegacy"], action["yLegacy"], action["shotDistance"]
    if action["shotValue"] == 3:
        return "corner3" if abs(x) >= 220 and y <= 92 else "atb3"
    if dist <= 4:
        return "restricted"
    return "paint" if dist <= 8 else "mid"
