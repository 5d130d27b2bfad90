"""Through the tools/call use case: a read answered by the cache leaves its usage event with
``cache_hit`` (and still one event per call); a write then reaches the upstream and the next
read does too. Two Xero organisations of one workspace each have their own entries, and the
``store`` argument picks between them as it does for every platform's several stores."""

from __future__ import annotations

import pytest

from shopmcp_adapters.memory import InMemoryCache
from shopmcp_domain.errors import InvalidArguments
from shopmcp_domain.plans import PlanTier
from shopmcp_domain.platforms import Platform
from shopmcp_domain.ports import (
    ToolOutput,
    UpstreamCall,
)
from shopmcp_domain.services.call_tool import ToolCallDeps, call_tool
from shopmcp_domain.services.read_cache import CachedReads
from shopmcp_domain.services.scope import RequestScope
from shopmcp_domain.tools.registry import ToolRegistry
from shopmcp_domain.usage import UsageEvent
from tests.factories import World, confirmed_call, read_spec, write_spec

READ = read_spec(Platform.XERO)
WRITE = write_spec(Platform.XERO)
ORG_A = "aaaaaaaa-0000-4000-8000-00000000000a"
ORG_B = "bbbbbbbb-0000-4000-8000-00000000000b"


async def _world(*orgs: str) -> tuple[World, RequestScope, ToolCallDeps]:
    world = World(registry=ToolRegistry([READ, WRITE]))
    # Portfolio: several Xero organisations in one workspace.
    workspace, issued = await world.tenant(
        platforms=(), plan=PlanTier.PORTFOLIO, write_enabled=frozenset({Platform.XERO})
    )
    for number, org in enumerate(orgs):
        await world.connect(workspace.id, Platform.XERO, org, display_name=f"Org {number + 1}")

    def answer(call: UpstreamCall) -> ToolOutput:
        return ToolOutput({"thing_id": 1, "title": call.connection.store_ref}, "ok")

    world.upstream.answer(READ.name, answer)
    world.upstream.answer(WRITE.name, answer)
    cached = CachedReads(world.upstream, InMemoryCache(world.clock))
    deps = ToolCallDeps(
        clock=world.clock,
        audit=world.store,
        upstreams={Platform.XERO: cached},
        confirmations=world.confirmations,
        quota=world.quota,
    )
    return world, await world.scope(issued.token), deps


async def _events(world: World, scope: RequestScope) -> list[UsageEvent]:
    async with world.store.unit_of_work(scope.workspace.id) as uow:
        return sorted(await uow.usage.recent(100), key=lambda e: e.created_at)


async def test_a_cached_read_is_audited_as_a_cache_hit() -> None:
    world, scope, deps = await _world(ORG_A)
    for _ in range(2):
        await call_tool(deps, scope, await world.admit(scope), READ.name, {"thing_id": 1})
        world.clock.advance(1)
    # The write is confirmed (its preview sends nothing, so it leaves the cache alone).
    await confirmed_call(
        deps, scope, await world.admit(scope), WRITE.name, {"thing_id": 1, "title": "x"}
    )
    world.clock.advance(1)
    await call_tool(deps, scope, await world.admit(scope), READ.name, {"thing_id": 1})
    events = await _events(world, scope)
    assert [(e.tool, e.cache_hit) for e in events] == [
        (READ.name, False),
        (READ.name, True),
        (WRITE.name, False),
        (WRITE.name, False),
        (READ.name, False),
    ]
    assert len(world.upstream.calls) == 3


async def test_several_organisations_need_the_store_argument_and_cache_apart() -> None:
    world, scope, deps = await _world(ORG_A, ORG_B)
    with pytest.raises(InvalidArguments) as caught:
        await call_tool(deps, scope, await world.admit(scope), READ.name, {"thing_id": 1})
    assert "2 xero stores" in caught.value.message
    assert "'Org 1'" in caught.value.message and "'Org 2'" in caught.value.message

    a = await call_tool(
        deps, scope, await world.admit(scope), READ.name, {"store": "Org 1", "thing_id": 1}
    )
    b = await call_tool(
        deps, scope, await world.admit(scope), READ.name, {"store": "Org 2", "thing_id": 1}
    )
    assert (a.structured["title"], b.structured["title"]) == (ORG_A, ORG_B)
    assert not b.cache_hit
    again = await call_tool(
        deps, scope, await world.admit(scope), READ.name, {"store": "Org 2", "thing_id": 1}
    )
    assert again.cache_hit and again.structured["title"] == ORG_B
