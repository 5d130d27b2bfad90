"""Master keys: what wraps and unwraps data keys. One implementation per backend (KMS, local
key files); :class:`RoutingKeyRing` routes by key id so a vault can open credentials wrapped
under an older backend's key (migrating from the local vault to KMS) and rewrap across them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from shopmcp_domain.credentials import EncryptionContext

LOCAL_PREFIX = "local:"


class KeyRingError(Exception):
    """Internal: a master key refused or could not be reached. The text is a fixed reason code
    (an AWS error code at most), never key material or a server message."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class KeyRing(Protocol):
    def handles(self, key_id: str) -> bool:
        """Whether ``key_id`` names a key of this backend."""
        ...

    async def resolve(self, key_id: str) -> str:
        """The canonical id stored with wrapped keys (KMS: the key ARN). Raises
        ``KeyRingError`` if the key is unknown or unusable."""
        ...

    async def generate(self, key_id: str, context: EncryptionContext) -> tuple[bytes, bytes, str]:
        """A fresh 256-bit data key: ``(plaintext, wrapped, canonical key id)``."""
        ...

    async def wrap(self, key_id: str, dek: bytes, context: EncryptionContext) -> tuple[bytes, str]:
        """``(wrapped, canonical key id)``."""
        ...

    async def unwrap(self, key_id: str, wrapped: bytes, context: EncryptionContext) -> bytes:
        """The plaintext data key; ``context`` is the requesting one."""
        ...


class RoutingKeyRing:
    """Sends each key id to the first key ring that handles it."""

    def __init__(self, rings: Sequence[KeyRing]) -> None:
        if not rings:
            raise ValueError("at least one key ring")
        self._rings = tuple(rings)

    def __repr__(self) -> str:
        return f"RoutingKeyRing({', '.join(type(r).__name__ for r in self._rings)})"

    def _ring(self, key_id: str) -> KeyRing:
        for ring in self._rings:
            if ring.handles(key_id):
                return ring
        raise KeyRingError("no_key_ring_for_key_id")

    def handles(self, key_id: str) -> bool:
        return any(ring.handles(key_id) for ring in self._rings)

    async def resolve(self, key_id: str) -> str:
        return await self._ring(key_id).resolve(key_id)

    async def generate(self, key_id: str, context: EncryptionContext) -> tuple[bytes, bytes, str]:
        return await self._ring(key_id).generate(key_id, context)

    async def wrap(self, key_id: str, dek: bytes, context: EncryptionContext) -> tuple[bytes, str]:
        return await self._ring(key_id).wrap(key_id, dek, context)

    async def unwrap(self, key_id: str, wrapped: bytes, context: EncryptionContext) -> bytes:
        return await self._ring(key_id).unwrap(key_id, wrapped, context)
