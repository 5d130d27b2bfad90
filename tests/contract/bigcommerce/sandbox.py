"""The BigCommerce module driven against the demo's sandbox store, in process: the real module
and HTTP policy over ``httpx.ASGITransport``, with the sandbox's origin as the module's
``base_url`` (the way ``shopmcp demo`` points the gateway at it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import attrs
import httpx

from shopmcp_adapters.memory import FakeLease
from shopmcp_adapters.upstreams.bigcommerce import PACKAGE as BIGCOMMERCE
from shopmcp_adapters.upstreams.bigcommerce.client import BigCommerceClient, bigcommerce_http
from shopmcp_adapters.upstreams.http import HttpPolicy, UpstreamHttp, build_async_client
from shopmcp_adapters.upstreams.module import PlatformModule
from shopmcp_domain.connections import Connection
from shopmcp_domain.credentials import CredentialPayload
from shopmcp_domain.ids import new_connection_id, new_credential_id, new_workspace_id
from shopmcp_domain.platforms import Platform
from shopmcp_domain.ports import (
    ToolOutput,
    UpstreamCall,
)
from shopmcp_domain.services.call_tool import validate_arguments
from shopmcp_entrypoints.demo.sandboxes.bigcommerce import create_sandbox_app
from shopmcp_entrypoints.demo.sandboxes.bigcommerce_data import STORE_HASH
from shopmcp_entrypoints.demo.sandboxes.bigcommerce_store import SandboxStore
from tests.asgi import asgi_app
from tests.platforms import module_of

SANDBOX_TOKEN = "sandbox-bigcommerce-token-0001"
ORIGIN = "https://bigcommerce-sandbox.test"


@attrs.define
class Recording(httpx.AsyncBaseTransport):
    inner: httpx.AsyncBaseTransport
    requests: list[httpx.Request] = attrs.Factory(list)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        self.requests.append(request)
        return await self.inner.handle_async_request(request)


@attrs.define
class Sandbox:
    store: SandboxStore
    module: PlatformModule[BigCommerceClient]
    transport: Recording
    client: httpx.AsyncClient
    token: str = SANDBOX_TOKEN
    store_hash: str = STORE_HASH

    async def call(self, name: str, arguments: Mapping[str, Any] | None = None) -> ToolOutput:
        spec = next(s for s in self.module.specs if s.name == name)
        validated = validate_arguments(spec, arguments or {})
        connection = Connection(
            id=new_connection_id(),
            workspace_id=new_workspace_id(),
            platform=Platform.BIGCOMMERCE,
            store_ref=self.store_hash,
            credential_id=new_credential_id(),
            created_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        )
        lease = FakeLease(CredentialPayload({"access_token": self.token}), rotation_allowed=False)
        return await self.module.call(UpstreamCall(spec, validated, connection, lease))

    @property
    def requests(self) -> list[httpx.Request]:
        return self.transport.requests


def make_sandbox(store: SandboxStore | None = None) -> Sandbox:
    state = store if store is not None else SandboxStore()
    app = create_sandbox_app(SANDBOX_TOKEN, state)
    transport = Recording(httpx.ASGITransport(app=asgi_app(app)))
    client = build_async_client(HttpPolicy(), transport=transport)

    async def no_sleep(_: float) -> None:
        return None

    http = bigcommerce_http(UpstreamHttp("bigcommerce", client, sleep=no_sleep))
    module = module_of(BIGCOMMERCE, http, base_url=ORIGIN)
    return Sandbox(store=state, module=module, transport=transport, client=client)
