"""KmsVault against a real KMS-compatible HTTP endpoint (moto_server on loopback)."""

from __future__ import annotations

import collections
import logging
from typing import Any

import attrs
import pytest

from shopmcp_adapters.clock import SystemClock
from shopmcp_adapters.memory import FakeClock
from shopmcp_adapters.vault import KmsVault, build_vault
from shopmcp_adapters.vault.rotation import InMemoryRewrapSource, rewrap_all
from shopmcp_domain.credentials import CredentialPayload, EncryptionContext, SealedCredential
from shopmcp_domain.errors import CredentialUnavailable
from shopmcp_domain.ids import new_credential_id, new_workspace_id

pytestmark = pytest.mark.integration

SECRET = "shpat_integration_secret_0123456789"
PAYLOAD = CredentialPayload({"access_token": SECRET})


def ctx() -> EncryptionContext:
    return EncryptionContext(new_workspace_id(), new_credential_id())


def flip(data: bytes, index: int) -> bytes:
    return data[:index] + bytes([data[index] ^ 0x80]) + data[index + 1 :]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def vault(kms_client: Any, kms_key: str, clock: FakeClock) -> KmsVault:
    return KmsVault(kms_client, kms_key, clock)


async def refused(vault: KmsVault, context: EncryptionContext, sealed: SealedCredential) -> None:
    vault.cache.clear()
    with pytest.raises(CredentialUnavailable, match=r"^the stored credential could not be opened$"):
        await vault.open(context, sealed)


async def test_round_trip(
    vault: KmsVault, kms_key: str, kms_calls: collections.Counter[str]
) -> None:
    context = ctx()
    sealed = await vault.seal(context, PAYLOAD)
    assert sealed.kms_key_id == kms_key
    assert kms_calls["GenerateDataKey"] == 1
    vault.cache.clear()
    assert await vault.open(context, sealed) == PAYLOAD
    assert kms_calls["Decrypt"] == 1
    assert SECRET.encode() not in sealed.ciphertext + sealed.wrapped_dek


async def test_build_vault_reaches_the_endpoint_from_the_environment(
    moto_endpoint: str, kms_key: str, tmp_path: Any
) -> None:
    vault = build_vault(kms_key, tmp_path, SystemClock())
    context = ctx()
    assert await vault.open(context, await vault.seal(context, PAYLOAD)) == PAYLOAD


async def test_wrong_workspace_context_is_refused_by_kms(
    vault: KmsVault, kms_calls: collections.Counter[str], caplog: pytest.LogCaptureFixture
) -> None:
    context = ctx()
    sealed = await vault.seal(context, PAYLOAD)
    other = EncryptionContext(new_workspace_id(), context.credential_id)
    # The row copied and relabelled for the other workspace: only KMS (and the AEAD) stand in
    # the way, and they refuse.
    with caplog.at_level(logging.WARNING, logger="shopmcp.audit.vault"):
        await refused(vault, other, attrs.evolve(sealed, workspace_id=other.workspace_id))
    assert kms_calls["Decrypt"] == 1
    [record] = caplog.records
    assert record.reason.startswith("kms:")  # type: ignore[attr-defined]
    assert record.workspace_id == str(other.workspace_id)  # type: ignore[attr-defined]


async def test_tampering_is_refused(vault: KmsVault) -> None:
    context = ctx()
    sealed = await vault.seal(context, PAYLOAD)
    await refused(vault, context, attrs.evolve(sealed, ciphertext=flip(sealed.ciphertext, 40)))
    await refused(vault, context, attrs.evolve(sealed, ciphertext=flip(sealed.ciphertext, 2)))
    await refused(vault, context, attrs.evolve(sealed, nonce=flip(sealed.nonce, 0)))
    for index in range(0, len(sealed.wrapped_dek), 17):
        await refused(
            vault, context, attrs.evolve(sealed, wrapped_dek=flip(sealed.wrapped_dek, index))
        )
    await refused(vault, context, attrs.evolve(sealed, version=9))
    assert await vault.open(context, sealed) == PAYLOAD


async def test_absurd_wrapped_key_never_reaches_kms(
    vault: KmsVault, kms_calls: collections.Counter[str]
) -> None:
    context = ctx()
    sealed = await vault.seal(context, PAYLOAD)
    await refused(vault, context, attrs.evolve(sealed, wrapped_dek=b"\x01" * 100_000))
    await refused(vault, context, attrs.evolve(sealed, wrapped_dek=b""))
    assert kms_calls["Decrypt"] == 0


async def test_expired_cache_entry_calls_kms_again(
    vault: KmsVault, clock: FakeClock, kms_calls: collections.Counter[str]
) -> None:
    context = ctx()
    sealed = await vault.seal(context, PAYLOAD)
    vault.cache.clear()
    await vault.open(context, sealed)
    clock.advance(59.9)
    await vault.open(context, sealed)
    assert kms_calls["Decrypt"] == 1
    clock.advance(0.1)
    await vault.open(context, sealed)
    assert kms_calls["Decrypt"] == 2


async def test_rewrap_to_a_second_key_then_open(
    vault: KmsVault, kms_client: Any, kms_key: str
) -> None:
    contexts = [ctx() for _ in range(4)]
    rows = [
        await vault.seal(c, CredentialPayload({"token": str(c.credential_id)})) for c in contexts
    ]
    second = kms_client.create_key()["KeyMetadata"]["Arn"]
    kms_client.create_alias(AliasName="alias/shopmcp-next", TargetKeyId=second)
    source = InMemoryRewrapSource(rows)
    report = await rewrap_all(source, vault, "alias/shopmcp-next", batch_size=3)
    assert (report.rewrapped, report.target_key_id) == (4, second)
    # Everything opens under the second key (Decrypt is pinned to the row's key id, so KMS
    # would refuse a blob wrapped under any other key), ciphertexts untouched. (moto still
    # decrypts under a disabled key, so retiring the first key is not tested here.)
    vault.cache.clear()
    for original in rows:
        row = source.rows[original.id]
        assert row.kms_key_id == second
        assert (row.ciphertext, row.nonce) == (original.ciphertext, original.nonce)
        assert (await vault.open(row.context, row))["token"] == str(row.id)
    # A row claiming the second key while still holding the first key's wrapping is refused.
    await refused(vault, rows[0].context, attrs.evolve(rows[0], kms_key_id=second))
    assert (await rewrap_all(source, vault, second)).skipped == 4
