"""The CredentialLease port suite on the domain's VaultCredentialLease over PostgreSQL (row
locks serialise refreshes) and KMS (moto_server): the suite FakeLease passes in tests/unit."""

from __future__ import annotations

from typing import Any

import pytest

from shopmcp_adapters.clock import SystemClock
from shopmcp_adapters.postgres import Database
from shopmcp_adapters.vault import KmsVault
from tests.ports.lease import CredentialLeaseSuite, LeasePort, vault_lease_port

pytestmark = pytest.mark.integration


@pytest.fixture
async def case(database: Database, kms_client: Any, kms_key: str) -> LeasePort:
    vault = KmsVault(kms_client, kms_key, SystemClock())
    return await vault_lease_port("postgres-kms", database.tenants, vault, vault.cache.clear)


class TestCredentialLeasePortOnPostgres(CredentialLeaseSuite):
    pass


@pytest.fixture
async def runtime_case(database: Database, kms_client: Any, kms_key: str) -> LeasePort:
    vault = KmsVault(kms_client, kms_key, SystemClock())
    return await vault_lease_port(
        "postgres-mcp-role", database.tenants, vault, vault.cache.clear, database.mcp_tenants
    )


class TestCredentialLeasePortAsTheMcpRole(CredentialLeaseSuite):
    """The same suite with the lease working as shopmcp_mcp, the role the runtime holds: its
    column grants are enough to lock, re-seal and mark a credential and nothing more."""

    @pytest.fixture
    def case(self, runtime_case: LeasePort) -> LeasePort:
        return runtime_case
