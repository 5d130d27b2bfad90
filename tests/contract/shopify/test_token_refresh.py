"""Expiring offline tokens: refreshed before use when (nearly) expired, refreshed once on a 401,
re-sealed atomically with the rotated refresh token, and refreshed once for concurrent calls."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from typing import Any

import httpx
import pytest

from shopmcp_adapters.memory import FakeClock, FakeVault, InMemoryTenantStore
from shopmcp_adapters.upstreams.shopify import documents as docs
from shopmcp_domain.connections import Connection
from shopmcp_domain.credentials import CredentialPayload, EncryptionContext
from shopmcp_domain.errors import (
    UpstreamError,
    UpstreamResponseInvalid,
)
from shopmcp_domain.services.credentials import VaultCredentialLease
from shopmcp_domain.workspaces import Workspace
from tests.contract.shopify.helpers import (
    GRAPHQL_URL,
    NOW,
    TOKEN_URL,
    Upstream,
    assert_graphql_request,
    call,
    connection,
    make_module,
    respond,
)
from tests.factories import make_workspace

OLD = {
    "access_token": "shpat_old_access",
    "refresh_token": "shprt_old_refresh",
    "client_id": "client-123",
    "client_secret": "shpss_client_secret",
}
READ: tuple[str, dict[str, Any]] = ("shopify_list_orders", {})


class Store:
    def __init__(self, payload: dict[str, str]) -> None:
        self.tenants = InMemoryTenantStore()
        self.vault = FakeVault()
        self.workspace: Workspace = make_workspace()
        self.connection: Connection = connection()
        self.connection = Connection(
            id=self.connection.id,
            workspace_id=self.workspace.id,
            platform=self.connection.platform,
            store_ref=self.connection.store_ref,
            credential_id=self.connection.credential_id,
            created_at=NOW,
        )
        self.payload = payload

    @property
    def context(self) -> EncryptionContext:
        return EncryptionContext(self.workspace.id, self.connection.credential_id)

    async def setup(self) -> Store:
        sealed = await self.vault.seal(self.context, CredentialPayload(self.payload))
        async with self.tenants.unit_of_work(self.workspace.id) as uow:
            await uow.workspaces.add(self.workspace)
            await uow.connections.add(self.connection, sealed)
        return self

    def lease(self) -> VaultCredentialLease:
        return VaultCredentialLease(self.connection, self.vault, self.tenants)

    async def stored(self) -> CredentialPayload:
        async with self.tenants.unit_of_work(self.workspace.id) as uow:
            sealed = await uow.credentials.get(self.connection.credential_id)
        assert sealed is not None
        return await self.vault.open(self.context, sealed)


def expiring(expires_at: dt.datetime) -> dict[str, str]:
    return {**OLD, "expires_at": expires_at.isoformat()}


def route(graphql: list[httpx.Response], token: list[httpx.Response]) -> Upstream:
    """Answers GraphQL and token requests from separate scripts."""
    counts = {"graphql": 0, "token": 0}

    def handle(request: httpx.Request) -> httpx.Response:
        kind = "token" if str(request.url) == TOKEN_URL else "graphql"
        script = token if kind == "token" else graphql
        counts[kind] += 1
        return script[min(counts[kind], len(script)) - 1]

    return Upstream([handle])


def by_url(upstream: Upstream, url: str) -> list[httpx.Request]:
    return [r for r in upstream.requests if str(r.url) == url]


def assert_refresh_request(request: httpx.Request) -> None:
    assert request.method == "POST"
    assert str(request.url) == TOKEN_URL
    assert "X-Shopify-Access-Token" not in request.headers
    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(request.content) == {
        "client_id": "client-123",
        "client_secret": "shpss_client_secret",
        "grant_type": "refresh_token",
        "refresh_token": "shprt_old_refresh",
    }


async def assert_rotated(store: Store) -> None:
    stored = await store.stored()
    assert stored == CredentialPayload(
        {
            **OLD,
            "access_token": "shpat_fresh_access_token_2",
            "refresh_token": "shprt_fresh_refresh_token_2",
            "expires_at": (NOW + dt.timedelta(seconds=3600)).isoformat(),
            "refresh_token_expires_at": (NOW + dt.timedelta(seconds=7776000)).isoformat(),
        }
    )


async def test_expired_token_is_refreshed_then_used() -> None:
    store = await Store(expiring(NOW - dt.timedelta(minutes=1))).setup()
    upstream = route([respond("list_orders.200.json")], [respond("token_refresh.200.json")])

    await call(make_module(upstream), *READ, lease=store.lease(), conn=store.connection)

    assert [str(r.url) for r in upstream.requests] == [TOKEN_URL, GRAPHQL_URL]
    assert_refresh_request(upstream.requests[0])
    assert_graphql_request(
        upstream.requests[1],
        docs.LIST_ORDERS,
        {"first": 20, "after": None, "query": None},
        token="shpat_fresh_access_token_2",
    )
    await assert_rotated(store)


async def test_token_near_expiry_is_refreshed_early() -> None:
    store = await Store(expiring(NOW + dt.timedelta(minutes=2))).setup()
    upstream = route([respond("list_orders.200.json")], [respond("token_refresh.200.json")])
    await call(make_module(upstream), *READ, lease=store.lease(), conn=store.connection)
    assert len(by_url(upstream, TOKEN_URL)) == 1


async def test_fresh_expiring_token_is_used_as_is() -> None:
    store = await Store(expiring(NOW + dt.timedelta(minutes=50))).setup()
    upstream = route([respond("list_orders.200.json")], [respond("token_refresh.200.json")])
    await call(make_module(upstream), *READ, lease=store.lease(), conn=store.connection)
    assert by_url(upstream, TOKEN_URL) == []
    assert upstream.requests[0].headers["X-Shopify-Access-Token"] == "shpat_old_access"


async def test_401_with_expiring_token_refreshes_once_and_retries_once() -> None:
    store = await Store(expiring(NOW + dt.timedelta(minutes=50))).setup()
    upstream = route(
        [respond("unauthorized.401.json"), respond("update_order.200.json")],
        [respond("token_refresh.200.json")],
    )
    await call(
        make_module(upstream),
        "shopify_update_order",
        {"order_id": 1, "note": "x"},
        lease=store.lease(),
        conn=store.connection,
    )
    assert [str(r.url) for r in upstream.requests] == [GRAPHQL_URL, TOKEN_URL, GRAPHQL_URL]
    tokens = [r.headers["X-Shopify-Access-Token"] for r in by_url(upstream, GRAPHQL_URL)]
    assert tokens == ["shpat_old_access", "shpat_fresh_access_token_2"]
    await assert_rotated(store)


async def test_second_401_after_refresh_is_surfaced() -> None:
    store = await Store(expiring(NOW + dt.timedelta(minutes=50))).setup()
    upstream = route([respond("unauthorized.401.json")], [respond("token_refresh.200.json")])
    with pytest.raises(UpstreamError) as caught:
        await call(make_module(upstream), *READ, lease=store.lease(), conn=store.connection)
    assert caught.value.status == 401
    assert len(by_url(upstream, GRAPHQL_URL)) == 2
    assert len(by_url(upstream, TOKEN_URL)) == 1


async def test_rejected_refresh_is_surfaced_and_nothing_is_stored() -> None:
    store = await Store(expiring(NOW - dt.timedelta(minutes=1))).setup()
    rejected = httpx.Response(
        400,
        json={"error": "invalid_grant", "error_description": "The refresh token is invalid."},
    )
    upstream = route([respond("list_orders.200.json")], [rejected])
    with pytest.raises(UpstreamError) as caught:
        await call(make_module(upstream), *READ, lease=store.lease(), conn=store.connection)
    assert caught.value.status == 400
    assert "The refresh token is invalid." in caught.value.message
    assert by_url(upstream, GRAPHQL_URL) == []
    assert len(by_url(upstream, TOKEN_URL)) == 1  # a spent refresh token is never retried
    assert await store.stored() == CredentialPayload(store.payload)


@pytest.mark.parametrize(
    "body",
    [
        {"access_token": "a", "expires_in": 3600},
        {"access_token": "a", "refresh_token": "r"},
        {"access_token": "", "refresh_token": "r", "expires_in": 3600},
        {"access_token": "a", "refresh_token": "r", "expires_in": "3600"},
    ],
)
async def test_incomplete_refresh_response_stores_nothing(body: dict[str, Any]) -> None:
    store = await Store(expiring(NOW - dt.timedelta(minutes=1))).setup()
    upstream = route([respond("list_orders.200.json")], [httpx.Response(200, json=body)])
    with pytest.raises(UpstreamResponseInvalid):
        await call(make_module(upstream), *READ, lease=store.lease(), conn=store.connection)
    assert await store.stored() == CredentialPayload(store.payload)


async def test_concurrent_calls_refresh_once() -> None:
    store = await Store(expiring(NOW - dt.timedelta(minutes=1))).setup()
    upstream = route([respond("list_orders.200.json")], [respond("token_refresh.200.json")])
    module = make_module(upstream, clock=FakeClock(NOW))
    # Two requests, each with its own lease, both holding the stale token before either refreshes.
    leases = [store.lease(), store.lease()]
    for lease in leases:
        await lease.current()

    await asyncio.gather(
        *(call(module, *READ, lease=lease, conn=store.connection) for lease in leases)
    )

    assert len(by_url(upstream, TOKEN_URL)) == 1
    graphql = by_url(upstream, GRAPHQL_URL)
    assert len(graphql) == 2
    assert {r.headers["X-Shopify-Access-Token"] for r in graphql} == {"shpat_fresh_access_token_2"}
    await assert_rotated(store)


async def test_non_expiring_token_is_never_refreshed_even_on_401() -> None:
    store = await Store({"access_token": "shpat_forever"}).setup()
    upstream = route([respond("unauthorized.401.json")], [respond("token_refresh.200.json")])
    with pytest.raises(UpstreamError):
        await call(make_module(upstream), *READ, lease=store.lease(), conn=store.connection)
    assert by_url(upstream, TOKEN_URL) == []
    assert len(upstream.requests) == 1
