"""Authenticated scopes from memory, invalidated by change notices, never served stale."""

from __future__ import annotations

import asyncio

import attrs
import pytest

from shopmcp_adapters.memory import FakeClock, InMemoryChangeFeed, InMemoryTenantStore
from shopmcp_domain.changes import FeedReset
from shopmcp_domain.errors import AuthenticationFailed
from shopmcp_domain.keys import parse_token
from shopmcp_domain.ports import ScopeRecord
from shopmcp_domain.services.scope import authenticate
from shopmcp_domain.services.scope_cache import CachedScopeSource
from tests.factories import NOW, World


class Feed(InMemoryChangeFeed):
    """An in-memory feed whose liveness a test can switch off."""

    def __init__(self) -> None:
        super().__init__()
        self.is_live = True

    @property
    def live(self) -> bool:
        return self.is_live


class CountingSource:
    def __init__(self, store: InMemoryTenantStore) -> None:
        self.store = store
        self.loads = 0
        self.gate: asyncio.Event | None = None

    async def load(self, prefix: str) -> ScopeRecord | None:
        self.loads += 1
        record = await self.store.load(prefix)
        if self.gate is not None:
            await self.gate.wait()
        return record


@pytest.fixture
def feed() -> Feed:
    return Feed()


@pytest.fixture
def world(feed: Feed) -> World:
    return World(store=InMemoryTenantStore(feed=feed))


def cache_for(
    world: World, feed: Feed, *, max_age: float = 30.0, max_entries: int = 10_000
) -> tuple[CachedScopeSource, CountingSource]:
    source = CountingSource(world.store)
    cache = CachedScopeSource(source, feed, world.clock, max_age=max_age, max_entries=max_entries)
    return cache, source


async def test_a_second_load_is_served_from_memory(world: World, feed: Feed) -> None:
    _, issued = await world.tenant()
    cache, source = cache_for(world, feed)
    prefix = parse_token(issued.token).prefix
    first, second = await cache.load(prefix), await cache.load(prefix)
    assert first is second and source.loads == 1 and cache.hits == 1


async def test_a_revoked_key_is_refused_on_the_next_request(world: World, feed: Feed) -> None:
    workspace, issued = await world.tenant()
    cache, _ = cache_for(world, feed)
    await authenticate(
        issued.token, cache, world.store, world.vault, world.registry, writes_locked=frozenset()
    )
    async with world.store.unit_of_work(workspace.id) as uow:
        await uow.keys.revoke(issued.key.id, NOW)
    with pytest.raises(AuthenticationFailed):
        await authenticate(
            issued.token, cache, world.store, world.vault, world.registry, writes_locked=frozenset()
        )


async def test_any_change_of_the_workspace_drops_it_and_only_it(world: World, feed: Feed) -> None:
    a, key_a = await world.tenant()
    _, key_b = await world.tenant()
    cache, source = cache_for(world, feed)
    prefix_a, prefix_b = parse_token(key_a.token).prefix, parse_token(key_b.token).prefix
    await cache.load(prefix_a)
    await cache.load(prefix_b)
    async with world.store.unit_of_work(a.id) as uow:
        current = await uow.workspaces.get()
        assert current is not None
        await uow.workspaces.update(attrs.evolve(current, name="Renamed"))
    assert len(cache) == 1
    record = await cache.load(prefix_a)
    assert record is not None and source.loads == 3
    await cache.load(prefix_b)
    assert source.loads == 3  # b was never dropped


async def test_a_load_that_raced_a_notice_is_not_cached(world: World, feed: Feed) -> None:
    workspace, issued = await world.tenant()
    cache, source = cache_for(world, feed)
    prefix = parse_token(issued.token).prefix
    source.gate = asyncio.Event()
    loading = asyncio.create_task(cache.load(prefix))
    await asyncio.sleep(0)
    async with world.store.unit_of_work(workspace.id) as uow:
        await uow.keys.revoke(issued.key.id, NOW)
    source.gate.set()
    stale = await loading
    assert stale is not None and not stale.key.is_revoked  # read before the revocation
    source.gate = None
    fresh = await cache.load(prefix)
    assert fresh is not None and fresh.key.is_revoked and source.loads == 2


async def test_nothing_is_cached_or_served_while_the_feed_is_not_live(
    world: World, feed: Feed
) -> None:
    _, issued = await world.tenant()
    cache, source = cache_for(world, feed)
    prefix = parse_token(issued.token).prefix
    await cache.load(prefix)
    feed.is_live = False
    await cache.load(prefix)
    await cache.load(prefix)
    assert source.loads == 3
    feed.is_live = True
    await cache.load(prefix)
    await cache.load(prefix)
    # What was held before the outage was dropped: one load afresh, then from memory.
    assert source.loads == 3 + 1


async def test_a_reset_drops_everything(world: World, feed: Feed) -> None:
    _, one = await world.tenant()
    _, two = await world.tenant()
    cache, _ = cache_for(world, feed)
    for issued in (one, two):
        await cache.load(parse_token(issued.token).prefix)
    feed.publish(FeedReset())
    assert len(cache) == 0


async def test_entries_expire_after_max_age(world: World, feed: Feed) -> None:
    _, issued = await world.tenant()
    cache, source = cache_for(world, feed, max_age=30.0)
    prefix = parse_token(issued.token).prefix
    await cache.load(prefix)
    world.clock.advance(29)
    await cache.load(prefix)
    world.clock.advance(2)
    await cache.load(prefix)
    assert source.loads == 2


async def test_the_cache_is_bounded(world: World, feed: Feed) -> None:
    issued = [(await world.tenant())[1] for _ in range(5)]
    cache, _ = cache_for(world, feed, max_entries=3)
    for key in issued:
        await cache.load(parse_token(key.token).prefix)
    assert len(cache) == 3


async def test_unknown_prefixes_are_not_cached(world: World, feed: Feed) -> None:
    cache, source = cache_for(world, feed)
    assert await cache.load("zzzzzzzzzzzz") is None
    assert await cache.load("zzzzzzzzzzzz") is None
    assert source.loads == 2 and len(cache) == 0


async def test_forget_workspace_drops_at_once(world: World, feed: Feed) -> None:
    workspace, issued = await world.tenant()
    cache, _ = cache_for(world, feed)
    await cache.load(parse_token(issued.token).prefix)
    cache.forget_workspace(workspace.id)
    assert len(cache) == 0


def test_closing_unsubscribes() -> None:
    feed = Feed()
    cache = CachedScopeSource(CountingSource(InMemoryTenantStore()), feed, FakeClock())
    assert feed.subscribers == 1
    cache.close()
    assert feed.subscribers == 0
