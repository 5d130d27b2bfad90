"""N requests on one connection whose access token has expired, each with its own lease (as N
tools/calls would have), all asking for an access token at once. Run in the test process and,
as ``python -m tests.integration.oauth.refresher``, in a second process with its own event
loop, pool and vault object on the same database and key files.

The second process reads its arguments as JSON on stdin's first line, opens everything and
reads the (stale) credential in every lease, prints ``ready``, waits for ``go``, then prints
the access tokens it got as one JSON line. With ``"tools": true`` each request is a real
``xero_get_organisation`` call through the Xero package (its client asks ``OAuthTokens``
before the request), against the fake's Accounting API; it prints the organisations' names.
"""

from __future__ import annotations

import asyncio
import json
import sys
import uuid
from pathlib import Path
from typing import Any

import asyncpg
import attrs

from shopmcp_adapters.clock import SystemClock
from shopmcp_adapters.postgres import PostgresTenantStore, tenant_url_from
from shopmcp_adapters.upstreams.host_guard import HostGuard
from shopmcp_adapters.upstreams.http import UpstreamHttp, build_async_client
from shopmcp_adapters.upstreams.module import PlatformModule
from shopmcp_adapters.upstreams.oauth2 import OAuthClient, OAuthClientConfig, OAuthTokens
from shopmcp_adapters.upstreams.package import UpstreamEnv
from shopmcp_adapters.upstreams.xero import PACKAGE as XERO
from shopmcp_adapters.upstreams.xero.oauth import XERO_OAUTH
from shopmcp_adapters.vault import build_vault
from shopmcp_domain.connections import Connection
from shopmcp_domain.ids import ConnectionId, WorkspaceId
from shopmcp_domain.ports import (
    Clock,
    CredentialVault,
    TenantRepository,
    UpstreamCall,
)
from shopmcp_domain.services.credentials import VaultCredentialLease


@attrs.frozen
class Target:
    """Where the token endpoint is and which connection to refresh."""

    origin: str
    ca_bundle: str
    allowed_host: str
    client_id: str
    client_secret: str
    workspace_id: str
    connection_id: str

    def oauth(self, clock: Clock) -> OAuthClient:
        guard = HostGuard(allowed_hosts=frozenset({self.allowed_host}))
        http = UpstreamHttp(
            platform="xero",
            client=build_async_client(ca_bundle=self.ca_bundle, guard=guard),
            guard=guard,
        )
        config = OAuthClientConfig(self.client_id, self.client_secret, "https://x/cb")
        return OAuthClient(XERO_OAUTH.with_origin(self.origin), http, clock, config)


async def connection_of(tenants: TenantRepository, target: Target) -> Connection:
    async with tenants.unit_of_work(WorkspaceId(uuid.UUID(target.workspace_id))) as uow:
        connection = await uow.connections.get(ConnectionId(uuid.UUID(target.connection_id)))
    assert connection is not None
    return connection


async def prepared(
    tenants: TenantRepository, vault: CredentialVault, target: Target, calls: int
) -> list[OAuthTokens]:
    """``calls`` requests' token sources, each lease already holding the stale credential."""
    clock = SystemClock()
    oauth = target.oauth(clock)
    connection = await connection_of(tenants, target)
    leases = [VaultCredentialLease(connection, vault, tenants) for _ in range(calls)]
    for lease in leases:
        await lease.current()
    return [OAuthTokens(oauth, lease, clock) for lease in leases]


async def all_at_once(sources: list[OAuthTokens]) -> list[str]:
    return list(await asyncio.gather(*(s.access_token() for s in sources)))


@attrs.frozen
class ToolCalls:
    """``calls`` Xero tool calls on the connection, each with its own (stale) lease."""

    module: PlatformModule[Any]
    calls: list[UpstreamCall]

    async def all_at_once(self) -> list[str]:
        outputs = await asyncio.gather(*(self.module.call(call) for call in self.calls))
        return [str(output.structured["organisation"]["name"]) for output in outputs]


async def prepared_tool_calls(
    tenants: TenantRepository, vault: CredentialVault, target: Target, calls: int
) -> ToolCalls:
    clock = SystemClock()
    oauth = target.oauth(clock)
    connection = await connection_of(tenants, target)
    guard = HostGuard(allowed_hosts=frozenset({target.allowed_host}))
    http = UpstreamHttp(
        platform="xero",
        client=build_async_client(ca_bundle=target.ca_bundle, guard=guard),
        guard=guard,
    )
    module = XERO.build(UpstreamEnv(http=http, clock=clock, base_url=target.origin, oauth=oauth))
    spec = next(s for s in XERO.specs if s.name == "xero_get_organisation")
    leases = [VaultCredentialLease(connection, vault, tenants) for _ in range(calls)]
    for lease in leases:
        await lease.current()
    return ToolCalls(
        module,
        [
            UpstreamCall(
                tool=spec,
                arguments=spec.input_model.model_validate({}),
                connection=connection,
                credentials=lease,
            )
            for lease in leases
        ],
    )


async def _child(arguments: dict[str, Any]) -> None:
    target = Target(**arguments["target"])
    pool = await asyncpg.create_pool(
        tenant_url_from(arguments["database_url"]), user="shopmcp_tenant", min_size=1, max_size=5
    )
    try:
        tenants = PostgresTenantStore(pool)
        vault = build_vault(None, Path(arguments["data_dir"]), SystemClock())
        if arguments.get("tools"):
            tool_calls = await prepared_tool_calls(tenants, vault, target, arguments["calls"])
        else:
            sources = await prepared(tenants, vault, target, arguments["calls"])
        print("ready", flush=True)
        line = await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
        assert line.strip() == "go", line
        if arguments.get("tools"):
            print(json.dumps(await tool_calls.all_at_once()), flush=True)
        else:
            print(json.dumps(await all_at_once(sources)), flush=True)
    finally:
        await pool.close()


if __name__ == "__main__":
    asyncio.run(_child(json.loads(sys.stdin.readline())))
