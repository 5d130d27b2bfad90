"""The settings a test deployment needs reach the gateway: with billing configured, the app's
lifespan starts the meter-outbox drainer and stops it on shutdown (the drainer's ``start`` is
synchronous: awaiting it made the gateway fail to start whenever ``SHOPMCP_STRIPE_API_KEY`` was
set); the upstream read timeout reaches every upstream client."""

from __future__ import annotations

import asyncio

from dependency_injector import providers

from shopmcp_adapters.billing import OutboxDrainer, StripeMeter
from shopmcp_entrypoints.container import (
    build_container,
    provided,
    resolve,
)
from shopmcp_entrypoints.http.app import create_app
from tests.factories import World, billable_workspace, record_calls
from tests.fakes.stripe import FakeStripe
from tests.unit.entrypoints.harness import lifespan, settings, wire_world


async def test_the_lifespan_runs_the_drainer_from_start_to_shutdown() -> None:
    world = World()
    workspace = await billable_workspace(world.store, "cus_lifespan")
    records = await record_calls(world.store, workspace, ok=2)
    fake = FakeStripe()
    drainer = OutboxDrainer(world.store, StripeMeter(fake.client()), idle_interval=0.05)
    container = build_container(settings(stripe_api_key="sk_test_lifespan"))
    wire_world(container, world)
    container.outbox_drainer.override(providers.Object(drainer))

    async with lifespan(create_app(container.settings(), container)):
        assert drainer.running
        for _ in range(200):
            if world.store.unsent_count() == 0:
                break
            await asyncio.sleep(0.01)

    assert not drainer.running
    assert set(fake.accepted) == {str(r.usage_event_id) for r in records}
    assert world.store.unsent_count() == 0


async def test_the_upstream_read_timeout_setting_reaches_every_upstream_client() -> None:
    container = build_container(settings(upstream_read_timeout_seconds=1.5))
    try:
        clients = await provided(container.http_clients)
        assert clients
        assert {client.timeout.read for client in clients.values()} == {1.5}
        assert (await provided(container.oauth_http_client)).timeout.read == 1.5
    finally:
        await resolve(container.shutdown_resources)
