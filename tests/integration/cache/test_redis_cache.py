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


async def test_a_write_in_one_process_invalidates_reads_cached_by_another() -> None:
    """Two gateway processes, each with its own Redis connection, share the read cache: a read
    cached by one is served to the other, and a write through either makes it unreachable."""
    from shopmcp_adapters.memory import FakeLease, RecordingUpstream
    from shopmcp_domain.credentials import CredentialPayload
    from shopmcp_domain.ids import new_workspace_id
    from shopmcp_domain.platforms import Platform
    from shopmcp_domain.ports import (
        ToolOutput,
        UpstreamCall,
    )
    from shopmcp_domain.services.read_cache import CachedReads
    from tests.factories import make_connection, read_spec, write_spec

    require("Redis", REDIS_HOST, REDIS_PORT)
    namespace = f"test:{uuid.uuid4().hex}:cache"
    first, second = Redis(host=REDIS_HOST, port=REDIS_PORT), Redis(host=REDIS_HOST, port=REDIS_PORT)
    upstream = RecordingUpstream(ToolOutput({"thing_id": 1, "title": "t"}, "ok"))
    here = CachedReads(upstream, RedisCache(first, namespace=namespace))
    there = CachedReads(upstream, RedisCache(second, namespace=namespace))
    connection = make_connection(new_workspace_id(), Platform.XERO, str(uuid.uuid4()))
    read, write = read_spec(Platform.XERO), write_spec(Platform.XERO)

    def call(spec: object, **arguments: object) -> UpstreamCall:
        assert spec is read or spec is write
        return UpstreamCall(
            tool=spec,
            arguments=spec.input_model.model_validate({"thing_id": 1, **arguments}),
            connection=connection,
            credentials=FakeLease(CredentialPayload({"access_token": "t"})),
        )

    try:
        assert not (await here.call(call(read))).cache_hit
        assert (await there.call(call(read))).cache_hit
        await there.call(call(write, title="x"))
        assert not (await here.call(call(read))).cache_hit
        assert [c.tool.name for c in upstream.calls] == [read.name, write.name, read.name]
    finally:
        await _delete(first, namespace)
        await first.aclose()
        await second.aclose()
