"""A fake vault with the real vault's contract: sealing binds the context (ids and generation),
opening with any other context, an older generation than the requester's, or tampered bytes
fails with the one generic error. It uses real AES-GCM so the binding is genuine, with a fixed
in-memory master key instead of KMS, and no data-key cache (``forget_*`` only count calls)."""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from shopmcp_domain.credentials import CredentialPayload, EncryptionContext, SealedCredential
from shopmcp_domain.errors import CredentialUnavailable
from shopmcp_domain.ids import CredentialId, WorkspaceId


def _aad(context: EncryptionContext, generation: int) -> bytes:
    return context.canonical_bytes() + b"\x00generation=" + str(generation).encode()


class FakeVault:
    def __init__(self, key_id: str = "fake:1") -> None:
        self._masters = {key_id: AESGCM.generate_key(bit_length=256)}
        self.key_id = key_id
        self.opens = 0
        self.forgotten_credentials: list[tuple[WorkspaceId, CredentialId]] = []
        self.forgotten_workspaces: list[WorkspaceId] = []

    def add_master(self, key_id: str) -> None:
        self._masters[key_id] = AESGCM.generate_key(bit_length=256)

    async def seal(
        self, context: EncryptionContext, payload: CredentialPayload
    ) -> SealedCredential:
        dek = AESGCM.generate_key(bit_length=256)
        nonce = os.urandom(12)
        aad = _aad(context, context.generation)
        ciphertext = AESGCM(dek).encrypt(nonce, payload.to_bytes(), aad)
        return SealedCredential(
            id=context.credential_id,
            workspace_id=context.workspace_id,
            ciphertext=ciphertext,
            nonce=nonce,
            wrapped_dek=self._wrap(self.key_id, dek, context),
            kms_key_id=self.key_id,
            generation=context.generation,
        )

    async def open(self, context: EncryptionContext, sealed: SealedCredential) -> CredentialPayload:
        self.opens += 1
        if sealed.generation < context.generation:
            raise CredentialUnavailable()
        try:
            dek = self._unwrap(sealed.kms_key_id, sealed.wrapped_dek, context)
            aad = _aad(context, sealed.generation)
            plain = AESGCM(dek).decrypt(sealed.nonce, sealed.ciphertext, aad)
            return CredentialPayload.from_bytes(plain)
        except (InvalidTag, KeyError, ValueError):
            pass
        # Raised outside the handler, as the real vault does: nothing is chained.
        raise CredentialUnavailable()

    async def rewrap(self, sealed: SealedCredential, to_key_id: str) -> SealedCredential:
        context = sealed.context
        try:
            dek = self._unwrap(sealed.kms_key_id, sealed.wrapped_dek, context)
        except (InvalidTag, KeyError, ValueError):
            dek = None
        if dek is None:
            raise CredentialUnavailable()
        return SealedCredential(
            id=sealed.id,
            workspace_id=sealed.workspace_id,
            ciphertext=sealed.ciphertext,
            nonce=sealed.nonce,
            wrapped_dek=self._wrap(to_key_id, dek, context),
            kms_key_id=to_key_id,
            version=sealed.version,
            generation=sealed.generation,
        )

    def forget_credential(self, workspace_id: WorkspaceId, credential_id: CredentialId) -> None:
        self.forgotten_credentials.append((workspace_id, credential_id))

    def forget_workspace(self, workspace_id: WorkspaceId) -> None:
        self.forgotten_workspaces.append(workspace_id)

    def _wrap(self, key_id: str, dek: bytes, context: EncryptionContext) -> bytes:
        nonce = os.urandom(12)
        return nonce + AESGCM(self._masters[key_id]).encrypt(nonce, dek, context.canonical_bytes())

    def _unwrap(self, key_id: str, wrapped: bytes, context: EncryptionContext) -> bytes:
        if len(wrapped) > 512:
            raise ValueError("wrapped key too long")
        return AESGCM(self._masters[key_id]).decrypt(
            wrapped[:12], wrapped[12:], context.canonical_bytes()
        )
