"""``backcourt import``: files already in hand, split into the raw store's dates: team game
logs (here) and box-score archives (``boxscore_archive``).

A season (or any span) of team game logs in the stats site's ``leaguegamelog`` or
``teamgamelogs`` shape is split by ``GAME_DATE`` into ``nba_team_gamelogs/<date>/<name>``:
one file per input file and date, holding that date's rows in the input's shape (resource,
parameters, the one result set, its headers). Each date's file is checked by the Phase 2
parser before it is written; a date that fails is not written and is reported with file,
row, field and reason, and the other dates are imported. Importing the same file again
writes the same bytes. The store is marked as holding real data (provenance ``import``).
"""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import orjson

from backcourt.rawstore import RawStore, provenance
from backcourt.rawstore.store import RawFile
from backcourt.sources import boxscore_archive

FOLDER = "nba_team_gamelogs"
RESULT_SETS = ("LeagueGameLog", "TeamGameLogs")
_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:T00:00:00)?$")
_ROW = re.compile(r"rowSet\[(\d+)\]")


class NotAGameLog(ValueError):
    """A file that cannot be imported at all (not JSON, not a team game log)."""


@dataclass
class ImportResult:
    files: list[str] = field(default_factory=list)            # input files read
    dates: dict[date, int] = field(default_factory=dict)      # date -> rows written
    boxscores: dict[date, int] = field(default_factory=dict)  # date -> box scores written
    written: int = 0                                          # files written
    problems: list[str] = field(default_factory=list)         # what was not imported, why

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict:
        return {"files": self.files,
                "dates": {d.isoformat(): n for d, n in sorted(self.dates.items())},
                "boxscores": {d.isoformat(): n for d, n in sorted(self.boxscores.items())},
                "written": self.written, "problems": self.problems}


def import_files(store: RawStore, paths: list[str]) -> ImportResult:
    """Split each file into date files (see the module). A store of simulated data is
    refused before anything is written (``provenance.ProvenanceError``)."""
    provenance.claim(store, "import")
    result = ImportResult()
    boxscores: list[tuple[Path, dict | None]] = []   # after the logs, which date them
    for path in paths:
        result.files.append(path)
        p = Path(path)
        if boxscore_archive.is_archive(p):
            boxscores.append((p, None))
            continue
        try:
            obj = _load(p)
            if boxscore_archive.is_boxscore(obj):
                boxscores.append((p, obj))
                continue
            _check_log(obj)
            _import_one(store, p, obj, result)
        except NotAGameLog as exc:
            result.problems.append(f"{path}: {exc}")
    if boxscores:
        _import_boxscores(store, boxscores, result)
    return result


def _import_boxscores(store: RawStore, items: list[tuple[Path, dict | None]],
                      result: ImportResult) -> None:
    from backcourt.pipeline.phase2.names import PlayerResolver
    from backcourt.pipeline.phase2.parsers import PARSERS
    from backcourt.pipeline.phase2.parsers.base import RawRecordError

    dates = boxscore_archive.schedule_dates(store)
    for path, obj in items:
        if obj is None:
            boxscore_archive.import_archive(store, path, result, dates)
        else:
            boxscore_archive.import_one(
                store, str(path), _decoded(path), obj, result, dates,
                PARSERS[boxscore_archive.FOLDER], PlayerResolver(reference=False),
                RawRecordError)


def _decoded(path: Path) -> bytes:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise NotAGameLog(f"cannot read: {exc.strerror or exc}") from None
    if path.name.endswith(".gz"):
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise NotAGameLog(f"not gzip: {exc}") from None
    return data


def _load(path: Path) -> object:
    try:
        return orjson.loads(_decoded(path))
    except orjson.JSONDecodeError as exc:
        raise NotAGameLog(f"not JSON: {exc}") from None


def _check_log(obj: object) -> None:
    if not isinstance(obj, dict) or not isinstance(obj.get("resultSets"), list):
        raise NotAGameLog("not a stats-site response with resultSets (a leaguegamelog or "
                           "teamgamelogs team game log is expected) nor a "
                           "boxscoretraditionalv3 box score")


def _import_one(store: RawStore, path: Path, obj: dict, result: ImportResult) -> None:
    from backcourt.pipeline.phase2.names import PlayerResolver
    from backcourt.pipeline.phase2.parsers import PARSERS
    from backcourt.pipeline.phase2.parsers.base import RawRecordError

    sets = [rs for rs in obj["resultSets"] if isinstance(rs, dict)
            and rs.get("name") in RESULT_SETS]
    if not sets:
        raise NotAGameLog(f"no result set named {' or '.join(RESULT_SETS)}")
    rs = sets[0]
    headers, rows = rs.get("headers"), rs.get("rowSet")
    if not isinstance(headers, list) or "GAME_DATE" not in headers \
            or not isinstance(rows, list):
        raise NotAGameLog(f"result set {rs['name']}: headers with GAME_DATE and a rowSet "
                           "are expected")
    at = headers.index("GAME_DATE")
    by_date: dict[date, list] = {}
    index: dict[date, list[int]] = {}   # the rows' positions in the input file
    for i, row in enumerate(rows):
        value = row[at] if isinstance(row, list) and len(row) > at else None
        m = _DATE.match(value) if isinstance(value, str) else None
        try:
            day = date.fromisoformat(m.group(1)) if m else None
        except ValueError:
            day = None
        if day is None:
            result.problems.append(f"{path}: row {i}, field GAME_DATE: expected YYYY-MM-DD "
                                   f"(got {value!r}); the row is not imported")
            continue
        by_date.setdefault(day, []).append(row)
        index.setdefault(day, []).append(i)
    name = _name(path)
    parse = PARSERS[FOLDER]
    resolver = PlayerResolver(reference=False)
    for day, day_rows in sorted(by_date.items()):
        payload = orjson.dumps({
            **{k: v for k, v in obj.items() if k != "resultSets"},
            "resultSets": [{"name": rs["name"], "headers": headers, "rowSet": day_rows}]})
        target = RawFile(FOLDER, day, name, "")
        try:
            # a defect confined to some games is a row error: the date is not imported
            # either (Phase 2 would fail it), so it is named like a defect of the file
            errors = parse(payload, target, resolver).row_errors
        except RawRecordError as exc:
            errors = [exc]
        if errors:
            for exc in errors:
                # the row as numbered in the input file, not in the date's part of it
                where = _ROW.sub(lambda m, day=day: f"rowSet[{index[day][int(m.group(1))]}]",
                                 exc.field)
                result.problems.append(f"{path}: field '{where}': {exc.reason}; the rows "
                                       f"of {day} are not imported")
            continue
        store.write(FOLDER, day, name, payload)
        result.written += 1
        result.dates[day] = result.dates.get(day, 0) + len(day_rows)


def _name(path: Path) -> str:
    """The date files' name: the input's, as ``.json``, hidden-file dots removed."""
    stem = path.name
    for suffix in (".gz", ".json"):
        stem = stem.removesuffix(suffix)
    return f"{stem.lstrip('.') or 'gamelog'}.json"
