"""The registry: the one list of processors, validated, with the questions asked of it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from graphlib import TopologicalSorter

from backcourt.registry.model import Processor, Source
from backcourt.registry.templating import absent_tables


class RegistryError(ValueError):
    pass


@dataclass(frozen=True)
class Registry:
    """Every processor, and the Phase 1 sources that write the raw files they read."""

    processors: tuple[Processor, ...]
    sources: tuple[Source, ...] = ()

    def __post_init__(self) -> None:
        names = [p.name for p in self.processors] + [s.name for s in self.sources]
        dupes = {n for n in names if names.count(n) > 1}
        if dupes:
            raise RegistryError(f"processor declared twice: {sorted(dupes)}")
        tables = [p.table for p in self.processors]
        if len(set(tables)) != len(tables):
            raise RegistryError("two processors write the same table")
        by_table = {p.table: p for p in self.processors}
        for p in self.processors:
            for i in p.inputs:
                if not i.is_raw and i.ref not in by_table:
                    raise RegistryError(f"{p.name}: input {i.ref} is no processor's table")
                if not i.is_raw and by_table[i.ref].phase > p.phase:
                    raise RegistryError(f"{p.name}: reads {i.ref} of a later phase")
            if (p.sql is None) == (p.loader is None):
                raise RegistryError(f"{p.name}: needs exactly one of sql / loader")
            optional = {i.ref for i in p.inputs if not i.is_raw and not i.required}
            for table in absent_tables(p.sql or "") - optional:
                raise RegistryError(f"{p.name}: {{absent:{table}}} names no optional input")
        first = min((p.phase for p in self.processors), default=None)
        for src in self.sources:
            if first is not None and src.phase >= first:
                raise RegistryError(f"source {src.name}: its phase must come before "
                                    "every processor's")
            if not set(src.complete_when) <= set(src.produces):
                raise RegistryError(f"source {src.name}: complete_when names a folder it "
                                    "does not produce")
        self.order()  # raises on cycles

    # -- lookups -----------------------------------------------------------
    def get(self, name: str) -> Processor:
        for p in self.processors:
            if p.name == name or p.table == name:
                return p
        known = ", ".join(p.name for p in self.processors)
        raise RegistryError(f"unknown processor '{name}' (known: {known})")

    def by_table(self, table: str) -> Processor:
        """The processor writing ``table`` (a dict built once: the registry is immutable)."""
        index = self.__dict__.get("_writers")
        if index is None:
            index = {p.table: p for p in self.processors}
            object.__setattr__(self, "_writers", index)
        if table not in index:
            raise RegistryError(f"no processor writes {table}")
        return index[table]

    @property
    def phases(self) -> list[int]:
        """Every phase: the sources' and the processors'."""
        return sorted({p.phase for p in self.processors} | {s.phase for s in self.sources})

    @property
    def processor_phases(self) -> list[int]:
        return sorted({p.phase for p in self.processors})

    def sources_in(self, phases: Iterable[int] | None = None) -> list[Source]:
        """The Phase 1 sources of these phases (all when None)."""
        wanted = set(phases) if phases else None
        return [s for s in self.sources if wanted is None or s.phase in wanted]

    def in_phase(self, phase: int) -> list[Processor]:
        return [p for p in self.order() if p.phase == phase]

    def select(self, phases: Iterable[int] | None = None,
               names: Iterable[str] | None = None) -> list[Processor]:
        """Processors by phase and/or name, in dependency order. A phase the registry
        does not have is an error (selecting nothing would read as "all done")."""
        wanted_names = {self.get(n).name for n in names} if names else None
        wanted_phases = set(phases) if phases else None
        unknown = sorted((wanted_phases or set()) - set(self.phases))
        if unknown:
            raise RegistryError(f"unknown phase(s) {', '.join(map(str, unknown))} (known: "
                                f"{', '.join(map(str, self.phases))})")
        return [p for p in self.order()
                if (wanted_phases is None or p.phase in wanted_phases)
                and (wanted_names is None or p.name in wanted_names)]

    # -- graph -------------------------------------------------------------
    def upstream(self, p: Processor) -> list[Processor]:
        return [self.by_table(i.ref) for i in p.inputs if not i.is_raw]

    def downstream(self, p: Processor) -> list[Processor]:
        return [q for q in self.processors if any(i.ref == p.table for i in q.inputs)]

    def order(self) -> list[Processor]:
        """All processors, phase by phase, each after everything it reads."""
        ts: TopologicalSorter[str] = TopologicalSorter()
        for p in self.processors:
            ts.add(p.name, *[u.name for u in self.upstream(p)])
        try:
            topo = list(ts.static_order())
        except Exception as exc:  # graphlib.CycleError
            raise RegistryError(f"dependency cycle: {exc}") from exc
        rank = {n: i for i, n in enumerate(topo)}
        return sorted(self.processors, key=lambda p: (p.phase, rank[p.name]))

    def stages(self, processors: Iterable[Processor]) -> list[list[Processor]]:
        """Group processors into stages: a stage only reads earlier stages (or other phases)."""
        chosen = {p.name: p for p in processors}
        level: dict[str, int] = {}
        for p in self.order():
            if p.name not in chosen:
                continue
            deps = [level[u.name] for u in self.upstream(p) if u.name in level]
            level[p.name] = max(deps, default=-1) + 1
        out: dict[tuple[int, int], list[Processor]] = {}
        for name, lv in level.items():
            p = chosen[name]
            out.setdefault((p.phase, lv), []).append(p)
        return [out[k] for k in sorted(out)]
