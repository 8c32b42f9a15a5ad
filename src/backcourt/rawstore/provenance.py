"""Which sources wrote a raw store, and whether its data is simulated or real.

A small note in the store's hidden ``.backcourt/`` folder (``provenance.json``) lists every
source that has written into the store, each with its kind: ``simulated`` (the league
simulator) or ``real`` (the NBA stats site, The Odds API, imported files). A store holds one
kind only: a source of the other kind is refused before it writes anything, so simulated and
real games can never be merged downstream.

A store without the note (written before it existed, or the note deleted) is judged by
what it holds: a real source's fetch log, or game logs (``nba_team_gamelogs``), are only
ever real; anything else is taken as simulated (the only writer there was), and the note
is written on the next claim.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import orjson

NOTE = "provenance.json"
SIMULATED, REAL = "simulated", "real"

# the kind of every source that can write into a store
SOURCE_KINDS = {"sim": SIMULATED, "nba": REAL, "odds": REAL, "import": REAL}
# raw folders only a real source ever writes
_REAL_ONLY_FOLDERS = ("nba_team_gamelogs",)
# raw folders the simulator writes
_SIM_FOLDERS = ("nba_scoreboard", "nba_boxscore", "nba_schedule")


class ProvenanceError(Exception):
    """A source of one kind asked to write into a store of the other kind."""


@dataclass(frozen=True)
class Provenance:
    sources: dict[str, str] = field(default_factory=dict)   # source -> kind

    @property
    def kind(self) -> str | None:
        kinds = set(self.sources.values())
        return kinds.pop() if len(kinds) == 1 else None

    def as_dict(self) -> dict:
        return {"kind": self.kind, "sources": dict(sorted(self.sources.items()))}


def read(store) -> Provenance:
    """The store's provenance: its note, or (an older store) what its folders show."""
    note = store.read_note(NOTE)
    if note is not None:
        return Provenance(dict(orjson.loads(note).get("sources", {})))
    fetched = {s: REAL for s in ("nba", "odds")
               if store.read_note(f"fetch-log-{s}.json") is not None}
    if fetched:
        return Provenance(fetched)
    if any(store.list_dates(f) for f in _REAL_ONLY_FOLDERS):
        return Provenance({"import": REAL})
    if any(store.list_dates(f) for f in _SIM_FOLDERS):
        return Provenance({"sim": SIMULATED})
    return Provenance()


def claim(store, source: str) -> Provenance:
    """Record that ``source`` writes into the store; refuse a source of the other kind
    (``ProvenanceError``, naming the store's own sources)."""
    kind = SOURCE_KINDS[source]
    prov = read(store)
    other = {s: k for s, k in prov.sources.items() if k != kind}
    if other:
        theirs = ", ".join(sorted(other))
        raise ProvenanceError(
            f"the raw store {store.root_url} holds {next(iter(other.values()))} data "
            f"(written by: {theirs}); source '{source}' writes {kind} data and the two are "
            f"never mixed: use another --raw folder")
    if prov.sources.get(source) == kind and store.read_note(NOTE) is not None:
        return prov
    updated = Provenance({**prov.sources, source: kind})
    store.write_note(NOTE, orjson.dumps({"sources": dict(sorted(updated.sources.items()))},
                                        option=orjson.OPT_INDENT_2))
    return updated
