"""``backcourt import`` of box-score archives: many games' box scores in one place, split
into ``nba_boxscore/<date>/<gameId>.json``.

An archive holds stats-site ``boxscoretraditionalv3`` responses, one per game, as they came:
a folder of ``*.json`` / ``*.json.gz`` files (searched recursively, any names), a ``.zip``
of such files, or a JSON Lines file (``.jsonl``, ``.jsonl.gz``: one response per line, a
season's responses concatenated). A box score carries no date, so each game is dated by
the raw store's own schedule: the scoreboards (``nba_scoreboard``) and imported team game
logs (``nba_team_gamelogs``) already in the store, as Phase 2 dates it. A game the store's
schedule does not list is not imported (import its team game log or fetch its scoreboard
first). Each box score is checked by the Phase 2 parser in the folder it would be written to;
one that fails is named with file, field and reason, and the archive's other games are
imported. Importing the same archive again writes the same bytes.
"""

from __future__ import annotations

import gzip
import os
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import orjson

from backcourt.rawstore import RawStore
from backcourt.rawstore.store import RawFile

FOLDER = "nba_boxscore"
ROOT_KEY = "boxScoreTraditional"
SCHEDULE_SOURCES = ("nba_scoreboard", "nba_team_gamelogs")


def is_archive(path: Path) -> bool:
    """A folder, a zip or a JSON Lines file (a single box score is told by its content)."""
    name = path.name.lower()
    return path.is_dir() or name.endswith((".zip", ".jsonl", ".jsonl.gz"))


def is_boxscore(obj: object) -> bool:
    return isinstance(obj, dict) and ROOT_KEY in obj


def entries(path: Path) -> Iterator[tuple[str, bytes | None, str | None]]:
    """(where in the archive, decoded bytes or None, why they could not be read)."""
    name = path.name.lower()
    if path.is_dir():
        for p in sorted(path.rglob("*")):
            if p.is_file() and p.name.lower().endswith((".json", ".json.gz")) \
                    and not p.name.startswith("."):
                yield from _one(str(p), lambda p=p: p.read_bytes(), p.name.endswith(".gz"))
    elif name.endswith(".zip"):
        try:
            with zipfile.ZipFile(path) as z:
                for info in sorted(z.infolist(), key=lambda i: i.filename):
                    base = os.path.basename(info.filename)
                    if info.is_dir() or base.startswith(".") or not base.lower().endswith(
                            (".json", ".json.gz")):
                        continue
                    yield from _one(f"{path}!{info.filename}",
                                    lambda info=info, z=z: z.read(info), base.endswith(".gz"))
        except (zipfile.BadZipFile, OSError) as exc:
            yield str(path), None, f"not a readable zip: {exc}"
    else:
        try:
            data = path.read_bytes()
            if name.endswith(".gz"):
                data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            yield str(path), None, f"cannot read: {exc}"
            return
        for n, line in enumerate(data.splitlines(), 1):
            if line.strip():
                yield f"{path}:{n}", line, None


def _one(where: str, read, gz: bool) -> Iterator[tuple[str, bytes | None, str | None]]:
    try:
        data = read()
        yield where, gzip.decompress(data) if gz else data, None
    except (OSError, EOFError, zipfile.BadZipFile) as exc:
        yield where, None, f"cannot read: {exc}"


def schedule_dates(store: RawStore) -> dict[str, date]:
    """game id -> its date, from the store's scoreboards and team game logs (read as Phase 2
    reads them; an unreadable one dates nothing)."""
    from backcourt.pipeline.phase2.decode import parse_raw_file
    from backcourt.pipeline.phase2.names import PlayerResolver
    from backcourt.pipeline.phase2.parsers.base import RawRecordError

    resolver = PlayerResolver(reference=False)
    out: dict[str, date] = {}
    for source in SCHEDULE_SOURCES:
        for day in store.list_dates(source):
            for f in store.list_files(source, day):
                try:
                    rows = parse_raw_file(store, f, resolver).rows.get("schedule", [])
                except RawRecordError:
                    continue
                for row in rows:
                    out.setdefault(row["game_id"], row["game_date"])
    return out


def import_archive(store: RawStore, path: Path, result, dates: dict[str, date]) -> None:
    """Write each box score of the archive (its bytes as they came) into its game's date
    folder; what is not written goes to ``result.problems`` with its reason."""
    from backcourt.pipeline.phase2.names import PlayerResolver
    from backcourt.pipeline.phase2.parsers import PARSERS
    from backcourt.pipeline.phase2.parsers.base import RawRecordError

    parse = PARSERS[FOLDER]
    resolver = PlayerResolver(reference=False)
    found = 0
    for where, data, why in entries(path):
        if data is None:
            result.problems.append(f"{where}: {why}")
            continue
        try:
            obj = orjson.loads(data)
        except orjson.JSONDecodeError as exc:
            result.problems.append(f"{where}: not JSON: {exc}")
            continue
        if not is_boxscore(obj):
            v2 = isinstance(obj, dict) and "resultSets" in obj
            result.problems.append(f"{where}: not a boxscoretraditionalv3 response (no "
                                   f"{ROOT_KEY}"
                                   + ("; a v2 box score's resultSets are not read" if v2
                                      else "") + "); not imported")
            continue
        found += 1
        import_one(store, where, data, obj, result, dates, parse, resolver, RawRecordError)
    if not found and not result.problems:
        result.problems.append(f"{path}: no box scores (boxscoretraditionalv3 responses) "
                               "in it")


def import_one(store, where: str, payload: bytes, obj: dict, result, dates, parse, resolver,
               record_error) -> None:
    game_id = obj[ROOT_KEY].get("gameId") if isinstance(obj[ROOT_KEY], dict) else None
    if not isinstance(game_id, str):
        result.problems.append(f"{where}: field '{ROOT_KEY}.gameId': missing or not a "
                               "string; not imported")
        return
    day = dates.get(game_id)
    if day is None:
        result.problems.append(
            f"{where}: field '{ROOT_KEY}.gameId': game {game_id} is in no scoreboard or team "
            "game log of the raw store, so its date is unknown; not imported (import its "
            "team game log or fetch its scoreboard first)")
        return
    name = f"{game_id}.json"
    try:
        parse(payload, RawFile(FOLDER, day, name, ""), resolver)
    except record_error as exc:
        result.problems.append(f"{where}: field '{exc.field}': {exc.reason}; game {game_id} "
                               "is not imported")
        return
    store.write(FOLDER, day, name, payload)
    result.written += 1
    result.boxscores[day] = result.boxscores.get(day, 0) + 1
