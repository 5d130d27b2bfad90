"""A fake vault with the real vaults' contract, held to it by the CredentialVault port suite:
sealing binds the context (ids and generation); opening with any other context, an older
generation than the requester's, or tampered or malformed bytes fails with the one generic
error and chains nothing; a malformed envelope is refused before a master key is used;
``rewrap`` re-wraps only a data key that opens its own ciphertext. It uses real AES-GCM so the
binding is genuine, with random in-memory master keys instead of KMS, and no data-key cache
(``forget_*`` only record their calls)."""

from __future__ import annotations

import os

import attrs
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from shopmcp_domain.credentials import (
    ENVELOPE_VERSION,
    FIRST_GENERATION,
    CredentialPayload,
    EncryptionContext,
    SealedCredential,
)
from shopmcp_domain.errors import CredentialUnavailable
from shopmcp_domain.ids import CredentialId, WorkspaceId

_NONCE_BYTES = 12
_TAG_BYTES = 16
_WRAPPED_DEK_BYTES = _NONCE_BYTES + 32 + _TAG_BYTES
_MAX_CIPHERTEXT_BYTES = 64 * 1024
_MAX_KEY_ID_CHARS = 2048
# Everything that means "this envelope does not open here".
_REFUSALS = (InvalidTag, KeyError, ValueError, TypeError)


def _aad(context: EncryptionContext, generation: int) -> bytes:
    return context.canonical_bytes() + b"\x00generation=" + str(generation).encode()


class FakeVault:
    def __init__(self, key_id: str = "fake:1") -> None:
        self._masters = {key_id: AESGCM.generate_key(bit_length=256)}
        self.key_id = key_id
        self.opens = 0
        self.unwraps = 0  # data keys a master key was asked to unwrap
        self.forgotten_credentials: list[tuple[WorkspaceId, CredentialId]] = []
        self.forgotten_workspaces: list[WorkspaceId] = []

    def __repr__(self) -> str:
        return f"FakeVault(key_id={self.key_id!r}, master_keys={len(self._masters)})"

    def add_master(self, key_id: str) -> None:
        self._masters[key_id] = AESGCM.generate_key(bit_length=256)

    def retire_master(self, key_id: str) -> None:
        """Make a master key unusable (as a disabled KMS key or a deleted key file)."""
        del self._masters[key_id]

    async def seal(
        self, context: EncryptionContext, payload: CredentialPayload
    ) -> SealedCredential:
        dek = AESGCM.generate_key(bit_length=256)
        nonce = os.urandom(_NONCE_BYTES)
        aad = _aad(context, context.generation)
        return SealedCredential(
            id=context.credential_id,
            workspace_id=context.workspace_id,
            ciphertext=AESGCM(dek).encrypt(nonce, payload.to_bytes(), aad),
            nonce=nonce,
            wrapped_dek=self._wrap(self.key_id, dek, context),
            kms_key_id=self.key_id,
            generation=context.generation,
        )

    async def open(self, context: EncryptionContext, sealed: SealedCredential) -> CredentialPayload:
        self.opens += 1
        try:
            _check_shape(sealed)
            if sealed.generation < context.generation:
                raise ValueError("an older sealing than the connection records")
            dek = self._data_key(context, sealed)
            aad = _aad(context, sealed.generation)
            plain = AESGCM(dek).decrypt(sealed.nonce, sealed.ciphertext, aad)
            return CredentialPayload.from_bytes(plain)
        except _REFUSALS:
            pass
        # Raised outside the handler so nothing (not even a suppressed context) is chained.
        raise CredentialUnavailable()

    async def rewrap(self, sealed: SealedCredential, to_key_id: str) -> SealedCredential:
        context = sealed.context
        try:
            dek = self._data_key(context, sealed)
            # Only a data key that opens this very ciphertext is worth wrapping again.
            aad = _aad(context, sealed.generation)
            AESGCM(dek).decrypt(sealed.nonce, sealed.ciphertext, aad)
            wrapped = self._wrap(to_key_id, dek, context)
            return attrs.evolve(sealed, wrapped_dek=wrapped, kms_key_id=to_key_id)
        except _REFUSALS:
            pass
        raise CredentialUnavailable()

    def forget_credential(self, workspace_id: WorkspaceId, credential_id: CredentialId) -> None:
        self.forgotten_credentials.append((workspace_id, credential_id))

    def forget_workspace(self, workspace_id: WorkspaceId) -> None:
        self.forgotten_workspaces.append(workspace_id)

    def _wrap(self, key_id: str, dek: bytes, context: EncryptionContext) -> bytes:
        nonce = os.urandom(_NONCE_BYTES)
        return nonce + AESGCM(self._masters[key_id]).encrypt(nonce, dek, context.canonical_bytes())

    def _data_key(self, context: EncryptionContext, sealed: SealedCredential) -> bytes:
        _check_shape(sealed)
        master = self._masters[sealed.kms_key_id]
        self.unwraps += 1
        wrapped = sealed.wrapped_dek
        return AESGCM(master).decrypt(
            wrapped[:_NONCE_BYTES], wrapped[_NONCE_BYTES:], context.canonical_bytes()
        )


def _check_shape(sealed: SealedCredential) -> None:
    """Malformed envelopes are refused before any master key is used, as the real vaults do."""
    generation = sealed.generation
    if (
        sealed.version != ENVELOPE_VERSION
        or isinstance(generation, bool)
        or not isinstance(generation, int)
        or generation < FIRST_GENERATION
        or len(sealed.nonce) != _NONCE_BYTES
        or len(sealed.wrapped_dek) != _WRAPPED_DEK_BYTES
        or not _TAG_BYTES <= len(sealed.ciphertext) <= _MAX_CIPHERTEXT_BYTES
        or not 0 < len(sealed.kms_key_id) <= _MAX_KEY_ID_CHARS
    ):
        raise ValueError("malformed envelope")
