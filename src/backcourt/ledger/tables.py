"""The operational tables of backcourt itself, in the warehouse schema ``backcourt_ops``."""

from __future__ import annotations

from backcourt.warehouse.routing import OPS_SCHEMA as OPS

RUNS = f"{OPS}.runs"
LEDGER = f"{OPS}.ledger"
ENTITY_FAILURES = f"{OPS}.entity_failures"
QUARANTINE = f"{OPS}.quarantine"
EVENTS = f"{OPS}.events"
# the latest attempt of every partition, kept by Ledger.record in the ledger's transaction:
# the planner reads it instead of ranking the whole ledger, which only grows
PARTITION_STATE = f"{OPS}.partition_state"

RUNS_COLUMNS = {
    "run_id": "VARCHAR",
    "command": "VARCHAR",          # the command line that started it
    "mode": "VARCHAR",             # daily | backfill
    "start_date": "DATE",          # the original window, remembered for resume
    "end_date": "DATE",
    "processors": "VARCHAR",       # JSON list
    "status": "VARCHAR",           # running | succeeded | failed | interrupted
    "started_at": "TIMESTAMP",
    "finished_at": "TIMESTAMP",
    "summary": "VARCHAR",          # JSON
}

LEDGER_COLUMNS = {
    "attempt_id": "VARCHAR",
    "run_id": "VARCHAR",
    "processor": "VARCHAR",
    "game_date": "DATE",
    "mode": "VARCHAR",
    "status": "VARCHAR",           # succeeded | failed | skipped
    "rows_written": "BIGINT",
    "input_fingerprint": "VARCHAR",
    "code_fingerprint": "VARCHAR",
    "started_at": "TIMESTAMP",
    "finished_at": "TIMESTAMP",
    "failure_category": "VARCHAR",
    "failure_message": "VARCHAR",
}

# one row per (processor, game_date): the fields of ledger.PartitionState, then the run
PARTITION_STATE_COLUMNS = {
    "processor": "VARCHAR",
    "game_date": "DATE",
    "status": "VARCHAR",
    "rows_written": "BIGINT",
    "attempt_id": "VARCHAR",
    "input_fingerprint": "VARCHAR",
    "code_fingerprint": "VARCHAR",
    "finished_at": "TIMESTAMP",
    "failure_category": "VARCHAR",
    "failure_message": "VARCHAR",
    "run_id": "VARCHAR",
}

ENTITY_FAILURES_COLUMNS = {
    "run_id": "VARCHAR",
    "processor": "VARCHAR",
    "game_date": "DATE",
    "entity_id": "VARCHAR",
    "category": "VARCHAR",
    "message": "VARCHAR",
    "recorded_at": "TIMESTAMP",
}

QUARANTINE_COLUMNS = {
    "run_id": "VARCHAR",
    "source": "VARCHAR",
    "game_date": "DATE",
    "file": "VARCHAR",             # where it was
    "moved_to": "VARCHAR",         # where it is now
    "field": "VARCHAR",
    "reason": "VARCHAR",
    "recorded_at": "TIMESTAMP",
}

EVENTS_COLUMNS = {
    "run_id": "VARCHAR",
    "event": "VARCHAR",            # partition_ready | alert
    "processor": "VARCHAR",
    "phase": "INTEGER",
    "game_date": "DATE",
    "emitted_at": "TIMESTAMP",
    "detail": "VARCHAR",           # an alert's failure category and message
}

# what the warehouse knows about itself: e.g. the raw root it was filled from
FACTS = f"{OPS}.facts"

FACTS_COLUMNS = {
    "key": "VARCHAR",
    "value": "VARCHAR",
    "recorded_at": "TIMESTAMP",
}

# per-entity circuit breakers (daily mode): attempts of entities with a failure streak,
# and the breakers they tripped (see ledger/breakers.py)
ENTITY_ATTEMPTS = f"{OPS}.entity_attempts"
ENTITY_BREAKERS = f"{OPS}.entity_breakers"

ENTITY_ATTEMPTS_COLUMNS = {
    "processor": "VARCHAR",
    "entity_id": "VARCHAR",
    "game_date": "DATE",
    "run_id": "VARCHAR",
    "outcome": "VARCHAR",          # failed | ok | reset
    "category": "VARCHAR",         # the failure category (failed), or NULL
    "message": "VARCHAR",
    "attempted_at": "TIMESTAMP",
}

ENTITY_BREAKERS_COLUMNS = {
    "processor": "VARCHAR",
    "entity_id": "VARCHAR",
    "tripped_at": "TIMESTAMP",
    "run_id": "VARCHAR",           # the run whose attempt tripped it
    "game_date": "DATE",           # the date of that attempt
    "failures": "INTEGER",         # failed attempts in a row when it tripped
    "category": "VARCHAR",         # the last failure
    "message": "VARCHAR",
}

ALL = {
    RUNS: RUNS_COLUMNS,
    LEDGER: LEDGER_COLUMNS,
    PARTITION_STATE: PARTITION_STATE_COLUMNS,   # after LEDGER: it is filled from it
    ENTITY_FAILURES: ENTITY_FAILURES_COLUMNS,
    QUARANTINE: QUARANTINE_COLUMNS,
    EVENTS: EVENTS_COLUMNS,
    ENTITY_ATTEMPTS: ENTITY_ATTEMPTS_COLUMNS,
    ENTITY_BREAKERS: ENTITY_BREAKERS_COLUMNS,
    FACTS: FACTS_COLUMNS,
}
