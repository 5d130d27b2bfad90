"""The BigCommerce contract harness: the real module, the real HTTP policy, and an
``httpx.MockTransport`` that serves the recorded fixtures and records every request."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from pathlib import Path
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
from shopmcp_domain.tools.spec import ToolSpec
from tests.platforms import module_of

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "bigcommerce"
STORE_HASH = "k7p2x9q4mz"
TOKEN = "bc-contract-token-0001"
BASE = f"https://api.bigcommerce.com/stores/{STORE_HASH}"


def fixture(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text())
    return data


def response(name: str) -> httpx.Response:
    data = fixture(name)
    headers = dict(data.get("headers", {}))
    if data["body"] is None:
        return httpx.Response(data["status"], headers=headers)
    return httpx.Response(data["status"], headers=headers, content=json.dumps(data["body"]))


def static_lease(payload: Mapping[str, str]) -> FakeLease:
    """BigCommerce tokens do not rotate: a rotation request fails the test."""
    return FakeLease(CredentialPayload(payload), rotation_allowed=False)


@attrs.define
class Upstream:
    """Serves queued fixtures in order (the last one repeats) and records requests."""

    module: PlatformModule[BigCommerceClient]
    client: httpx.AsyncClient
    http: UpstreamHttp
    requests: list[httpx.Request] = attrs.field(factory=list)
    sleeps: list[float] = attrs.field(factory=list)
    queue: list[httpx.Response] = attrs.field(factory=list)
    store_hash: str = STORE_HASH
    lease: FakeLease = attrs.field(factory=lambda: static_lease({"access_token": TOKEN}))

    def serve(self, *names: str) -> None:
        self.queue = [response(name) for name in names]

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if not self.queue:
            raise AssertionError(f"unexpected request {request.method} {request.url}")
        return self.queue.pop(0) if len(self.queue) > 1 else self.queue[0]

    def spec(self, name: str) -> ToolSpec:
        return next(s for s in self.module.specs if s.name == name)

    async def call(self, name: str, arguments: Mapping[str, Any] | None = None) -> ToolOutput:
        spec = self.spec(name)
        validated = validate_arguments(spec, arguments or {})
        connection = Connection(
            id=new_connection_id(),
            workspace_id=new_workspace_id(),
            platform=Platform.BIGCOMMERCE,
            store_ref=self.store_hash,
            credential_id=new_credential_id(),
            created_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        )
        return await self.module.call(UpstreamCall(spec, validated, connection, self.lease))

    @property
    def only_request(self) -> httpx.Request:
        assert len(self.requests) == 1, [f"{r.method} {r.url}" for r in self.requests]
        return self.requests[0]


def make_upstream(policy: HttpPolicy = HttpPolicy()) -> Upstream:
    holder: list[Upstream] = []
    transport = httpx.MockTransport(lambda request: holder[0].handle(request))
    client = build_async_client(policy, transport=transport)
    upstream_sleeps: list[float] = []

    async def sleep(seconds: float) -> None:
        upstream_sleeps.append(seconds)

    http = bigcommerce_http(UpstreamHttp("bigcommerce", client, policy=policy, sleep=sleep))
    upstream = Upstream(
        module=module_of(BIGCOMMERCE, http), client=client, http=http, sleeps=upstream_sleeps
    )
    holder.append(upstream)
    return upstream


def assert_request(
    request: httpx.Request,
    method: str,
    path: str,
    query: Mapping[str, str] | None = None,
    body: Any = None,
) -> None:
    """The exact request: method, URL, query (all of it, nothing more), headers and body."""
    assert request.method == method
    assert request.url.scheme == "https"
    assert request.url.host == "api.bigcommerce.com"
    assert request.url.port is None
    assert request.url.path == f"/stores/{STORE_HASH}{path}"
    assert sorted(request.url.params.multi_items()) == sorted((query or {}).items())
    assert request.headers["X-Auth-Token"] == TOKEN
    assert request.headers["Accept"] == "application/json"
    assert "Authorization" not in request.headers
    assert "Cookie" not in request.headers
    if body is None:
        assert request.content == b""
        assert "Content-Type" not in request.headers
    else:
        assert request.headers["Content-Type"] == "application/json"
        assert json.loads(request.content) == body
