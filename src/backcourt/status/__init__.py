"""The table × date state matrix read from the ledger (or, while a run holds the
warehouse, from its published progress)."""

from backcourt.status.matrix import (
    Cell,
    StatusMatrix,
    live_cells,
    live_plan,
    live_status,
    status_matrix,
)

__all__ = ["Cell", "StatusMatrix", "live_cells", "live_plan", "live_status", "status_matrix"]
