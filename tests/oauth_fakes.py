"""A fake OAuth 2.0 authorization server for Xero or Google, as an ASGI app (Litestar), that the
connect flows and refreshes talk to in tests (in process through ``httpx.ASGITransport``, or on
loopback HTTPS).

It checks what the real one would: the client's authentication as the provider documents it
(HTTP Basic for Xero, form fields for Google), the redirect URI, PKCE S256 (the verifier sent
with the code against the challenge sent to the authorize endpoint), single use of codes and,
for Xero, rotation of refresh tokens (a used one is refused). It records every token request.
The paths are the providers' own, so a client built with the real URLs reaches it whatever host
the transport ignores.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import secrets
import uuid
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import attrs
import httpx
from litestar import Litestar, Request, Response, get, post
from litestar.enums import MediaType
from litestar.response import Redirect

from shopmcp_domain.platforms import Platform
from tests.asgi import asgi_app

CLIENT_ID = "shopmcp-test-client"
CLIENT_SECRET = "test-client-secret-0123456789"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def fake_jwt(claims: Mapping[str, Any]) -> str:
    """A JWT-shaped token (the signature is not checked by anyone)."""
    header = b64url(json.dumps({"alg": "RS256", "typ": "JWT"}).encode())
    body = b64url(json.dumps(dict(claims)).encode())
    return f"{header}.{body}.{b64url(secrets.token_bytes(16))}"


@attrs.define
class Tenant:
    tenant_id: str
    name: str
    tenant_type: str = "ORGANISATION"

    def as_json(self, event: str) -> dict[str, Any]:
        return {
            "id": str(uuid.uuid4()),
            "authEventId": event,
            "tenantId": self.tenant_id,
            "tenantType": self.tenant_type,
            "tenantName": self.name,
            "createdDateUtc": "2026-01-01T00:00:00.0000000",
            "updatedDateUtc": "2026-01-01T00:00:00.0000000",
        }


@attrs.define
class IssuedCode:
    challenge: str
    redirect_uri: str
    scope: str
    event: str
    used: bool = False


@attrs.define
class TokenRequest:
    grant_type: str
    form: dict[str, str]
    authorization: str | None


@attrs.define
class FakeAuthorizationServer:
    platform: Platform
    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET
    expires_in: int = 1800
    # Seconds the token endpoint takes to answer (lets concurrent requests pile up).
    token_delay: float = 0.0
    # Answer every token request with this status and body instead (5xx and the like).
    token_failure: tuple[int, Any] | None = None
    tenants: list[Tenant] = attrs.Factory(
        lambda: [Tenant("6b4bd0d4-1e0a-4f1b-9e58-6c2f1d0a9b01", "Demo Company (NZ)")]
    )
    google_sub: str = "109876543210987654321"
    google_email: str = "owner@example.com"
    # What the merchant does on the consent screen: tick these tenants (all when None), or deny.
    consent_tenants: list[str] | None = None
    deny: bool = False

    codes: dict[str, IssuedCode] = attrs.Factory(dict)
    refresh_tokens: dict[str, str] = attrs.Factory(dict)  # valid refresh token -> scope
    access_tokens: dict[str, str] = attrs.Factory(dict)  # access token -> auth event
    event_tenants: dict[str, list[Tenant]] = attrs.Factory(dict)
    token_requests: list[TokenRequest] = attrs.Factory(list)
    authorize_requests: list[dict[str, str]] = attrs.Factory(list)
    connections_requests: list[dict[str, str]] = attrs.Factory(list)
    # Xero Accounting API requests (GET /api.xro/2.0/Organisation): the bearer and tenant.
    api_requests: list[tuple[str, str]] = attrs.Factory(list)

    # ------------------------------------------------------------------ paths

    @property
    def is_xero(self) -> bool:
        return self.platform is Platform.XERO

    @property
    def authorize_path(self) -> str:
        return "/identity/connect/authorize" if self.is_xero else "/o/oauth2/v2/auth"

    @property
    def token_path(self) -> str:
        return "/connect/token" if self.is_xero else "/token"

    def refreshes(self) -> list[TokenRequest]:
        return [r for r in self.token_requests if r.grant_type == "refresh_token"]

    # ------------------------------------------------------------------ direct set-up

    def issue_refresh_token(self, scope: str = "offline_access") -> str:
        token = "rt-" + secrets.token_urlsafe(24)
        self.refresh_tokens[token] = scope
        return token

    def revoke_all(self) -> None:
        self.refresh_tokens.clear()

    # ------------------------------------------------------------------ the endpoints' logic

    def authorize(self, params: Mapping[str, str]) -> str:
        """The merchant consents (or not); the redirect URL the browser is sent to."""
        self.authorize_requests.append(dict(params))
        assert params["client_id"] == self.client_id
        assert params["response_type"] == "code"
        assert params["code_challenge_method"] == "S256"
        redirect = params["redirect_uri"]
        state = params["state"]
        if self.deny:
            query = {"error": "access_denied", "state": state}
            return str(httpx.URL(redirect, params=query))
        code = "code-" + secrets.token_urlsafe(16)
        event = str(uuid.uuid4())
        chosen = self.consent_tenants
        self.event_tenants[event] = [
            t for t in self.tenants if chosen is None or t.tenant_id in chosen
        ]
        self.codes[code] = IssuedCode(params["code_challenge"], redirect, params["scope"], event)
        return str(httpx.URL(redirect, params={"code": code, "state": state}))

    def _client_ok(self, form: Mapping[str, str], authorization: str | None) -> bool:
        if self.is_xero:  # HTTP Basic, as Xero documents it
            expected = (
                "Basic "
                + base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
            )
            return authorization is not None and hmac.compare_digest(authorization, expected)
        return (
            authorization is None
            and form.get("client_id") == self.client_id
            and form.get("client_secret") == self.client_secret
        )

    def _tokens(self, scope: str, event: str, refresh: str | None) -> dict[str, Any]:
        if self.is_xero:
            access = fake_jwt({"authentication_event_id": event, "jti": secrets.token_hex(8)})
        else:
            access = "ya29." + secrets.token_urlsafe(24)
        self.access_tokens[access] = event
        body: dict[str, Any] = {
            "access_token": access,
            "expires_in": self.expires_in,
            "token_type": "Bearer",
            "scope": scope,
        }
        if refresh is not None:
            body["refresh_token"] = refresh
        return body

    def token(self, form: Mapping[str, str], authorization: str | None) -> tuple[int, Any]:
        self.token_requests.append(
            TokenRequest(form.get("grant_type", ""), dict(form), authorization)
        )
        if self.token_failure is not None:
            return self.token_failure
        if not self._client_ok(form, authorization):
            return 401, {"error": "invalid_client"}
        grant = form.get("grant_type")
        if grant == "authorization_code":
            return self._exchange(form)
        if grant == "refresh_token":
            return self._refresh(form)
        return 400, {"error": "unsupported_grant_type"}

    def _exchange(self, form: Mapping[str, str]) -> tuple[int, Any]:
        issued = self.codes.get(form.get("code", ""))
        verifier = form.get("code_verifier", "")
        challenge = b64url(hashlib.sha256(verifier.encode()).digest())
        if (
            issued is None
            or issued.used
            or issued.redirect_uri != form.get("redirect_uri")
            or not hmac.compare_digest(challenge, issued.challenge)
        ):
            return 400, {"error": "invalid_grant"}
        issued.used = True
        refresh = self.issue_refresh_token(issued.scope)
        body = self._tokens(issued.scope, issued.event, refresh)
        if not self.is_xero:
            body["id_token"] = fake_jwt(
                {
                    "iss": "https://accounts.google.com",
                    "aud": self.client_id,
                    "sub": self.google_sub,
                    "email": self.google_email,
                }
            )
        return 200, body

    def _refresh(self, form: Mapping[str, str]) -> tuple[int, Any]:
        old = form.get("refresh_token", "")
        scope = self.refresh_tokens.get(old)
        if scope is None:
            return 400, {
                "error": "invalid_grant",
                "error_description": "Token has been expired or revoked.",
            }
        if self.is_xero:  # rotates: the old one is spent
            del self.refresh_tokens[old]
            return 200, self._tokens(scope, "", self.issue_refresh_token(scope))
        return 200, self._tokens(scope, "", None)  # Google keeps it and sends none

    def connections(self, authorization: str | None, event: str | None) -> tuple[int, Any]:
        self.connections_requests.append({"authEventId": event or ""})
        token = (authorization or "").removeprefix("Bearer ")
        if token not in self.access_tokens:
            return 401, {"Title": "Unauthorized", "Status": 401, "Detail": "TokenExpired"}
        if event:
            tenants = [t.as_json(event) for t in self.event_tenants.get(event, [])]
        else:
            tenants = [t.as_json(e) for e, listed in self.event_tenants.items() for t in listed]
        return 200, tenants

    def organisation(self, authorization: str | None, tenant: str | None) -> tuple[int, Any]:
        """Xero's ``GET /Organisation`` for a tenant this server knows, with a live token."""
        token = (authorization or "").removeprefix("Bearer ")
        self.api_requests.append((token, tenant or ""))
        if token not in self.access_tokens:
            return 401, {"Title": "Unauthorized", "Status": 401, "Detail": "TokenExpired"}
        known = {t.tenant_id: t for t in self.tenants}
        if tenant not in known:
            return 403, {"Title": "Forbidden", "Status": 403, "Detail": "AuthorizationUnsuccessful"}
        org = {"OrganisationID": tenant, "Name": known[tenant].name, "BaseCurrency": "NZD"}
        return 200, {"Status": "OK", "Organisations": [org]}

    # ------------------------------------------------------------------ ASGI

    def app(self) -> Litestar:
        server = self

        @get(server.authorize_path, sync_to_thread=False)
        def authorize(request: Request[Any, Any, Any]) -> Redirect:
            return Redirect(server.authorize(dict(request.query_params)), status_code=302)

        @post(server.token_path)
        async def token(request: Request[Any, Any, Any]) -> Response[Any]:
            form = {k: str(v) for k, v in (await request.form()).items()}
            if server.token_delay:
                await asyncio.sleep(server.token_delay)
            status, body = server.token(form, request.headers.get("authorization"))
            return Response(body, status_code=status, media_type=MediaType.JSON)

        @get("/connections", sync_to_thread=False)
        def connections(request: Request[Any, Any, Any]) -> Response[Any]:
            status, body = server.connections(
                request.headers.get("authorization"), request.query_params.get("authEventId")
            )
            return Response(body, status_code=status, media_type=MediaType.JSON)

        @get("/api.xro/2.0/Organisation", sync_to_thread=False)
        def organisation(request: Request[Any, Any, Any]) -> Response[Any]:
            status, body = server.organisation(
                request.headers.get("authorization"), request.headers.get("xero-tenant-id")
            )
            return Response(body, status_code=status, media_type=MediaType.JSON)

        return Litestar(
            route_handlers=[authorize, token, connections, organisation],
            openapi_config=None,
            logging_config=None,
        )


def query_of(url: str) -> dict[str, str]:
    return dict(httpx.URL(url).params)


def path_of(url: str) -> str:
    return urlsplit(url).path


XERO_HOSTS = frozenset({"login.xero.com", "identity.xero.com", "api.xero.com"})
GOOGLE_HOSTS = frozenset({"accounts.google.com", "oauth2.googleapis.com"})


class ProviderTransport(httpx.AsyncBaseTransport):
    """Sends each request to the fake of the provider whose real host it names (in process)."""

    def __init__(self, *fakes: FakeAuthorizationServer) -> None:
        self._routes: dict[str, httpx.ASGITransport] = {}
        for fake in fakes:
            transport = httpx.ASGITransport(app=asgi_app(fake.app()))
            hosts = XERO_HOSTS if fake.is_xero else GOOGLE_HOSTS
            self._routes.update(dict.fromkeys(hosts, transport))

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        transport = self._routes.get(request.url.host)
        if transport is None:
            return httpx.Response(599, text=f"no fake for {request.url.host}")
        return await transport.handle_async_request(request)
