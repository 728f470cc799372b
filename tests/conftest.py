"""Shared fixtures: the real seed corpus, loaded once per test session."""

from __future__ import annotations

import pytest

from retrieval.engine import Engine, build_engine
from tests.paths import SEEDS


@pytest.fixture(scope="session")
def seed_engine() -> Engine:
    return build_engine(SEEDS)
