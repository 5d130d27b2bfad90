"""TenantRepository, KeyDirectory and MeterOutbox on PostgreSQL: the same suite the in-memory
store passes in ``tests/unit/domain/test_tenant_store_port.py``."""

from __future__ import annotations

import pytest

from tests.ports.tenant_store import TenantStoreSuite

pytestmark = pytest.mark.integration


class TestTenantStorePortOnPostgres(TenantStoreSuite):
    pass
