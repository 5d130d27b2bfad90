"""The read cache (``CachedReads``): identical reads within the TTL are answered from the cache
with no upstream call; a write on a connection makes its cached reads unreachable at once;
nothing is ever shared across workspaces or connections; the cache's failures never fail a
call; errors are never cached."""

from __future__ import annotations

from typing import Any

import pytest

from shopmcp_adapters.memory import FakeClock, FakeLease, InMemoryCache, RecordingUpstream
from shopmcp_domain.connections import Connection
from shopmcp_domain.credentials import CredentialPayload
from shopmcp_domain.errors import UpstreamError
from shopmcp_domain.ids import new_workspace_id
from shopmcp_domain.platforms import Platform
from shopmcp_domain.ports import (
    ToolOutput,
    UpstreamCall,
)
from shopmcp_domain.services.read_cache import CACHE_META_KEY, CachedReads
from shopmcp_domain.tools.spec import ToolSpec
from tests.factories import make_connection, read_spec, write_spec

READ = read_spec(Platform.XERO)
OTHER_READ = read_spec(Platform.XERO, "list_things")
WRITE = write_spec(Platform.XERO)


def _call(spec: ToolSpec, connection: Connection, **arguments: Any) -> UpstreamCall:
    return UpstreamCall(
        tool=spec,
        arguments=spec.input_model.model_validate(arguments or {"thing_id": 1}),
        connection=connection,
        credentials=FakeLease(CredentialPayload({"access_token": "t"})),
    )


class World:
    def __init__(self, ttl: float = 30.0) -> None:
        self.clock = FakeClock()
        self.cache = InMemoryCache(self.clock)
        self.answers = 0

        def answer(call: UpstreamCall) -> ToolOutput:
            self.answers += 1
            return ToolOutput(
                structured={"n": self.answers, "store": call.connection.store_ref},
                text=f"answer {self.answers}",
                meta={"shopmcp/xero-rate-limit": {"minute_remaining": 59 - self.answers}},
            )

        self.upstream = RecordingUpstream(answer)
        self.reads = CachedReads(self.upstream, self.cache, ttl_seconds=ttl)


@pytest.fixture
def world() -> World:
    return World()


@pytest.fixture
def connection() -> Connection:
    return make_connection(
        new_workspace_id(), Platform.XERO, "11111111-1111-4111-8111-111111111111"
    )


async def test_an_identical_read_within_the_ttl_is_served_from_the_cache(
    world: World, connection: Connection
) -> None:
    first = await world.reads.call(_call(READ, connection))
    world.clock.advance(29)
    second = await world.reads.call(_call(READ, connection))
    assert len(world.upstream.calls) == 1
    assert not first.cache_hit and second.cache_hit
    assert second.structured == first.structured and second.text == first.text
    assert second.meta == {**dict(first.meta or {}), CACHE_META_KEY: {"hit": True}}


async def test_after_the_ttl_the_upstream_is_asked_again(
    world: World, connection: Connection
) -> None:
    await world.reads.call(_call(READ, connection))
    world.clock.advance(30.01)
    again = await world.reads.call(_call(READ, connection))
    assert not again.cache_hit and len(world.upstream.calls) == 2


async def test_different_arguments_or_tools_are_different_entries(
    world: World, connection: Connection
) -> None:
    await world.reads.call(_call(READ, connection, thing_id=1))
    await world.reads.call(_call(READ, connection, thing_id=2))
    await world.reads.call(_call(OTHER_READ, connection, thing_id=1))
    assert len(world.upstream.calls) == 3


async def test_a_write_invalidates_the_connection_s_cached_reads_at_once(
    world: World, connection: Connection
) -> None:
    await world.reads.call(_call(READ, connection))
    await world.reads.call(_call(WRITE, connection, thing_id=1, title="x"))
    after = await world.reads.call(_call(READ, connection))
    assert not after.cache_hit
    assert [c.tool for c in world.upstream.calls] == [READ, WRITE, READ]


async def test_a_failed_write_invalidates_too(world: World, connection: Connection) -> None:
    await world.reads.call(_call(READ, connection))
    world.upstream.answer(WRITE.name, UpstreamError("xero", 500, "half done"))
    with pytest.raises(UpstreamError):
        await world.reads.call(_call(WRITE, connection, thing_id=1, title="x"))
    assert not (await world.reads.call(_call(READ, connection))).cache_hit


async def test_writes_are_never_served_from_the_cache(world: World, connection: Connection) -> None:
    for _ in range(3):
        out = await world.reads.call(_call(WRITE, connection, thing_id=1, title="x"))
        assert not out.cache_hit
    assert len(world.upstream.calls) == 3


async def test_a_read_that_raced_a_write_is_never_served_afterwards(
    world: World, connection: Connection
) -> None:
    """A read that started before a write and finished after it stores its (stale) answer under
    the generation it started with: nothing reads that generation any more."""
    import asyncio

    started = asyncio.Event()
    release = asyncio.Event()
    stale = world.upstream

    async def slow(call: UpstreamCall) -> ToolOutput:
        started.set()
        await release.wait()
        return ToolOutput(structured={"n": "stale"}, text="stale")

    stale.answer(READ.name, slow)
    racing = asyncio.create_task(world.reads.call(_call(READ, connection)))
    await started.wait()
    await world.reads.call(_call(WRITE, connection, thing_id=1, title="x"))
    release.set()
    await racing
    stale.answer(READ.name, lambda call: ToolOutput(structured={"n": "fresh"}, text="fresh"))
    after = await world.reads.call(_call(READ, connection))
    assert after.structured == {"n": "fresh"} and not after.cache_hit


async def test_nothing_is_shared_across_workspaces_even_for_the_same_organisation(
    world: World,
) -> None:
    """Two workspaces connected to the same Xero organisation (same tenant id, same tool, same
    arguments) never see each other's cached answers, nor does a write in one invalidate the
    other's."""
    tenant = "22222222-2222-4222-8222-222222222222"
    mine = make_connection(new_workspace_id(), Platform.XERO, tenant)
    theirs = make_connection(new_workspace_id(), Platform.XERO, tenant)
    a = await world.reads.call(_call(READ, mine))
    b = await world.reads.call(_call(READ, theirs))
    assert not b.cache_hit and b.structured != a.structured
    assert len(world.upstream.calls) == 2
    # Each is served its own.
    assert (await world.reads.call(_call(READ, mine))).structured == a.structured
    assert (await world.reads.call(_call(READ, theirs))).structured == b.structured
    await world.reads.call(_call(WRITE, theirs, thing_id=1, title="x"))
    assert (await world.reads.call(_call(READ, mine))).cache_hit


async def test_nothing_is_shared_across_connections_of_one_workspace(world: World) -> None:
    workspace = new_workspace_id()
    first = make_connection(workspace, Platform.XERO, "33333333-3333-4333-8333-333333333333")
    second = make_connection(workspace, Platform.XERO, "44444444-4444-4444-8444-444444444444")
    await world.reads.call(_call(READ, first))
    other = await world.reads.call(_call(READ, second))
    assert not other.cache_hit
    assert other.structured["store"] == second.store_ref
    await world.reads.call(_call(WRITE, first, thing_id=1, title="x"))
    assert (await world.reads.call(_call(READ, second))).cache_hit
    assert not (await world.reads.call(_call(READ, first))).cache_hit


async def test_errors_are_not_cached(world: World, connection: Connection) -> None:
    world.upstream.answer(READ.name, UpstreamError("xero", 404, "no invoice"))
    for _ in range(2):
        with pytest.raises(UpstreamError):
            await world.reads.call(_call(READ, connection))
    assert len(world.upstream.calls) == 2


class BrokenCache:
    def __init__(self) -> None:
        self.attempts = 0

    async def get(self, key: str) -> bytes | None:
        self.attempts += 1
        raise ConnectionError("redis down")

    async def get_many(self, keys: Any) -> list[bytes | None]:
        self.attempts += 1
        raise ConnectionError("redis down")

    async def set(self, key: str, value: bytes, ttl_seconds: float) -> None:
        self.attempts += 1
        raise ConnectionError("redis down")

    async def incr(self, key: str, ttl_seconds: float) -> int:
        self.attempts += 1
        raise ConnectionError("redis down")


async def test_a_broken_cache_never_fails_a_call(connection: Connection) -> None:
    upstream = RecordingUpstream()
    broken = BrokenCache()
    reads = CachedReads(upstream, broken)
    for _ in range(2):
        out = await reads.call(_call(READ, connection))
        assert not out.cache_hit
    await reads.call(_call(WRITE, connection, thing_id=1, title="x"))
    assert len(upstream.calls) == 3 and broken.attempts >= 3


async def test_a_corrupt_entry_is_a_miss(world: World, connection: Connection) -> None:
    from shopmcp_domain.services.read_cache import entry_key

    call = _call(READ, connection)
    await world.cache.set(entry_key(call), b"{not json", 30)
    out = await world.reads.call(call)
    assert not out.cache_hit and len(world.upstream.calls) == 1


def test_the_key_names_workspace_connection_and_a_digest_of_the_arguments(
    connection: Connection,
) -> None:
    from shopmcp_domain.services.read_cache import entry_key, generation_key

    key = entry_key(_call(READ, connection, thing_id=7))
    slot = f"{{{connection.workspace_id}:{connection.id}}}"
    assert key.startswith(f"read:{slot}:{READ.name}:")
    assert len(key.rsplit(":", 1)[1]) == 64  # the arguments only as a digest
    assert generation_key(connection) == f"gen:{slot}"


async def test_an_entry_of_an_older_generation_is_a_miss(
    world: World, connection: Connection
) -> None:
    """What a read that raced a write left behind (its answer, recorded with the generation
    it started under) is never served once the generation moved on."""
    from shopmcp_domain.services.read_cache import entry_key, generation_key

    call = _call(READ, connection)
    await world.reads.call(call)
    await world.cache.incr(generation_key(connection), 60)
    assert await world.cache.get(entry_key(call)) is not None
    assert not (await world.reads.call(call)).cache_hit


async def test_a_hit_is_one_round_trip_to_the_cache(world: World, connection: Connection) -> None:
    class Counting(InMemoryCache):
        trips = 0

        async def get_many(self, keys: Any) -> list[bytes | None]:
            Counting.trips += 1
            return await super().get_many(keys)

        async def get(self, key: str) -> bytes | None:
            Counting.trips += 1
            return await super().get(key)

    cache = Counting(world.clock)
    reads = CachedReads(world.upstream, cache)
    await reads.call(_call(READ, connection))
    Counting.trips = 0
    assert (await reads.call(_call(READ, connection))).cache_hit
    assert Counting.trips == 1
