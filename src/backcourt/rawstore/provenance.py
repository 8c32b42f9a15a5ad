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


# the seed of the simulated league a store holds: another seed is another league
SEED_NOTE = "sim-seed.json"


def sim_seed(store, asked: int | None) -> int:
    """The seed to simulate into ``store`` with: the one asked for, else the store's own
    (else 0). A seed other than the store's is refused (``ProvenanceError``): its games
    would be merged with another league's."""
    raw = store.read_note(SEED_NOTE)
    recorded = orjson.loads(raw)["seed"] if raw else None
    if asked is None:
        return 0 if recorded is None else recorded
    if recorded is not None and asked != recorded:
        raise ProvenanceError(
            f"the raw store {store.root_url} holds the simulated league of seed {recorded}; "
            f"seed {asked} is another league and the two are never mixed: drop --seed / "
            "BACKCOURT_SEED, or use another --raw folder")
    return asked


def claim_sim_seed(store, seed: int) -> None:
    """Record the seed the simulator writes with (refusing another one, as above)."""
    sim_seed(store, seed)
    if store.read_note(SEED_NOTE) is None:
        store.write_note(SEED_NOTE, orjson.dumps({"seed": seed}))
