"""One refresh per expired token, however many requests need it at once: 20 in one process
(the in-process lock), and 20 in each of two processes sharing PostgreSQL (the credential's row
lock), against a fake Xero token endpoint on loopback HTTPS. The rotated refresh token is
re-sealed and stored; every request ends up with the same new access token."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path

import attrs
import pytest

from shopmcp_adapters.clock import SystemClock
from shopmcp_adapters.postgres import Database
from shopmcp_adapters.vault import build_vault
from shopmcp_domain.connections import Connection
from shopmcp_domain.credentials import CredentialPayload
from shopmcp_domain.platforms import Platform
from shopmcp_domain.ports import CredentialVault
from shopmcp_domain.services import onboarding
from tests.integration.oauth.conftest import ServedFake
from tests.integration.oauth.refresher import (
    Target,
    all_at_once,
    prepared,
    prepared_tool_calls,
)
from tests.oauth_fakes import CLIENT_ID, CLIENT_SECRET

pytestmark = pytest.mark.integration

CALLS = 20
ROOT = Path(__file__).resolve().parents[3]


@attrs.define
class Expired:
    served: ServedFake
    database: Database
    vault: CredentialVault
    data_dir: Path
    connection: Connection
    refresh_token: str

    @property
    def target(self) -> Target:
        return Target(
            origin=self.served.origin,
            ca_bundle=str(self.served.ca_bundle),
            allowed_host=self.served.allowed_host,
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            workspace_id=str(self.connection.workspace_id),
            connection_id=str(self.connection.id),
        )

    async def stored(self) -> tuple[Connection, CredentialPayload]:
        async with self.database.tenants.unit_of_work(self.connection.workspace_id) as uow:
            connection = await uow.connections.get(self.connection.id)
            sealed = await uow.credentials.get(self.connection.credential_id)
        assert connection is not None and sealed is not None
        return connection, await self.vault.open(connection.credential_context, sealed)


@pytest.fixture
async def expired(
    database: Database,
    tmp_path: Path,
    https_fake: Callable[..., AbstractAsyncContextManager[ServedFake]],
) -> AsyncIterator[Expired]:
    clock = SystemClock()
    data_dir = tmp_path / "data"
    # Both processes open the same local master key file.
    vault = build_vault(None, data_dir, clock)
    async with https_fake(Platform.XERO, token_delay=0.5) as served:
        refresh_token = served.fake.issue_refresh_token("offline_access accounting.reports.read")
        workspace = await onboarding.create_workspace(database.tenants, clock, "Refresh")
        connection = await onboarding.connect_store(
            database.tenants,
            vault,
            clock,
            workspace.id,
            Platform.XERO,
            "6b4bd0d4-1e0a-4f1b-9e58-6c2f1d0a9b01",
            CredentialPayload(
                {
                    "access_token": "at-expired",
                    "refresh_token": refresh_token,
                    "expires_at": (clock.now() - dt.timedelta(minutes=1)).isoformat(),
                    "scopes": "offline_access accounting.reports.read",
                }
            ),
        )
        yield Expired(served, database, vault, data_dir, connection, refresh_token)


async def assert_rotated_once(expired: Expired, tokens: list[str]) -> None:
    fake = expired.served.fake
    assert len(fake.token_requests) == 1, [r.form for r in fake.token_requests]
    [refresh] = fake.refreshes()
    assert refresh.form["refresh_token"] == expired.refresh_token
    assert len(set(tokens)) == 1 and tokens[0] != "at-expired"
    assert tokens[0] in fake.access_tokens
    connection, stored = await expired.stored()
    assert stored["access_token"] == tokens[0]
    # The rotated refresh token was re-sealed one generation up and stored; the old one is spent.
    assert stored["refresh_token"] != expired.refresh_token
    assert set(fake.refresh_tokens) == {stored["refresh_token"]}
    assert connection.credential_generation == 2


async def test_twenty_simultaneous_requests_refresh_once(expired: Expired) -> None:
    sources = await prepared(expired.database.tenants, expired.vault, expired.target, CALLS)
    tokens = await all_at_once(sources)
    assert len(tokens) == CALLS
    await assert_rotated_once(expired, tokens)


async def _in_two_processes(
    expired: Expired, postgres_database_url: str, *, tools: bool
) -> tuple[list[str], list[str]]:
    """CALLS requests here and CALLS in a second process, released together: what each got
    (access tokens, or with ``tools`` the organisations' names the tool calls returned)."""
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.integration.oauth.refresher",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])},
    )
    assert child.stdin is not None and child.stdout is not None and child.stderr is not None
    try:
        arguments = {
            "target": attrs.asdict(expired.target),
            "database_url": postgres_database_url,
            "data_dir": str(expired.data_dir),
            "calls": CALLS,
            "tools": tools,
        }
        child.stdin.write(json.dumps(arguments).encode() + b"\n")
        await child.stdin.drain()
        ready = await asyncio.wait_for(child.stdout.readline(), 60)
        if ready.strip() != b"ready":
            error = await child.stderr.read()
            pytest.fail(f"the second process did not start: {ready!r} {error.decode()[-2000:]}")
        database, vault, target = expired.database, expired.vault, expired.target
        if tools:
            calls = await prepared_tool_calls(database.tenants, vault, target, CALLS)
            ours = calls.all_at_once()
        else:
            ours = all_at_once(await prepared(database.tenants, vault, target, CALLS))

        # Both processes at once: ours in this event loop, theirs over there.
        child.stdin.write(b"go\n")
        await child.stdin.drain()
        mine, line = await asyncio.gather(ours, asyncio.wait_for(child.stdout.readline(), 60))
        if not line:
            pytest.fail((await child.stderr.read()).decode()[-2000:])
        theirs = json.loads(line)
        assert await asyncio.wait_for(child.wait(), 30) == 0
    finally:
        if child.returncode is None:
            child.kill()
            await child.wait()
    return mine, theirs


async def test_twenty_requests_in_each_of_two_processes_refresh_once(
    expired: Expired, postgres_database_url: str
) -> None:
    mine, theirs = await _in_two_processes(expired, postgres_database_url, tools=False)
    assert len(mine) == len(theirs) == CALLS
    await assert_rotated_once(expired, [*mine, *theirs])


# --------------------------------------------------------------------------- Xero tool calls


async def assert_tool_calls_rotated_once(expired: Expired, names: list[str]) -> None:
    """Every call answered; the token endpoint hit once; every Accounting API request carried
    the one new access token and the connection's tenant id."""
    fake = expired.served.fake
    assert names == ["Demo Company (NZ)"] * len(names)
    api = fake.api_requests
    assert len(api) == len(names)
    assert {token for token, _ in api} == {next(iter(fake.access_tokens))}
    assert {tenant for _, tenant in api} == {expired.connection.store_ref}
    await assert_rotated_once(expired, [token for token, _ in api])


async def test_twenty_simultaneous_xero_tool_calls_refresh_once(expired: Expired) -> None:
    calls = await prepared_tool_calls(
        expired.database.tenants, expired.vault, expired.target, CALLS
    )
    names = await calls.all_at_once()
    await assert_tool_calls_rotated_once(expired, names)


async def test_twenty_xero_tool_calls_in_each_of_two_processes_refresh_once(
    expired: Expired, postgres_database_url: str
) -> None:
    mine, theirs = await _in_two_processes(expired, postgres_database_url, tools=True)
    assert len(mine) == len(theirs) == CALLS
    await assert_tool_calls_rotated_once(expired, [*mine, *theirs])
