"""Shared wiring for the Shopify contract tests: recorded fixtures served by an
``httpx.MockTransport`` that records every request, and the module built on the real policy."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import attrs
import httpx
from pydantic import BaseModel

from shopmcp_adapters.memory import FakeClock, FakeLease
from shopmcp_adapters.upstreams.http import HttpPolicy, UpstreamHttp, build_async_client
from shopmcp_adapters.upstreams.module import PlatformModule
from shopmcp_adapters.upstreams.shopify import PACKAGE as SHOPIFY
from shopmcp_adapters.upstreams.shopify.client import ShopifyClient
from shopmcp_domain.connections import Connection
from shopmcp_domain.credentials import CredentialPayload
from shopmcp_domain.ids import new_connection_id, new_credential_id, new_workspace_id
from shopmcp_domain.platforms import Platform
from shopmcp_domain.ports import (
    ToolOutput,
    UpstreamCall,
)
from shopmcp_domain.tools.spec import ToolSpec
from tests.platforms import module_of

SPECS = SHOPIFY.specs

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "shopify"
SHOP = "acme-test.myshopify.com"
GRAPHQL_URL = f"https://{SHOP}/admin/api/2026-07/graphql.json"
TOKEN_URL = f"https://{SHOP}/admin/oauth/access_token"
TOKEN = "shpat_static_test_token"
NOW = dt.datetime(2026, 10, 5, 9, 0, tzinfo=dt.UTC)
SPEC_BY_NAME: dict[str, ToolSpec] = {spec.name: spec for spec in SPECS}


class _AnyUuid:
    """Equal to any UUID in text form: stands for a value a tool makes up per call (the
    idempotency key) in an otherwise exact expected request."""

    def __eq__(self, other: object) -> bool:
        try:
            return isinstance(other, str) and str(uuid.UUID(other)) == other
        except ValueError:
            return False

    def __hash__(self) -> int:
        return 0

    def __repr__(self) -> str:
        return "<any UUID>"


A_UUID: Any = _AnyUuid()


def fixture(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((FIXTURES / name).read_text())
    return loaded


def respond(name: str) -> httpx.Response:
    """The recorded fixture as an HTTP response (status and headers from its record)."""
    record = fixture(name)
    return httpx.Response(
        record["_source"]["status"], json=record["body"], headers=record.get("headers", {})
    )


Answer = httpx.Response | Callable[[httpx.Request], httpx.Response]


@attrs.define
class Upstream:
    """A scripted upstream: answers in order (the last answer repeats), records requests."""

    answers: list[Answer]
    requests: list[httpx.Request] = attrs.Factory(list)

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers[min(len(self.requests) - 1, len(self.answers) - 1)]
        return answer(request) if callable(answer) else answer

    def bodies(self) -> list[Any]:
        return [json.loads(r.content) for r in self.requests]


async def _no_sleep(_: float) -> None:
    await asyncio.sleep(0)


def make_http(
    upstream: Upstream | None = None, transport: httpx.AsyncBaseTransport | None = None
) -> UpstreamHttp:
    chosen = transport or httpx.MockTransport(upstream.handle if upstream else _unreachable)
    return UpstreamHttp(
        platform="shopify",
        client=build_async_client(HttpPolicy(), transport=chosen),
        sleep=_no_sleep,
    )


def _unreachable(request: httpx.Request) -> httpx.Response:
    raise AssertionError(f"no request was expected, got {request.method} {request.url}")


def make_module(
    upstream: Upstream | None = None,
    clock: FakeClock | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    base_url: str | None = None,
) -> PlatformModule[ShopifyClient]:
    return module_of(
        SHOPIFY, make_http(upstream, transport), clock=clock or FakeClock(NOW), base_url=base_url
    )


def connection(store_ref: str = SHOP) -> Connection:
    return Connection(
        id=new_connection_id(),
        workspace_id=new_workspace_id(),
        platform=Platform.SHOPIFY,
        store_ref=store_ref,
        credential_id=new_credential_id(),
        created_at=NOW,
    )


async def call(
    module: PlatformModule[ShopifyClient],
    tool: str,
    arguments: Mapping[str, Any],
    lease: Any = None,
    conn: Connection | None = None,
) -> ToolOutput:
    spec = SPEC_BY_NAME[tool]
    validated: BaseModel = spec.input_model.model_validate(dict(arguments))
    return await module.call(
        UpstreamCall(
            tool=spec,
            arguments=validated,
            connection=conn or connection(),
            credentials=lease
            or FakeLease(CredentialPayload({"access_token": TOKEN}), rotation_allowed=False),
        )
    )


def assert_graphql_request(
    request: httpx.Request, document: str, variables: Mapping[str, Any], token: str = TOKEN
) -> None:
    """The exact request a tool builds: POST, pinned URL, token header, document, variables."""
    assert request.method == "POST"
    assert str(request.url) == GRAPHQL_URL
    assert request.url.params == httpx.QueryParams()
    assert request.headers["X-Shopify-Access-Token"] == token
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["Accept"] == "application/json"
    assert "Authorization" not in request.headers
    assert json.loads(request.content) == {"query": document, "variables": dict(variables)}


# One contract case: tool, arguments, fixture answered, the document and variables the request
# must carry, the parsed output, and how the reply text starts.
Case = tuple[str, dict[str, Any], str, str, dict[str, Any], dict[str, Any], str]


def aud(amount: str) -> dict[str, str]:
    return {"amount": amount, "currency": "AUD"}


async def check_case(
    tool: str,
    arguments: dict[str, Any],
    fixture_name: str,
    document: str,
    variables: dict[str, Any],
    expected: dict[str, Any],
    text: str,
) -> None:
    """The tool sends exactly its one request and parses the fixture into ``expected``."""
    upstream = Upstream([respond(fixture_name)])
    output = await call(make_module(upstream), tool, arguments)

    assert len(upstream.requests) == 1
    assert_graphql_request(upstream.requests[0], document, variables)
    assert output.structured == expected
    assert output.text.startswith(text)
