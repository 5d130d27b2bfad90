"""``POST /webhooks/stripe``: Stripe's subscription events, verified and applied once.

The ``Stripe-Signature`` header is checked by the ``stripe`` library against the configured
signing secret and tolerance, on the raw body: a wrong secret, a stale timestamp or a modified
body is refused (400) before anything is parsed or stored. A verified event is applied by
:func:`~shopmcp_domain.services.subscriptions.apply_stripe_event` (exactly once per event id,
on the owner connection); a replay, an unknown event type, customer or price is acknowledged
(200) so Stripe stops retrying. A store failure answers 500: nothing was committed, and
Stripe's retry redoes it. Nothing here logs the body, the signature or a customer id.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

import attrs
import stripe
from litestar import Request, Response, post
from litestar.di import NamedDependency

from shopmcp_domain.limit_ports import BillingEvents
from shopmcp_domain.plans import PlanTier
from shopmcp_domain.ports import Clock
from shopmcp_domain.services.subscriptions import apply_stripe_event
from shopmcp_domain.subscriptions import SUBSCRIPTION_EVENT_TYPES, StripeEvent, SubscriptionEvent

logger = logging.getLogger("shopmcp.webhooks")

# Stripe's events are a few kilobytes; anything near this is not one.
MAX_WEBHOOK_BYTES = 256 * 1024


@attrs.frozen(repr=False)
class StripeWebhooks:
    """What the endpoint needs: the signing secret (None: not configured), its tolerance,
    the plans' prices and the event store."""

    secret: str | None
    tolerance_seconds: int
    prices: Mapping[PlanTier, str]
    events: BillingEvents
    clock: Clock

    def __repr__(self) -> str:
        return "StripeWebhooks(...)"

    def verify(self, payload: bytes, signature: str) -> StripeEvent:
        """The verified event, or ``stripe.SignatureVerificationError`` / ``ValueError``."""
        assert self.secret is not None
        stripe.WebhookSignature.verify_header(
            payload.decode("utf-8"), signature, self.secret, self.tolerance_seconds
        )
        return parse_event(json.loads(payload))


def parse_event(data: Mapping[str, Any]) -> StripeEvent:
    """The fields that matter, from a verified event's JSON (``ValueError`` if malformed)."""
    event_id, event_type = data.get("id"), data.get("type")
    if not isinstance(event_id, str) or not event_id or not isinstance(event_type, str):
        raise ValueError("not a Stripe event")
    if event_type not in SUBSCRIPTION_EVENT_TYPES:
        return StripeEvent(event_id, event_type)
    subscription = (data.get("data") or {}).get("object") or {}
    customer = subscription.get("customer")
    if isinstance(customer, Mapping):  # an expanded customer object
        customer = customer.get("id")
    items = (subscription.get("items") or {}).get("data") or []
    prices = tuple(
        price["id"]
        for item in items
        if isinstance(item, Mapping)
        and isinstance(price := item.get("price"), Mapping)
        and isinstance(price.get("id"), str)
    )
    if not isinstance(customer, str) or not isinstance(subscription.get("status"), str):
        raise ValueError("a subscription event without a customer or status")
    return StripeEvent(
        event_id,
        event_type,
        SubscriptionEvent(event_id, event_type, customer, subscription["status"], prices),
    )


def _answer(status: int, body: dict[str, Any]) -> Response[dict[str, Any]]:
    return Response(body, status_code=status, headers={"Cache-Control": "no-store"})


@post("/webhooks/stripe", include_in_schema=False, status_code=200)
async def stripe_webhook(
    request: Request[Any, Any, Any], stripe_webhooks: NamedDependency[StripeWebhooks]
) -> Response[dict[str, Any]]:
    if stripe_webhooks.secret is None:
        return _answer(503, {"error": "Stripe webhooks are not configured on this gateway"})
    declared = request.headers.get("content-length", "0")
    if not declared.isdigit() or int(declared) > MAX_WEBHOOK_BYTES:
        return _answer(413, {"error": "payload too large"})
    payload = await request.body()
    if len(payload) > MAX_WEBHOOK_BYTES:
        return _answer(413, {"error": "payload too large"})
    signature = request.headers.get("stripe-signature", "")
    try:
        event = stripe_webhooks.verify(payload, signature)
    except stripe.SignatureVerificationError:
        logger.warning("stripe webhook refused: signature verification failed")
        return _answer(400, {"error": "signature verification failed"})
    except ValueError:  # not UTF-8, not JSON, not an event (and signed: Stripe's own bug)
        logger.warning("stripe webhook refused: payload is not a Stripe event")
        return _answer(400, {"error": "payload is not a Stripe event"})
    outcome = await apply_stripe_event(
        stripe_webhooks.events, stripe_webhooks.clock, event, stripe_webhooks.prices
    )
    logger.info("stripe event %s (%s): %s", event.event_id, event.event_type, outcome.value)
    return _answer(200, {"received": True, "outcome": outcome.value})
