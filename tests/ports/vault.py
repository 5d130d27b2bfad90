"""The CredentialVault port's suite: what every vault promises, whatever holds its master keys.

Run on ``FakeVault``, on ``LocalVault`` and on ``KmsVault`` over the fake KMS in
``tests/unit/vault``, and on ``KmsVault`` over moto's KMS in ``tests/integration/vault``. What
only the envelope vaults promise (key commitment, audit lines, the data-key cache, the exact
length bounds) is in ``tests/unit/vault/test_envelope_vault.py``.
"""

from __future__ import annotations

import base64
import inspect
import logging
from collections.abc import Callable

import attrs
import pytest

from shopmcp_domain.credentials import (
    ENVELOPE_VERSION,
    CredentialPayload,
    EncryptionContext,
    SealedCredential,
)
from shopmcp_domain.errors import CredentialUnavailable
from shopmcp_domain.ids import new_credential_id, new_workspace_id
from shopmcp_domain.ports import CredentialVault

SECRET = "shpat_0123456789abcdef-very-secret"
GENERIC = "the stored credential could not be opened"


def _nothing() -> None:
    return None


@attrs.define
class VaultPort:
    """A vault under test and the hooks the suite needs around it."""

    name: str
    vault: CredentialVault
    new_key: Callable[[], str]  # another usable master key, by the id rewrap stores
    # Makes a master key unusable; None where the backend cannot (moto's KMS ignores a key's
    # state on Decrypt, where real KMS answers DisabledException).
    retire_key: Callable[[str], None] | None
    master_key_uses: Callable[[], int]  # data keys a master key (or KMS) was asked to unwrap
    unknown_key: str  # a master key id that does not exist
    cold: Callable[[], None] = _nothing  # forget cached data keys, as a fresh process would


OLD = CredentialPayload({"refresh_token": "rt-generation-1"})
NEW = CredentialPayload({"refresh_token": "rt-generation-2"})


def ctx(generation: int = 1) -> EncryptionContext:
    return EncryptionContext(new_workspace_id(), new_credential_id(), generation=generation)


def at(context: EncryptionContext, generation: int) -> EncryptionContext:
    return attrs.evolve(context, generation=generation)


def payload() -> CredentialPayload:
    return CredentialPayload({"access_token": SECRET, "shop": "acme.myshopify.com"})


def flip(data: bytes, index: int) -> bytes:
    return data[:index] + bytes([data[index] ^ 0x01]) + data[index + 1 :]


async def refused(case: VaultPort, context: EncryptionContext, sealed: SealedCredential) -> None:
    with pytest.raises(CredentialUnavailable) as info:
        await case.vault.open(context, sealed)
    assert str(info.value) == GENERIC
    # Nothing chained: no KMS error text, no InvalidTag, no locals reachable through it.
    assert info.value.__cause__ is None
    assert info.value.__context__ is None


def texts_that_could_leak(*objects: object, caplog: pytest.LogCaptureFixture) -> list[str]:
    """Every repr and str of ``objects``, the captured log text and its records' fields."""
    texts = [caplog.text, *(repr(r.__dict__) for r in caplog.records)]
    for obj in objects:
        texts += [repr(obj), str(obj)]
    return texts


class CredentialVaultSuite:
    async def test_satisfies_the_port(self, case: VaultPort) -> None:
        for name in ("seal", "open", "rewrap"):
            assert inspect.iscoroutinefunction(getattr(case.vault, name)), name

    async def test_round_trip(self, case: VaultPort) -> None:
        context = ctx()
        sealed = await case.vault.seal(context, payload())
        assert sealed.id == context.credential_id
        assert sealed.workspace_id == context.workspace_id
        assert sealed.version == ENVELOPE_VERSION == 2
        assert sealed.generation == context.generation == 1
        assert await case.vault.open(context, sealed) == payload()
        case.cold()
        assert await case.vault.open(context, sealed) == payload()

    async def test_every_seal_uses_a_fresh_data_key_and_nonce(self, case: VaultPort) -> None:
        context = ctx()
        a = await case.vault.seal(context, payload())
        b = await case.vault.seal(context, payload())
        assert a.nonce != b.nonce
        assert a.wrapped_dek != b.wrapped_dek
        assert a.ciphertext != b.ciphertext
        assert SECRET.encode() not in a.ciphertext + a.wrapped_dek + a.nonce

    async def test_another_workspace_cannot_open_a_copied_row(self, case: VaultPort) -> None:
        context = ctx()
        sealed = await case.vault.seal(context, payload())
        other = EncryptionContext(new_workspace_id(), context.credential_id)
        # The row as stored (still naming its own workspace), and the row fully rewritten to
        # look like the other workspace's: both refused, with and without a warm cache.
        await refused(case, other, sealed)
        await refused(case, other, attrs.evolve(sealed, workspace_id=other.workspace_id))
        case.cold()
        await refused(case, other, attrs.evolve(sealed, workspace_id=other.workspace_id))

    async def test_another_credential_id_cannot_open_it(self, case: VaultPort) -> None:
        context = ctx()
        sealed = await case.vault.seal(context, payload())
        other = EncryptionContext(context.workspace_id, new_credential_id())
        case.cold()
        await refused(case, other, attrs.evolve(sealed, id=other.credential_id))

    @pytest.mark.parametrize("where", ["start", "middle", "end"])
    async def test_tampered_ciphertext_is_refused(self, case: VaultPort, where: str) -> None:
        context = ctx()
        sealed = await case.vault.seal(context, payload())
        size = len(sealed.ciphertext)
        index = {"start": 3, "middle": size // 2, "end": size - 1}[where]
        await refused(
            case, context, attrs.evolve(sealed, ciphertext=flip(sealed.ciphertext, index))
        )
        await refused(case, context, attrs.evolve(sealed, ciphertext=sealed.ciphertext[:-1]))

    async def test_tampered_nonce_is_refused(self, case: VaultPort) -> None:
        context = ctx()
        sealed = await case.vault.seal(context, payload())
        await refused(case, context, attrs.evolve(sealed, nonce=flip(sealed.nonce, 5)))
        await refused(case, context, attrs.evolve(sealed, nonce=sealed.nonce + b"\x00"))

    async def test_tampered_wrapped_key_is_refused(self, case: VaultPort) -> None:
        context = ctx()
        sealed = await case.vault.seal(context, payload())
        case.cold()
        for index in (0, 5, 20, 40):
            tampered = attrs.evolve(sealed, wrapped_dek=flip(sealed.wrapped_dek, index))
            await refused(case, context, tampered)

    async def test_a_wrapped_key_of_absurd_length_never_reaches_a_master_key(
        self, case: VaultPort
    ) -> None:
        context = ctx()
        sealed = await case.vault.seal(context, payload())
        case.cold()
        for size in (0, 1, 100_000):
            await refused(case, context, attrs.evolve(sealed, wrapped_dek=b"\x01" * size))
        await refused(case, context, attrs.evolve(sealed, wrapped_dek=sealed.wrapped_dek * 100))
        assert case.master_key_uses() == 0

    async def test_other_malformed_envelopes_are_refused(self, case: VaultPort) -> None:
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
        assert case.master_key_uses() <= 2  # only the two unknown-key cases reached a master key

    async def test_a_retired_master_key_refuses(self, case: VaultPort) -> None:
        if case.retire_key is None:
            pytest.skip(f"{case.name} cannot make a master key unusable")
        context = ctx()
        sealed = await case.vault.seal(context, payload())
        case.cold()
        case.retire_key(sealed.kms_key_id)
        await refused(case, context, sealed)

    async def test_rewrap_keeps_ciphertext_and_opens_under_the_new_key(
        self, case: VaultPort
    ) -> None:
        context = ctx()
        sealed = await case.vault.seal(context, payload())
        new_key = case.new_key()
        rewrapped = await case.vault.rewrap(sealed, new_key)
        assert rewrapped.kms_key_id == new_key
        assert rewrapped.kms_key_id != sealed.kms_key_id
        assert rewrapped.ciphertext == sealed.ciphertext
        assert rewrapped.nonce == sealed.nonce
        assert rewrapped.wrapped_dek != sealed.wrapped_dek
        if case.retire_key is not None:
            case.retire_key(sealed.kms_key_id)  # the old key can now be retired
        case.cold()
        assert await case.vault.open(context, rewrapped) == payload()
        # The new wrapping is still bound to the credential's context.
        other = EncryptionContext(new_workspace_id(), context.credential_id)
        await refused(case, other, attrs.evolve(rewrapped, workspace_id=other.workspace_id))

    async def test_rewrap_refuses_tampered_envelopes_and_unknown_keys(
        self, case: VaultPort
    ) -> None:
        context = ctx()
        sealed = await case.vault.seal(context, payload())
        new_key = case.new_key()
        for bad, target in (
            (attrs.evolve(sealed, ciphertext=flip(sealed.ciphertext, 40)), new_key),
            (attrs.evolve(sealed, wrapped_dek=flip(sealed.wrapped_dek, 20)), new_key),
            (attrs.evolve(sealed, wrapped_dek=b"\x00" * 5000), new_key),
            (sealed, case.unknown_key),
        ):
            with pytest.raises(CredentialUnavailable) as info:
                await case.vault.rewrap(bad, target)
            assert info.value.__context__ is None

    async def test_no_plaintext_in_any_repr_str_exception_or_log(
        self, case: VaultPort, caplog: pytest.LogCaptureFixture
    ) -> None:
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
                case.cold()
                try:
                    await case.vault.open(bad.context, bad)
                except CredentialUnavailable as exc:
                    errors.append(exc)
        assert len(errors) == 3
        secrets = [SECRET, base64.b64encode(SECRET.encode()).decode(), SECRET.encode().hex()]
        texts = texts_that_could_leak(case.vault, sealed, rewrapped, opened, *errors, caplog=caplog)
        for text in texts:
            for secret in secrets:
                assert secret not in text

    async def test_many_credentials_stay_apart(self, case: VaultPort) -> None:
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

    # ----------------------------------------------------------------------- generations

    async def test_a_sealing_carries_the_generation_of_its_context(self, case: VaultPort) -> None:
        first = await case.vault.seal(ctx(), OLD)
        assert first.generation == 1
        context = ctx(generation=7)
        seventh = await case.vault.seal(context, NEW)
        assert seventh.generation == 7
        assert await case.vault.open(context, seventh) == NEW

    async def test_an_older_sealing_put_back_is_refused(self, case: VaultPort) -> None:
        context = ctx()
        old = await case.vault.seal(context, OLD)
        new = await case.vault.seal(at(context, 2), NEW)
        # The connection row records generation 2 after the rotation.
        assert await case.vault.open(at(context, 2), new) == NEW
        await refused(case, at(context, 2), old)
        await refused(case, at(context, 3), new)
        # A requester that read its connection row before the rotation still opens the new one.
        assert await case.vault.open(context, new) == NEW

    async def test_an_edited_generation_number_is_refused(self, case: VaultPort) -> None:
        context = ctx()
        old = await case.vault.seal(context, OLD)
        await case.vault.seal(at(context, 2), NEW)
        # The old sealing relabelled to pass the comparison: the envelope does not agree.
        for generation in (2, 3, 1_000_000):
            await refused(case, at(context, 2), attrs.evolve(old, generation=generation))
        # And a current one relabelled downwards.
        current = await case.vault.seal(at(context, 5), NEW)
        await refused(case, at(context, 4), attrs.evolve(current, generation=4))

    async def test_rewrap_keeps_the_generation(self, case: VaultPort) -> None:
        context = ctx(generation=3)
        sealed = await case.vault.seal(context, NEW)
        rewrapped = await case.vault.rewrap(sealed, case.new_key())
        assert (rewrapped.generation, rewrapped.version) == (3, sealed.version)
        assert (rewrapped.ciphertext, rewrapped.nonce) == (sealed.ciphertext, sealed.nonce)
        case.cold()
        assert await case.vault.open(context, rewrapped) == NEW
        await refused(case, at(context, 4), rewrapped)
        await refused(case, context, attrs.evolve(rewrapped, generation=4))

    # ----------------------------------------------------------------------- forgetting

    async def test_after_forgetting_the_next_open_asks_a_master_key_again(
        self, case: VaultPort
    ) -> None:
        context = ctx()
        sealed = await case.vault.seal(context, payload())
        forgetters: tuple[Callable[[], None], ...] = (
            lambda: case.vault.forget_credential(context.workspace_id, context.credential_id),
            lambda: case.vault.forget_workspace(context.workspace_id),
        )
        for forget in forgetters:
            assert await case.vault.open(context, sealed) == payload()
            before = case.master_key_uses()
            forget()
            assert await case.vault.open(context, sealed) == payload()
            assert case.master_key_uses() == before + 1
