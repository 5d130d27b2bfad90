"""The Cache port suite on the in-process cache, and what only it promises: a bound."""

from __future__ import annotations

import pytest

from shopmcp_adapters.memory import FakeClock, InMemoryCache
from tests.ports.cache import CacheSuite, CacheWorld


@pytest.fixture
def world() -> CacheWorld:
    clock = FakeClock()
    cache = InMemoryCache(clock)

    async def expire(seconds: float) -> None:
        clock.advance(seconds)

    return CacheWorld("memory", cache, expire, cache)


class TestInMemoryCache(CacheSuite):
    pass


async def test_the_least_recently_used_entry_is_evicted_beyond_the_bound() -> None:
    cache = InMemoryCache(FakeClock(), max_entries=3)
    for key in "abc":
        await cache.set(key, key.encode(), 60)
    assert await cache.get("a") == b"a"  # now the most recently used
    await cache.set("d", b"d", 60)
    assert len(cache) == 3
    assert await cache.get("b") is None
    assert [await cache.get(k) for k in "acd"] == [b"a", b"c", b"d"]


def test_a_bound_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="max_entries"):
        InMemoryCache(FakeClock(), max_entries=0)
