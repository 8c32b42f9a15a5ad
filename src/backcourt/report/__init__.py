"""What operators look at: views of the operational tables (events, quarantine, entity
failures, quality tiers), the dashboard's data (gathered through the library: status,
validation, ledger, Phase 5 report) and its self-contained HTML page, and the local
read-only server that keeps it live."""
