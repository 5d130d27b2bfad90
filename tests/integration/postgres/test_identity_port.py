"""The dashboard's ports on PostgreSQL (``tests/ports/identity.py``): the people side as
shopmcp_tenant through migration 0006's policies, the admin directory as the owner."""

from __future__ import annotations

import pytest

from shopmcp_adapters.postgres import Database
from tests.ports.identity import IdentitySuite, People

pytestmark = pytest.mark.integration


@pytest.fixture
def people(database: Database) -> People:
    return People(identity=database.identity, tenants=database.tenants, admin=database.owner)


class TestIdentityPortsOnPostgres(IdentitySuite):
    pass
