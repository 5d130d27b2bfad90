"""Stripe subscriptions as the domain sees them: which plan a subscription puts a workspace on.

A webhook event is verified (its signature) by the entry point and parsed into a
:class:`SubscriptionEvent`; :func:`plan_after` decides the plan; the use case
(:mod:`shopmcp_domain.services.subscriptions`) applies it exactly once per event id.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping

import attrs

from shopmcp_domain.plans import DEFAULT_PLAN, PlanTier, plan_for_price

SUBSCRIPTION_EVENT_TYPES = frozenset(
    {
        "customer.subscription.created",
        "customer.subscription.updated",
        "customer.subscription.deleted",
    }
)
# Stripe's subscription statuses under which the subscribed plan is in force. ``past_due``
# keeps it while Stripe retries the payment; ``incomplete`` (first payment pending),
# ``incomplete_expired``, ``unpaid``, ``canceled`` and ``paused`` do not.
LIVE_STATUSES = frozenset({"active", "trialing", "past_due"})


class Outcome(enum.StrEnum):
    PLAN_CHANGED = "plan changed"
    PLAN_UNCHANGED = "plan unchanged"
    UNKNOWN_CUSTOMER = "ignored: no workspace has this customer"
    UNKNOWN_PRICE = "ignored: no plan has this price"
    NOT_HANDLED = "ignored: event type not handled"
    REPLAY = "replay: already processed"


@attrs.frozen
class SubscriptionEvent:
    """The fields of a ``customer.subscription.*`` event that decide a plan."""

    event_id: str
    event_type: str
    customer_id: str
    status: str
    price_ids: tuple[str, ...]


@attrs.frozen
class StripeEvent:
    """Any verified Stripe event: its id and type, and the subscription when it is one."""

    event_id: str
    event_type: str
    subscription: SubscriptionEvent | None = None


def plan_after(event: SubscriptionEvent, prices: Mapping[PlanTier, str]) -> PlanTier | None:
    """The plan the workspace is on after ``event``: the sold plan of the subscription's price
    while the subscription is live; :data:`DEFAULT_PLAN` once it is deleted or no longer live
    (the smallest plan; suspending a workspace that stopped paying is an operator's decision,
    not a webhook's). None when no item's price is a plan's (nothing to change)."""
    if event.event_type == "customer.subscription.deleted" or event.status not in LIVE_STATUSES:
        return DEFAULT_PLAN
    for price_id in event.price_ids:
        plan = plan_for_price(price_id, prices)
        if plan is not None:
            return plan
    return None
