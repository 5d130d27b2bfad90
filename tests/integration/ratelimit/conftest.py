"""Redis for the rate limiter's tests: a client, namespaces of their own (deleted afterwards),
and the ``world`` the RateLimiter port suite (``tests/ports/rate_limiter.py``) runs on."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import BlockingConnectionPool, Redis

from shopmcp_adapters.memory import FakeClock
from shopmcp_adapters.ratelimit import RedisRateLimiter
from shopmcp_domain.limit_ports import RateLimiter
from tests.integration.services import REDIS_HOST, REDIS_PORT, require
from tests.ports.rate_limiter import LimiterWorld


def unique_namespace() -> str:
    return f"test:{uuid.uuid4().hex}:rl"


async def delete_namespace(client: Redis, namespace: str) -> None:
    keys = [key async for key in client.scan_iter(match=f"{namespace}:*", count=1000)]
    if keys:
        await client.delete(*keys)


@pytest.fixture
async def redis_client() -> AsyncIterator[Redis]:
    require("Redis", REDIS_HOST, REDIS_PORT)
    client = Redis(host=REDIS_HOST, port=REDIS_PORT)
    yield client
    await client.aclose()


@pytest.fixture
async def world() -> AsyncIterator[LimiterWorld]:
    """The Redis limiter in a namespace of its own (deleted afterwards); its ``processes(n)``
    are n more limiters on the same budget, each with a one-connection pool of its own."""
    require("Redis", REDIS_HOST, REDIS_PORT)
    clock = FakeClock()  # 2026-01-01T00:00:00Z: aligned to every whole-minute window
    namespace = unique_namespace()
    client = Redis(host=REDIS_HOST, port=REDIS_PORT)
    opened: list[Redis] = []

    def limiter_on(redis: Redis) -> RedisRateLimiter:
        return RedisRateLimiter(redis, clock, namespace=namespace)

    def processes(n: int) -> list[RateLimiter]:
        pools = [
            BlockingConnectionPool(host=REDIS_HOST, port=REDIS_PORT, max_connections=1)
            for _ in range(n)
        ]
        opened.extend(Redis(connection_pool=pool) for pool in pools)
        return [limiter_on(redis) for redis in opened[-n:]]

    redis_limiter = limiter_on(client)
    yield LimiterWorld("redis", clock, redis_limiter, processes)
    # A port suite run on Redis must really have used Redis, not the fallback.
    assert redis_limiter.fallback_decisions == 0
    for redis in opened:
        await redis.aclose()
    await delete_namespace(client, namespace)
    await client.aclose()
