"""Phase 5: predictions per system, their grading against actual points, daily summaries."""
