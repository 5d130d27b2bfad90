"""The gateway app over an in-process ASGI transport, on the in-memory fakes.

The app's lifespan runs for real (the container resolves the overridden providers, the session
manager is entered once); requests go through httpx2's ASGITransport, so no socket is opened.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import attrs
import httpx2
from dependency_injector import providers
from litestar import Litestar
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from shopmcp_domain.platforms import Platform
from shopmcp_domain.services.readiness import ReadinessChecks
from shopmcp_entrypoints.container import (
    Container,
    build_container,
)
from shopmcp_entrypoints.http.app import create_app
from shopmcp_entrypoints.settings import Settings
from tests.asgi import Message, asgi_app
from tests.factories import World

BASE = "http://127.0.0.1:8000"


@asynccontextmanager
async def lifespan(app: Litestar) -> AsyncIterator[None]:
    """Drive the ASGI lifespan protocol the way a server does."""
    to_app: asyncio.Queue[Message] = asyncio.Queue()
    from_app: asyncio.Queue[Message] = asyncio.Queue()
    scope = {"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}

    async def serve() -> None:
        await asgi_app(app)(scope, to_app.get, from_app.put)

    task = asyncio.create_task(serve())
    await to_app.put({"type": "lifespan.startup"})
    started = await from_app.get()
    assert started["type"] == "lifespan.startup.complete", started
    try:
        yield
    finally:
        await to_app.put({"type": "lifespan.shutdown"})
        stopped = await from_app.get()
        assert stopped["type"] == "lifespan.shutdown.complete", stopped
        await task


@attrs.define
class Gateway:
    world: World
    app: Litestar
    http: httpx2.AsyncClient

    def url(self, token: str | None) -> str:
        return f"{BASE}/mcp/{token}" if token else f"{BASE}/mcp"

    def client(self, token: str, mode: str = "legacy", **kwargs: Any) -> Client:
        transport = streamable_http_client(self.url(token), http_client=self.http)
        return Client(transport, mode=mode, cache=None, **kwargs)

    async def post(
        self, path: str, payload: Any = None, headers: dict[str, str] | None = None, **kw: Any
    ) -> httpx2.Response:
        base_headers = {
            "content-type": "application/json",
            "accept": "application/json, text/event-stream",
            "mcp-protocol-version": "2025-11-25",
        }
        if payload is not None:
            kw["json"] = payload
        return await self.http.post(BASE + path, headers={**base_headers, **(headers or {})}, **kw)


def settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {"max_request_bytes": 4096, **overrides}
    return Settings(**values)


def wire_world(container: Container, world: World) -> None:
    """Every port the app resolves, served by the world's fakes."""
    container.clock.override(providers.Object(world.clock))
    container.tenants.override(providers.Object(world.store))
    container.mcp_tenants.override(providers.Object(world.store))
    container.runtime_store.override(providers.Object(world.store))
    container.confirmations.override(providers.Object(world.confirmations))
    container.write_approvals.override(providers.Object(world.confirmations))
    # Uncached here: the tests change rows mid-test; the cache has its own tests.
    container.scope_source.override(providers.Object(world.store))
    container.meter_outbox.override(providers.Object(world.store))
    container.vault.override(providers.Object(world.vault))
    container.rate_limiter.override(providers.Object(world.limiter))
    container.quota_counter.override(providers.Object(world.quota))
    container.tool_registry.override(providers.Object(world.registry))
    container.upstreams.override(providers.Object({p: world.upstream for p in Platform}))
    container.writes_locked.override(providers.Object(world.writes_locked))
    container.outbox_drainer.override(providers.Object(None))
    container.outbox_backlog.override(providers.Object(world.store))
    container.readiness_probes.override(providers.Object(ReadinessChecks(tuple(world.readiness))))


@asynccontextmanager
async def running_gateway(world: World, **overrides: Any) -> AsyncIterator[Gateway]:
    container = build_container(settings(**overrides))
    wire_world(container, world)
    app = create_app(container.settings(), container)
    async with lifespan(app):
        transport = httpx2.ASGITransport(app=asgi_app(app))
        async with httpx2.AsyncClient(transport=transport, base_url=BASE) as http:
            yield Gateway(world=world, app=app, http=http)
