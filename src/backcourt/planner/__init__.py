"""The planner: what to run, as set algebra over the one state pass (backcourt.partitions)."""

from backcourt.planner.plan import REPROCESS, Plan, PlanCell, make_plan, plan_from
from backcourt.registry.commands import backfill_command

__all__ = ["REPROCESS", "Plan", "PlanCell", "backfill_command", "make_plan", "plan_from"]
