"""The table × date state matrix read from the ledger."""

from backcourt.status.matrix import Cell, StatusMatrix, status_matrix

__all__ = ["Cell", "StatusMatrix", "status_matrix"]
