"""The CredentialLease port suite on FakeLease and on the domain's VaultCredentialLease over
the in-memory store, with the fake vault and both real vaults; ``tests/integration/vault``
runs it over PostgreSQL and KMS."""

from __future__ import annotations

from pathlib import Path

import pytest

from shopmcp_adapters.memory import FakeClock, FakeLease, FakeVault, InMemoryTenantStore
from shopmcp_domain.credentials import CredentialPayload
from tests.ports.lease import INITIAL, CredentialLeaseSuite, LeasePort, vault_lease_port
from tests.unit.vault.conftest import kms_case, local_case


def fake_lease_port() -> LeasePort:
    first = FakeLease(INITIAL)

    async def stored() -> CredentialPayload:
        return first.payload

    return LeasePort(name="fake", lease=first.another_request, stored=stored)


@pytest.fixture(params=["fake", "vault-fake", "vault-local", "vault-kms"])
async def case(request: pytest.FixtureRequest, clock: FakeClock, tmp_path: Path) -> LeasePort:
    if request.param == "fake":
        return fake_lease_port()
    store = InMemoryTenantStore()
    if request.param == "vault-fake":
        return await vault_lease_port(request.param, store, FakeVault(), lambda: None)
    vault = (kms_case(clock) if request.param == "vault-kms" else local_case(clock, tmp_path)).vault
    return await vault_lease_port(request.param, store, vault, vault.cache.clear)


class TestCredentialLeasePort(CredentialLeaseSuite):
    pass
