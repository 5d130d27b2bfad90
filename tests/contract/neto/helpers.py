"""Wiring for the Neto contract tests: recorded fixtures served by an httpx.MockTransport, the
real UpstreamHttp policy (no sleeping between retries) and a static credential lease."""

from __future__ import annotations

import json
import pathlib
from collections.abc import Iterable, Mapping
from typing import Any

import attrs
import httpx

from shopmcp_adapters.memory import FakeLease
from shopmcp_adapters.upstreams.host_guard import HostGuard
from shopmcp_adapters.upstreams.http import HttpPolicy, UpstreamHttp, build_async_client
from shopmcp_adapters.upstreams.module import PlatformModule
from shopmcp_adapters.upstreams.neto import PACKAGE as NETO
from shopmcp_adapters.upstreams.neto.client import NetoClient
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
from tests.factories import NOW
from tests.platforms import module_of

FIXTURES = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "neto"
STORE = "https://shop.example.com.au"
ENDPOINT = f"{STORE}/do/WS/NetoAPI"
USERNAME = "acme-api"
API_KEY = "nk_3f9c7a1e5d2b8046"
CREDENTIALS = {"username": USERNAME, "api_key": API_KEY}
SPECS: dict[str, ToolSpec] = {spec.name: spec for spec in NETO.specs}


def fixture(name: str) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((FIXTURES / name).read_text())
    return doc


def response(name: str) -> httpx.Response:
    doc = fixture(name)
    return httpx.Response(doc["status"], headers=doc["headers"], json=doc["body"])


def answer(body: Any, status: int = 200) -> httpx.Response:
    """An ad-hoc answer (for shapes no fixture should hold)."""
    return httpx.Response(status, json=body)


@attrs.define
class Upstream:
    """Serves scripted responses in order and records every request."""

    responses: list[httpx.Response]
    requests: list[httpx.Request] = attrs.Factory(list)

    def handle(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        if not self.responses:
            raise AssertionError(f"unexpected request {request.method} {request.url}")
        return self.responses.pop(0)


def make_http(transport: httpx.AsyncBaseTransport, guard: HostGuard | None = None) -> UpstreamHttp:
    async def no_sleep(_: float) -> None:
        return None

    return UpstreamHttp(
        platform="neto",
        client=build_async_client(HttpPolicy(), transport=transport),
        guard=guard,
        sleep=no_sleep,
    )


def connection(store_ref: str = STORE) -> Connection:
    return Connection(
        id=new_connection_id(),
        workspace_id=new_workspace_id(),
        platform=Platform.NETO,
        store_ref=store_ref,
        credential_id=new_credential_id(),
        created_at=NOW,
    )


@attrs.define
class Harness:
    upstream: Upstream
    module: PlatformModule[NetoClient]
    credentials: Mapping[str, str]
    store_ref: str

    async def call(self, tool: str, arguments: Mapping[str, Any]) -> ToolOutput:
        spec = SPECS[tool]
        return await self.module.call(
            UpstreamCall(
                tool=spec,
                arguments=validate_arguments(spec, arguments),
                connection=connection(self.store_ref),
                credentials=FakeLease(CredentialPayload(self.credentials), rotation_allowed=False),
            )
        )

    @property
    def requests(self) -> list[httpx.Request]:
        return self.upstream.requests


def harness(
    responses: Iterable[httpx.Response],
    credentials: Mapping[str, str] | None = None,
    store_ref: str = STORE,
    guard: HostGuard | None = None,
) -> Harness:
    upstream = Upstream(list(responses))
    http = make_http(httpx.MockTransport(upstream.handle), guard)
    return Harness(
        upstream=upstream,
        module=module_of(NETO, http),
        credentials=credentials if credentials is not None else CREDENTIALS,
        store_ref=store_ref,
    )


def sent(request: httpx.Request, action: str) -> Any:
    """The request's JSON body, after checking it is the one Neto call: POST to the store's
    endpoint, the action header, the credential headers and JSON both ways."""
    assert request.method == "POST"
    assert str(request.url) == ENDPOINT
    assert request.headers["NETOAPI_ACTION"] == action
    assert request.headers["NETOAPI_USERNAME"] == USERNAME
    assert request.headers["NETOAPI_KEY"] == API_KEY
    assert request.headers["Accept"] == "application/json"
    assert request.headers["Content-Type"] == "application/json"
    return json.loads(request.content)
