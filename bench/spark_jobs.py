"""Where a Spark backfill's jobs and JVM CPU go: counted per operation and per query.

    PYTHONPATH=src .venv/bin/python bench/spark_jobs.py --start 2023-10-24 \
        --end 2023-11-18 --raw /tmp/spark-bench/raw [--queries]

Runs the plan of Phases 2-5 over the range in this process (as ``backcourt backfill
--phases 2-5 --engine spark``, into a fresh warehouse folder) with the Spark warehouse's
methods wrapped: for each (calls, Spark jobs, SQL statements analysed, wall seconds, JVM
CPU seconds), exclusive of the wrapped methods they call. Jobs are the DAG scheduler's
count; statements are ``SparkSession.sql`` calls (each one a Catalyst analysis); the JVM's
CPU is read from ``/proc``. Prints a table per operation and per processor, and with
``--queries`` the read queries by their text.
"""

from __future__ import annotations

import argparse
import functools
import os
import re
import sys
import tempfile
import time
from collections import defaultdict
from datetime import date
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")
OPERATIONS = ["_query", "_arrow", "_execute", "result_columns", "_statement", "_replace",
              "_grouped", "_write", "_ensure_table", "_replace_rows", "_append",
              "materialize", "_register", "_delete_path", "grouped_by_date"]


def jvm_pid() -> int | None:
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == os.getpid() and "(java)" in stat:
            return int(entry.name)
    return None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--start", default="2023-10-24")
    ap.add_argument("--end", default="2023-11-18")
    ap.add_argument("--raw", required=True)
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--queries", action="store_true")
    ap.add_argument("--detail", action="store_true", help="per (processor, operation)")
    ap.add_argument("--rules", action="store_true",
                    help="Catalyst's time per rule (the JVM's RuleExecutor totals)")
    ap.add_argument("--jvm", action="store_true",
                    help="where the JVM's time went: generated code compiled, JIT, GC")
    ap.add_argument("--conf", action="append", default=[],
                    help="key=value: a Spark SQL setting added to the local-mode ones")
    args = ap.parse_args()

    from pyspark.sql import SparkSession

    from backcourt import app as lib
    from backcourt.config import Settings
    from backcourt.executor import runner
    from backcourt.warehouse.spark import session
    from backcourt.warehouse.spark.engine import SparkWarehouse

    for setting in args.conf:
        key, value = setting.split("=", 1)
        session.LOCAL_CONF[key] = value
    wh = tempfile.mkdtemp(prefix="bc-spark-jobs-")
    settings = Settings(warehouse=wh, raw=args.raw, engine="spark",
                        spark_master=args.master)
    ctx = lib.open_context(settings)
    sc = ctx.wh.spark.sparkContext
    pid = jvm_pid()

    def jobs() -> int:
        return sc._jsc.sc().dagScheduler().nextJobId()

    def cpu() -> float:
        if pid is None:
            return 0.0
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICK

    analysed = [0]
    sql = SparkSession.sql

    @functools.wraps(sql)
    def counted_sql(self, *a, **k):
        analysed[0] += 1
        return sql(self, *a, **k)
    SparkSession.sql = counted_sql

    current = ["<outside>"]
    stack: list[list[float]] = []
    ops: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0, 0, 0, 0.0, 0.0])
    queries: dict[str, list[float]] = defaultdict(lambda: [0, 0, 0, 0.0, 0.0])

    def wrap(owner, name):
        fn = getattr(owner, name)

        @functools.wraps(fn)
        def wrapped(*a, **k):
            before = (jobs(), analysed[0], time.perf_counter(), cpu())
            stack.append([0, 0, 0.0, 0.0])
            try:
                return fn(*a, **k)
            finally:
                total = (jobs() - before[0], analysed[0] - before[1],
                         time.perf_counter() - before[2], cpu() - before[3])
                inner = stack.pop()
                own = [t - i for t, i in zip(total, inner, strict=True)]
                rows = [ops[(current[0], name)]]
                if name in ("_query", "_arrow"):
                    rows.append(queries[re.sub(r"\s+", " ", str(a[1]))[:100]])
                for row in rows:
                    row[0] += 1
                    for k2 in range(4):
                        row[k2 + 1] += own[k2]
                if stack:
                    for k2 in range(4):
                        stack[-1][k2] += total[k2]
        setattr(owner, name, wrapped)

    for name in OPERATIONS:
        wrap(SparkWarehouse, name)
    run_one = runner.run_one

    def one(c, p, *a, **k):
        current[0] = p.name
        try:
            return run_one(c, p, *a, **k)
        finally:
            current[0] = "<outside>"
    runner.run_one = one

    start, end = date.fromisoformat(args.start), date.fromisoformat(args.end)
    j0, s0, t0, c0 = jobs(), analysed[0], time.perf_counter(), cpu()
    _, _, summary = lib.backfill_phases(ctx, [2, 3, 4, 5], start, end, "profile", 0)
    print(f"ok {summary.ok} succeeded {summary.succeeded} failed {summary.failed} "
          f"rows {summary.rows}")
    print(f"TOTAL jobs {jobs() - j0} statements {analysed[0] - s0} "
          f"wall {time.perf_counter() - t0:.1f} s JVM CPU {cpu() - c0:.1f} s")

    head = f"{'':<28} {'calls':>5} {'jobs':>5} {'stmts':>5} {'wall':>6} {'jvm':>6}"
    print("\nper operation (exclusive)\n" + head)
    by_op: dict[str, list[float]] = defaultdict(lambda: [0, 0, 0, 0.0, 0.0])
    by_proc: dict[str, list[float]] = defaultdict(lambda: [0, 0, 0, 0.0, 0.0])
    for (proc, name), row in ops.items():
        for agg in (by_op[name], by_proc[proc]):
            for k in range(5):
                agg[k] += row[k]
    for label, table in (("operation", by_op), ("processor", by_proc)):
        if label == "processor":
            print("\nper processor\n" + head)
        for name, (n, j, s, w, c) in sorted(table.items(), key=lambda x: -x[1][4]):
            print(f"{name:<28} {n:>5} {j:>5} {s:>5} {w:6.1f} {c:6.1f}")
    if args.detail:
        print("\nper processor and operation\n" + head)
        for (proc, name), (n, j, s, w, c) in sorted(ops.items()):
            print(f"{proc[:18] + ' ' + name:<28} {n:>5} {j:>5} {s:>5} {w:6.1f} {c:6.1f}")
    if args.queries:
        print("\nread queries\n" + head)
        for text, (n, j, s, w, c) in sorted(queries.items(), key=lambda x: -x[1][4]):
            print(f"{n:>5} {j:>5} {s:>5} {w:6.1f} {c:6.1f}  {text}")
    if args.rules:
        print("\n" + sc._jvm.org.apache.spark.sql.catalyst.rules.RuleExecutor.dumpTimeSpent())
    if args.jvm:
        jvm = sc._jvm
        compiled = jvm.org.apache.spark.metrics.source.CodegenMetrics.METRIC_COMPILATION_TIME()
        timed = compiled.getSnapshot()   # a sample of the compilations: the sum estimated
        print(f"\ngenerated code compiled: {compiled.getCount()} times, ~"
              f"{compiled.getCount() * timed.getMean() / 1000:.1f} s "
              f"(mean {timed.getMean():.0f} ms, max {timed.getMax()} ms)")
        management = jvm.java.lang.management.ManagementFactory
        print(f"JIT compiling (since the JVM started): "
              f"{management.getCompilationMXBean().getTotalCompilationTime() / 1000:.1f} s")
        for gc in management.getGarbageCollectorMXBeans():
            print(f"GC {gc.getName()}: {gc.getCollectionCount()} collections, "
                  f"{gc.getCollectionTime() / 1000:.1f} s")
    print(f"\nwarehouse left in {wh} (remove it and {wh}.lock when done)")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
