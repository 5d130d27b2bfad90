"""Shopify's OAuth install from the API: the authorization URL, then the callback Shopify sends
the browser to. The callback's HMAC is checked before anything else (a tampered query, or one
for another shop, exchanges no code), its state is used once, the code is exchanged for an
expiring offline token with a refresh token, and a grant short of the scopes asked connects
nothing."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import attrs
import httpx
import pytest
from dependency_injector import providers
from pydantic import SecretStr

from shopmcp_adapters.upstreams.http import UpstreamHttp
from shopmcp_adapters.upstreams.shopify_install import (
    ShopifyApp,
    missing_scopes,
    sign_query,
    verify_callback,
)
from shopmcp_domain.errors import OAuthFlowRefused
from shopmcp_domain.ids import WorkspaceId
from shopmcp_domain.oauth import StateSecret
from shopmcp_domain.platforms import Platform
from shopmcp_entrypoints.container import Container
from shopmcp_entrypoints.oauth_connect import redirect_uri
from shopmcp_entrypoints.shopify_connect import ShopifyInstalls
from tests.factories import World
from tests.unit.api.harness import Api, running_api
from tests.unit.entrypoints.harness import settings

CLIENT_ID = "shopify-client-id"
CLIENT_SECRET = "shopify-client-secret-0123456789"
STATE_SECRET = "state-secret-for-the-api-tests-0123456789"
SCOPES = ["read_products", "read_orders"]


@attrs.define
class FakeShopify:
    """Shopify's token endpoint for every shop: one code per install, spent by use."""

    granted: str = "read_products,write_orders"
    requests: list[dict[str, Any]] = attrs.Factory(list)
    spent: set[str] = attrs.Factory(set)

    def handle(self, request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/admin/oauth/access_token"
        body = json.loads(request.content)
        self.requests.append({"shop": request.url.host, **body})
        if body["client_secret"] != CLIENT_SECRET or body["code"] in self.spent:
            return httpx.Response(400, json={"error": "invalid_request"})
        self.spent.add(body["code"])
        assert body["expiring"] == 1
        return httpx.Response(
            200,
            json={
                "access_token": "shpua_fresh_access",
                "scope": self.granted,
                "expires_in": 3600,
                "refresh_token": "shprt_fresh_refresh",
                "refresh_token_expires_in": 7_776_000,
            },
        )


@attrs.define
class Install:
    api: Api
    shopify: FakeShopify
    token: str
    workspace: str

    async def start(self, shop: str = "acme.myshopify.com") -> str:
        started = await self.api.call(
            "POST",
            f"/api/v1/workspaces/{self.workspace}/connections/shopify/install",
            self.token,
            json={"shop": shop},
        )
        assert started.status_code == 201, started.text
        url = urlsplit(str(started.json()["authorization_url"]))
        assert url.netloc == shop and url.path == "/admin/oauth/authorize"
        query: dict[str, str] = dict(parse_qsl(url.query))
        assert query["client_id"] == CLIENT_ID and query["scope"] == ",".join(SCOPES)
        assert query["redirect_uri"].endswith("/oauth/shopify/callback")
        return query["state"]

    def callback(self, state: str, shop: str = "acme.myshopify.com", code: str = "c0de") -> str:
        query = [
            ("code", code),
            ("host", "YWRtaW4uc2hvcGlmeS5jb20vc3RvcmUvYWNtZQ"),
            ("shop", shop),
            ("state", state),
            ("timestamp", "1337178173"),
        ]
        signed = [*query, ("hmac", sign_query(query, CLIENT_SECRET))]
        return "/oauth/shopify/callback?" + urlencode(signed)

    async def connections(self) -> list[dict[str, Any]]:
        listed = await self.api.call(
            "GET", f"/api/v1/workspaces/{self.workspace}/connections", self.token
        )
        result: list[dict[str, Any]] = listed.json()
        return result


@pytest.fixture
async def install() -> AsyncIterator[Install]:
    shopify = FakeShopify()
    world = World()
    overrides: dict[str, Any] = {
        "shopify_client_id": CLIENT_ID,
        "shopify_client_secret": SecretStr(CLIENT_SECRET),
        "shopify_scopes": SCOPES,
        "oauth_state_secret": SecretStr(STATE_SECRET),
    }
    installs = ShopifyInstalls(
        tenants=world.store,
        vault=world.vault,
        clock=world.clock,
        secret=StateSecret.from_text(STATE_SECRET),
        # Shopify's token endpoint, in process: no DNS, so no SSRF guard to ask.
        http=UpstreamHttp(
            platform="shopify",
            client=httpx.AsyncClient(transport=httpx.MockTransport(shopify.handle)),
        ),
        app=ShopifyApp(
            CLIENT_ID,
            CLIENT_SECRET,
            redirect_uri(settings(**overrides), Platform.SHOPIFY),
            tuple(SCOPES),
        ),
    )

    def configure(container: Container) -> None:
        container.shopify_installs.override(providers.Object(installs))

    async with running_api(world, configure, **overrides) as api:
        token = await api.sign_in("owner@example.com")
        workspace = await api.workspace(token)
        yield Install(api, shopify, token, workspace)


async def test_an_install_connects_the_store_with_an_expiring_offline_token(
    install: Install,
) -> None:
    state = await install.start()
    page = await install.api.http.get(install.callback(state))
    assert page.status_code == 200, page.text
    assert "Connected" in page.text and "shpua_" not in page.text
    [connection] = await install.connections()
    assert connection["platform"] == "shopify" and connection["store"] == "acme.myshopify.com"
    assert set(connection["scopes"]) == {"read_products", "write_orders"}
    [request] = install.shopify.requests
    assert request["shop"] == "acme.myshopify.com" and request["expiring"] == 1
    # The sealed credential is what the Shopify client refreshes itself.
    async with install.api.world.store.unit_of_work(
        WorkspaceId(uuid.UUID(install.workspace))
    ) as uow:
        [sealed] = await uow.credentials.list()
        [stored] = await uow.connections.list()
    opened = await install.api.world.vault.open(stored.credential_context, sealed)
    assert opened["refresh_token"] == "shprt_fresh_refresh"
    assert opened["client_id"] == CLIENT_ID and opened["expires_at"]


async def test_a_tampered_query_is_refused_before_any_exchange(install: Install) -> None:
    state = await install.start()
    callback = install.callback(state).replace("code=c0de", "code=other")
    page = await install.api.http.get(callback)
    assert page.status_code == 400 and "does not come from Shopify" in page.text
    assert install.shopify.requests == [] and await install.connections() == []
    # The signature is checked first: the flow is still there for the real callback.
    assert (await install.api.http.get(install.callback(state))).status_code == 200


async def test_a_signed_callback_for_another_shop_is_refused(install: Install) -> None:
    state = await install.start("acme.myshopify.com")
    page = await install.api.http.get(install.callback(state, shop="other.myshopify.com"))
    assert page.status_code == 400 and "started for acme.myshopify.com" in page.text
    assert install.shopify.requests == [] and await install.connections() == []


async def test_a_replayed_state_is_refused(install: Install) -> None:
    state = await install.start()
    assert (await install.api.http.get(install.callback(state))).status_code == 200
    again = await install.api.http.get(install.callback(state, code="c0de2"))
    assert again.status_code == 400 and "already used" in again.text
    assert len(install.shopify.requests) == 1


async def test_a_grant_short_of_the_scopes_asked_connects_nothing(install: Install) -> None:
    install.shopify.granted = "read_products"
    state = await install.start()
    page = await install.api.http.get(install.callback(state))
    assert page.status_code == 422 and "read_orders" in page.text
    assert await install.connections() == []


async def test_only_myshopify_domains_are_installed(install: Install) -> None:
    refused = await install.api.call(
        "POST",
        f"/api/v1/workspaces/{install.workspace}/connections/shopify/install",
        install.token,
        json={"shop": "evil.example.com"},
    )
    assert refused.status_code == 422 and refused.json()["code"] == "invalid_request"


def test_the_hmac_covers_every_parameter_and_no_shop_but_myshopify() -> None:
    query = [("code", "a"), ("shop", "acme.myshopify.com"), ("state", "s"), ("timestamp", "1")]
    signed = [*query, ("hmac", sign_query(query, CLIENT_SECRET))]
    assert verify_callback(signed, CLIENT_SECRET) == "acme.myshopify.com"
    for tampered in (
        [(k, v + "x" if k == "timestamp" else v) for k, v in signed],
        [*signed, ("extra", "1")],
        [p for p in signed if p[0] != "state"],
        [*signed, ("code", "a")],
    ):
        with pytest.raises(OAuthFlowRefused):
            verify_callback(tampered, CLIENT_SECRET)
    with pytest.raises(OAuthFlowRefused):
        verify_callback(signed, "another-secret-0123456789abcdef")
    foreign = [("code", "a"), ("shop", "evil.example.com"), ("state", "s")]
    with pytest.raises(OAuthFlowRefused):
        verify_callback([*foreign, ("hmac", sign_query(foreign, CLIENT_SECRET))], CLIENT_SECRET)


def test_a_write_scope_covers_its_read() -> None:
    assert missing_scopes(["read_orders", "read_products"], ["write_orders"]) == ["read_products"]
    assert missing_scopes(["write_orders"], ["read_orders"]) == ["write_orders"]
