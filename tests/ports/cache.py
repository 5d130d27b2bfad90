"""The Cache port's suite: the same behaviour from the in-process cache (the embedded default)
and the Redis cache (processes sharing one). Run on the first in ``tests/unit/cache``, on Redis
in ``tests/integration/cache``. ``world.expire(seconds)`` lets that much time pass: the fake
clock's for the in-process cache, real time (short TTLs) for Redis."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import attrs

from shopmcp_domain.limit_ports import Cache

TTL = 0.3


@attrs.define
class CacheWorld:
    kind: str
    cache: Cache
    expire: Callable[[float], Awaitable[None]]
    # Another process's cache on the same store (the same object where there is one process).
    other: Cache


class CacheSuite:
    async def test_a_value_is_read_back_until_it_expires(self, world: CacheWorld) -> None:
        assert await world.cache.get("a") is None
        await world.cache.set("a", b"\x00value\xff", TTL)
        assert await world.cache.get("a") == b"\x00value\xff"
        await world.expire(TTL + 0.2)
        assert await world.cache.get("a") is None

    async def test_set_replaces_and_keys_are_distinct(self, world: CacheWorld) -> None:
        await world.cache.set("a", b"1", 60)
        await world.cache.set("a", b"2", 60)
        await world.cache.set("b", b"3", 60)
        assert await world.cache.get("a") == b"2"
        assert await world.cache.get("b") == b"3"
        assert await world.cache.get("A") is None

    async def test_incr_counts_from_one_and_expires(self, world: CacheWorld) -> None:
        assert [await world.cache.incr("g", TTL) for _ in range(3)] == [1, 2, 3]
        assert await world.cache.get("g") == b"3"
        await world.expire(TTL + 0.2)
        assert await world.cache.get("g") is None
        assert await world.cache.incr("g", 60) == 1

    async def test_concurrent_incr_loses_no_increment(self, world: CacheWorld) -> None:
        counts = await asyncio.gather(*(c.incr("n", 60) for c in [world.cache, world.other] * 25))
        assert sorted(counts) == list(range(1, 51))

    async def test_processes_see_each_other_s_writes(self, world: CacheWorld) -> None:
        await world.cache.set("shared", b"x", 60)
        assert await world.other.get("shared") == b"x"
        await world.other.incr("gen", 60)
        assert await world.cache.get("gen") == b"1"

    async def test_get_many_answers_each_key_in_order(self, world: CacheWorld) -> None:
        await world.cache.set("x", b"1", 60)
        await world.cache.set("z", b"3", TTL)
        assert await world.cache.get_many(["z", "missing", "x"]) == [b"3", None, b"1"]
        await world.expire(TTL + 0.2)
        assert await world.cache.get_many(["x", "z"]) == [b"1", None]
        assert await world.cache.get_many([]) == []

    async def test_a_non_positive_ttl_removes(self, world: CacheWorld) -> None:
        await world.cache.set("a", b"1", 60)
        await world.cache.set("a", b"2", 0)
        assert await world.cache.get("a") is None
