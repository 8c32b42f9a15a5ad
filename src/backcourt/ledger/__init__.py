"""The run ledger: runs, partition attempts, entity failures, quarantined files."""

from backcourt.ledger.ledger import (
    FAILED,
    SKIPPED,
    SUCCEEDED,
    Attempt,
    Ledger,
    PartitionState,
)

__all__ = ["FAILED", "SKIPPED", "SUCCEEDED", "Attempt", "Ledger", "PartitionState"]
