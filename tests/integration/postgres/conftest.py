"""The tenant-store port suite (``tests/ports/tenant_store.py``) on PostgreSQL: the session
database's tenant store, with its owner side as key directory and meter outbox."""

from __future__ import annotations

import pytest

from shopmcp_adapters.postgres import Database
from tests.ports.tenant_store import Ports


@pytest.fixture
def ports(database: Database) -> Ports:
    return Ports("postgres", database.tenants, database.runtime, database.owner, database.runtime)
