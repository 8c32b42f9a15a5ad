"""Validation of a range after the fact: gap types, cascades, contamination, reconcile."""

from backcourt.validation.validate import Validation, reconcile, validate

__all__ = ["Validation", "reconcile", "validate"]
