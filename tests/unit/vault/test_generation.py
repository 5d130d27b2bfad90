"""Rollback protection in the envelope vaults (KmsVault over the fake KMS, LocalVault): the
audit line, malformed generations and version 1 envelopes. What every vault promises about
generations (a sealing carries its context's, an older one put back or an edited number is
refused, rewrap keeps it) is the port suite's: ``tests/ports/vault.py``."""

from __future__ import annotations

import logging

import attrs
import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from shopmcp_adapters.memory import FakeClock
from shopmcp_adapters.vault.local import key_id_for
from shopmcp_domain.credentials import CredentialPayload, EncryptionContext, SealedCredential
from shopmcp_domain.errors import CredentialUnavailable
from shopmcp_domain.ids import new_credential_id, new_workspace_id
from shopmcp_domain.ports import CredentialVault
from tests.unit.vault.conftest import VaultCase
from tests.vault_v1 import (
    V1_CREDENTIAL,
    V1_PAYLOAD,
    V1_SEALED,
    V1_WORKSPACE,
    v1_ciphertext,
    v1_vault,
)

OLD = CredentialPayload({"refresh_token": "rt-generation-1"})
NEW = CredentialPayload({"refresh_token": "rt-generation-2"})


def ctx(generation: int = 1) -> EncryptionContext:
    return EncryptionContext(new_workspace_id(), new_credential_id(), generation=generation)


def at(context: EncryptionContext, generation: int) -> EncryptionContext:
    return attrs.evolve(context, generation=generation)


async def refused(
    vault: CredentialVault, context: EncryptionContext, sealed: SealedCredential
) -> None:
    with pytest.raises(CredentialUnavailable) as info:
        await vault.open(context, sealed)
    assert str(info.value) == "the stored credential could not be opened"
    assert info.value.__cause__ is None and info.value.__context__ is None


async def test_the_refusal_is_audited_as_a_rollback(
    case: VaultCase, caplog: pytest.LogCaptureFixture
) -> None:
    context = ctx()
    old = await case.vault.seal(context, OLD)
    with caplog.at_level(logging.WARNING, logger="shopmcp.audit.vault"):
        await refused(case.vault, at(context, 2), old)
        await refused(case.vault, at(context, 2), attrs.evolve(old, generation=2))
    reasons = [r.reason for r in caplog.records]  # type: ignore[attr-defined]
    assert reasons == ["generation_rolled_back", "authentication_failed"]


@pytest.mark.parametrize("generation", [0, -1, True])
async def test_a_generation_that_is_not_a_positive_integer_is_refused(
    case: VaultCase, generation: int
) -> None:
    context = ctx()
    sealed = await case.vault.seal(context, OLD)
    await refused(case.vault, context, attrs.evolve(sealed, generation=generation))


def test_a_context_generation_must_be_a_positive_integer() -> None:
    for bad in (0, -3, True, 1.0):
        with pytest.raises(ValueError, match="generation"):
            EncryptionContext(new_workspace_id(), new_credential_id(), generation=bad)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- version 1 envelopes


async def test_a_stored_version_1_envelope_still_opens(clock: FakeClock) -> None:
    vault = v1_vault(clock)
    context = EncryptionContext(V1_WORKSPACE, V1_CREDENTIAL)
    assert await vault.open(context, V1_SEALED) == V1_PAYLOAD
    # New sealings are version 2, and rotating a version 1 credential moves it to generation 2.
    resealed = await vault.seal(at(context, 2), V1_PAYLOAD)
    assert (resealed.version, resealed.generation) == (2, 2)
    await refused(vault, at(context, 2), V1_SEALED)  # the version 1 sealing put back


async def test_a_version_1_envelope_cannot_claim_another_generation_or_version(
    clock: FakeClock,
) -> None:
    vault = v1_vault(clock)
    context = EncryptionContext(V1_WORKSPACE, V1_CREDENTIAL)
    # Version 1 binds no generation: claiming one (to pass a newer connection row) is refused.
    await refused(vault, at(context, 2), attrs.evolve(V1_SEALED, generation=2))
    # Relabelled as version 2, its associated data no longer matches.
    await refused(vault, context, attrs.evolve(V1_SEALED, version=2))
    assert await vault.open(context, V1_SEALED) == V1_PAYLOAD


async def test_a_version_1_envelope_rewraps_as_version_1(clock: FakeClock) -> None:
    vault = v1_vault(clock)
    other = AESGCM.generate_key(bit_length=256)
    other_id = key_id_for(other)
    vault.keys._keys[other_id] = other
    rewrapped = await vault.rewrap(V1_SEALED, other_id)
    assert (rewrapped.version, rewrapped.generation) == (1, 1)
    assert (rewrapped.ciphertext, rewrapped.nonce) == (V1_SEALED.ciphertext, V1_SEALED.nonce)
    vault.cache.clear()
    del vault.keys._keys[V1_SEALED.kms_key_id]
    assert await vault.open(EncryptionContext(V1_WORKSPACE, V1_CREDENTIAL), rewrapped) == V1_PAYLOAD


async def test_version_1_envelopes_open_under_both_vaults(case: VaultCase) -> None:
    context = ctx()
    dek, wrapped, key_id = await case.vault.keyring.generate(case.vault.key_id, context)
    nonce, ciphertext = v1_ciphertext(dek, context, OLD.to_bytes())
    v1 = SealedCredential(
        id=context.credential_id,
        workspace_id=context.workspace_id,
        ciphertext=ciphertext,
        nonce=nonce,
        wrapped_dek=wrapped,
        kms_key_id=key_id,
        version=1,
    )
    assert await case.vault.open(context, v1) == OLD
    await refused(case.vault, at(context, 2), v1)
    await refused(case.vault, context, attrs.evolve(v1, version=2))
