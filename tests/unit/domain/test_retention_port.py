"""The retention-store port suite on the in-memory store: the same suite the PostgreSQL store
passes in ``tests/integration/postgres``."""

from __future__ import annotations

import pytest

from shopmcp_adapters.memory import InMemoryTenantStore
from tests.ports.retention import RetentionSuite, SweepPorts


@pytest.fixture
def sweep_ports() -> SweepPorts:
    store = InMemoryTenantStore()
    return SweepPorts(tenants=store, retention=store, identity=store, outbox=store)


class TestRetentionPortOnMemory(RetentionSuite):
    pass
