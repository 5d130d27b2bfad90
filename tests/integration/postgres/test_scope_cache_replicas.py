"""Two replicas, each with its own scope cache and change feed, on one PostgreSQL: a key revoked,
a write opt-in changed or a connection deleted through any writer is honoured by the other
replica within a second; the replica that made the change honours it on its very next request
(it forgets the workspace before the notice comes back)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable

import attrs
import pytest
import pytest_asyncio

from shopmcp_adapters.clock import SystemClock
from shopmcp_adapters.memory import FakeVault
from shopmcp_adapters.postgres import Database, PostgresChangeFeed
from shopmcp_domain.errors import AuthenticationFailed
from shopmcp_domain.keys import ALL_ACCESS, IssuedKey, issue_key
from shopmcp_domain.platforms import Platform
from shopmcp_domain.services.scope import RequestScope, authenticate
from shopmcp_domain.services.scope_cache import CachedScopeSource
from shopmcp_domain.tools.registry import ToolRegistry
from shopmcp_domain.workspaces import Workspace
from tests.factories import NOW, make_workspace, sample_registry
from tests.ports.tenant_store import connection_for, sealed_for


@attrs.frozen
class Replica:
    feed: PostgresChangeFeed
    cache: CachedScopeSource
    database: Database
    registry: ToolRegistry

    async def scope(self, token: str) -> RequestScope:
        return await authenticate(
            token,
            self.cache,
            self.database.mcp_tenants,
            FakeVault(),
            self.registry,
            writes_locked=frozenset(),
        )


@pytest_asyncio.fixture
async def replicas(database: Database) -> AsyncIterator[tuple[Replica, Replica]]:
    made: list[Replica] = []
    for _ in range(2):
        feed = PostgresChangeFeed(database.connect_tenant, ping_interval=0.5)
        await feed.start()
        cache = CachedScopeSource(database.runtime, feed, SystemClock())
        made.append(Replica(feed, cache, database, sample_registry()))
    try:
        yield made[0], made[1]
    finally:
        for replica in made:
            replica.cache.close()
            await replica.feed.stop()


async def until_refused(check: Callable[[], object], within: float = 1.0) -> float:
    started = time.monotonic()
    while True:
        try:
            await check()  # type: ignore[misc]
        except AuthenticationFailed:
            return time.monotonic() - started
        assert time.monotonic() - started < within, f"still served after {within}s"
        await asyncio.sleep(0.01)


async def _tenant(database: Database) -> tuple[Workspace, IssuedKey]:
    workspace = make_workspace(write_enabled=frozenset({Platform.SHOPIFY}))
    issued = issue_key(workspace.id, NOW, ALL_ACCESS)
    sealed = sealed_for(workspace.id)
    async with database.tenants.unit_of_work(workspace.id) as uow:
        await uow.workspaces.add(workspace)
        await uow.keys.add(issued.key)
        await uow.connections.add(connection_for(workspace.id, sealed), sealed)
    return workspace, issued


async def test_a_revocation_reaches_the_other_replica_within_a_second(
    database: Database, replicas: tuple[Replica, Replica]
) -> None:
    a, b = replicas
    workspace, issued = await _tenant(database)
    await a.scope(issued.token)
    # Served from memory before the change. The cache serves only while its notice feed is
    # known live (its last ping answered), so on a loaded machine the first repeats may still
    # go to the database: repeat until one is a hit, within the feed's own liveness bound.
    deadline = time.monotonic() + 3.0
    while b.cache.hits == 0:
        assert time.monotonic() < deadline, "the cache never served from memory"
        await b.scope(issued.token)
        await asyncio.sleep(0.01)

    async with database.tenants.unit_of_work(workspace.id) as uow:
        await uow.keys.revoke(issued.key.id, NOW)
    # The replica that revoked forgets at once: its very next request is refused.
    a.cache.forget_workspace(workspace.id)
    with pytest.raises(AuthenticationFailed):
        await a.scope(issued.token)
    took = await until_refused(lambda: b.scope(issued.token))
    assert took < 1.0


async def test_an_opt_in_change_and_a_deleted_connection_reach_the_other_replica(
    database: Database, replicas: tuple[Replica, Replica]
) -> None:
    _, b = replicas
    workspace, issued = await _tenant(database)
    before = await b.scope(issued.token)
    assert "shopify_update_thing" in before.policy.names

    async with database.tenants.unit_of_work(workspace.id) as uow:
        current = await uow.workspaces.get()
        assert current is not None
        await uow.workspaces.update(current.disable_writes(Platform.SHOPIFY))
    started = time.monotonic()
    while "shopify_update_thing" in (await b.scope(issued.token)).policy.names:
        assert time.monotonic() - started < 1.0
        await asyncio.sleep(0.01)

    [connection] = (await b.scope(issued.token)).connections
    async with database.tenants.unit_of_work(workspace.id) as uow:
        await uow.connections.delete(connection.id)
    started = time.monotonic()
    while (await b.scope(issued.token)).connections:
        assert time.monotonic() - started < 1.0
        await asyncio.sleep(0.01)


async def test_a_lost_feed_serves_nothing_from_memory_until_it_is_back(
    database: Database, replicas: tuple[Replica, Replica], postgres_admin_url: str
) -> None:
    import asyncpg

    _, b = replicas
    workspace, issued = await _tenant(database)
    await b.scope(issued.token)
    pid = b.feed.backend_pid
    conn = await asyncpg.connect(postgres_admin_url)
    try:
        await conn.execute("select pg_terminate_backend($1)", pid)
    finally:
        await conn.close()
    # While the feed is down or reconnecting, a revocation is still honoured at once.
    async with database.tenants.unit_of_work(workspace.id) as uow:
        await uow.keys.revoke(issued.key.id, NOW)
    took = await until_refused(lambda: b.scope(issued.token), within=6.0)
    assert took < 6.0
