"""A fake vault with the real vault's contract: sealing binds the context, opening with any
other context (or tampered bytes) fails with the one generic error. It uses real AES-GCM so
the binding is genuine, with a fixed in-memory master key instead of KMS."""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from shopmcp_domain.credentials import CredentialPayload, EncryptionContext, SealedCredential
from shopmcp_domain.errors import CredentialUnavailable


class FakeVault:
    def __init__(self, key_id: str = "fake:1") -> None:
        self._masters = {key_id: AESGCM.generate_key(bit_length=256)}
        self.key_id = key_id
        self.opens = 0

    def add_master(self, key_id: str) -> None:
        self._masters[key_id] = AESGCM.generate_key(bit_length=256)

    async def seal(
        self, context: EncryptionContext, payload: CredentialPayload
    ) -> SealedCredential:
        dek = AESGCM.generate_key(bit_length=256)
        nonce = os.urandom(12)
        ciphertext = AESGCM(dek).encrypt(nonce, payload.to_bytes(), context.canonical_bytes())
        return SealedCredential(
            id=context.credential_id,
            workspace_id=context.workspace_id,
            ciphertext=ciphertext,
            nonce=nonce,
            wrapped_dek=self._wrap(self.key_id, dek, context),
            kms_key_id=self.key_id,
        )

    async def open(self, context: EncryptionContext, sealed: SealedCredential) -> CredentialPayload:
        self.opens += 1
        try:
            dek = self._unwrap(sealed.kms_key_id, sealed.wrapped_dek, context)
            plain = AESGCM(dek).decrypt(sealed.nonce, sealed.ciphertext, context.canonical_bytes())
            return CredentialPayload.from_bytes(plain)
        except (InvalidTag, KeyError, ValueError):
            raise CredentialUnavailable() from None

    async def rewrap(self, sealed: SealedCredential, to_key_id: str) -> SealedCredential:
        context = sealed.context
        try:
            dek = self._unwrap(sealed.kms_key_id, sealed.wrapped_dek, context)
        except (InvalidTag, KeyError, ValueError):
            raise CredentialUnavailable() from None
        return SealedCredential(
            id=sealed.id,
            workspace_id=sealed.workspace_id,
            ciphertext=sealed.ciphertext,
            nonce=sealed.nonce,
            wrapped_dek=self._wrap(to_key_id, dek, context),
            kms_key_id=to_key_id,
        )

    def _wrap(self, key_id: str, dek: bytes, context: EncryptionContext) -> bytes:
        nonce = os.urandom(12)
        return nonce + AESGCM(self._masters[key_id]).encrypt(nonce, dek, context.canonical_bytes())

    def _unwrap(self, key_id: str, wrapped: bytes, context: EncryptionContext) -> bytes:
        if len(wrapped) > 512:
            raise ValueError("wrapped key too long")
        return AESGCM(self._masters[key_id]).decrypt(
            wrapped[:12], wrapped[12:], context.canonical_bytes()
        )
