"""OAuth flows on the in-memory store: the same suite the PostgreSQL store passes in
``tests/integration/postgres/test_oauth_flows.py``."""

from __future__ import annotations

import pytest

from shopmcp_adapters.memory import InMemoryTenantStore
from tests.ports.oauth_flows import OAuthFlowSuite
from tests.ports.tenant_store import Ports


@pytest.fixture
def ports() -> Ports:
    store = InMemoryTenantStore()
    return Ports("memory", store, store, store, store)


class TestOAuthFlowPort(OAuthFlowSuite):
    pass
