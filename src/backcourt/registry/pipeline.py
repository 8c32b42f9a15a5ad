"""What a pipeline declares to the core: its registry, calendar and Python loaders.

A Python loader is declared as data (``LoaderSpec``): where its class lives, which source
files make its code, which side tables it writes. The core reads the declaration to plan
(code fingerprints) and to create tables, and imports the loader only when a partition of
its processors runs — so ``plan``, ``status`` and ``validate`` never pay for pyarrow,
numpy or LightGBM.
"""

from __future__ import annotations

import hashlib
import importlib
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib.resources import files
from typing import Any

from backcourt.calendar import CalendarSource
from backcourt.registry.loader import Loader
from backcourt.registry.registry import Registry


def source_fingerprint(package: str, names: tuple[str, ...], settings: Any = None) -> str:
    """Hash of a package's source files (a name ending in "/" stands for every ``.py`` file
    of that folder, by name) and of the settings that change a loader's output."""
    h = hashlib.sha256()
    root = files(package)
    for name in names:
        if name.endswith("/"):
            folder = root.joinpath(name.rstrip("/"))
            for f in sorted(folder.iterdir(), key=lambda f: f.name):
                if f.name.endswith(".py"):
                    h.update(f.read_bytes())
        else:
            h.update(root.joinpath(name).read_bytes())
    if settings is not None:
        h.update(repr(settings).encode())
    return h.hexdigest()[:16]


@dataclass(frozen=True)
class LoaderSpec:
    """A Python loader by declaration. ``target`` is ``"module:Class"`` (constructed with
    ``options``); ``package``/``code`` name the source files of its code fingerprint;
    ``extra_tables`` the tables it writes besides its processors' own."""

    target: str
    package: str
    code: tuple[str, ...]
    extra_tables: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    options: Mapping[str, Any] = field(default_factory=dict)

    def fingerprint(self) -> str:
        return source_fingerprint(self.package, self.code,
                                  sorted(self.options.items()) or None)

    def build(self) -> object:
        module, _, name = self.target.partition(":")
        return getattr(importlib.import_module(module), name)(**self.options)


@dataclass
class Pipeline:
    """``loaders`` maps a processor's ``loader`` name to a ``LoaderSpec`` (imported on first
    use) or to a loader object (the contract: ``registry.loader.Loader``)."""

    registry: Registry
    calendar: CalendarSource
    loaders: dict[str, LoaderSpec | Loader] = field(default_factory=dict)
    # ``"module:function"`` ``(ctx, start, end) -> records`` of what the loaders recorded
    # about bad input (file, field, reason, kind, severity, game_date), for `validate`
    input_findings: str | None = None
    _built: dict[str, object] = field(default_factory=dict, init=False, repr=False)
    _fingerprints: dict[str, str] = field(default_factory=dict, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def recorded_input_findings(self, ctx, start, end) -> list:
        """What the loaders recorded about bad input in [start, end] (none declared: [])."""
        if self.input_findings is None:
            return []
        module, _, name = self.input_findings.partition(":")
        return getattr(importlib.import_module(module), name)(ctx, start, end)

    def loader(self, name: str) -> object:
        """The loader object (built once, shared by the threads of a run)."""
        declared = self.loaders[name]
        if not isinstance(declared, LoaderSpec):
            return declared
        with self._lock:
            if name not in self._built:
                self._built[name] = declared.build()
            return self._built[name]

    def loader_fingerprint(self, name: str, processor) -> str:
        declared = self.loaders[name]
        if not isinstance(declared, LoaderSpec):
            return declared.fingerprint(processor)
        if name not in self._fingerprints:
            self._fingerprints[name] = declared.fingerprint()
        return self._fingerprints[name]

    def code_fingerprint(self, processor) -> str:
        """What a processor's partitions were computed by: its declaration and SQL, and
        the code of its Python loader if it has one."""
        extra = self.loader_fingerprint(processor.loader, processor) if processor.loader else ""
        return processor.code_fingerprint(extra)

    def extra_tables(self) -> dict[str, Mapping[str, str]]:
        out: dict[str, Mapping[str, str]] = {}
        for declared in self.loaders.values():
            out.update(getattr(declared, "extra_tables", {}))
        return out
