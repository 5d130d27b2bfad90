"""The Cache port suite on Redis, in a namespace of the test's own (deleted afterwards); and
what only Redis promises: keys stay inside the namespace."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from shopmcp_adapters.cache import RedisCache
from tests.integration.services import REDIS_HOST, REDIS_PORT, require
from tests.ports.cache import CacheSuite, CacheWorld


async def _delete(client: Redis, namespace: str) -> None:
    keys = [key async for key in client.scan_iter(match=f"{namespace}:*", count=1000)]
    if keys:
        await client.delete(*keys)


@pytest.fixture
async def world() -> AsyncIterator[CacheWorld]:
    require("Redis", REDIS_HOST, REDIS_PORT)
    namespace = f"test:{uuid.uuid4().hex}:cache"
    first = Redis(host=REDIS_HOST, port=REDIS_PORT)
    second = Redis(host=REDIS_HOST, port=REDIS_PORT)

    async def expire(seconds: float) -> None:
        await asyncio.sleep(seconds)

    try:
        yield CacheWorld(
            "redis",
            RedisCache(first, namespace=namespace),
            expire,
            RedisCache(second, namespace=namespace),
        )
    finally:
        await _delete(first, namespace)
        await first.aclose()
        await second.aclose()


class TestRedisCache(CacheSuite):
    pass


async def test_every_key_is_inside_the_namespace() -> None:
    require("Redis", REDIS_HOST, REDIS_PORT)
    namespace = f"test:{uuid.uuid4().hex}:cache"
    client = Redis(host=REDIS_HOST, port=REDIS_PORT)
    cache = RedisCache(client, namespace=namespace)
    try:
        await cache.set("read:ws:conn:0:tool:abc", b"1", 60)
        await cache.incr("gen:ws:conn", 60)
        keys = sorted([k async for k in client.scan_iter(match=f"{namespace}:*")])
        assert keys == [
            f"{namespace}:gen:ws:conn".encode(),
            f"{namespace}:read:ws:conn:0:tool:abc".encode(),
        ]
        assert 0 < await client.pttl(f"{namespace}:gen:ws:conn") <= 60_000
    finally:
        await _delete(client, namespace)
        await client.aclose()


def test_a_namespace_with_braces_is_refused() -> None:
    with pytest.raises(ValueError):
        RedisCache(Redis(), namespace="a{b}")
