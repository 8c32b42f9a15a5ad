"""pyarrow as backcourt imports it: told at once that no pandas objects come its way.

``pa.array`` (and every table built from Python lists) first asks whether its input is a
pandas object, and the first time a process asks, pyarrow imports pandas to know (0.2-0.35
s a process). That first question is asked here with pandas refused (``without_pandas``):
pyarrow records "no pandas" for its input checks and does not ask again. Its conversions
that need pandas (``to_pandas``, ``from_pandas``) try the import again when called.

Every module of backcourt that uses pyarrow imports it from here
(``from backcourt.arrow import pa``).
"""

from __future__ import annotations

import pyarrow as pa

from backcourt.without_pandas import pandas_refused

__all__ = ["pa"]

with pandas_refused():
    pa.array([])
