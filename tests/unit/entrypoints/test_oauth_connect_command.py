"""``shopmcp connect xero|google``: the command dispatches OAuth platforms to the flow, prints
the authorization URL, waits for the gateway to record the outcome (or completes a pasted
redirect URL itself) and prints the connection made, or why none was."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import attrs
import httpx
import pytest
from pydantic import SecretStr
from typer.testing import CliRunner

from shopmcp_adapters.memory import FakeClock, FakeVault, InMemoryTenantStore
from shopmcp_adapters.upstreams.http import UpstreamHttp, build_async_client
from shopmcp_domain.errors import OAuthFlowRefused
from shopmcp_domain.ids import WorkspaceId
from shopmcp_domain.oauth import FLOW_LIFETIME, StateSecret
from shopmcp_domain.platforms import Platform
from shopmcp_domain.services import onboarding
from shopmcp_entrypoints.cli import app
from shopmcp_entrypoints.commands import connection
from shopmcp_entrypoints.commands import oauth_connect as command
from shopmcp_entrypoints.oauth_connect import OAuthConnector, oauth_clients
from shopmcp_entrypoints.settings import Settings
from tests.oauth_fakes import (
    CLIENT_ID,
    CLIENT_SECRET,
    FakeAuthorizationServer,
    ProviderTransport,
    query_of,
)

BASE = "https://gateway.example.com"


@attrs.define
class Cli:
    settings: Settings
    connector: OAuthConnector
    clock: FakeClock
    browser: httpx.AsyncClient
    xero: FakeAuthorizationServer
    workspace_id: WorkspaceId
    lines: list[str] = attrs.Factory(list)

    async def url_printed(self) -> str:
        for _ in range(200):
            urls = [line for line in self.lines if line.startswith("https://login.xero.com/")]
            if urls:
                return urls[0]
            await asyncio.sleep(0.01)
        raise AssertionError(f"no URL printed: {self.lines}")

    async def consent(self, url: str) -> str:
        answer = await self.browser.get(url)
        assert answer.status_code == 302
        return answer.headers["location"]


@pytest.fixture
async def cli() -> AsyncIterator[Cli]:
    clock, store, vault = FakeClock(), InMemoryTenantStore(), FakeVault()
    xero = FakeAuthorizationServer(Platform.XERO)
    transport = ProviderTransport(xero)
    settings = Settings(
        oauth_redirect_base_url=BASE,
        xero_client_id=CLIENT_ID,
        xero_client_secret=SecretStr(CLIENT_SECRET),
    )
    http = UpstreamHttp(platform="oauth", client=build_async_client(transport=transport))
    connector = OAuthConnector(
        tenants=store,
        vault=vault,
        clock=clock,
        secret=StateSecret(b"c" * 32),
        clients=oauth_clients(settings, http, clock),
    )
    workspace = await onboarding.create_workspace(store, clock, "Acme")
    async with httpx.AsyncClient(transport=transport) as browser:
        yield Cli(settings, connector, clock, browser, xero, workspace.id)


async def test_the_command_waits_for_the_gateway_to_record_the_connection(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def gateway_up(base: str) -> bool:
        assert base == BASE
        return True

    monkeypatch.setattr(command, "gateway_answers", gateway_up)
    monkeypatch.setattr(command, "POLL_SECONDS", 0.01)
    waiting = asyncio.create_task(
        command.connect_interactively(
            cli.connector, cli.settings, cli.workspace_id, Platform.XERO, None, cli.lines.append
        )
    )
    url = await cli.url_printed()
    assert query_of(url)["redirect_uri"] == f"{BASE}/oauth/xero/callback"
    callback = query_of(await cli.consent(url))
    # What the running gateway does when the browser arrives:
    await cli.connector.complete("xero", state=callback["state"], code=callback["code"])

    [connection] = await asyncio.wait_for(waiting, 5)
    assert connection.display_name == "Demo Company (NZ)"
    assert any("Waiting for the gateway" in line for line in cli.lines)
    assert "Demo Company (NZ)" in command.describe(connection)


async def test_the_command_reports_why_the_gateway_connected_nothing(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def gateway_up(base: str) -> bool:
        return True

    monkeypatch.setattr(command, "gateway_answers", gateway_up)
    cli.xero.deny = True
    waiting = asyncio.create_task(
        command.connect_interactively(
            cli.connector, cli.settings, cli.workspace_id, Platform.XERO, None, cli.lines.append
        )
    )
    callback = query_of(await cli.consent(await cli.url_printed()))
    with pytest.raises(OAuthFlowRefused, match="access was not granted"):
        await cli.connector.complete(
            "xero", state=callback["state"], code=None, error="access_denied"
        )
    with pytest.raises(command.ConnectFailed, match="access was not granted at xero"):
        await asyncio.wait_for(waiting, 5)


async def test_the_command_gives_up_when_no_callback_comes_before_expiry(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def gateway_up(base: str) -> bool:
        return True

    monkeypatch.setattr(command, "gateway_answers", gateway_up)
    monkeypatch.setattr(command, "POLL_SECONDS", 0.01)
    waiting = asyncio.create_task(
        command.connect_interactively(
            cli.connector, cli.settings, cli.workspace_id, Platform.XERO, None, cli.lines.append
        )
    )
    await cli.url_printed()
    cli.clock.advance(FLOW_LIFETIME.total_seconds() + command.GRACE_SECONDS + 1)
    with pytest.raises(command.ConnectFailed, match="expired"):
        await asyncio.wait_for(waiting, 5)


async def test_a_pasted_redirect_url_completes_the_flow(cli: Cli) -> None:
    started = await cli.connector.begin(cli.workspace_id, "xero")
    redirect = await cli.consent(started.authorization_url)

    [connection] = await command.connect_from_redirect(
        cli.connector, cli.workspace_id, Platform.XERO, redirect
    )

    assert connection.store_ref == cli.xero.tenants[0].tenant_id
    with pytest.raises(command.ConnectFailed, match="already used"):
        await command.connect_from_redirect(
            cli.connector, cli.workspace_id, Platform.XERO, redirect
        )


async def test_a_pasted_redirect_url_of_another_workspace_is_refused(cli: Cli) -> None:
    started = await cli.connector.begin(cli.workspace_id, "xero")
    redirect = await cli.consent(started.authorization_url)
    other = WorkspaceId(uuid.uuid4())
    with pytest.raises(command.ConnectFailed, match="another workspace"):
        await command.connect_from_redirect(cli.connector, other, Platform.XERO, redirect)
    assert cli.xero.token_requests == []


# --------------------------------------------------------------------------- the typer command


def test_connect_xero_runs_the_oauth_flow(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(connection, "run_oauth_connect", lambda *args: calls.append(args))
    workspace = str(uuid.uuid4())
    result = CliRunner().invoke(app, ["connect", "xero", "--workspace", workspace])
    assert result.exit_code == 0, result.output
    [(settings, platform, ws, store, redirect)] = calls
    assert (platform, str(ws), store, redirect) == (Platform.XERO, workspace, None, None)
    assert isinstance(settings, Settings)

    result = CliRunner().invoke(
        app, ["connect", "google", "--workspace", workspace, "--redirect-url", "https://x/?a=b"]
    )
    assert result.exit_code == 0, result.output
    assert calls[-1][1:] == (Platform.GOOGLE, uuid.UUID(workspace), None, "https://x/?a=b")


def test_connect_xero_takes_no_credential_fields(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(connection, "run_oauth_connect", lambda *args: pytest.fail("ran"))
    result = CliRunner().invoke(
        app, ["connect", "xero", "--workspace", str(uuid.uuid4()), "--field", "client_id=x"]
    )
    assert result.exit_code != 0
    assert "OAuth" in result.output


def test_a_token_platform_still_needs_its_store_and_takes_no_redirect_url(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SHOPMCP_CONNECT_ACCESS_TOKEN", "shpat_x")
    ws = str(uuid.uuid4())
    missing = CliRunner().invoke(app, ["connect", "shopify", "--workspace", ws])
    assert missing.exit_code != 0 and "--store" in missing.output
    redirected = CliRunner().invoke(
        app,
        [
            "connect",
            "shopify",
            "--workspace",
            ws,
            "--store",
            "a.myshopify.com",
            "--redirect-url",
            "x",
        ],
    )
    assert redirected.exit_code != 0 and "OAuth" in redirected.output


def test_the_connect_help_renders() -> None:
    result = CliRunner().invoke(app, ["connect", "--help"])
    assert result.exit_code == 0, result.output
    assert "--redirect-url" in result.output
