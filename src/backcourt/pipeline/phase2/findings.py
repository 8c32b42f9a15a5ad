"""What Phase 2 recorded about bad raw input, for `validate`, `status` and reports.

- quarantined files: the raw store's quarantine records (every warehouse sees them);
- games left out of a file whose other games loaded: the ledger's quarantine rows that
  moved nothing;
- unknown player ids: box-score players the player registry does not know (unresolved
  bookmaker names are registry errors too, but listed by the name-resolution tools);
- warnings: rows dropped without failing anything (exact repeats).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from backcourt.pipeline.phase2.specs import RAW_WARNINGS_TABLE, REGISTRY_ERRORS_TABLE
from backcourt.rawstore.quarantine import all_records

QUARANTINE_TABLE = "backcourt_ops.quarantine"
PARTITION_STATE_TABLE = "backcourt_ops.partition_state"

# kind -> severity, in validate's terms
SEVERITY = {"quarantined_file": "HIGH", "quarantined_game": "HIGH",
            "unknown_player_id": "MEDIUM", "dropped_row": "MEDIUM"}


@dataclass(frozen=True)
class RawInputFinding:
    kind: str          # a key of SEVERITY
    game_date: date
    file: str          # source/date/name
    field: str
    reason: str

    @property
    def severity(self) -> str:
        return SEVERITY[self.kind]


def raw_input_findings(ctx, start: date, end: date) -> list[RawInputFinding]:
    """Every recorded problem with the raw input of [start, end], by date and file."""
    out = [RawInputFinding("quarantined_file", r.game_date, r.display, r.field, r.reason)
           for r in all_records(ctx.store) if start <= r.game_date <= end]
    wh = ctx.wh
    if wh.table_exists(QUARANTINE_TABLE) and wh.table_exists(PARTITION_STATE_TABLE):
        # games left out, as long as a partition of their date is still failed for it
        out += [RawInputFinding("quarantined_game", day, file, field, reason)
                for day, file, field, reason in wh.query(
                    f"SELECT DISTINCT q.game_date, q.file, q.field, q.reason "
                    f"FROM {QUARANTINE_TABLE} q WHERE (q.moved_to IS NULL OR q.moved_to = '') "
                    "AND q.game_date BETWEEN ? AND ? AND EXISTS (SELECT 1 FROM "
                    f"{PARTITION_STATE_TABLE} s WHERE s.game_date = q.game_date "
                    "AND s.status = 'failed' AND s.failure_category = 'BAD_RAW_INPUT' "
                    "AND s.run_id = q.run_id)", [start, end])]
    if wh.table_exists(REGISTRY_ERRORS_TABLE):
        out += [RawInputFinding("unknown_player_id", day, file, name, reason)
                for day, file, name, reason in wh.query(
                    f"SELECT DISTINCT game_date, source_file, player_name_raw, reason "
                    f"FROM {REGISTRY_ERRORS_TABLE} WHERE game_date BETWEEN ? AND ? "
                    "AND reason LIKE 'unknown player id %'", [start, end])]
    if wh.table_exists(RAW_WARNINGS_TABLE):
        out += [RawInputFinding("dropped_row", day, file, field, reason)
                for day, file, field, reason in wh.query(
                    f"SELECT game_date, source_file, field, reason FROM {RAW_WARNINGS_TABLE} "
                    "WHERE game_date BETWEEN ? AND ?", [start, end])]
    return sorted(out, key=lambda f: (f.game_date, f.kind, f.file, f.field))
