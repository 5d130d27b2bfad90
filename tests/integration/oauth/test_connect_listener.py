"""``shopmcp connect xero`` with no gateway running and a loopback redirect base: the command
serves the callback itself, once, on that address, and the browser's return connects the
organisation (a real socket; the authorization server is the in-process fake)."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from pydantic import SecretStr

from shopmcp_adapters.memory import FakeClock, FakeVault, InMemoryTenantStore
from shopmcp_adapters.upstreams.http import UpstreamHttp, build_async_client
from shopmcp_domain.oauth import StateSecret
from shopmcp_domain.platforms import Platform
from shopmcp_domain.services import onboarding
from shopmcp_entrypoints.commands import oauth_connect as command
from shopmcp_entrypoints.oauth_connect import OAuthConnector, oauth_clients
from shopmcp_entrypoints.settings import Settings
from tests.integration.oauth.conftest import free_port
from tests.oauth_fakes import (
    CLIENT_ID,
    CLIENT_SECRET,
    FakeAuthorizationServer,
    ProviderTransport,
    query_of,
)

pytestmark = pytest.mark.integration


async def test_without_a_gateway_the_command_listens_once_on_the_loopback_redirect() -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    assert not await command.gateway_answers(base)
    clock, store = FakeClock(), InMemoryTenantStore()
    xero = FakeAuthorizationServer(Platform.XERO)
    transport = ProviderTransport(xero)
    settings = Settings(
        host="127.0.0.1",
        port=port,
        xero_client_id=CLIENT_ID,
        xero_client_secret=SecretStr(CLIENT_SECRET),
    )
    connector = OAuthConnector(
        tenants=store,
        vault=FakeVault(),
        clock=clock,
        secret=StateSecret(b"l" * 32),
        clients=oauth_clients(
            settings,
            UpstreamHttp(platform="oauth", client=build_async_client(transport=transport)),
            clock,
        ),
    )
    workspace = await onboarding.create_workspace(store, clock, "Acme")
    lines: list[str] = []
    waiting = asyncio.create_task(
        command.connect_interactively(
            connector, settings, workspace.id, Platform.XERO, None, lines.append
        )
    )
    for _ in range(500):
        if any("listening on" in line for line in lines):
            break
        await asyncio.sleep(0.01)
    [url] = [line for line in lines if line.startswith("https://")]
    assert query_of(url)["redirect_uri"] == f"{base}/oauth/xero/callback"

    async with httpx.AsyncClient(transport=transport) as consent:
        location = (await consent.get(url)).headers["location"]
    async with httpx.AsyncClient() as browser:
        page = await browser.get(location)

    assert page.status_code == 200 and "Demo Company (NZ)" in page.text
    [connection] = await asyncio.wait_for(waiting, 10)
    assert connection.store_ref == xero.tenants[0].tenant_id
    # Served once: the listener is gone.
    assert not await command.gateway_answers(base)
    with pytest.raises(httpx.ConnectError):
        async with httpx.AsyncClient() as browser:
            await browser.get(location)
