"""In-memory TTL cache."""

from __future__ import annotations

from shopmcp_domain.ports import Clock


class InMemoryCache:
    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._items: dict[str, tuple[float, bytes]] = {}

    async def get(self, key: str) -> bytes | None:
        item = self._items.get(key)
        if item is None:
            return None
        expires, value = item
        if self._clock.monotonic() >= expires:
            del self._items[key]
            return None
        return value

    async def set(self, key: str, value: bytes, ttl_seconds: float) -> None:
        self._items[key] = (self._clock.monotonic() + ttl_seconds, value)

    async def delete_prefix(self, prefix: str) -> None:
        for key in [k for k in self._items if k.startswith(prefix)]:
            del self._items[key]
