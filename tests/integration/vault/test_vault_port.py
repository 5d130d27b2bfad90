"""The CredentialVault port suite on KmsVault against a real KMS-compatible HTTP endpoint
(moto_server on loopback): the same tests the fake and the unit-level vaults pass."""

from __future__ import annotations

import collections
from typing import Any

import pytest

from shopmcp_adapters.memory import FakeClock
from shopmcp_adapters.vault import KmsVault
from tests.ports.vault import CredentialVaultSuite, VaultPort

pytestmark = pytest.mark.integration


@pytest.fixture
def case(kms_client: Any, kms_key: str, kms_calls: collections.Counter[str]) -> VaultPort:
    vault = KmsVault(kms_client, kms_key, FakeClock())

    def new_key() -> str:
        return str(kms_client.create_key()["KeyMetadata"]["Arn"])

    return VaultPort(
        name="kms-http",
        vault=vault,
        new_key=new_key,
        retire_key=None,  # moto decrypts under a disabled key; the fake KMS case covers it
        master_key_uses=lambda: kms_calls["Decrypt"],
        unknown_key="alias/never-created",
        cold=vault.cache.clear,
    )


class TestCredentialVaultPortOnKms(CredentialVaultSuite):
    pass
