"""A tiny pipeline that has nothing to do with basketball, built only from the core: a
bakery's daily order files, loaded by a Python loader, summed per day in SQL, and summed
again over the previous three days. Run as a script (``main(workdir)``) by
tests/test_core_knows_no_basketball.py, in a process of its own."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from datetime import date, timedelta

import pyarrow as pa

from backcourt import app as lib
from backcourt.calendar import CalendarSource
from backcourt.partitions import WindowMapping
from backcourt.partitions.context import Context
from backcourt.planner import make_plan
from backcourt.rawstore import RawStore
from backcourt.registry import Check, Input, Processor, Registry, previous_days
from backcourt.registry.loader import Loader, LoaderContext
from backcourt.registry.mode import get_mode
from backcourt.registry.pipeline import Pipeline
from backcourt.status import status_matrix
from backcourt.validation import validate
from backcourt.warehouse.duckdb_engine import DuckDBWarehouse

START, END = date(2024, 3, 1), date(2024, 3, 10)
CLOSED = date(2024, 3, 4)          # the bakery is closed: no folder, no partition

ORDERS = Processor(
    name="orders", phase=1, table="bakery.orders", keys=("item",),
    inputs=(Input("raw:orders"),), loader="orders", partition_column="day",
    columns={"day": "DATE", "item": "VARCHAR", "qty": "INTEGER"},
    checks=(Check("qty", "between", 0, 1000),))
DAILY = Processor(
    name="daily_sales", phase=2, table="bakery.daily_sales", keys=("item",),
    inputs=(Input("bakery.orders"),), partition_column="day",
    sql="SELECT day, item, SUM(qty) AS qty FROM bakery.orders "
        "WHERE day BETWEEN {start} AND {end} GROUP BY day, item")
ROLLING = Processor(
    name="rolling_sales", phase=3, table="bakery.rolling_sales", keys=("item",),
    inputs=(Input("bakery.daily_sales", previous_days(3)),), partition_column="day",
    bootstrap_days=1,
    sql="""SELECT t.day, s.item, SUM(s.qty) AS qty_3d
           FROM (SELECT DISTINCT day FROM bakery.orders
                 WHERE day BETWEEN {start} AND {end}) AS t
           JOIN bakery.daily_sales AS s
             ON s.day >= t.day - INTERVAL 3 DAY AND s.day < t.day
           GROUP BY t.day, s.item""")
CALENDAR = CalendarSource(
    schedule_table="bakery.orders", date_column="day",
    played_sql="SELECT DISTINCT day, 'spring' FROM bakery.orders",
    planned_table="bakery.orders",
    planned_sql="SELECT DISTINCT day, 'spring' FROM bakery.orders",
    raw_sources=("orders",))


@dataclass
class Loaded:
    table: pa.Table
    bad_files: dict[date, list[str]] = field(default_factory=dict)

    def write_extras(self, wh) -> None:
        return None


class OrdersLoader:
    """Reads each day's order files; a file with a negative quantity is quarantined."""

    def fingerprint(self, processor: Processor) -> str:
        return "orders-v1"

    def load(self, ctx: LoaderContext, processor: Processor, days: list[date],
             run_id: str) -> Loaded:
        rows: dict[str, list] = {"day": [], "item": [], "qty": []}
        bad: dict[date, list[str]] = {}
        for day in days:
            for f in ctx.store.list_files("orders", day):
                orders = json.loads(ctx.store.read_bytes(f))["orders"]
                wrong = [o for o in orders if o["qty"] < 0]
                if wrong:
                    message = f"{f.display}: qty {wrong[0]['qty']} is negative"
                    ctx.quarantine(run_id, f, "qty", "negative", message)
                    bad.setdefault(day, []).append(message)
                    continue
                for o in orders:
                    rows["day"].append(day)
                    rows["item"].append(o["item"])
                    rows["qty"].append(o["qty"])
        return Loaded(pa.table({"day": pa.array(rows["day"], pa.date32()),
                                "item": pa.array(rows["item"], pa.string()),
                                "qty": pa.array(rows["qty"], pa.int32())}), bad)


def write_orders(store: RawStore) -> list[date]:
    days = [START + timedelta(days=k) for k in range((END - START).days + 1)]
    days = [d for d in days if d != CLOSED]
    for k, d in enumerate(days):
        store.write_json("orders", d, "orders.json",
                         {"orders": [{"item": "bread", "qty": 10 + k},
                                     {"item": "croissant", "qty": 5 + k % 3}]})
    return days


def cells(ctx: Context) -> tuple[dict, dict]:
    procs = ctx.registry.order()
    m = status_matrix(ctx, procs, START, END).as_dict()
    by_status = {(n, d): c["state"] for n, body in m["processors"].items()
                 for d, c in body["dates"].items()}
    plan = make_plan(ctx, procs, START, END)
    by_plan = {(c.processor, c.game_date.isoformat()): c.state for c in plan.cells.values()}
    assert by_status == by_plan, {k: (by_status.get(k), by_plan.get(k))
                                  for k in by_status.keys() | by_plan.keys()
                                  if by_status.get(k) != by_plan.get(k)}
    return by_status, plan


def main(work: str) -> None:
    store = RawStore(f"{work}/raw")
    days = write_orders(store)
    loader = OrdersLoader()
    assert isinstance(loader, Loader)
    ctx = Context(wh=DuckDBWarehouse(f"{work}/shop.duckdb"), store=store,
                  pipeline=Pipeline(Registry((ORDERS, DAILY, ROLLING)), CALENDAR,
                                    {"orders": loader}),
                  mode=get_mode("backfill"))
    procs = ctx.registry.order()

    # plan: every partition of the three processors, nothing blocked
    plan = make_plan(ctx, procs, START, END)
    assert plan.to_run == 3 * len(days) and not plan.blocked, plan.counts()
    assert [[n for n, _ in stage] for stage in plan.stages(ctx.registry)] == \
        [["orders"], ["daily_sales"], ["rolling_sales"]]

    # run exactly the plan; then nothing is left to do and validation is clean
    _, summary = lib.backfill(ctx, procs, START, END, "bakery")
    assert summary.ok and summary.skipped == 1, summary.as_dict()
    assert make_plan(ctx, procs, START, END).to_run == 0
    assert validate(ctx, procs, START, END).findings == []
    got = ctx.wh.query("SELECT qty_3d FROM bakery.rolling_sales "
                       "WHERE day = ? AND item = 'bread'", [date(2024, 3, 6)])
    assert got == [((10 + 2) + (10 + 3),)], got   # Mar 3 and 5 (the 4th is closed)

    # the window, both ways, over the real calendar (the closed day is no partition)
    m = WindowMapping(ROLLING.inputs[0], ctx.calendar)
    assert m.upstream(date(2024, 3, 6)) == [date(2024, 3, 3), date(2024, 3, 5)]
    assert m.readers(date(2024, 3, 5), days) == [date(2024, 3, 6), date(2024, 3, 7),
                                                   date(2024, 3, 8)]

    # rows deleted behind the tool's back: status and plan agree on every cell
    ctx.wh.execute("DELETE FROM bakery.daily_sales WHERE day = ?", [date(2024, 3, 5)])
    by_status, plan = cells(ctx)
    assert by_status[("daily_sales", "2024-03-05")] == "missing"
    assert {d for (n, d), s in by_status.items() if n == "rolling_sales" and s == "stale"} \
        == {"2024-03-06", "2024-03-07", "2024-03-08"}
    assert by_status[("rolling_sales", "2024-03-09")] == "done"
    _, summary = lib.backfill(ctx, procs, START, END, "repair")
    assert summary.ok and summary.succeeded == 4, summary.as_dict()

    # a bad raw file: quarantined by the loader through its contract, the date failed
    store.write_json("orders", date(2024, 3, 9), "orders.json",
                     {"orders": [{"item": "bread", "qty": -1}]})
    _, summary = lib.backfill(ctx, procs, START, END, "bad file")
    failed = {(f.processor, f.game_date): f.category for f in summary.failures}
    assert failed[("orders", date(2024, 3, 9))] == "BAD_RAW_INPUT", failed
    assert ctx.wh.query("SELECT count(*) FROM backcourt_ops.quarantine")[0][0] == 1
    # its only file is put aside: the date cannot be loaded again until a good file comes
    by_status, plan = cells(ctx)
    assert by_status[("orders", "2024-03-09")] == "blocked"
    assert plan.cells[("orders", date(2024, 3, 9))].reason == "no raw files in orders/2024-03-09"
    assert by_status[("daily_sales", "2024-03-09")] == "blocked"

    assert "backcourt.pipeline" not in sys.modules, sorted(
        m for m in sys.modules if m.startswith("backcourt.pipeline"))
    ctx.wh.close()
    print("bakery ok")


if __name__ == "__main__":
    main(sys.argv[1])
