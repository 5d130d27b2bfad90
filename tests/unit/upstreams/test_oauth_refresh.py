"""Expiring OAuth tokens through real ``tools/call``s (in-memory store and vault, the fake Xero
authorization server in process): a fresh token is reused, an expired one is refreshed once
however many calls need it, the rotated refresh token is re-sealed and stored, and a revoked
grant marks the connection, answers a clear tool error and is asked about exactly once."""

from __future__ import annotations

import asyncio
import datetime as dt

import attrs
import httpx
import pytest

from shopmcp_adapters.memory import FakeClock
from shopmcp_adapters.upstreams.http import UpstreamHttp, build_async_client
from shopmcp_adapters.upstreams.oauth2 import OAuthClient, OAuthClientConfig
from shopmcp_adapters.upstreams.xero.oauth import XERO_OAUTH
from shopmcp_domain.connections import Connection, ConnectionStatus
from shopmcp_domain.credentials import CredentialPayload
from shopmcp_domain.errors import (
    ReauthorizationRequired,
    ToolNotAllowed,
    UsageStatus,
)
from shopmcp_domain.keys import IssuedKey
from shopmcp_domain.oauth import StateSecret
from shopmcp_domain.platforms import Platform
from shopmcp_domain.ports import ToolOutput
from shopmcp_domain.services import oauth as flows
from shopmcp_domain.services import onboarding
from shopmcp_domain.services.call_tool import ToolCallDeps, call_tool
from shopmcp_domain.services.scope import RequestScope
from shopmcp_domain.tools.registry import ToolRegistry
from shopmcp_entrypoints.http.mcp_replies import error_message
from tests.asgi import asgi_app
from tests.factories import ADMITTED, World
from tests.oauth_fakes import CLIENT_ID, CLIENT_SECRET, FakeAuthorizationServer, query_of
from tests.oauth_tool import TOOL, probe_module, tools

CALLS = 20
REDIRECT = "https://gateway.example.com/oauth/xero/callback"


@attrs.define
class Setup:
    world: World
    fake: FakeAuthorizationServer
    oauth: OAuthClient
    deps: ToolCallDeps
    issued: IssuedKey
    connection: Connection

    async def call(self, scope: RequestScope | None = None) -> ToolOutput:
        scope = scope or await self.world.scope(self.issued.token)  # a request, its own lease
        return await call_tool(self.deps, scope, ADMITTED, TOOL, {})

    async def simultaneous(self, n: int) -> list[ToolOutput | BaseException]:
        """``n`` requests that all authenticated before any of them called the tool."""
        scopes = [await self.world.scope(self.issued.token) for _ in range(n)]
        return await asyncio.gather(*(self.call(sc) for sc in scopes), return_exceptions=True)

    async def stored(self) -> tuple[Connection, CredentialPayload]:
        async with self.world.store.unit_of_work(self.connection.workspace_id) as uow:
            connection = await uow.connections.get(self.connection.id)
            sealed = await uow.credentials.get(self.connection.credential_id)
        assert connection is not None and sealed is not None
        return connection, await self.world.vault.open(connection.credential_context, sealed)


async def setup(expires_in: dt.timedelta) -> Setup:
    world = World(clock=FakeClock(dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)))
    world.registry = ToolRegistry(tools.specs)
    fake = FakeAuthorizationServer(Platform.XERO, token_delay=0.05)
    client = build_async_client(transport=httpx.ASGITransport(app=asgi_app(fake.app())))
    http = UpstreamHttp(platform="xero", client=client)
    oauth = OAuthClient(
        XERO_OAUTH, http, world.clock, OAuthClientConfig(CLIENT_ID, CLIENT_SECRET, REDIRECT)
    )
    workspace, issued = await world.tenant(platforms=())
    payload = CredentialPayload(
        {
            "access_token": "at-original",
            "refresh_token": fake.issue_refresh_token(),
            "expires_at": (world.clock.now() + expires_in).isoformat(),
            "scopes": "offline_access accounting.reports.read",
        }
    )
    # The access token the tool presents must be one the fake knows.
    fake.access_tokens["at-original"] = ""
    connection = await onboarding.connect_store(
        world.store,
        world.vault,
        world.clock,
        workspace.id,
        Platform.XERO,
        "6b4bd0d4-1e0a-4f1b-9e58-6c2f1d0a9b01",
        payload,
    )
    deps = ToolCallDeps(
        clock=world.clock,
        audit=world.store,
        upstreams={Platform.XERO: probe_module(oauth, http, world.clock)},
        quota=world.quota,
        confirmations=world.confirmations,
    )
    return Setup(world, fake, oauth, deps, issued, connection)


async def test_a_fresh_access_token_is_reused_without_a_token_request() -> None:
    s = await setup(dt.timedelta(minutes=20))
    for _ in range(3):
        assert (await s.call()).structured == {"organisations": 0}
    assert s.fake.token_requests == []


async def test_simultaneous_calls_with_an_expired_token_refresh_once_and_store_the_rotation() -> (
    None
):
    s = await setup(dt.timedelta(minutes=-5))
    _, before = await s.stored()

    results = await s.simultaneous(CALLS)

    assert all(isinstance(r, ToolOutput) for r in results), results
    assert [r.structured for r in results if isinstance(r, ToolOutput)] == [
        {"organisations": 0}
    ] * CALLS
    assert len(s.fake.token_requests) == 1
    [refresh] = s.fake.refreshes()
    assert refresh.form["refresh_token"] == before["refresh_token"]
    connection, after = await s.stored()
    # The rotated refresh token was re-sealed (one generation up) and stored.
    assert after["refresh_token"] != before["refresh_token"]
    assert after["refresh_token"] in s.fake.refresh_tokens
    assert before["refresh_token"] not in s.fake.refresh_tokens  # Xero spent it
    assert connection.credential_generation == 2
    assert dt.datetime.fromisoformat(after["expires_at"]) > s.world.clock.now()
    # Later calls use the stored token until it nears its expiry.
    await s.call()
    assert len(s.fake.token_requests) == 1


async def test_a_revoked_grant_marks_the_connection_and_is_asked_about_once() -> None:
    s = await setup(dt.timedelta(minutes=-5))
    s.fake.revoke_all()

    outcomes = await s.simultaneous(CALLS)

    assert len(s.fake.token_requests) == 1  # nobody retried, nobody else asked
    assert all(isinstance(o, ReauthorizationRequired) for o in outcomes), outcomes
    assert isinstance(outcomes[0], ReauthorizationRequired)
    message = error_message(outcomes[0])  # what the MCP client shows
    assert message == (
        "xero connection unavailable: its authorisation was revoked or has expired; connect it "
        "again (shopmcp connect xero) and retry"
    )
    connection, _ = await s.stored()
    assert connection.status is ConnectionStatus.NEEDS_REAUTH
    async with s.world.store.unit_of_work(connection.workspace_id) as uow:
        statuses = {e.status for e in await uow.usage.recent(100)}
    assert statuses == {UsageStatus.CONNECTION_UNAVAILABLE}

    # The next request sees the connection is not usable: no tool, no token request.
    with pytest.raises(ToolNotAllowed, match="no active xero connection"):
        await s.call()
    assert len(s.fake.token_requests) == 1


async def test_reconnecting_after_a_revoked_grant_makes_the_connection_work_again() -> None:
    s = await setup(dt.timedelta(minutes=-5))
    s.fake.revoke_all()
    with pytest.raises(ReauthorizationRequired):
        await s.call()

    secret = StateSecret(b"x" * 32)
    begun = await flows.begin_flow(
        s.world.store,
        s.world.vault,
        s.world.clock,
        secret,
        s.connection.workspace_id,
        Platform.XERO,
    )
    redirect = s.fake.authorize(
        query_of(s.oauth.authorization_url(begun.state, begun.code_challenge))
    )
    query = query_of(redirect)
    completed = await flows.complete_flow(
        s.world.store,
        s.world.vault,
        s.world.clock,
        secret,
        s.oauth,
        state=query["state"],
        code=query["code"],
    )

    assert completed.connection.id == s.connection.id
    connection, _ = await s.stored()
    assert connection.status is ConnectionStatus.ACTIVE
    assert (await s.call()).structured == {"organisations": 1}
