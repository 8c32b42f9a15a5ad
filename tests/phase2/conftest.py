"""Shared fixtures for the Phase 2 parser tests."""

from __future__ import annotations

import pytest

from backcourt.pipeline.phase2.names import PlayerResolver


@pytest.fixture(scope="session")
def resolver() -> PlayerResolver:
    """The reference resolver; tests that register names build their own."""
    return PlayerResolver()
