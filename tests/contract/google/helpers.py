"""Wiring for the Google contract tests: the Google module over the real UpstreamHttp policy
(no sleeping between retries) and the real OAuth client, either against recorded fixtures on
Google's own hosts (an httpx.MockTransport) or against the sandbox (httpx.ASGITransport,
every API under its path prefix of ``BASE_URL``)."""

from __future__ import annotations

import datetime as dt
import json
import pathlib
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs
import httpx

from shopmcp_adapters.memory import FakeClock, FakeLease
from shopmcp_adapters.upstreams.google import PACKAGE as GOOGLE
from shopmcp_adapters.upstreams.google.client import GoogleClient
from shopmcp_adapters.upstreams.google.oauth import GOOGLE_OAUTH
from shopmcp_adapters.upstreams.host_guard import HostGuard
from shopmcp_adapters.upstreams.http import HttpPolicy, UpstreamHttp, build_async_client
from shopmcp_adapters.upstreams.module import PlatformModule
from shopmcp_adapters.upstreams.oauth2 import OAuthClient, OAuthClientConfig
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
from shopmcp_entrypoints.demo.sandboxes import google_data
from shopmcp_entrypoints.demo.sandboxes.google import create_sandbox_app, refresh_token_for
from tests.asgi import asgi_app
from tests.platforms import module_of

FIXTURES = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "google"
# One call of every tool the sandbox answers (its sample ids), for the checks that run every
# tool: one request each, the official schemas, the outputSchema.
SANDBOX_CALLS: dict[str, dict[str, Any]] = {
    "google_list_analytics_properties": {},
    "google_analytics_report": {
        "property_id": 412345678,
        "metrics": ["sessions", "ecommercePurchases", "purchaseRevenue", "engagementRate"],
        "dimensions": ["date", "sessionDefaultChannelGroup"],
        "start_date": "2026-10-01",
        "end_date": "2026-10-07",
        "compare_start_date": "2026-09-24",
        "compare_end_date": "2026-09-30",
        "filters": [{"dimension": "deviceCategory", "value": "mobile"}],
        "limit": 20,
    },
    "google_analytics_realtime": {
        "property_id": 412345678,
        "dimensions": ["country", "deviceCategory"],
        "minutes": 10,
    },
    "google_list_merchant_accounts": {},
    "google_merchant_product_statuses": {"account_id": 5551234567, "page_size": 5},
    "google_get_merchant_product": {"account_id": 5551234567, "product_id": "en~AU~SHOE-TR-42"},
    "google_list_merchant_account_issues": {"account_id": 5551234567},
    "google_list_search_console_sites": {},
    "google_search_console_analytics": {
        "site_url": "sc-domain:acme-outdoors.example",
        "start_date": "2026-10-01",
        "end_date": "2026-10-28",
        "dimensions": ["query", "device"],
        "filters": [{"dimension": "country", "expression": "aus"}],
        "row_limit": 10,
    },
}
SPECS: dict[str, ToolSpec] = {spec.name: spec for spec in GOOGLE.specs}
NOW = dt.datetime(2026, 11, 3, 9, 30, tzinfo=dt.UTC)
# The sandbox's "today" in the tests: data is deterministic for fixed days.
SANDBOX_TODAY = dt.date(2026, 11, 3)
ACCESS_TOKEN = "ya29.a0AfB_test-access-token-0123456789"
REFRESH_TOKEN = "1//0g-test-refresh-token-0123456789"
SANDBOX_TOKEN = "sandbox-google-token-0123456789abcdef"
SANDBOX_HOST = "google-sandbox.test"
SANDBOX_ORIGIN = f"https://{SANDBOX_HOST}"
GOOGLE_HOSTS = frozenset(
    {
        "analyticsdata.googleapis.com",
        "analyticsadmin.googleapis.com",
        "merchantapi.googleapis.com",
        "searchconsole.googleapis.com",
        "oauth2.googleapis.com",
    }
)


def fixture(name: str) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((FIXTURES / name).read_text())
    return doc


def response(name: str) -> httpx.Response:
    doc = fixture(name)
    return httpx.Response(doc["status"], headers=doc.get("headers", {}), json=doc["body"])


def answer(
    body: Any, status: int = 200, headers: Mapping[str, str] | None = None
) -> httpx.Response:
    """An ad-hoc answer (for shapes no fixture should hold)."""
    return httpx.Response(status, json=body, headers=headers)


def credentials(
    access_token: str = ACCESS_TOKEN,
    refresh_token: str = REFRESH_TOKEN,
    expires_at: dt.datetime = NOW + dt.timedelta(minutes=50),
) -> dict[str, str]:
    return {
        "access_token": access_token,
        "refresh_token": refresh_token,
        "expires_at": expires_at.isoformat(),
        "scopes": " ".join(GOOGLE_OAUTH.scopes),
    }


def make_http(transport: httpx.AsyncBaseTransport, guard: HostGuard | None = None) -> UpstreamHttp:
    async def no_sleep(_: float) -> None:
        return None

    return UpstreamHttp(
        platform="google",
        client=build_async_client(HttpPolicy(), transport=transport),
        guard=guard,
        sleep=no_sleep,
    )


def oauth_client(http: UpstreamHttp, clock: FakeClock, origin: str | None = None) -> OAuthClient:
    provider = GOOGLE_OAUTH.with_origin(origin) if origin else GOOGLE_OAUTH
    config = OAuthClientConfig(
        client_id=google_data.CLIENT_ID,
        client_secret=google_data.CLIENT_SECRET,
        redirect_uri="http://127.0.0.1:8000/oauth/google/callback",
    )
    return OAuthClient(provider, http, clock, config, "set the Google client settings")


def connection() -> Connection:
    return Connection(
        id=new_connection_id(),
        workspace_id=new_workspace_id(),
        platform=Platform.GOOGLE,
        store_ref=google_data.ACCOUNT_SUB,
        credential_id=new_credential_id(),
        created_at=NOW,
    )


@attrs.define
class Recorder(httpx.AsyncBaseTransport):
    """Passes requests to ``inner`` (an ASGI app or a scripted list) and keeps them and the
    answers' bodies."""

    inner: httpx.AsyncBaseTransport
    requests: list[httpx.Request] = attrs.Factory(list)
    bodies: list[bytes] = attrs.Factory(list)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        self.requests.append(request)
        answered = await self.inner.handle_async_request(request)
        content = await answered.aread()
        self.bodies.append(content)
        return httpx.Response(answered.status_code, headers=answered.headers, content=content)


@attrs.define
class Harness:
    module: PlatformModule[GoogleClient]
    lease: FakeLease
    recorder: Recorder
    clock: FakeClock

    async def call(self, tool: str, arguments: Mapping[str, Any]) -> ToolOutput:
        spec = SPECS[tool]
        return await self.module.call(
            UpstreamCall(
                tool=spec,
                arguments=validate_arguments(spec, arguments),
                connection=connection(),
                credentials=self.lease,
            )
        )

    @property
    def requests(self) -> list[httpx.Request]:
        return self.recorder.requests

    def api_requests(self) -> list[httpx.Request]:
        return [r for r in self.requests if r.url.path != "/token"]

    def token_requests(self) -> list[httpx.Request]:
        return [r for r in self.requests if r.url.path == "/token"]


def _harness(
    transport: httpx.AsyncBaseTransport,
    payload: Mapping[str, str],
    base_url: str | None,
    hosts: frozenset[str],
) -> Harness:
    recorder = Recorder(transport)
    clock = FakeClock(NOW)
    http = make_http(recorder, guard=HostGuard(allowed_hosts=hosts))
    module = module_of(
        GOOGLE,
        http,
        clock=clock,
        base_url=base_url,
        oauth=oauth_client(http, clock, base_url),
    )
    return Harness(module, FakeLease(CredentialPayload(dict(payload))), recorder, clock)


def scripted(
    responses: Iterable[httpx.Response], payload: Mapping[str, str] | None = None
) -> Harness:
    """The module on Google's own hosts, answered in order by ``responses``."""
    queue = list(responses)

    def handle(request: httpx.Request) -> httpx.Response:
        if not queue:
            raise AssertionError(f"unexpected request {request.method} {request.url}")
        return queue.pop(0)

    return _harness(httpx.MockTransport(handle), payload or credentials(), None, GOOGLE_HOSTS)


def sandbox(
    payload: Mapping[str, str] | None = None,
    token: str = SANDBOX_TOKEN,
    today: Callable[[], dt.date] = lambda: SANDBOX_TODAY,
) -> Harness:
    """The module against a fresh sandbox, through the base-URL mapping the demo uses."""
    app = create_sandbox_app(token, today=today)
    transport = httpx.ASGITransport(app=asgi_app(app))
    given = payload or credentials(access_token=token, refresh_token=refresh_token_for(token))
    return _harness(transport, given, SANDBOX_ORIGIN, frozenset({SANDBOX_HOST}))
