"""The credential vault: the envelope format, a master key ring and the data-key cache.

Its lifetime (the composition root's resource): ``await vault.start(changes)`` starts the
cache's expiry sweeper and follows a change feed (a credential's notice drops its cached data
keys, a reset drops all of them); ``await vault.aclose()`` undoes both. A vault never started
still works, and drops expired keys on access only.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import attrs
from cryptography.exceptions import InvalidTag

from shopmcp_adapters.vault import envelope
from shopmcp_adapters.vault.cache import DEFAULT_MAX_ENTRIES, MAX_TTL_SECONDS, DataKeyCache
from shopmcp_adapters.vault.envelope import EnvelopeError
from shopmcp_adapters.vault.keyring import KeyRing, KeyRingError, RoutingKeyRing
from shopmcp_adapters.vault.kms import KmsKeyRing
from shopmcp_adapters.vault.local import LocalKeyRing
from shopmcp_domain.changes import Change, ChangeKind, ChangeNotice, FeedReset, Unsubscribe
from shopmcp_domain.credentials import CredentialPayload, EncryptionContext, SealedCredential
from shopmcp_domain.errors import CredentialUnavailable
from shopmcp_domain.ids import CredentialId, WorkspaceId
from shopmcp_domain.ports import (
    ChangeFeed,
    Clock,
)

# Structured audit lines for refused opens and rewraps: ids and a reason code only.
audit_log = logging.getLogger("shopmcp.audit.vault")

_REFUSALS = (EnvelopeError, KeyRingError, InvalidTag, ValueError, TypeError)


def _reason(exc: Exception) -> str:
    if isinstance(exc, EnvelopeError | KeyRingError):
        return exc.reason
    if isinstance(exc, InvalidTag):
        return "authentication_failed"
    return "malformed_payload"


class EnvelopeVault:
    """Implements :class:`~shopmcp_domain.ports.CredentialVault` over any :class:`KeyRing`."""

    def __init__(
        self,
        keyring: KeyRing,
        key_id: str,
        clock: Clock,
        *,
        cache_seconds: float = MAX_TTL_SECONDS,
        cache_entries: int = DEFAULT_MAX_ENTRIES,
    ) -> None:
        self._keyring = keyring
        self.key_id = key_id
        self.cache = DataKeyCache(clock, ttl_seconds=cache_seconds, max_entries=cache_entries)
        self._unsubscribe: Unsubscribe | None = None

    @property
    def keyring(self) -> KeyRing:
        return self._keyring

    # ---- lifetime and eviction

    async def start(self, changes: ChangeFeed | None = None) -> None:
        """Evict data keys as they expire, and (with ``changes``) as soon as any replica
        deletes or re-seals their credential."""
        self.cache.start()
        if changes is not None and self._unsubscribe is None:
            self._unsubscribe = changes.subscribe(self._on_change)

    async def aclose(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        await self.cache.stop()
        self.cache.clear()

    def forget_credential(self, workspace_id: WorkspaceId, credential_id: CredentialId) -> None:
        self.cache.forget_credential(workspace_id, credential_id)

    def forget_workspace(self, workspace_id: WorkspaceId) -> None:
        self.cache.forget_workspace(workspace_id)

    def _on_change(self, notice: ChangeNotice) -> None:
        # Only a credential's own notice matters here: deleting a connection or a workspace
        # deletes its credentials, and each credential row sends its own notice.
        match notice:
            case FeedReset():
                self.cache.clear()
            case Change(kind=ChangeKind.CREDENTIAL, workspace_id=workspace_id, object_id=oid):
                self.cache.forget_credential(workspace_id, CredentialId(oid))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(key_id={self.key_id!r}, cache={self.cache!r})"

    async def seal(
        self, context: EncryptionContext, payload: CredentialPayload
    ) -> SealedCredential:
        dek, wrapped, key_id = await self._keyring.generate(self.key_id, context)
        nonce, ciphertext = envelope.encrypt(dek, context, payload.to_bytes())
        self.cache.put(key_id, wrapped, context, dek)
        return SealedCredential(
            id=context.credential_id,
            workspace_id=context.workspace_id,
            ciphertext=ciphertext,
            nonce=nonce,
            wrapped_dek=wrapped,
            kms_key_id=key_id,
            version=envelope.VERSION,
            generation=context.generation,
        )

    async def open(self, context: EncryptionContext, sealed: SealedCredential) -> CredentialPayload:
        reason: str | None = None
        try:
            return await self._open(context, sealed)
        except _REFUSALS as exc:
            reason = _reason(exc)
        # Raised outside the handler so nothing (not even a suppressed context) is chained.
        self._audit("credential_open_refused", context, reason)
        raise CredentialUnavailable()

    async def _open(
        self, context: EncryptionContext, sealed: SealedCredential
    ) -> CredentialPayload:
        envelope.check_shape(sealed)
        if sealed.workspace_id != context.workspace_id or sealed.id != context.credential_id:
            raise EnvelopeError("context_mismatch")
        if sealed.generation < context.generation:
            # A genuine but older sealing put back into the row: a rolled-back token.
            raise EnvelopeError("generation_rolled_back")
        dek = await self._data_key(context, sealed)
        plaintext = envelope.decrypt(dek, context, sealed)
        payload = CredentialPayload.from_bytes(plaintext)
        # Cached only once it has opened this credential under this context.
        self.cache.put(sealed.kms_key_id, sealed.wrapped_dek, context, dek)
        return payload

    async def _data_key(self, context: EncryptionContext, sealed: SealedCredential) -> bytes:
        cached = self.cache.get(sealed.kms_key_id, sealed.wrapped_dek, context)
        if cached is not None:
            return cached
        return await self._keyring.unwrap(sealed.kms_key_id, sealed.wrapped_dek, context)

    async def resolve_key_id(self, key_id: str) -> str:
        """The canonical form of ``key_id`` as stored with wrapped keys (a KMS key ARN)."""
        try:
            return await self._keyring.resolve(key_id)
        except KeyRingError as exc:
            reason = exc.reason
        raise ValueError(f"master key {key_id!r} is unknown or unusable ({reason})")

    async def rewrap(self, sealed: SealedCredential, to_key_id: str) -> SealedCredential:
        """Unwrap under the current master key, prove the data key opens this very ciphertext
        (key commitment and tag), wrap it under ``to_key_id``. Ciphertext, nonce, version and
        generation are untouched. Uses the row's own context: this is the owner-side rotation
        path (whether the generation is current is a request's question, not this job's)."""
        context = sealed.context
        reason: str | None = None
        try:
            envelope.check_shape(sealed)
            dek = await self._keyring.unwrap(sealed.kms_key_id, sealed.wrapped_dek, context)
            envelope.decrypt(dek, context, sealed)
            wrapped, key_id = await self._keyring.wrap(to_key_id, dek, context)
            return attrs.evolve(sealed, wrapped_dek=wrapped, kms_key_id=key_id)
        except _REFUSALS as exc:
            reason = _reason(exc)
        self._audit("credential_rewrap_refused", context, reason)
        raise CredentialUnavailable()

    @staticmethod
    def _audit(event: str, context: EncryptionContext, reason: str | None) -> None:
        audit_log.warning(
            "%s workspace_id=%s credential_id=%s reason=%s",
            event,
            context.workspace_id,
            context.credential_id,
            reason,
            extra={
                "event": event,
                "workspace_id": str(context.workspace_id),
                "credential_id": str(context.credential_id),
                "reason": reason,
            },
        )


class KmsVault(EnvelopeVault):
    """Data keys from KMS ``GenerateDataKey``; opened with KMS ``Decrypt`` under the requesting
    context. ``local_keys``, if given, still opens credentials wrapped under local keys (the
    path from the embedded default to KMS: ``shopmcp keys rewrap --to <kms key>``)."""

    def __init__(
        self,
        client: Any,
        key_id: str,
        clock: Clock,
        *,
        cache_seconds: float = MAX_TTL_SECONDS,
        cache_entries: int = DEFAULT_MAX_ENTRIES,
        max_concurrency: int = 8,
        local_keys: LocalKeyRing | None = None,
    ) -> None:
        kms = KmsKeyRing(client, max_concurrency=max_concurrency)
        self.kms = kms
        keyring: KeyRing = kms if local_keys is None else RoutingKeyRing([local_keys, kms])
        super().__init__(
            keyring, key_id, clock, cache_seconds=cache_seconds, cache_entries=cache_entries
        )


class LocalVault(EnvelopeVault):
    """Data keys wrapped by a local master key file (the embedded default)."""

    def __init__(
        self,
        keys: LocalKeyRing,
        clock: Clock,
        *,
        key_id: str | None = None,
        cache_seconds: float = MAX_TTL_SECONDS,
        cache_entries: int = DEFAULT_MAX_ENTRIES,
    ) -> None:
        chosen = key_id or keys.active_key_id
        if chosen is None or chosen not in keys.key_ids:
            raise ValueError("no usable local master key")
        self.keys = keys
        super().__init__(
            keys, chosen, clock, cache_seconds=cache_seconds, cache_entries=cache_entries
        )

    @classmethod
    def from_data_dir(
        cls, data_dir: Path, clock: Clock, *, cache_seconds: float = MAX_TTL_SECONDS
    ) -> LocalVault:
        return cls(LocalKeyRing.load_or_create(data_dir), clock, cache_seconds=cache_seconds)
