"""Apply a verified Stripe event exactly once (``POST /webhooks/stripe``).

Stripe delivers each event at least once and retries for days; its signature check does not
de-duplicate. The event id is recorded in the same owner-connection transaction that changes
the plan, so a replay (or a concurrent second delivery) finds it and changes nothing, and a
failure before the commit leaves neither, for Stripe's retry to redo.
"""

from __future__ import annotations

from collections.abc import Mapping

from shopmcp_domain.limit_ports import (
    BillingEvents,
    BillingEventTransaction,
)
from shopmcp_domain.plans import PlanTier
from shopmcp_domain.ports import Clock
from shopmcp_domain.subscriptions import (
    SUBSCRIPTION_EVENT_TYPES,
    Outcome,
    StripeEvent,
    plan_after,
)


async def apply_stripe_event(
    events: BillingEvents, clock: Clock, event: StripeEvent, prices: Mapping[PlanTier, str]
) -> Outcome:
    """Record ``event`` and apply it, once. Returns what happened (``REPLAY`` for an id seen
    before). Unknown event types, customers and prices are acknowledged and recorded too:
    Stripe must not retry what will never apply."""
    async with events.transaction() as tx:
        if not await tx.claim(event.event_id, event.event_type, clock.now()):
            return Outcome.REPLAY
        outcome = await _apply(tx, event, prices)
        await tx.settle(event.event_id, outcome.value)
        return outcome


async def _apply(
    tx: BillingEventTransaction, event: StripeEvent, prices: Mapping[PlanTier, str]
) -> Outcome:
    subscription = event.subscription
    if event.event_type not in SUBSCRIPTION_EVENT_TYPES or subscription is None:
        return Outcome.NOT_HANDLED
    workspace = await tx.workspace_for_customer(subscription.customer_id)
    if workspace is None:
        return Outcome.UNKNOWN_CUSTOMER
    plan = plan_after(subscription, prices)
    if plan is None:
        return Outcome.UNKNOWN_PRICE
    if plan is workspace.plan:
        return Outcome.PLAN_UNCHANGED
    await tx.set_plan(workspace.id, plan)
    return Outcome.PLAN_CHANGED
