"""The dashboard's ports on the in-memory fakes (``tests/ports/identity.py``)."""

from __future__ import annotations

import pytest

from shopmcp_adapters.memory import InMemoryTenantStore
from tests.ports.identity import IdentitySuite, People


@pytest.fixture
def people() -> People:
    store = InMemoryTenantStore()
    return People(identity=store, tenants=store, admin=store)


class TestIdentityPortsInMemory(IdentitySuite):
    pass
