"""A narrow repair says what it leaves stale: partitions after --end whose windows read
what the run rewrote are named in a warning with the command that refreshes them; running
that command leaves the season complete."""

from __future__ import annotations

from datetime import date

from backcourt import app as lib
from backcourt.status import status_matrix
from tests.conftest import SIM_END, SIM_START, make_context


def test_a_narrow_repair_names_what_it_leaves_stale(tmp_path, sim_raw):
    ctx = make_context(tmp_path, sim_raw)
    procs = lib.select(ctx, [2, 3, 4])
    assert lib.backfill(ctx, procs, SIM_START, SIM_END, "full")[1].ok
    start, end = date(2023, 11, 8), date(2023, 11, 10)
    plan, summary = lib.backfill(ctx, lib.select(ctx, [3, 4]), start, end, "repair",
                                 reprocess="all")
    assert summary.ok
    warning = [w for w in summary.warnings if f"after {end}" in w]
    assert len(warning) == 1 and "backcourt backfill --start 2023-11-11" in warning[0]
    after = status_matrix(ctx, procs, date(2023, 11, 11), SIM_END)
    assert any(c["stale"] for c in after.counts().values())   # the warning was right
    fix = warning[0].split("refresh them: ")[1]
    args = fix.split()
    s, e = date.fromisoformat(args[3]), date.fromisoformat(args[5])
    first, last = (int(x) for x in args[7].split("-"))
    _, again = lib.backfill(ctx, lib.select(ctx, list(range(first, last + 1))), s, e, fix)
    assert again.ok and not [w for w in again.warnings if "after" in w]
    assert status_matrix(ctx, procs, SIM_START, SIM_END).complete
