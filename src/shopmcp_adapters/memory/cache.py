"""``Cache`` in one process: entries expire by the clock and the oldest-used entry is evicted
beyond ``max_entries`` (so a busy gateway's memory stays bounded). The embedded default's
cache, and the reference semantics the Redis cache is held to (``tests/ports/cache.py``)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence

from shopmcp_domain.ports import Clock

DEFAULT_MAX_ENTRIES = 10_000


class InMemoryCache:
    def __init__(self, clock: Clock, max_entries: int = DEFAULT_MAX_ENTRIES) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be positive")
        self._clock = clock
        self._max_entries = max_entries
        # key -> (expires at, monotonic seconds; value)
        self._entries: OrderedDict[str, tuple[float, bytes]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"InMemoryCache(entries={len(self._entries)}, max_entries={self._max_entries})"

    def _live(self, key: str) -> bytes | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        expires, value = entry
        if expires <= self._clock.monotonic():
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return value

    def _put(self, key: str, value: bytes, ttl_seconds: float) -> None:
        self._entries[key] = (self._clock.monotonic() + ttl_seconds, value)
        self._entries.move_to_end(key)
        while len(self._entries) > self._max_entries:
            self._entries.popitem(last=False)

    async def get(self, key: str) -> bytes | None:
        return self._live(key)

    async def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        return [self._live(key) for key in keys]

    async def set(self, key: str, value: bytes, ttl_seconds: float) -> None:
        if ttl_seconds <= 0:
            self._entries.pop(key, None)
            return
        self._put(key, bytes(value), ttl_seconds)

    async def incr(self, key: str, ttl_seconds: float) -> int:
        current = self._live(key)
        count = (int(current) if current is not None else 0) + 1
        self._put(key, str(count).encode(), ttl_seconds)
        return count
