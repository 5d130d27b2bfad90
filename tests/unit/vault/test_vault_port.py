"""The CredentialVault port suite on the fake and on both real vaults (KMS over the fake KMS,
local key files); ``tests/integration/vault`` runs it on KMS over moto's HTTP endpoint."""

from __future__ import annotations

from pathlib import Path

import pytest

from shopmcp_adapters.memory import FakeClock, FakeVault
from tests.ports.vault import CredentialVaultSuite, VaultPort
from tests.unit.vault.conftest import kms_case, local_case


def fake_port() -> VaultPort:
    vault = FakeVault()
    created = iter(range(2, 1_000))

    def new_key() -> str:
        key_id = f"fake:{next(created)}"
        vault.add_master(key_id)
        return key_id

    return VaultPort(
        name="fake",
        vault=vault,
        new_key=new_key,
        retire_key=vault.retire_master,
        master_key_uses=lambda: vault.unwraps,
        unknown_key="fake:none",
    )


@pytest.fixture(params=["fake", "kms", "local"])
def case(request: pytest.FixtureRequest, clock: FakeClock, tmp_path: Path) -> VaultPort:
    if request.param == "fake":
        return fake_port()
    if request.param == "kms":
        return kms_case(clock).port()
    return local_case(clock, tmp_path / "data").port()


class TestCredentialVaultPort(CredentialVaultSuite):
    pass
