"""The rate limiter port suite's fixtures: every test runs against the in-process limiter and
against the Redis one (real Redis, a namespace of its own, deleted afterwards)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable

import attrs
import pytest
from redis.asyncio import Redis

from shopmcp_adapters.memory import FakeClock, InMemoryRateLimiter
from shopmcp_adapters.ratelimit import RedisRateLimiter
from shopmcp_domain.ports import RateLimiter
from tests.integration.services import REDIS_HOST, REDIS_PORT, require


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


@attrs.define
class LimiterWorld:
    """A limiter under test, the fake clock it reads, and a way to build more limiters that
    share its state (other 'gateway processes')."""

    kind: str
    clock: FakeClock
    limiter: RateLimiter
    sibling: Callable[[Redis | None], RateLimiter]


@pytest.fixture(params=["memory", "redis"])
async def world(request: pytest.FixtureRequest) -> AsyncIterator[LimiterWorld]:
    clock = FakeClock()  # 2026-01-01T00:00:00Z: aligned to every whole-minute window
    if request.param == "memory":
        limiter = InMemoryRateLimiter(clock)
        yield LimiterWorld("memory", clock, limiter, lambda _client: limiter)
        return
    require("Redis", REDIS_HOST, REDIS_PORT)
    namespace = unique_namespace()
    client = Redis(host=REDIS_HOST, port=REDIS_PORT)

    def sibling(other: Redis | None) -> RateLimiter:
        return RedisRateLimiter(
            other or client, clock, namespace=namespace, fallback=InMemoryRateLimiter(clock)
        )

    redis_limiter = RedisRateLimiter(
        client, clock, namespace=namespace, fallback=InMemoryRateLimiter(clock)
    )
    yield LimiterWorld("redis", clock, redis_limiter, sibling)
    # A port suite run on Redis must really have used Redis, not the fallback.
    assert redis_limiter.fallback_decisions == 0
    await delete_namespace(client, namespace)
    await client.aclose()
