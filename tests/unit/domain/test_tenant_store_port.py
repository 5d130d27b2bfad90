"""The tenant-store port suite on the in-memory store: the same suite the
PostgreSQL store passes in ``tests/integration/postgres``."""

from __future__ import annotations

import pytest

from shopmcp_adapters.memory import InMemoryTenantStore
from tests.ports.tenant_store import Ports, TenantStoreSuite


@pytest.fixture
def ports() -> Ports:
    store = InMemoryTenantStore()
    return Ports("memory", store, store, store, store)


class TestTenantStorePort(TenantStoreSuite):
    pass
