"""The CredentialVault port's suite, run against KmsVault (fake KMS) and LocalVault."""

from __future__ import annotations

import base64
import logging
import os

import attrs
import pytest

from shopmcp_adapters.memory import FakeVault
from shopmcp_adapters.vault import envelope
from shopmcp_domain.credentials import CredentialPayload, EncryptionContext, SealedCredential
from shopmcp_domain.errors import CredentialUnavailable
from shopmcp_domain.ids import new_credential_id, new_workspace_id
from shopmcp_domain.ports import CredentialVault
from tests.unit.vault.conftest import VaultCase

SECRET = "shpat_0123456789abcdef-very-secret"
GENERIC = "the stored credential could not be opened"


def ctx() -> EncryptionContext:
    return EncryptionContext(new_workspace_id(), new_credential_id())


def payload() -> CredentialPayload:
    return CredentialPayload({"access_token": SECRET, "shop": "acme.myshopify.com"})


def flip(data: bytes, index: int) -> bytes:
    return data[:index] + bytes([data[index] ^ 0x01]) + data[index + 1 :]


async def refused(case: VaultCase, context: EncryptionContext, sealed: SealedCredential) -> None:
    with pytest.raises(CredentialUnavailable) as info:
        await case.vault.open(context, sealed)
    assert str(info.value) == GENERIC
    # Nothing chained: no KMS error text, no InvalidTag, no locals reachable through it.
    assert info.value.__cause__ is None
    assert info.value.__context__ is None


def test_satisfies_the_port(case: VaultCase) -> None:
    vault: CredentialVault = case.vault
    assert vault is case.vault
    fake: CredentialVault = FakeVault()
    assert fake is not None


async def test_round_trip(case: VaultCase) -> None:
    context = ctx()
    sealed = await case.vault.seal(context, payload())
    assert sealed.id == context.credential_id
    assert sealed.workspace_id == context.workspace_id
    assert sealed.version == envelope.VERSION == 2
    assert sealed.generation == context.generation == 1
    assert await case.vault.open(context, sealed) == payload()
    case.vault.cache.clear()
    assert await case.vault.open(context, sealed) == payload()
    assert case.unwrap_calls() == 1


async def test_every_seal_uses_a_fresh_data_key_and_nonce(case: VaultCase) -> None:
    context = ctx()
    a = await case.vault.seal(context, payload())
    b = await case.vault.seal(context, payload())
    assert a.nonce != b.nonce
    assert a.wrapped_dek != b.wrapped_dek
    assert a.ciphertext != b.ciphertext
    assert SECRET.encode() not in a.ciphertext + a.wrapped_dek + a.nonce


async def test_another_workspace_cannot_open_a_copied_row(case: VaultCase) -> None:
    context = ctx()
    sealed = await case.vault.seal(context, payload())
    other = EncryptionContext(new_workspace_id(), context.credential_id)
    # The row as stored (still naming its own workspace), and the row fully rewritten to look
    # like the other workspace's: both refused, with and without a warm cache.
    await refused(case, other, sealed)
    await refused(case, other, attrs.evolve(sealed, workspace_id=other.workspace_id))
    case.vault.cache.clear()
    await refused(case, other, attrs.evolve(sealed, workspace_id=other.workspace_id))


async def test_another_credential_id_cannot_open_it(case: VaultCase) -> None:
    context = ctx()
    sealed = await case.vault.seal(context, payload())
    other = EncryptionContext(context.workspace_id, new_credential_id())
    case.vault.cache.clear()
    await refused(case, other, attrs.evolve(sealed, id=other.credential_id))


@pytest.mark.parametrize("where", ["commitment", "body", "tag"])
async def test_tampered_ciphertext_is_refused(case: VaultCase, where: str) -> None:
    context = ctx()
    sealed = await case.vault.seal(context, payload())
    index = {"commitment": 3, "body": envelope.COMMITMENT_BYTES + 2, "tag": -1}[where]
    index %= len(sealed.ciphertext)
    await refused(case, context, attrs.evolve(sealed, ciphertext=flip(sealed.ciphertext, index)))
    truncated = sealed.ciphertext[:-1]
    await refused(case, context, attrs.evolve(sealed, ciphertext=truncated))


async def test_tampered_nonce_is_refused(case: VaultCase) -> None:
    context = ctx()
    sealed = await case.vault.seal(context, payload())
    await refused(case, context, attrs.evolve(sealed, nonce=flip(sealed.nonce, 5)))
    await refused(case, context, attrs.evolve(sealed, nonce=sealed.nonce + b"\x00"))


async def test_tampered_wrapped_key_is_refused(case: VaultCase) -> None:
    context = ctx()
    sealed = await case.vault.seal(context, payload())
    case.vault.cache.clear()
    for index in (0, 5, 20, 40):
        tampered = attrs.evolve(sealed, wrapped_dek=flip(sealed.wrapped_dek, index))
        await refused(case, context, tampered)


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


async def test_wrapped_key_of_absurd_length_is_refused_before_unwrapping(case: VaultCase) -> None:
    context = ctx()
    sealed = await case.vault.seal(context, payload())
    case.vault.cache.clear()
    for size in (0, 1, envelope.MIN_WRAPPED_DEK_BYTES - 1, envelope.MAX_WRAPPED_DEK_BYTES + 1):
        await refused(case, context, attrs.evolve(sealed, wrapped_dek=b"\x01" * size))
    await refused(case, context, attrs.evolve(sealed, wrapped_dek=sealed.wrapped_dek * 100))
    assert case.unwrap_calls() == 0


async def test_other_malformed_envelopes_are_refused(case: VaultCase) -> None:
    context = ctx()
    sealed = await case.vault.seal(context, payload())
    # An unknown version, and this version 2 envelope relabelled as version 1 (whose
    # associated data lacks the generation): both refused.
    for version in (0, 1, 3):
        await refused(case, context, attrs.evolve(sealed, version=version))
    await refused(case, context, attrs.evolve(sealed, ciphertext=b""))
    await refused(case, context, attrs.evolve(sealed, ciphertext=b"\x00" * 100_000))
    await refused(case, context, attrs.evolve(sealed, kms_key_id=""))
    await refused(case, context, attrs.evolve(sealed, kms_key_id="x" * 5000))
    await refused(case, context, attrs.evolve(sealed, kms_key_id="local:0000000000000000"))
    await refused(case, context, attrs.evolve(sealed, kms_key_id="alias/nope"))
    assert case.unwrap_calls() <= 2  # only the two unknown-key cases reached a master key


async def test_a_retired_master_key_refuses(case: VaultCase) -> None:
    context = ctx()
    sealed = await case.vault.seal(context, payload())
    case.vault.cache.clear()
    case.remove_key(sealed.kms_key_id)
    await refused(case, context, sealed)


async def test_rewrap_keeps_ciphertext_and_opens_under_the_new_key(case: VaultCase) -> None:
    context = ctx()
    sealed = await case.vault.seal(context, payload())
    new_key = case.new_key()
    rewrapped = await case.vault.rewrap(sealed, new_key)
    assert rewrapped.kms_key_id == await case.vault.resolve_key_id(new_key)
    assert rewrapped.kms_key_id != sealed.kms_key_id
    assert rewrapped.ciphertext == sealed.ciphertext
    assert rewrapped.nonce == sealed.nonce
    assert rewrapped.wrapped_dek != sealed.wrapped_dek
    case.remove_key(sealed.kms_key_id)  # the old key can now be retired
    case.vault.cache.clear()
    assert await case.vault.open(context, rewrapped) == payload()
    # The new wrapping is still bound to the credential's context.
    other = EncryptionContext(new_workspace_id(), context.credential_id)
    await refused(case, other, attrs.evolve(rewrapped, workspace_id=other.workspace_id))


async def test_rewrap_refuses_tampered_envelopes(case: VaultCase) -> None:
    context = ctx()
    sealed = await case.vault.seal(context, payload())
    new_key = case.new_key()
    for bad in (
        attrs.evolve(sealed, ciphertext=flip(sealed.ciphertext, 40)),
        attrs.evolve(sealed, wrapped_dek=flip(sealed.wrapped_dek, 20)),
        attrs.evolve(sealed, wrapped_dek=b"\x00" * 5000),
    ):
        with pytest.raises(CredentialUnavailable) as info:
            await case.vault.rewrap(bad, new_key)
        assert info.value.__context__ is None
    with pytest.raises(ValueError, match="unknown or unusable"):
        await case.vault.resolve_key_id("local:ffffffffffffffff" if case.keys else "alias/none")


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


async def test_no_secret_in_any_repr_str_exception_or_log(
    case: VaultCase, caplog: pytest.LogCaptureFixture
) -> None:
    leaked: list[bytes] = []
    original_put = case.vault.cache.put

    def spy_put(key_id: str, wrapped: bytes, context: EncryptionContext, dek: bytes) -> None:
        leaked.append(dek)
        original_put(key_id, wrapped, context, dek)

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
    secrets = [SECRET, *(d.hex() for d in leaked)]
    secrets += [base64.b64encode(d).decode() for d in leaked] + [repr(d) for d in leaked]
    secrets += [base64.b64encode(SECRET.encode()).decode(), SECRET.encode().hex()]
    if case.keys is not None:
        secrets += [k.hex() for k in case.keys._keys.values()]
    texts = [
        repr(case.vault),
        str(case.vault),
        repr(case.vault.cache),
        repr(case.vault.keyring),
        repr(sealed),
        str(sealed),
        repr(rewrapped),
        repr(opened),
        str(opened),
        *(repr(e) for e in errors),
        *(str(e) for e in errors),
        caplog.text,
        *(repr(r.__dict__) for r in caplog.records),
    ]
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


async def test_many_credentials_stay_apart(case: VaultCase) -> None:
    contexts = [ctx() for _ in range(5)]
    sealed = [
        await case.vault.seal(c, CredentialPayload({"token": f"t-{i}"}))
        for i, c in enumerate(contexts)
    ]
    for i, (c, s) in enumerate(zip(contexts, sealed, strict=True)):
        assert (await case.vault.open(c, s))["token"] == f"t-{i}"
    # Cross every row with every other context: all refused.
    for c in contexts:
        for s in sealed:
            if s.id != c.credential_id:
                await refused(
                    case, c, attrs.evolve(s, id=c.credential_id, workspace_id=c.workspace_id)
                )
