"""Real NBA reference data shipped with the package (see SOURCES.md)."""
