"""``Cache`` on Redis, with only commands Upstash serves: ``GET``, ``MGET``, ``SET ... PX`` and
``INCR`` with ``PEXPIRE`` in one ``MULTI``/``EXEC`` transaction.

Every key is ``{namespace}:{caller's key}`` (default namespace ``shopmcp:cache``), so the cache
never touches the rate limiter's keys or another deployment's sharing the server. Timeouts are
short and there are no client-side retries: the cache is an optimisation on a tool call's
path, and its caller treats any failure as a miss.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from redis.asyncio import BlockingConnectionPool, Redis
from redis.backoff import NoBackoff
from redis.retry import Retry

DEFAULT_NAMESPACE = "shopmcp:cache"


def _milliseconds(seconds: float) -> int:
    return max(1, round(seconds * 1000))


class RedisCache:
    def __init__(
        self, client: Redis, *, namespace: str = DEFAULT_NAMESPACE, owns_client: bool = False
    ) -> None:
        if not namespace or "{" in namespace:
            raise ValueError("a cache namespace is a non-empty prefix without braces")
        self._client = client
        self._namespace = namespace
        self._owns_client = owns_client

    def __repr__(self) -> str:
        return f"RedisCache(namespace={self._namespace!r})"

    @classmethod
    def from_url(
        cls,
        url: str,
        *,
        connect_timeout: float = 0.25,
        command_timeout: float = 0.25,
        max_connections: int = 50,
        **options: Any,
    ) -> RedisCache:
        """A cache with its own connection pool (closed by ``aclose``). ``rediss://`` URLs
        verify the server's certificate."""
        pool = BlockingConnectionPool.from_url(
            url,
            socket_connect_timeout=connect_timeout,
            socket_timeout=command_timeout,
            max_connections=max_connections,
            timeout=command_timeout,
            retry=Retry(NoBackoff(), 0),
        )
        return cls(Redis(connection_pool=pool), owns_client=True, **options)

    def key(self, key: str) -> str:
        return f"{self._namespace}:{key}"

    async def get(self, key: str) -> bytes | None:
        value = await self._client.get(self.key(key))
        if value is None:
            return None
        return value.encode() if isinstance(value, str) else bytes(value)

    async def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        if not keys:
            return []
        values = await self._client.mget([self.key(key) for key in keys])
        return [
            None if v is None else v.encode() if isinstance(v, str) else bytes(v) for v in values
        ]

    async def set(self, key: str, value: bytes, ttl_seconds: float) -> None:
        if ttl_seconds <= 0:
            await self._client.delete(self.key(key))
            return
        await self._client.set(self.key(key), value, px=_milliseconds(ttl_seconds))

    async def incr(self, key: str, ttl_seconds: float) -> int:
        full = self.key(key)
        async with self._client.pipeline(transaction=True) as pipe:
            pipe.incr(full)
            pipe.pexpire(full, _milliseconds(ttl_seconds))
            count, _ = await pipe.execute()
        return int(count)

    async def aclose(self) -> None:
        if self._owns_client:
            await self._client.aclose()
