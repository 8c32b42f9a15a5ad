"""Checks: blocking partition checks now; coverage, gap types and contamination build on them."""
