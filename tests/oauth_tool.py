"""A one-tool Xero module for tests: what an OAuth platform's tool does before each upstream
request (ask ``OAuthTokens`` for a fresh access token), so refreshes and ``invalid_grant`` can be
driven through a real ``tools/call`` without depending on the Xero package's own tools (which
are tested in ``tests/contract/xero``)."""

from __future__ import annotations

import attrs
from pydantic import BaseModel, ConfigDict

from shopmcp_adapters.upstreams.http import UpstreamHttp
from shopmcp_adapters.upstreams.module import PlatformModule, Reply, ToolTable
from shopmcp_adapters.upstreams.oauth2 import OAuthClient, OAuthTokens
from shopmcp_domain.connections import Connection
from shopmcp_domain.platforms import Platform
from shopmcp_domain.ports import (
    Clock,
    CredentialLease,
)
from shopmcp_domain.tools.spec import HttpMethod, UpstreamOperation

CONNECTIONS_URL = "https://api.xero.com/connections"
TOOL = "xero_probe_organisations"


class ProbeInput(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ProbeOutput(BaseModel):
    model_config = ConfigDict(extra="forbid")
    organisations: int


@attrs.define
class ProbeClient:
    http: UpstreamHttp
    tokens: OAuthTokens
    url: str = CONNECTIONS_URL

    async def organisations(self) -> int:
        token = await self.tokens.access_token()
        response = await self.http.request(
            "GET", self.url, idempotent=True, headers={"Authorization": f"Bearer {token}"}
        )
        return len(response.json())


tools = ToolTable[ProbeClient](Platform.XERO)


@tools.read(
    TOOL,
    "Count organisations",
    "How many organisations the connection's grant lists (a test tool).",
    ProbeInput,
    ProbeOutput,
    UpstreamOperation(HttpMethod.GET, "/connections"),
)
async def probe(client: ProbeClient, args: ProbeInput) -> Reply:
    count = await client.organisations()
    return Reply(ProbeOutput(organisations=count), f"{count} organisations")


def probe_module(
    oauth: OAuthClient, http: UpstreamHttp, clock: Clock, url: str = CONNECTIONS_URL
) -> PlatformModule[ProbeClient]:
    def client_for(connection: Connection, lease: CredentialLease) -> ProbeClient:
        return ProbeClient(http, OAuthTokens(oauth, lease, clock), url)

    return PlatformModule(Platform.XERO, tools.tools, client_for)
