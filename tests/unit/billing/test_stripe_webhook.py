"""``POST /webhooks/stripe``: signatures verified by the stripe library (wrong secret, stale
timestamp and modified body refused), each event id applied once, subscriptions mapped to
plans on the workspace found by its Stripe customer."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import attrs
import httpx2
import pytest
from dependency_injector import providers

from shopmcp_adapters.memory.billing import InMemoryBillingEvents
from shopmcp_domain.plans import PlanTier
from shopmcp_domain.workspaces import Workspace
from shopmcp_entrypoints.container import build_container
from shopmcp_entrypoints.http.app import create_app
from tests.asgi import asgi_app
from tests.factories import World
from tests.unit.entrypoints.harness import BASE, lifespan, settings, wire_world

SECRET = "whsec_test_0123456789abcdef0123456789abcdef"
PRICES = {"brand": "price_brand_123", "portfolio": "price_portfolio_456", "solo": "price_solo_789"}
CUSTOMER = "cus_Acme0001"


@attrs.frozen
class Hook:
    world: World
    events: InMemoryBillingEvents
    http: httpx2.AsyncClient
    workspace: Workspace

    async def plan(self) -> PlanTier:
        async with self.world.store.unit_of_work(self.workspace.id) as uow:
            found = await uow.workspaces.get()
        assert found is not None
        return found.plan

    async def send(
        self,
        payload: bytes,
        *,
        secret: str = SECRET,
        at: int | None = None,
        body: bytes | None = None,
    ) -> httpx2.Response:
        return await self.http.post(
            "/webhooks/stripe",
            content=payload if body is None else body,
            headers={
                "content-type": "application/json",
                "stripe-signature": signature(payload, secret, at),
            },
        )


def signature(payload: bytes, secret: str, at: int | None = None) -> str:
    """Stripe's scheme: ``t=<unix time>,v1=<HMAC-SHA256 of "t.payload" under the secret>``."""
    timestamp = int(time.time()) if at is None else at
    signed = f"{timestamp}.".encode() + payload
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def subscription_event(
    event_id: str,
    kind: str = "created",
    price: str = PRICES["brand"],
    status: str = "active",
    customer: str = CUSTOMER,
) -> bytes:
    return json.dumps(
        {
            "id": event_id,
            "object": "event",
            "type": f"customer.subscription.{kind}",
            "data": {
                "object": {
                    "id": "sub_1",
                    "object": "subscription",
                    "customer": customer,
                    "status": status,
                    "items": {"object": "list", "data": [{"price": {"id": price}}]},
                }
            },
        }
    ).encode()


@pytest.fixture
async def hook() -> AsyncIterator[Hook]:
    world = World()
    workspace, _ = await world.tenant(plan=PlanTier.SOLO)
    async with world.store.unit_of_work(workspace.id) as uow:
        await uow.workspaces.update(workspace.set_billing_customer(CUSTOMER))
    events = InMemoryBillingEvents(world.store)
    container = build_container(
        settings(
            stripe_webhook_secret=SECRET,
            stripe_price_solo=PRICES["solo"],
            stripe_price_brand=PRICES["brand"],
            stripe_price_portfolio=PRICES["portfolio"],
        )
    )
    wire_world(container, world)
    container.billing_events.override(providers.Object(events))
    app = create_app(container.settings(), container)
    async with lifespan(app):
        transport = httpx2.ASGITransport(app=asgi_app(app))
        async with httpx2.AsyncClient(transport=transport, base_url=BASE) as http:
            yield Hook(world, events, http, workspace)


async def test_a_subscription_puts_the_workspace_on_its_plan(hook: Hook) -> None:
    answer = await hook.send(subscription_event("evt_1"))
    assert answer.status_code == 200
    assert answer.json() == {"received": True, "outcome": "plan changed"}
    assert await hook.plan() is PlanTier.BRAND
    upgraded = await hook.send(subscription_event("evt_2", "updated", PRICES["portfolio"]))
    assert upgraded.status_code == 200
    assert await hook.plan() is PlanTier.PORTFOLIO


async def test_a_deleted_or_lapsed_subscription_returns_to_the_smallest_plan(hook: Hook) -> None:
    await hook.send(subscription_event("evt_1"))
    await hook.send(subscription_event("evt_2", "updated", status="unpaid"))
    assert await hook.plan() is PlanTier.SOLO
    await hook.send(subscription_event("evt_3", "updated"))
    assert await hook.plan() is PlanTier.BRAND
    await hook.send(subscription_event("evt_4", "deleted", status="canceled"))
    assert await hook.plan() is PlanTier.SOLO


async def test_a_replayed_event_is_acknowledged_and_changes_nothing(hook: Hook) -> None:
    first = subscription_event("evt_once")
    assert (await hook.send(first)).status_code == 200
    assert await hook.plan() is PlanTier.BRAND
    # The operator moves the workspace back; a redelivery of the old event must not undo it.
    async with hook.world.store.unit_of_work(hook.workspace.id) as uow:
        found = await uow.workspaces.get()
        assert found is not None
        await uow.workspaces.update(found.change_plan(PlanTier.SOLO))
    replay = await hook.send(first)  # freshly signed: only the event id repeats
    assert replay.status_code == 200
    assert replay.json()["outcome"] == "replay: already processed"
    assert await hook.plan() is PlanTier.SOLO
    assert list(hook.events.processed) == ["evt_once"]


@pytest.mark.parametrize("attack", ["wrong secret", "stale timestamp", "modified body"])
async def test_a_forged_or_stale_event_is_refused_before_anything_happens(
    hook: Hook, attack: str
) -> None:
    payload = subscription_event("evt_forged", price=PRICES["portfolio"])
    attacks: dict[str, dict[str, Any]] = {
        "wrong secret": {"secret": "whsec_someone_else_0123456789abcdef012345"},
        "stale timestamp": {"at": int(time.time()) - 301},
        "modified body": {"body": payload.replace(b"active", b"trialing")},
    }
    kwargs = attacks[attack]
    answer = await hook.send(payload, **kwargs)
    assert answer.status_code == 400
    assert answer.json() == {"error": "signature verification failed"}
    assert await hook.plan() is PlanTier.SOLO
    assert hook.events.processed == {}


async def test_a_missing_signature_is_refused(hook: Hook) -> None:
    answer = await hook.http.post(
        "/webhooks/stripe",
        content=subscription_event("evt_1"),
        headers={"content-type": "application/json"},
    )
    assert answer.status_code == 400
    assert await hook.plan() is PlanTier.SOLO


@pytest.mark.parametrize(
    ("payload", "outcome"),
    [
        (json.dumps({"id": "evt_x", "type": "invoice.paid", "data": {}}).encode(), "not handled"),
        (subscription_event("evt_y", customer="cus_nobody"), "no workspace has this customer"),
        (subscription_event("evt_z", price="price_unsold"), "no plan has this price"),
    ],
)
async def test_what_cannot_apply_is_acknowledged_and_recorded(
    hook: Hook, payload: bytes, outcome: str
) -> None:
    answer = await hook.send(payload)
    assert answer.status_code == 200
    assert outcome in answer.json()["outcome"]
    assert await hook.plan() is PlanTier.SOLO
    assert len(hook.events.processed) == 1


async def test_without_a_secret_the_endpoint_is_unavailable() -> None:
    world = World()
    container = build_container(settings())
    wire_world(container, world)
    container.billing_events.override(providers.Object(InMemoryBillingEvents(world.store)))
    app = create_app(container.settings(), container)
    async with lifespan(app):
        transport = httpx2.ASGITransport(app=asgi_app(app))
        async with httpx2.AsyncClient(transport=transport, base_url=BASE) as http:
            payload = subscription_event("evt_1")
            answer = await http.post(
                "/webhooks/stripe",
                content=payload,
                headers={"stripe-signature": signature(payload, SECRET)},
            )
    assert answer.status_code == 503
