"""The Spark jobs a call ran, for the tests that count them."""

from __future__ import annotations


def jobs_of(wh, group: str, call):
    """``call()`` and the ids of the Spark jobs it ran. ``group`` must be unique in the test
    session: the status tracker remembers every group of the Spark application."""
    sc = wh.spark.sparkContext
    sc.setJobGroup(group, group)
    try:
        out = call()
    finally:
        sc.setLocalProperty("spark.jobGroup.id", None)
    return out, sc.statusTracker().getJobIdsForGroup(group)
