"""The data-key cache: plaintext data keys held in memory for at most 60 seconds.

Keyed by (digest of the master key id and wrapped key, canonical encryption context): the same
wrapped key asked for under another workspace's (or credential's) context is a miss, so the
cache can never open a row that KMS itself would refuse. Bounded (least recently used entries
go first) and evicted on expiry; the TTL runs from when the key was unwrapped and is not
extended by use. Its repr shows only counts.
"""

from __future__ import annotations

from collections import OrderedDict, deque

import attrs

from shopmcp_adapters.vault.envelope import wrapped_key_digest
from shopmcp_domain.credentials import EncryptionContext
from shopmcp_domain.ports import Clock

MAX_TTL_SECONDS = 60.0
DEFAULT_MAX_ENTRIES = 1024

_Key = tuple[bytes, bytes]


@attrs.define(repr=False)
class _Entry:
    dek: bytes
    expires_at: float


class DataKeyCache:
    def __init__(
        self,
        clock: Clock,
        ttl_seconds: float = MAX_TTL_SECONDS,
        max_entries: int = DEFAULT_MAX_ENTRIES,
    ) -> None:
        if not 0 <= ttl_seconds <= MAX_TTL_SECONDS:
            raise ValueError(f"data-key cache TTL must be between 0 and {MAX_TTL_SECONDS:g}s")
        if max_entries < 0:
            raise ValueError("max_entries must be >= 0")
        self._clock = clock
        self.ttl_seconds = float(ttl_seconds)
        self.max_entries = max_entries
        self._entries: OrderedDict[_Key, _Entry] = OrderedDict()
        # Insertion order is expiry order (one TTL for all), so expired keys sit at the front.
        self._expiry: deque[tuple[float, _Key]] = deque()
        self.hits = 0
        self.misses = 0

    @property
    def enabled(self) -> bool:
        return self.ttl_seconds > 0 and self.max_entries > 0

    @staticmethod
    def _key(key_id: str, wrapped_dek: bytes, context: EncryptionContext) -> _Key:
        return wrapped_key_digest(key_id, wrapped_dek), context.canonical_bytes()

    def get(self, key_id: str, wrapped_dek: bytes, context: EncryptionContext) -> bytes | None:
        self._evict_expired()
        key = self._key(key_id, wrapped_dek, context)
        entry = self._entries.get(key)
        if entry is None:
            self.misses += 1
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        return entry.dek

    def put(self, key_id: str, wrapped_dek: bytes, context: EncryptionContext, dek: bytes) -> None:
        if not self.enabled:
            return
        self._evict_expired()
        key = self._key(key_id, wrapped_dek, context)
        if key in self._entries:
            self._entries.move_to_end(key)  # keep its original expiry: use never extends a TTL
            return
        expires_at = self._clock.monotonic() + self.ttl_seconds
        self._entries[key] = _Entry(dek=dek, expires_at=expires_at)
        self._expiry.append((expires_at, key))
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def clear(self) -> None:
        self._entries.clear()
        self._expiry.clear()

    def __len__(self) -> int:
        self._evict_expired()
        return len(self._entries)

    def _evict_expired(self) -> None:
        now = self._clock.monotonic()
        while self._expiry and self._expiry[0][0] <= now:
            expires_at, key = self._expiry.popleft()
            entry = self._entries.get(key)
            if entry is not None and entry.expires_at == expires_at:
                del self._entries[key]

    def __repr__(self) -> str:
        return (
            f"DataKeyCache(entries={len(self._entries)}, max_entries={self.max_entries}, "
            f"ttl_seconds={self.ttl_seconds:g})"
        )
