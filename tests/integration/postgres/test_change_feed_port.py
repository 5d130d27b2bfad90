"""The ChangeFeed port suite on PostgresChangeFeed: the row triggers of the tenant store notify,
one LISTEN connection hears them. The in-memory feed runs the same suite in tests/unit."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from shopmcp_adapters.clock import SystemClock
from shopmcp_adapters.postgres import Database, PostgresChangeFeed
from shopmcp_adapters.vault import LocalVault
from tests.ports.change_feed import ChangeFeedSuite, FeedWorld

pytestmark = pytest.mark.integration


@pytest_asyncio.fixture
async def world(database: Database, tmp_path: Path) -> AsyncIterator[FeedWorld]:
    feed = PostgresChangeFeed(database.connect_tenant)
    await feed.start()
    clock = SystemClock()
    try:
        yield FeedWorld(
            "postgres", feed, database.tenants, LocalVault.from_data_dir(tmp_path, clock), clock
        )
    finally:
        await feed.stop()


class TestChangeFeedPortOnPostgres(ChangeFeedSuite):
    pass
