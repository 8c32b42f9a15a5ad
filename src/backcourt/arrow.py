"""pyarrow as backcourt imports it: told at once that no pandas objects come its way.

``pa.array`` (and every table built from Python lists) first asks whether its input is a
pandas object, and the first time a process asks, pyarrow imports pandas to know — with
numpy, 0.2–0.35 s on the development machine, in every command that builds Arrow rows
(``daily``, each backfill). backcourt hands pyarrow Python lists and Arrow data only (pandas
is installed for the NBA stats client, which imports it itself), so that first question is
asked here while pandas is refused: pyarrow records "no pandas" for its input checks and
does not ask again. Its conversions that do need pandas (``to_pandas``, ``from_pandas``) try
the import again when called, and find it.

Every module of backcourt that uses pyarrow imports it from here
(``from backcourt.arrow import pa``).
"""

from __future__ import annotations

import sys

import pyarrow as pa

__all__ = ["pa"]


class _PandasRefused:
    """An import finder that refuses pandas, in place only for the one question below."""

    @staticmethod
    def find_spec(name: str, path: object = None, target: object = None) -> None:
        if name == "pandas":
            raise ModuleNotFoundError("pandas is not imported for pyarrow's input check",
                                      name=name)
        return None


def _answer_without_pandas() -> None:
    if "pandas" in sys.modules:   # imported already: pyarrow may as well use it
        return
    sys.meta_path.insert(0, _PandasRefused)   # type: ignore[arg-type]
    try:
        pa.array([])
    finally:
        sys.meta_path.remove(_PandasRefused)   # type: ignore[arg-type]


_answer_without_pandas()
