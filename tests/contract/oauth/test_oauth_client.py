"""The OAuth client against recorded token-endpoint answers: the exact requests it builds (form
bodies, client authentication as each provider documents it, PKCE) and how it reads the
answers (credential payload, rotation, ``invalid_grant``), never retrying a token request."""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import attrs
import httpx
import pytest

from shopmcp_adapters.memory import FakeClock, FakeLease
from shopmcp_adapters.upstreams.google.oauth import GOOGLE_OAUTH
from shopmcp_adapters.upstreams.http import HttpPolicy, UpstreamHttp, build_async_client
from shopmcp_adapters.upstreams.oauth2 import (
    OAuthClient,
    OAuthClientConfig,
    OAuthProvider,
    OAuthTokens,
)
from shopmcp_adapters.upstreams.xero.oauth import XERO_OAUTH
from shopmcp_domain.credentials import CredentialPayload
from shopmcp_domain.errors import (
    FlowRefusal,
    OAuthFlowRefused,
    OAuthNotConfigured,
    ReauthorizationRequired,
    UpstreamError,
    UpstreamResponseInvalid,
    UpstreamUnavailable,
)
from shopmcp_domain.oauth import code_challenge
from shopmcp_domain.platforms import Platform

FIXTURES = Path(__file__).parent.parent / "fixtures" / "oauth"
NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
CLIENT_ID = "shopmcp-test-client"
CLIENT_SECRET = "client-secret-for-contract-tests"
REDIRECT = {
    Platform.XERO: "https://gateway.example.com/oauth/xero/callback",
    Platform.GOOGLE: "https://gateway.example.com/oauth/google/callback",
}
VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
EVENT = "d99ecdfe-2e3c-4ff4-9a3b-0d6c1a2f1e11"


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())["body"]


@attrs.define
class Upstream:
    """Answers each request with the next queued (status, body) and records what was sent."""

    answers: list[tuple[int, Any]]
    requests: list[httpx.Request] = attrs.Factory(list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        status, body = self.answers.pop(0)
        return httpx.Response(status, json=body)

    def form(self, index: int = 0) -> dict[str, str]:
        request = self.requests[index]
        assert request.headers["content-type"] == "application/x-www-form-urlencoded"
        return dict(parse_qsl(request.content.decode()))


def make_client(
    provider: OAuthProvider, upstream: Upstream, *, configured: bool = True
) -> OAuthClient:
    async def no_sleep(_: float) -> None:
        return None

    http = UpstreamHttp(
        platform="oauth",
        client=build_async_client(transport=httpx.MockTransport(upstream)),
        policy=HttpPolicy(),
        sleep=no_sleep,
    )
    config = OAuthClientConfig(CLIENT_ID, CLIENT_SECRET, REDIRECT[provider.platform])
    return OAuthClient(
        provider,
        http,
        FakeClock(NOW),
        config if configured else None,
        "the operator must set SHOPMCP_XERO_CLIENT_ID and SHOPMCP_XERO_CLIENT_SECRET",
    )


def stale(**changes: str) -> CredentialPayload:
    return CredentialPayload(
        {
            "access_token": "old-access",
            "refresh_token": "old-refresh-token",
            "expires_at": (NOW - dt.timedelta(minutes=1)).isoformat(),
            "scopes": "offline_access accounting.reports.read",
            **changes,
        }
    )


# --------------------------------------------------------------------------- authorization URLs


def test_write_scopes_are_asked_for_only_for_a_workspace_that_opted_in() -> None:
    client = make_client(XERO_OAUTH, Upstream([]))
    reads = httpx.URL(client.authorization_url("s", "c")).params["scope"].split()
    writes = httpx.URL(client.authorization_url("s", "c", writes=True)).params["scope"].split()
    assert not {"accounting.transactions", "accounting.contacts"} & set(reads)
    assert set(writes) - set(reads) == {"accounting.transactions", "accounting.contacts"}


def test_the_xero_authorization_url_asks_for_a_code_with_pkce() -> None:
    client = make_client(XERO_OAUTH, Upstream([]))
    url = httpx.URL(client.authorization_url("the-state", code_challenge(VERIFIER)))
    assert (url.scheme, url.host, url.path) == (
        "https",
        "login.xero.com",
        "/identity/connect/authorize",
    )
    assert dict(url.params) == {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": REDIRECT[Platform.XERO],
        "scope": "offline_access accounting.transactions.read accounting.contacts.read "
        "accounting.reports.read accounting.settings.read",
        "state": "the-state",
        "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        "code_challenge_method": "S256",
    }


def test_the_google_authorization_url_asks_for_offline_access_and_consent() -> None:
    client = make_client(GOOGLE_OAUTH, Upstream([]))
    url = httpx.URL(client.authorization_url("the-state", "challenge"))
    assert (url.host, url.path) == ("accounts.google.com", "/o/oauth2/v2/auth")
    params = dict(url.params)
    assert params["access_type"] == "offline" and params["prompt"] == "consent"
    assert params["scope"].split() == [
        "openid",
        "email",
        "https://www.googleapis.com/auth/analytics.readonly",
        "https://www.googleapis.com/auth/content",
        "https://www.googleapis.com/auth/webmasters.readonly",  # Search Console, read-only
    ]
    assert params["code_challenge_method"] == "S256"
    assert params["redirect_uri"] == REDIRECT[Platform.GOOGLE]


def test_an_unconfigured_provider_is_refused_naming_the_settings() -> None:
    upstream = Upstream([])
    client = make_client(XERO_OAUTH, upstream, configured=False)
    with pytest.raises(OAuthNotConfigured, match="SHOPMCP_XERO_CLIENT_ID") as caught:
        client.authorization_url("state", "challenge")
    assert caught.value.message.startswith("xero cannot be connected")


async def test_an_unconfigured_provider_sends_nothing() -> None:
    upstream = Upstream([])
    client = make_client(XERO_OAUTH, upstream, configured=False)
    with pytest.raises(OAuthNotConfigured):
        await client.exchange("code", VERIFIER)
    with pytest.raises(OAuthNotConfigured):
        await client.refresh(stale())
    assert upstream.requests == []


# --------------------------------------------------------------------------- code exchange


async def test_a_xero_exchange_sends_basic_auth_and_lists_this_authorisations_tenants() -> None:
    upstream = Upstream(
        [(200, fixture("xero_token.200.json")), (200, fixture("xero_connections.200.json"))]
    )
    client = make_client(XERO_OAUTH, upstream)

    grant = await client.exchange("the-code", VERIFIER)

    token, tenants = upstream.requests
    assert (token.method, str(token.url)) == ("POST", "https://identity.xero.com/connect/token")
    expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
    assert token.headers["authorization"] == f"Basic {expected}"
    assert upstream.form(0) == {
        "grant_type": "authorization_code",
        "code": "the-code",
        "redirect_uri": REDIRECT[Platform.XERO],
        "code_verifier": VERIFIER,
    }
    assert (tenants.method, tenants.url.path, dict(tenants.url.params)) == (
        "GET",
        "/connections",
        {"authEventId": EVENT},
    )
    assert tenants.url.host == "api.xero.com"
    body = fixture("xero_token.200.json")
    assert tenants.headers["authorization"] == f"Bearer {body['access_token']}"
    # Only the organisation: a practice has no accounting API.
    assert [(s.store_ref, s.display_name) for s in grant.stores] == [
        ("fe79f7dd-b6d4-4a92-ba7b-538af6289c58", "Demo Company (NZ)")
    ]
    assert grant.credentials["access_token"] == body["access_token"]
    assert grant.credentials["refresh_token"] == "xero-refresh-token-rotated-0002"
    assert grant.credentials["expires_at"] == (NOW + dt.timedelta(seconds=1800)).isoformat()
    assert grant.scopes == frozenset(body["scope"].split())
    assert grant.credentials["scopes"] == " ".join(sorted(grant.scopes))
    assert "client-secret" not in repr(grant) and body["access_token"] not in repr(grant)


async def test_a_google_exchange_sends_the_client_in_the_form_and_names_the_account() -> None:
    upstream = Upstream([(200, fixture("google_token.200.json"))])
    client = make_client(GOOGLE_OAUTH, upstream)

    grant = await client.exchange("4/0AeaYSH-code", VERIFIER)

    [token] = upstream.requests
    assert str(token.url) == "https://oauth2.googleapis.com/token"
    assert "authorization" not in token.headers
    assert upstream.form() == {
        "grant_type": "authorization_code",
        "code": "4/0AeaYSH-code",
        "redirect_uri": REDIRECT[Platform.GOOGLE],
        "code_verifier": VERIFIER,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
    }
    [account] = grant.stores
    assert (account.store_ref, account.display_name) == (
        "109876543210987654321",
        "owner@example.com",
    )
    assert grant.credentials["refresh_token"] == "1//0gEXAMPLE-refresh"
    assert grant.credentials.get("id_token") is None


@pytest.mark.parametrize(
    "claims",
    [
        {"iss": "https://accounts.google.com", "aud": "someone-else", "sub": "1"},
        {"iss": "https://evil.example", "aud": CLIENT_ID, "sub": "1"},
        {"iss": "https://accounts.google.com", "aud": CLIENT_ID},
    ],
)
async def test_a_google_id_token_not_meant_for_this_gateway_is_refused(
    claims: dict[str, str],
) -> None:
    body = dict(fixture("google_token.200.json"))
    encoded = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    body["id_token"] = f"e30.{encoded}.c2ln"
    client = make_client(GOOGLE_OAUTH, Upstream([(200, body)]))
    with pytest.raises(UpstreamResponseInvalid):
        await client.exchange("code", VERIFIER)


async def test_a_refused_code_is_a_refused_flow_and_is_sent_once() -> None:
    upstream = Upstream([(400, {"error": "invalid_grant"})])
    client = make_client(XERO_OAUTH, upstream)
    with pytest.raises(OAuthFlowRefused) as caught:
        await client.exchange("spent-code", VERIFIER)
    assert caught.value.reason is FlowRefusal.CODE_REFUSED
    assert len(upstream.requests) == 1


async def test_an_exchange_without_a_refresh_token_connects_nothing() -> None:
    body = dict(fixture("google_token.200.json"))
    del body["refresh_token"]
    upstream = Upstream([(200, body)])
    with pytest.raises(OAuthFlowRefused, match="no refresh token"):
        await make_client(GOOGLE_OAUTH, upstream).exchange("code", VERIFIER)


@pytest.mark.parametrize(
    "change",
    [
        lambda b: b.pop("expires_in"),
        lambda b: b.pop("access_token"),
        lambda b: b.update(token_type="mac"),
        lambda b: b.update(expires_in=0),
    ],
)
async def test_an_incomplete_token_answer_is_an_invalid_response(
    change: Callable[[dict[str, Any]], object],
) -> None:
    body = dict(fixture("xero_token.200.json"))
    change(body)
    client = make_client(XERO_OAUTH, Upstream([(200, body)]))
    with pytest.raises(UpstreamResponseInvalid, match="token response"):
        await client.exchange("code", VERIFIER)


# --------------------------------------------------------------------------- refresh


async def test_a_xero_refresh_stores_the_rotated_refresh_token() -> None:
    upstream = Upstream([(200, fixture("xero_token.200.json"))])
    fresh = await make_client(XERO_OAUTH, upstream).refresh(stale())
    assert upstream.form() == {"grant_type": "refresh_token", "refresh_token": "old-refresh-token"}
    assert upstream.requests[0].headers["authorization"].startswith("Basic ")
    assert fresh["refresh_token"] == "xero-refresh-token-rotated-0002"
    assert fresh["access_token"] == fixture("xero_token.200.json")["access_token"]
    assert fresh["expires_at"] == (NOW + dt.timedelta(seconds=1800)).isoformat()


async def test_a_google_refresh_keeps_the_refresh_token_it_did_not_replace() -> None:
    upstream = Upstream([(200, fixture("google_token_refresh.200.json"))])
    fresh = await make_client(GOOGLE_OAUTH, upstream).refresh(stale())
    assert upstream.form() == {
        "grant_type": "refresh_token",
        "refresh_token": "old-refresh-token",
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
    }
    assert fresh["refresh_token"] == "old-refresh-token"
    assert fresh["access_token"] == "ya29.EXAMPLE-refreshed"
    assert fresh["scopes"] == "https://www.googleapis.com/auth/analytics.readonly"
    assert fresh["expires_at"] == (NOW + dt.timedelta(seconds=3599)).isoformat()


async def test_a_refresh_answer_without_scope_keeps_the_scopes() -> None:
    body = dict(fixture("google_token_refresh.200.json"))
    del body["scope"]
    fresh = await make_client(GOOGLE_OAUTH, Upstream([(200, body)])).refresh(stale())
    assert set(fresh["scopes"].split()) == {"offline_access", "accounting.reports.read"}


async def test_invalid_grant_on_refresh_requires_reauthorization_after_one_request() -> None:
    upstream = Upstream([(400, fixture("google_token_refresh.400.invalid_grant.json"))])
    with pytest.raises(ReauthorizationRequired) as caught:
        await make_client(GOOGLE_OAUTH, upstream).refresh(stale())
    assert len(upstream.requests) == 1
    assert caught.value.message == (
        "google connection unavailable: its authorisation was revoked or has expired; connect "
        "it again (shopmcp connect google) and retry"
    )


async def test_a_credential_without_refresh_token_requires_reauthorization() -> None:
    upstream = Upstream([])
    bare = CredentialPayload({"access_token": "a", "expires_at": NOW.isoformat()})
    with pytest.raises(ReauthorizationRequired):
        await make_client(XERO_OAUTH, upstream).refresh(bare)
    assert upstream.requests == []


@pytest.mark.parametrize("status", [500, 502, 503])
async def test_a_failed_refresh_is_never_retried(status: int) -> None:
    upstream = Upstream([(status, {"error": "temporarily_unavailable"})] * 3)
    with pytest.raises(UpstreamUnavailable):
        await make_client(XERO_OAUTH, upstream).refresh(stale())
    assert len(upstream.requests) == 1


async def test_a_token_endpoint_echoing_the_request_never_shows_its_secrets() -> None:
    echo = {
        "error": "invalid_request",
        "error_description": f"bad request client_secret={CLIENT_SECRET} "
        "refresh_token=old-refresh-token",
    }
    upstream = Upstream([(400, echo), (400, echo)])
    for provider in (GOOGLE_OAUTH, XERO_OAUTH):  # secret in the form, then in Basic auth
        with pytest.raises(UpstreamError) as caught:
            await make_client(provider, upstream).refresh(stale())
        assert CLIENT_SECRET not in caught.value.message
        assert "old-refresh-token" not in caught.value.message
        assert caught.value.message.startswith(f"{provider.platform.value} answered 400: ")


# --------------------------------------------------------------------------- OAuthTokens


async def test_a_fresh_token_is_used_without_asking_the_provider() -> None:
    upstream = Upstream([])
    lease = FakeLease(stale(expires_at=(NOW + dt.timedelta(minutes=20)).isoformat()))
    tokens = OAuthTokens(make_client(XERO_OAUTH, upstream), lease, FakeClock(NOW))
    assert await tokens.access_token() == "old-access"
    assert upstream.requests == [] and lease.refreshes == 0


async def test_a_token_within_the_margin_is_refreshed_through_the_lease() -> None:
    upstream = Upstream([(200, fixture("xero_token.200.json"))])
    lease = FakeLease(stale(expires_at=(NOW + dt.timedelta(seconds=90)).isoformat()))
    tokens = OAuthTokens(make_client(XERO_OAUTH, upstream), lease, FakeClock(NOW))
    assert await tokens.access_token() == fixture("xero_token.200.json")["access_token"]
    assert lease.refreshes == 1
    assert lease.payload["refresh_token"] == "xero-refresh-token-rotated-0002"


async def test_after_a_401_the_token_is_refreshed_once() -> None:
    upstream = Upstream([(200, fixture("xero_token.200.json"))])
    lease = FakeLease(stale(expires_at=(NOW + dt.timedelta(minutes=20)).isoformat()))
    tokens = OAuthTokens(make_client(XERO_OAUTH, upstream), lease, FakeClock(NOW))
    used = await tokens.access_token()
    retried = await tokens.after_unauthorized(used)
    assert retried != used and lease.refreshes == 1
    # Another 401 with a token already replaced does not refresh again.
    assert await tokens.after_unauthorized(used) == retried
    assert len(upstream.requests) == 1
