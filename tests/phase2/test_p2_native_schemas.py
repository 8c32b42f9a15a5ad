"""The parsers' schemas validate well-formed documents natively (no Python call per
integer), and give the same output and the same errors as the schemas as declared: an
integral float (``11.0``) is still taken as 11, a bad value is named exactly as before."""

from __future__ import annotations

import orjson
import pytest
from pydantic import ValidationError

from backcourt.pipeline.phase2.parsers import _common as C
from backcourt.pipeline.phase2.parsers import boxscore, playbyplay, rosters, scoreboard
from backcourt.pipeline.phase2.parsers.base import RawRecordError
from tests.phase2._helpers import SAMPLES, raw_file

FILE = raw_file("nba_playbyplay", "2024-10-22", "0022400001.json")


def _shot(doc: dict) -> dict:
    return next(a for a in doc["game"]["actions"] if a["isFieldGoal"] == 1)


def _errors(ta, payload: bytes) -> list:
    with pytest.raises(ValidationError) as exc:
        ta.validate_json(payload)
    return exc.value.errors(include_url=False)


def test_every_integer_schema_has_a_native_twin_without_python_calls():
    for ta in (playbyplay._ROOT, boxscore._ROOT, scoreboard._ROOT, rosters._TEAM_ROWS):
        twin = C.native_validator(ta)
        assert twin is not None
        text = repr(C._native_schema(ta.core_schema))
        assert "_integral" not in text and "greater_than" not in text
        assert "_integral" in repr(ta.core_schema)


@pytest.mark.parametrize("sample", ["playbyplayv3.json", "boxscoretraditionalv3.json",
                                    "scoreboardv3.json"])
def test_the_twin_gives_the_same_output_on_real_samples(sample):
    ta = {"playbyplayv3.json": playbyplay._ROOT, "boxscoretraditionalv3.json": boxscore._ROOT,
          "scoreboardv3.json": scoreboard._ROOT}[sample]
    payload = (SAMPLES / sample).read_bytes()
    assert C.native_validator(ta).validate_json(payload) == ta.validate_json(payload)


def test_an_integral_float_is_still_an_integer_and_bad_values_are_named_as_before():
    doc = orjson.loads((SAMPLES / "playbyplayv3.json").read_bytes())
    shot = _shot(doc)
    shot["actionNumber"] = float(shot["actionNumber"])   # 11.0, as real responses send
    payload = orjson.dumps(doc)
    with pytest.raises(ValidationError):   # the twin is strict: the declared schema decides
        C.native_validator(playbyplay._ROOT).validate_json(payload)
    got = C.validate_json(playbyplay._ROOT, payload, FILE, playbyplay._fix)
    assert got == playbyplay._ROOT.validate_json(payload)
    assert type(next(a for a in got["game"]["actions"] if len(a) > 1)["action_number"]) is int

    for bad in (0, 10.5, "12", True, None):   # PosInt: > 0, no fractions, strings or flags
        shot["actionNumber"] = bad
        payload = orjson.dumps(doc)
        declared = _errors(playbyplay._ROOT, payload)[0]
        with pytest.raises(RawRecordError) as exc:
            C.validate_json(playbyplay._ROOT, payload, FILE, playbyplay._fix)
        loc, reason = playbyplay._fix(tuple(declared["loc"]), declared)
        assert exc.value.field == C.join_path("", loc)
        assert exc.value.reason == reason
        assert exc.value.field.endswith(".actionNumber")
