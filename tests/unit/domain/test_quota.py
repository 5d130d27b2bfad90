"""The monthly quota: the port suite on the in-memory counter, and the use case's refusals,
overage metering and what counts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Coroutine
from typing import Any

import pytest

from shopmcp_adapters.memory.quota import InMemoryQuotaCounter
from shopmcp_domain.errors import (
    QuotaExhausted,
    QuotaUnavailable,
    UsageStatus,
)
from shopmcp_domain.ids import WorkspaceId, new_workspace_id
from shopmcp_domain.limit_ports import QuotaCounter
from shopmcp_domain.plans import PLANS, PlanTier, billing_month, billing_month_end
from shopmcp_domain.ports import ToolOutput
from shopmcp_domain.services.call_tool import call_tool
from tests.factories import World
from tests.ports.quota import SUITE

Check = Callable[[QuotaCounter, Callable[[], Coroutine[Any, Any, WorkspaceId]]], Any]


@pytest.mark.parametrize("check", SUITE, ids=lambda c: c.__name__)
async def test_the_in_memory_counter_keeps_the_port(check: Check) -> None:
    async def new() -> WorkspaceId:
        return new_workspace_id()

    counter: QuotaCounter = InMemoryQuotaCounter()
    await check(counter, new)


def test_the_plans_as_sold() -> None:
    solo = PLANS[PlanTier.SOLO]
    assert (solo.monthly_price_usd, solo.monthly_calls, solo.requests_per_minute) == (79, 3000, 300)
    assert solo.audit_retention_days == 30 and not solo.overage_billed
    brand, portfolio = PLANS[PlanTier.BRAND], PLANS[PlanTier.PORTFOLIO]
    assert brand.monthly_price_usd == 249 and portfolio.monthly_price_usd == 549
    # Each larger plan gives more of everything.
    for small, large in ((solo, brand), (brand, portfolio)):
        assert large.monthly_calls > small.monthly_calls
        assert large.stores_per_platform > small.stores_per_platform
        assert large.audit_retention_days > small.audit_retention_days
        assert large.requests_per_minute >= small.requests_per_minute
    assert not PLANS[PlanTier.DEMO].sold


def test_billing_months_are_utc_calendar_months() -> None:
    late = dt.datetime(2026, 12, 31, 23, 59, tzinfo=dt.UTC)
    assert billing_month(late) == "2026-12"
    assert billing_month_end(late) == dt.datetime(2027, 1, 1, tzinfo=dt.UTC)
    # 23:30 in New York on 30 Nov is already December in UTC.
    new_york = dt.timezone(dt.timedelta(hours=-5))
    assert billing_month(dt.datetime(2026, 11, 30, 23, 30, tzinfo=new_york)) == "2026-12"


async def _world(plan: PlanTier, used: int) -> tuple[World, Any]:
    world = World()
    workspace, issued = await world.tenant(plan=plan)
    world.quota.counts[(workspace.id, billing_month(world.clock.now()))] = used
    world.upstream.answer("shopify_get_thing", ToolOutput({"thing_id": 1, "title": "T"}, "T"))
    return world, await world.scope(issued.token)


async def _call(world: World, scope: Any, name: str = "shopify_get_thing") -> ToolOutput:
    return await call_tool(world.deps, scope, await world.admit(scope), name, {"thing_id": 1})


async def test_past_the_quota_a_call_is_refused_naming_the_plan_and_never_sent() -> None:
    quota = PLANS[PlanTier.SOLO].monthly_calls
    world, scope = await _world(PlanTier.SOLO, quota - 1)
    await _call(world, scope)  # the last one of the month
    with pytest.raises(QuotaExhausted) as refused:
        await _call(world, scope)
    assert "Solo" in refused.value.message and "3,000" in refused.value.message
    assert refused.value.code == "quota_exhausted"
    assert "Retrying sooner will not help" in refused.value.message
    assert refused.value.resets_at.startswith(
        billing_month_end(world.clock.now()).strftime("%Y-%m-%d")
    )
    assert len(world.upstream.calls) == 1
    async with world.store.unit_of_work(scope.workspace.id) as uow:
        events = list(await uow.usage.recent(10))
    [refused_event] = [e for e in events if e.status is UsageStatus.QUOTA_EXHAUSTED]
    [refused_meter] = [
        m
        for m in world.store.outbox_records(scope.workspace.id)
        if m.usage_event_id == refused_event.id
    ]
    assert refused_meter.quantity == 0 and not refused_meter.overage


async def test_past_the_quota_an_overage_plan_calls_and_meters_overage() -> None:
    quota = PLANS[PlanTier.BRAND].monthly_calls
    world, scope = await _world(PlanTier.BRAND, quota - 1)
    await _call(world, scope)
    await _call(world, scope)
    records = world.store.outbox_records(scope.workspace.id)
    assert sorted((m.quantity, m.overage) for m in records) == [(1, False), (1, True)]
    assert len(world.upstream.calls) == 2


async def test_only_calls_that_reach_their_store_count() -> None:
    world, scope = await _world(PlanTier.SOLO, 0)
    month = billing_month(world.clock.now())
    with pytest.raises(Exception):
        await _call(world, scope, "no_such_tool")
    assert world.quota.counts[(scope.workspace.id, month)] == 0
    await _call(world, scope)
    assert world.quota.counts[(scope.workspace.id, month)] == 1


async def test_a_counter_that_cannot_answer_refuses_the_call() -> None:
    world, scope = await _world(PlanTier.SOLO, 0)
    world.quota.fail_next = ConnectionError("redis down")
    with pytest.raises(QuotaUnavailable):
        await _call(world, scope)
    assert world.upstream.calls == []
