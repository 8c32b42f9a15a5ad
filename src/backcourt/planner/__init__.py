"""The planner: state of every partition, and what to run — missing = wanted − done."""

from backcourt.planner.plan import REPROCESS, Plan, PlanCell, make_plan
from backcourt.planner.state import partition_states

__all__ = ["REPROCESS", "Plan", "PlanCell", "make_plan", "partition_states"]
