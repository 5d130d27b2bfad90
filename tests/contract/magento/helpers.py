"""Wiring for the Magento contract tests: recorded fixtures served by an httpx.MockTransport,
the real UpstreamHttp policy (no sleeping between retries) and a static credential lease."""

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
from shopmcp_adapters.upstreams.magento import PACKAGE as MAGENTO
from shopmcp_adapters.upstreams.magento.client import MagentoClient
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
from tests.factories import NOW
from tests.platforms import module_of

FIXTURES = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "magento"
STORE = "https://shop.example.com"
TOKEN = "x4k9c2integrationtoken"
OAUTH = {
    "consumer_key": "ck_1f3a9c",
    "consumer_secret": "cs_8d2e7b",
    "access_token": "at_5c1d0e",
    "access_token_secret": "ats_9b7a6f",
}
SPECS: dict[str, ToolSpec] = {spec.name: spec for spec in MAGENTO.specs}


def fixture(name: str) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((FIXTURES / name).read_text())
    return doc


def response(name: str) -> httpx.Response:
    doc = fixture(name)
    return httpx.Response(doc["status"], headers=doc["headers"], json=doc["body"])


def body(name: str) -> Any:
    return fixture(name)["body"]


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
        platform="magento",
        client=build_async_client(HttpPolicy(), transport=transport),
        guard=guard,
        sleep=no_sleep,
    )


def connection(store_ref: str = STORE) -> Connection:
    return Connection(
        id=new_connection_id(),
        workspace_id=new_workspace_id(),
        platform=Platform.MAGENTO,
        store_ref=store_ref,
        credential_id=new_credential_id(),
        created_at=NOW,
    )


@attrs.define
class Harness:
    upstream: Upstream
    module: PlatformModule[MagentoClient]
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
        module=module_of(MAGENTO, http),
        credentials=credentials if credentials is not None else {"access_token": TOKEN},
        store_ref=store_ref,
    )


def query(request: httpx.Request) -> list[tuple[str, str]]:
    """The decoded query, in order."""
    return list(request.url.params.multi_items())


def criteria(
    filters: list[list[tuple[str, str, str]]],
    page_size: int,
    page: int = 1,
    sort: list[tuple[str, str]] | None = None,
) -> list[tuple[str, str]]:
    """The expected searchCriteria query, written out longhand."""
    out: list[tuple[str, str]] = []
    for g, group in enumerate(filters):
        for f, (field, value, condition) in enumerate(group):
            base = f"searchCriteria[filter_groups][{g}][filters][{f}]"
            out += [
                (f"{base}[field]", field),
                (f"{base}[value]", value),
                (f"{base}[condition_type]", condition),
            ]
    for s, (field, direction) in enumerate(sort or []):
        out += [
            (f"searchCriteria[sortOrders][{s}][field]", field),
            (f"searchCriteria[sortOrders][{s}][direction]", direction),
        ]
    out += [
        ("searchCriteria[pageSize]", str(page_size)),
        ("searchCriteria[currentPage]", str(page)),
    ]
    return out


def assert_get(
    request: httpx.Request, raw_path: str, expected_query: list[tuple[str, str]]
) -> None:
    assert request.method == "GET"
    assert request.url.scheme == "https"
    assert request.url.host == "shop.example.com"
    assert request.url.raw_path.split(b"?")[0].decode() == raw_path
    assert query(request) == expected_query
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert request.headers["Accept"] == "application/json"
    assert request.content == b""


# --------------------------------------------------------------------------- the sandbox store

SANDBOX_TOKEN = "sandbox-token-0123456789abcdef"
SANDBOX_HOST = "magento-sandbox.test"


@attrs.define
class Recording(httpx.AsyncBaseTransport):
    """Passes every request on to ``inner`` and keeps it (body read) for inspection."""

    inner: httpx.AsyncBaseTransport
    requests: list[httpx.Request] = attrs.Factory(list)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        self.requests.append(request)
        return await self.inner.handle_async_request(request)


def sandbox_harness(
    token: str = SANDBOX_TOKEN, store_ref: str = f"https://{SANDBOX_HOST}"
) -> tuple[Harness, Recording]:
    """A fresh sandbox store behind the real Magento module; every request is recorded."""
    from shopmcp_entrypoints.demo.sandboxes.magento import create_sandbox_app
    from tests.asgi import asgi_app

    recording = Recording(httpx.ASGITransport(app=asgi_app(create_sandbox_app(SANDBOX_TOKEN))))
    http = make_http(recording, guard=HostGuard(allowed_hosts=frozenset({SANDBOX_HOST})))
    harness = Harness(
        upstream=Upstream([]),
        module=module_of(MAGENTO, http),
        credentials={"access_token": token},
        store_ref=store_ref,
    )
    return harness, recording
