"""Who is available for a game: injury spells lasting several games, game-time decisions,
rest days for stars on back-to-backs, personal absences, and what the injury report says.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_BODY = ("Left Ankle", "Right Ankle", "Left Knee", "Right Knee", "Left Hamstring",
         "Right Hamstring", "Lower Back", "Left Calf", "Right Calf", "Left Foot", "Right Foot",
         "Left Wrist", "Right Shoulder", "Left Groin", "Right Hip", "Left Hand", "Right Thumb")
_KIND = ("Sprain", "Strain", "Soreness", "Contusion", "Tendinitis", "Bruise")
_MINOR = ("Soreness", "Contusion", "Tightness")

NEW_INJURY = 0.0095           # per player and game
QUESTIONABLE = 0.014
PROBABLE = 0.010
PERSONAL = 0.0015
REST_B2B = 0.30               # a star on the 2nd night of a back-to-back
REST_B2B_30 = 0.45            # ... aged 30 or more
MIN_AVAILABLE = 8


@dataclass(frozen=True)
class Status:
    plays: bool
    report: str | None        # injury report status, None when not listed
    reason: str               # injury report reason
    comment: str              # box score comment when he does not play ("" otherwise)


@dataclass
class _Spell:
    games_left: int
    reason: str
    long: bool


def _injury_reason(rng: np.random.Generator, minor: bool = False) -> str:
    body = _BODY[int(rng.integers(len(_BODY)))]
    kinds = _MINOR if minor else _KIND
    if not minor and rng.random() < 0.08:
        return "Injury/Illness - Illness"
    return f"Injury/Illness - {body}; {kinds[int(rng.integers(len(kinds)))]}"


def _spell_length(rng: np.random.Generator) -> int:
    u = rng.random()
    if u < 0.55:
        return int(rng.integers(1, 4))
    if u < 0.88:
        return int(rng.integers(4, 11))
    return int(rng.integers(11, 31))


class Availability:
    """Per-season availability state of every player (indexed by ratings row)."""

    def __init__(self) -> None:
        self.spells: dict[int, _Spell] = {}
        self.back: dict[int, str] = {}     # row -> reason, for his first game back

    def pregame(self, rng: np.random.Generator, rows: np.ndarray, stars: set[int],
                team_b2b: bool, ages: np.ndarray, postseason: bool) -> list[Status]:
        out: list[Status] = []
        u = rng.random((rows.size, 6))
        for k, row in enumerate(rows.tolist()):
            spell = self.spells.get(row)
            if spell is None and u[k, 0] < NEW_INJURY * (1.4 if ages[k] >= 32 else 1.0):
                spell = _Spell(_spell_length(rng), _injury_reason(rng), False)
                spell.long = spell.games_left >= 4
                self.spells[row] = spell
                surprise = u[k, 1] < 0.15
                out.append(self._out(spell, "Questionable" if surprise else "Out", surprise))
                continue
            if spell is not None:
                status = "Doubtful" if spell.games_left == 1 and u[k, 1] < 0.3 else "Out"
                out.append(self._out(spell, status, False))
                continue
            if row in self.back:
                reason = self.back.pop(row)
                out.append(Status(True, "Questionable" if u[k, 1] < 0.5 else "Probable", reason,
                                  ""))
                continue
            if u[k, 2] < PERSONAL:
                out.append(Status(False, "Out", "Personal Reasons", "NWT - Personal Reasons"))
                continue
            if (team_b2b and not postseason and row in stars
                    and u[k, 3] < (REST_B2B_30 if ages[k] >= 30 else REST_B2B)):
                out.append(Status(False, "Out", "Rest", "DND - Rest"))
                continue
            g = u[k, 4]
            if g < QUESTIONABLE:
                reason = _injury_reason(rng, minor=True)
                plays = u[k, 5] < 0.65
                out.append(Status(plays, "Questionable", reason,
                                  "" if plays else f"DNP - {reason}"))
            elif g < QUESTIONABLE + PROBABLE:
                reason = _injury_reason(rng, minor=True)
                plays = u[k, 5] < 0.97
                out.append(Status(plays, "Probable", reason, "" if plays else f"DNP - {reason}"))
            else:
                out.append(Status(True, None, "", ""))
        self._ensure_enough(rows, out)
        return out

    def _out(self, spell: _Spell, status: str, late: bool) -> Status:
        prefix = "Inactive" if spell.long and not late else "DNP"
        return Status(False, status, spell.reason, f"{prefix} - {spell.reason}")

    def _ensure_enough(self, rows: np.ndarray, out: list[Status]) -> None:
        short = MIN_AVAILABLE - sum(s.plays for s in out)
        if short <= 0:
            return
        injured = [k for k, s in enumerate(out) if not s.plays and rows[k] in self.spells]
        injured.sort(key=lambda k: self.spells[int(rows[k])].games_left)
        for k in injured[:short]:
            spell = self.spells.pop(int(rows[k]))
            out[k] = Status(True, "Questionable", spell.reason, "")

    def after_game(self, rows: np.ndarray) -> None:
        """Count a team game off every running spell of these players."""
        for row in rows.tolist():
            spell = self.spells.get(row)
            if spell is None:
                continue
            spell.games_left -= 1
            if spell.games_left <= 0:
                del self.spells[row]
                self.back[row] = spell.reason
