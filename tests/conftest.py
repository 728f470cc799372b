"""Shared fixtures: the real seed corpus, loaded once per test session, and the fake Discord."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from retrieval.engine import Engine, build_engine
from tests.fake_discord import FakeDiscord
from tests.paths import SEEDS


@pytest.fixture(scope="session")
def seed_engine() -> Engine:
    return build_engine(SEEDS)


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    """A fake Discord on 127.0.0.1 for one test (test_discord_faults.py has a faulty one)."""
    server = await FakeDiscord().start()
    yield server
    await server.close()
