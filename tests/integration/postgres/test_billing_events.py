"""Stripe events on PostgreSQL: the event id ledger and the plan change commit together, so
two deliveries of one event (even at once) apply it once; the workspace is found by its
Stripe customer on the owner connection."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from shopmcp_adapters.memory import FakeClock
from shopmcp_adapters.postgres import Database
from shopmcp_domain.plans import PlanTier
from shopmcp_domain.services.subscriptions import apply_stripe_event
from shopmcp_domain.subscriptions import Outcome, StripeEvent, SubscriptionEvent
from tests.factories import NOW, make_workspace

PRICES = {PlanTier.BRAND: "price_brand", PlanTier.PORTFOLIO: "price_portfolio"}


async def _workspace_with_customer(database: Database) -> tuple[uuid.UUID, str]:
    customer = f"cus_{uuid.uuid4().hex[:14]}"
    workspace = make_workspace(PlanTier.SOLO).set_billing_customer(customer)
    async with database.tenants.unit_of_work(workspace.id) as uow:
        await uow.workspaces.add(workspace)
    return workspace.id, customer


def _event(customer: str, price: str = "price_brand") -> StripeEvent:
    event_id = f"evt_{uuid.uuid4().hex}"
    kind = "customer.subscription.updated"
    return StripeEvent(
        event_id, kind, SubscriptionEvent(event_id, kind, customer, "active", (price,))
    )


async def _plan(database: Database, workspace_id: uuid.UUID) -> str:
    value = await database.owner_pool.fetchval(
        "select plan from shopmcp.workspaces where id = $1", workspace_id
    )
    return str(value)


async def test_two_deliveries_at_once_apply_the_event_once(database: Database) -> None:
    workspace_id, customer = await _workspace_with_customer(database)
    event = _event(customer)
    outcomes = await asyncio.gather(
        *(
            apply_stripe_event(database.billing_events, FakeClock(NOW), event, PRICES)
            for _ in range(2)
        )
    )
    assert sorted(outcomes) == sorted([Outcome.PLAN_CHANGED, Outcome.REPLAY])
    assert await _plan(database, workspace_id) == "brand"
    row = await database.owner_pool.fetchrow(
        "select type, outcome from shopmcp.stripe_events where id = $1", event.event_id
    )
    assert row is not None and tuple(row) == (event.event_type, "plan changed")


async def test_a_replay_after_a_later_change_changes_nothing(database: Database) -> None:
    workspace_id, customer = await _workspace_with_customer(database)
    first, later = _event(customer), _event(customer, "price_portfolio")
    clock = FakeClock(NOW)
    assert await apply_stripe_event(database.billing_events, clock, first, PRICES) is (
        Outcome.PLAN_CHANGED
    )
    await apply_stripe_event(database.billing_events, clock, later, PRICES)
    assert await apply_stripe_event(database.billing_events, clock, first, PRICES) is (
        Outcome.REPLAY
    )
    assert await _plan(database, workspace_id) == "portfolio"


async def test_a_failure_before_the_commit_leaves_the_event_for_the_retry(
    database: Database,
) -> None:
    workspace_id, customer = await _workspace_with_customer(database)
    event = _event(customer)
    broken = {PlanTier.BRAND: "price_brand"}

    class Boom(Exception):
        pass

    class ExplodingPrices(dict[PlanTier, str]):
        def items(self):  # type: ignore[no-untyped-def]
            raise Boom()

    with pytest.raises(Boom):
        await apply_stripe_event(
            database.billing_events, FakeClock(NOW), event, ExplodingPrices(broken)
        )
    assert (
        await database.owner_pool.fetchval(
            "select count(*) from shopmcp.stripe_events where id = $1", event.event_id
        )
        == 0
    )
    assert await apply_stripe_event(database.billing_events, FakeClock(NOW), event, broken) is (
        Outcome.PLAN_CHANGED
    )
    assert await _plan(database, workspace_id) == "brand"
