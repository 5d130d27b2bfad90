"""The ChangeFeed port suite on the in-memory feed and store (delivery is synchronous here);
``tests/integration/postgres`` runs it on PostgreSQL's row triggers and LISTEN."""

from __future__ import annotations

import pytest

from shopmcp_adapters.memory import FakeClock, FakeVault, InMemoryChangeFeed, InMemoryTenantStore
from tests.factories import NOW
from tests.ports.change_feed import ChangeFeedSuite, FeedWorld


@pytest.fixture
def world() -> FeedWorld:
    feed = InMemoryChangeFeed()
    return FeedWorld("memory", feed, InMemoryTenantStore(feed), FakeVault(), FakeClock(NOW))


class TestChangeFeedPort(ChangeFeedSuite):
    pass
