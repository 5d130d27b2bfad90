"""What the envelope vaults (KmsVault over the fake KMS, LocalVault) promise beyond the
CredentialVault port (whose suite, ``tests/ports/vault.py``, they also pass): the key
commitment, the exact length bounds, the data-key cache, the audit lines, and that no data key
or master key ever shows."""

from __future__ import annotations

import base64
import logging
import os

import attrs
import pytest

from shopmcp_adapters.vault import envelope
from shopmcp_domain.credentials import EncryptionContext, SealedCredential
from shopmcp_domain.errors import CredentialUnavailable
from shopmcp_domain.ids import new_workspace_id
from tests.ports.vault import ctx, flip, payload, texts_that_could_leak
from tests.ports.vault import refused as port_refused
from tests.unit.vault.conftest import VaultCase


async def refused(case: VaultCase, context: EncryptionContext, sealed: SealedCredential) -> None:
    await port_refused(case.port(), context, sealed)


async def test_a_cold_cache_unwraps_each_data_key_once(case: VaultCase) -> None:
    context = ctx()
    sealed = await case.vault.seal(context, payload())
    case.vault.cache.clear()
    assert await case.vault.open(context, sealed) == payload()
    assert await case.vault.open(context, sealed) == payload()
    assert case.unwrap_calls() == 1


async def test_swapped_wrapped_key_fails_the_key_commitment(
    case: VaultCase, caplog: pytest.LogCaptureFixture
) -> None:
    """Someone able to wrap a data key of their choosing under the right context (and so to
    pass the master key's own check) still cannot substitute it: the envelope commits to its
    data key."""
    context = ctx()
    sealed = await case.vault.seal(context, payload())
    other_dek = os.urandom(32)
    wrapped, key_id = await case.vault.keyring.wrap(sealed.kms_key_id, other_dek, context)
    case.vault.cache.clear()
    with caplog.at_level(logging.WARNING, logger="shopmcp.audit.vault"):
        await refused(case, context, attrs.evolve(sealed, wrapped_dek=wrapped, kms_key_id=key_id))
    assert [r.reason for r in caplog.records] == ["key_commitment_mismatch"]  # type: ignore[attr-defined]


async def test_wrapped_key_length_bounds_are_checked_before_unwrapping(case: VaultCase) -> None:
    context = ctx()
    sealed = await case.vault.seal(context, payload())
    case.vault.cache.clear()
    for size in (envelope.MIN_WRAPPED_DEK_BYTES - 1, envelope.MAX_WRAPPED_DEK_BYTES + 1):
        await refused(case, context, attrs.evolve(sealed, wrapped_dek=b"\x01" * size))
    assert case.unwrap_calls() == 0


async def test_rewrap_to_an_unknown_key_is_refused_before_any_row(case: VaultCase) -> None:
    with pytest.raises(ValueError, match="unknown or unusable"):
        await case.vault.resolve_key_id("local:ffffffffffffffff" if case.keys else "alias/none")
    assert await case.vault.resolve_key_id(case.vault.key_id)


async def test_open_failures_are_audited_without_secrets(
    case: VaultCase, caplog: pytest.LogCaptureFixture
) -> None:
    context = ctx()
    sealed = await case.vault.seal(context, payload())
    other = EncryptionContext(new_workspace_id(), context.credential_id)
    with caplog.at_level(logging.WARNING, logger="shopmcp.audit.vault"):
        await refused(case, other, attrs.evolve(sealed, workspace_id=other.workspace_id))
    [record] = caplog.records
    assert record.event == "credential_open_refused"  # type: ignore[attr-defined]
    assert record.workspace_id == str(other.workspace_id)  # type: ignore[attr-defined]
    assert record.credential_id == str(context.credential_id)  # type: ignore[attr-defined]
    assert str(other.workspace_id) in record.getMessage()


async def test_no_data_key_or_master_key_in_any_repr_str_exception_or_log(
    case: VaultCase, caplog: pytest.LogCaptureFixture
) -> None:
    leaked: list[bytes] = []
    original_put = case.vault.cache.put

    def spy_put(key_id: str, wrapped_dek: bytes, context: EncryptionContext, dek: bytes) -> None:
        leaked.append(dek)
        original_put(key_id, wrapped_dek, context, dek)

    case.vault.cache.put = spy_put  # type: ignore[method-assign]
    context = ctx()
    errors: list[BaseException] = []
    with caplog.at_level(logging.DEBUG):
        sealed = await case.vault.seal(context, payload())
        opened = await case.vault.open(context, sealed)
        rewrapped = await case.vault.rewrap(sealed, case.new_key())
        for bad in (
            attrs.evolve(sealed, ciphertext=flip(sealed.ciphertext, 40)),
            attrs.evolve(sealed, workspace_id=new_workspace_id()),
            attrs.evolve(sealed, wrapped_dek=flip(sealed.wrapped_dek, 30)),
        ):
            case.vault.cache.clear()
            try:
                await case.vault.open(bad.context, bad)
            except CredentialUnavailable as exc:
                errors.append(exc)
    assert leaked, "the spy saw the data key"
    secrets = [d.hex() for d in leaked]
    secrets += [base64.b64encode(d).decode() for d in leaked] + [repr(d) for d in leaked]
    if case.keys is not None:
        secrets += [k.hex() for k in case.keys._keys.values()]
    texts = texts_that_could_leak(
        case.vault,
        case.vault.cache,
        case.vault.keyring,
        sealed,
        rewrapped,
        opened,
        *errors,
        caplog=caplog,
    )
    assert len(errors) == 3
    for text in texts:
        for secret in secrets:
            assert secret not in text


async def test_payload_that_is_not_a_credential_is_refused(case: VaultCase) -> None:
    """A well-formed envelope whose plaintext is not a JSON object of strings still gives the
    one generic error."""
    context = ctx()
    sealed = await case.vault.seal(context, payload())
    dek = await case.vault.keyring.unwrap(sealed.kms_key_id, sealed.wrapped_dek, context)
    for plaintext in (b"not json", b"[1,2]", b'{"a": 1}', b"\xff\xfe"):
        nonce, ciphertext = envelope.encrypt(dek, context, plaintext)
        await refused(case, context, attrs.evolve(sealed, nonce=nonce, ciphertext=ciphertext))
