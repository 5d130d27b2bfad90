"""``GET /oauth/{platform}/callback`` on the gateway app (in-memory stores, fake Xero and Google
authorization servers in process): a browser that follows the authorization URL comes back and
the store is connected; replayed, expired, tampered and cross-platform states, a merchant who
says no and an unknown platform get a page saying so. No page and no log line holds the code,
the state or a token."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import attrs
import httpx
import pytest
from dependency_injector import providers
from pydantic import SecretStr

from shopmcp_adapters.upstreams.http import build_async_client
from shopmcp_domain.connections import Connection
from shopmcp_domain.errors import OAuthNotConfigured
from shopmcp_domain.ids import WorkspaceId
from shopmcp_domain.oauth import FLOW_LIFETIME
from shopmcp_domain.platforms import Platform
from shopmcp_entrypoints.container import (
    build_container,
    resolve,
)
from shopmcp_entrypoints.http.app import create_app
from shopmcp_entrypoints.oauth_connect import OAuthConnector
from tests.asgi import asgi_app
from tests.factories import World
from tests.oauth_fakes import (
    CLIENT_ID,
    CLIENT_SECRET,
    GOOGLE_HOSTS,
    XERO_HOSTS,
    FakeAuthorizationServer,
    ProviderTransport,
    Tenant,
    query_of,
)
from tests.unit.entrypoints.harness import BASE, lifespan, settings, wire_world

SECOND_ORG = Tenant("0e0a9c3a-2b8f-4c55-8d63-1f3f0a6c7d22", "Second Ltd")


@attrs.define
class OAuthGateway:
    world: World
    connector: OAuthConnector
    http: httpx.AsyncClient  # the browser, on the gateway
    providers: httpx.AsyncClient  # the browser, on the providers
    xero: FakeAuthorizationServer
    google: FakeAuthorizationServer
    workspace_id: WorkspaceId

    async def authorise(self, platform: str, store: str | None = None) -> str:
        """Start a flow and let the browser consent: the callback URL it is sent back to."""
        started = await self.connector.begin(self.workspace_id, platform, store)
        answer = await self.providers.get(started.authorization_url)
        assert answer.status_code == 302, answer.text
        location = answer.headers["location"]
        assert location.startswith(f"{BASE}/oauth/{platform}/callback?")
        return location

    async def connections(self) -> list[Connection]:
        async with self.world.store.unit_of_work(self.workspace_id) as uow:
            return list(await uow.connections.list())


@asynccontextmanager
async def oauth_gateway(**overrides: Any) -> AsyncIterator[OAuthGateway]:
    world = World()
    xero = FakeAuthorizationServer(Platform.XERO)
    google = FakeAuthorizationServer(Platform.GOOGLE)
    values: dict[str, Any] = {
        "xero_client_id": CLIENT_ID,
        "xero_client_secret": SecretStr(CLIENT_SECRET),
        "google_client_id": CLIENT_ID,
        "google_client_secret": SecretStr(CLIENT_SECRET),
        "oauth_state_secret": SecretStr("state-secret-for-tests-0123456789abcdef"),
        # In process, no DNS: the SSRF guard's early check lets the providers' hosts through.
        "upstream_allowed_hosts": sorted(XERO_HOSTS | GOOGLE_HOSTS),
        **overrides,
    }
    container = build_container(settings(**values))
    wire_world(container, world)
    container.upstreams.override(providers.Object({}))
    transport = ProviderTransport(xero, google)
    container.oauth_http_client.override(providers.Object(build_async_client(transport=transport)))
    app = create_app(container.settings(), container)
    workspace, _ = await world.tenant(platforms=())
    async with (
        lifespan(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=asgi_app(app)), base_url=BASE) as http,
        httpx.AsyncClient(transport=transport) as browser,
    ):
        connector = await resolve(container.oauth_connector)
        yield OAuthGateway(world, connector, http, browser, xero, google, workspace.id)


@pytest.fixture
async def gw() -> AsyncIterator[OAuthGateway]:
    async with oauth_gateway() as gateway:
        yield gateway


def assert_no_secrets(text: str, callback: str, fake: FakeAuthorizationServer) -> None:
    query = query_of(callback)
    for value in (query.get("code"), query.get("state"), CLIENT_SECRET):
        if value:
            assert value not in text
    for token in [*fake.access_tokens, *fake.refresh_tokens]:
        assert token not in text


async def test_a_xero_callback_connects_the_organisation_and_says_so(
    gw: OAuthGateway, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    callback = await gw.authorise("xero")

    page = await gw.http.get(callback)

    assert page.status_code == 200, page.text
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["referrer-policy"] == "no-referrer"
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert "Connected" in page.text and "Demo Company (NZ)" in page.text
    [connection] = await gw.connections()
    assert connection.platform is Platform.XERO
    assert connection.store_ref == "6b4bd0d4-1e0a-4f1b-9e58-6c2f1d0a9b01"
    assert connection.display_name == "Demo Company (NZ)"
    assert "offline_access" in connection.scopes
    # PKCE was checked by the fake (a wrong verifier is invalid_grant) and one code was spent.
    [exchange] = gw.xero.token_requests
    assert exchange.grant_type == "authorization_code"
    assert all(issued.used for issued in gw.xero.codes.values())
    assert_no_secrets(page.text, callback, gw.xero)
    assert_no_secrets(caplog.text, callback, gw.xero)
    assert "oauth callback connected: platform=xero" in caplog.text


async def test_a_google_callback_connects_the_account(gw: OAuthGateway) -> None:
    callback = await gw.authorise("google")
    page = await gw.http.get(callback)
    assert page.status_code == 200, page.text
    assert "owner@example.com" in page.text
    [connection] = await gw.connections()
    assert (connection.platform, connection.store_ref) == (Platform.GOOGLE, gw.google.google_sub)
    assert_no_secrets(page.text, callback, gw.google)


async def test_a_replayed_callback_is_refused(gw: OAuthGateway) -> None:
    callback = await gw.authorise("xero")
    assert (await gw.http.get(callback)).status_code == 200
    again = await gw.http.get(callback)
    assert again.status_code == 400
    assert "already used" in again.text
    assert len(gw.xero.token_requests) == 1
    assert_no_secrets(again.text, callback, gw.xero)


async def test_an_expired_callback_is_refused(gw: OAuthGateway) -> None:
    callback = await gw.authorise("xero")
    gw.world.clock.advance(FLOW_LIFETIME.total_seconds() + 1)
    page = await gw.http.get(callback)
    assert page.status_code == 400 and "expired" in page.text
    assert gw.xero.token_requests == [] and await gw.connections() == []


async def test_a_tampered_state_is_refused(gw: OAuthGateway) -> None:
    callback = await gw.authorise("xero")
    state = query_of(callback)["state"]
    forged = state[:-2] + ("AA" if not state.endswith("AA") else "BB")
    page = await gw.http.get(callback.replace(state, forged))
    assert page.status_code == 400 and "not valid" in page.text
    assert gw.xero.token_requests == []


async def test_a_state_brought_to_another_platforms_callback_is_refused(gw: OAuthGateway) -> None:
    callback = await gw.authorise("xero")
    page = await gw.http.get(callback.replace("/oauth/xero/", "/oauth/google/"))
    assert page.status_code == 400 and "started for xero" in page.text
    assert gw.xero.token_requests == [] and gw.google.token_requests == []


async def test_access_denied_at_the_provider_gets_a_page_saying_so(gw: OAuthGateway) -> None:
    gw.xero.deny = True
    callback = await gw.authorise("xero")
    assert query_of(callback)["error"] == "access_denied"
    page = await gw.http.get(callback)
    assert page.status_code == 400
    assert "access was not granted at xero" in page.text
    assert gw.xero.token_requests == [] and await gw.connections() == []


async def test_several_organisations_and_none_chosen_ask_for_a_choice(gw: OAuthGateway) -> None:
    gw.xero.tenants.append(SECOND_ORG)
    page = await gw.http.get(await gw.authorise("xero"))
    assert page.status_code == 400
    assert "Second Ltd (0e0a9c3a-2b8f-4c55-8d63-1f3f0a6c7d22)" in page.text
    assert await gw.connections() == []
    # Chosen in advance: that one is connected.
    chosen = await gw.http.get(await gw.authorise("xero", SECOND_ORG.tenant_id))
    assert chosen.status_code == 200 and "Second Ltd" in chosen.text
    [connection] = await gw.connections()
    assert connection.store_ref == SECOND_ORG.tenant_id


async def test_an_unknown_platform_or_a_doubled_parameter_is_refused(gw: OAuthGateway) -> None:
    unknown = await gw.http.get("/oauth/shopify/callback?code=x&state=y")
    assert unknown.status_code == 404 and "not found" in unknown.text
    callback = await gw.authorise("xero")
    doubled = await gw.http.get(callback + "&state=other")
    assert doubled.status_code == 400 and "twice" in doubled.text
    # Neither used the flow up.
    assert (await gw.http.get(callback)).status_code == 200


async def test_a_provider_without_client_settings_is_refused_before_any_flow() -> None:
    async with oauth_gateway(google_client_id=None, google_client_secret=None) as gw:
        with pytest.raises(OAuthNotConfigured) as caught:
            await gw.connector.begin(gw.workspace_id, "google")
        assert caught.value.message == (
            "google cannot be connected: this gateway has no OAuth client for it (the operator "
            "must set SHOPMCP_GOOGLE_CLIENT_ID and SHOPMCP_GOOGLE_CLIENT_SECRET)"
        )
        async with gw.world.store.unit_of_work(gw.workspace_id) as uow:
            assert await uow.oauth_flows.purge(gw.world.clock.now().replace(year=2100)) == 0
