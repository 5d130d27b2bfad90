"""OAuth 2.0 for the platforms that use it (Xero, Google): the provider description a platform
package carries, and the one client that exchanges authorization codes and refreshes tokens
under the shared HTTP policy.

- Token requests are forms (RFC 6749 section 4.1.3, 6), sent with ``idempotent=False``: never
  retried, since a code and a rotating refresh token are spent by use, and a 4xx never is.
- ``invalid_grant`` is its own error: on a refresh it becomes ``ReauthorizationRequired``
  (the lease marks the connection ``needs_reauth``), on a code exchange a refused flow.
- A refresh keeps the refresh token (and the scopes) when the provider sends none: Xero rotates
  the refresh token on every refresh, Google usually keeps it.
- The credential payload is ``access_token``, ``refresh_token``, ``expires_at`` (ISO 8601) and
  ``scopes`` (space-separated). Client id and secret are the operator's settings, never stored
  with a connection.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import enum
import json
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

import attrs
import httpx
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from shopmcp_adapters.upstreams.http import UpstreamHttp
from shopmcp_domain.credentials import CredentialPayload
from shopmcp_domain.errors import (
    CredentialUnavailable,
    FlowRefusal,
    OAuthFlowRefused,
    OAuthNotConfigured,
    ReauthorizationRequired,
    UpstreamError,
    UpstreamResponseInvalid,
)
from shopmcp_domain.oauth import (
    ACCESS_TOKEN,
    EXPIRES_AT,
    REFRESH_TOKEN,
    SCOPES,
    AuthorizedStore,
    Grant,
    token_needs_refresh,
)
from shopmcp_domain.platforms import Platform
from shopmcp_domain.ports import (
    Clock,
    CredentialLease,
)
from shopmcp_domain.text import escaped_label, plain_text_problem

# --------------------------------------------------------------------------- token responses


class TokenResponse(BaseModel):
    """RFC 6749 section 5.1, as far as the gateway uses it."""

    model_config = ConfigDict(extra="ignore")

    access_token: str = Field(min_length=1, max_length=16_384)
    token_type: str
    expires_in: int = Field(gt=0, le=366 * 24 * 3600)
    refresh_token: str | None = Field(default=None, min_length=1, max_length=16_384)
    scope: str | None = None
    id_token: str | None = None

    @field_validator("token_type")
    @classmethod
    def _bearer(cls, value: str) -> str:
        if value.lower() != "bearer":
            raise ValueError("only bearer tokens are used")
        return value


def unverified_jwt_claims(token: str) -> Mapping[str, Any] | None:
    """The claims of a JWT, without checking its signature, or None when it is not one.

    Only for tokens the gateway received itself from the provider's token endpoint over
    verified TLS (OpenID Connect Core 3.1.3.7 lets TLS stand in for the signature there)."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        claims = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except (ValueError, binascii.Error):
        return None
    return claims if isinstance(claims, dict) else None


def display_label(text: str) -> str:
    """A provider's name for a store (an organisation's name), as a connection may store it."""
    text = text.strip()
    if plain_text_problem(text, max_chars=200) is None:
        return text
    return escaped_label(text, max_chars=200)


# --------------------------------------------------------------------------- providers


class ClientAuthentication(enum.StrEnum):
    # HTTP Basic with the client id and secret (RFC 6749 section 2.3.1), as Xero documents it.
    BASIC = "basic"
    # ``client_id`` and ``client_secret`` in the form, as Google documents it.
    BODY = "body"


class StoreDiscovery(Protocol):
    """How a provider tells which stores a fresh grant opens (Xero lists its tenants, Google
    names the account in the ID token)."""

    async def __call__(
        self, http: UpstreamHttp, tokens: TokenResponse, client_id: str
    ) -> Sequence[AuthorizedStore]: ...

    def with_origin(self, origin: str) -> StoreDiscovery: ...


def replace_origin(url: str, origin: str) -> str:
    """``url`` with its scheme, host and port taken from ``origin`` (sandboxes and tests)."""
    base = httpx.URL(origin)
    return str(httpx.URL(url).copy_with(scheme=base.scheme, host=base.host, port=base.port))


@attrs.frozen
class OAuthProvider:
    """What the gateway needs to know about one platform's authorization server."""

    platform: Platform
    display_name: str
    authorize_url: str
    token_url: str
    scopes: tuple[str, ...]
    discover_stores: StoreDiscovery
    client_authentication: ClientAuthentication = ClientAuthentication.BASIC
    # PKCE with S256 (RFC 7636); both providers support it.
    pkce: bool = True
    # Extra authorization-request parameters (Google: access_type=offline, prompt=consent).
    authorize_params: tuple[tuple[str, str], ...] = ()
    # How the merchant names a store when choosing one in advance (``--store``).
    store_hint: str = ""
    # Asked for in addition to ``scopes`` only when the workspace has opted in to the
    # platform's write tools (Xero); a read-only workspace never grants them.
    write_scopes: tuple[str, ...] = ()

    def with_origin(self, origin: str) -> OAuthProvider:
        """Every URL of the provider sent to one origin (only sandboxes and tests do this)."""
        return attrs.evolve(
            self,
            authorize_url=replace_origin(self.authorize_url, origin),
            token_url=replace_origin(self.token_url, origin),
            discover_stores=self.discover_stores.with_origin(origin),
        )


@attrs.frozen(repr=False)
class OAuthClientConfig:
    """The gateway's registration with a provider (operator settings)."""

    client_id: str
    client_secret: str
    redirect_uri: str

    def __repr__(self) -> str:
        return (
            f"OAuthClientConfig(client_id={self.client_id!r}, redirect_uri={self.redirect_uri!r})"
        )


# --------------------------------------------------------------------------- the client


class InvalidGrant(UpstreamError):
    """The token endpoint answered ``invalid_grant``: the code or refresh token is expired,
    revoked or already used."""

    code = "invalid_grant"


def oauth_error_code(response: httpx.Response) -> str | None:
    try:
        body = response.json()
    except ValueError:
        return None
    error = body.get("error") if isinstance(body, Mapping) else None
    return error if isinstance(error, str) else None


def oauth_message(response: httpx.Response) -> str:
    """``error: error_description`` of an RFC 6749 error body, else the reason phrase."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, Mapping) and isinstance(body.get("error"), str):
        description = body.get("error_description")
        if isinstance(description, str) and description:
            return f"{body['error']}: {description}"
        return str(body["error"])
    return response.reason_phrase or f"HTTP {response.status_code}"


class OAuthClient:
    """One provider with the gateway's client registration: builds authorization URLs,
    exchanges codes (an :class:`~shopmcp_domain.ports.AuthorizationServer`) and refreshes
    tokens (a :data:`~shopmcp_domain.ports.Refresher`). Without a registration it refuses with
    :class:`OAuthNotConfigured`, naming ``missing_hint`` (the settings to set)."""

    def __init__(
        self,
        provider: OAuthProvider,
        http: UpstreamHttp,
        clock: Clock,
        config: OAuthClientConfig | None,
        missing_hint: str = "",
    ) -> None:
        self.provider = provider
        self._config = config
        self._clock = clock
        self._missing_hint = missing_hint
        platform = provider.platform.value

        def read_client_error(response: httpx.Response, message: str) -> UpstreamError | None:
            if oauth_error_code(response) == "invalid_grant":
                return InvalidGrant(platform, response.status_code, message)
            return None

        self._http = attrs.evolve(
            http, platform=platform, message=oauth_message, client_error_reader=read_client_error
        )

    def __repr__(self) -> str:
        return f"OAuthClient(platform={self.platform.value!r}, configured={self.configured})"

    @property
    def platform(self) -> Platform:
        return self.provider.platform

    @property
    def configured(self) -> bool:
        return self._config is not None

    @property
    def config(self) -> OAuthClientConfig:
        """The registration; ``OAuthNotConfigured`` without one."""
        if self._config is None:
            raise OAuthNotConfigured(self.platform.value, self._missing_hint)
        return self._config

    def ensure_configured(self) -> None:
        self.config  # noqa: B018 - the property raises when there is no registration

    def authorization_url(self, state: str, code_challenge: str, *, writes: bool = False) -> str:
        config = self.config
        scopes = self.provider.scopes + (self.provider.write_scopes if writes else ())
        params: dict[str, str] = {
            "response_type": "code",
            "client_id": config.client_id,
            "redirect_uri": config.redirect_uri,
            "scope": " ".join(scopes),
            "state": state,
        }
        if self.provider.pkce:
            params |= {"code_challenge": code_challenge, "code_challenge_method": "S256"}
        params |= dict(self.provider.authorize_params)
        return str(httpx.URL(self.provider.authorize_url, params=params))

    async def exchange(self, code: str, code_verifier: str) -> Grant:
        config = self.config
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": config.redirect_uri,
        }
        if self.provider.pkce:
            form["code_verifier"] = code_verifier
        try:
            tokens = await self._token_request(form)
        except InvalidGrant:
            raise OAuthFlowRefused(
                FlowRefusal.CODE_REFUSED,
                f"{self.platform.value} refused the authorisation code (expired or already "
                "used); start connecting again",
            ) from None
        if not tokens.refresh_token:
            raise OAuthFlowRefused(
                FlowRefusal.CODE_REFUSED,
                f"{self.platform.value} granted no refresh token, so the connection could not "
                "outlive its first access token; start connecting again and allow offline "
                "access",
            )
        stores = await self.provider.discover_stores(self._http, tokens, config.client_id)
        scopes = _scopes(tokens.scope) or frozenset(self.provider.scopes)
        return Grant(
            credentials=CredentialPayload(self._fields(tokens, tokens.refresh_token, scopes)),
            scopes=scopes,
            stores=tuple(stores),
        )

    async def refresh(self, stale: CredentialPayload) -> CredentialPayload:
        """Never retried: a rotating refresh token is spent by use, so a second attempt with
        it would be refused and the connection lost."""
        refresh_token = stale.get(REFRESH_TOKEN)
        if not refresh_token:
            raise ReauthorizationRequired(self.platform.value)
        try:
            tokens = await self._token_request(
                {"grant_type": "refresh_token", "refresh_token": refresh_token}
            )
        except InvalidGrant:
            raise ReauthorizationRequired(self.platform.value) from None
        scopes = _scopes(tokens.scope) or _scopes(stale.get(SCOPES))
        return stale.replace(**self._fields(tokens, tokens.refresh_token or refresh_token, scopes))

    def _fields(
        self, tokens: TokenResponse, refresh_token: str, scopes: frozenset[str]
    ) -> dict[str, str]:
        expires_at = self._clock.now() + dt.timedelta(seconds=tokens.expires_in)
        return {
            ACCESS_TOKEN: tokens.access_token,
            REFRESH_TOKEN: refresh_token,
            EXPIRES_AT: expires_at.isoformat(),
            SCOPES: " ".join(sorted(scopes)),
        }

    async def _token_request(self, form: Mapping[str, str]) -> TokenResponse:
        config = self.config
        body = dict(form)
        auth: httpx.Auth | None = None
        if self.provider.client_authentication is ClientAuthentication.BASIC:
            # Unencoded, as Xero documents it (its ids and secrets are URL-safe anyway).
            auth = httpx.BasicAuth(config.client_id, config.client_secret)
        else:
            body |= {"client_id": config.client_id, "client_secret": config.client_secret}
        response = await self._http.request(
            "POST",
            self.provider.token_url,
            idempotent=False,
            data=body,
            headers={"Accept": "application/json"},
            auth=auth,
        )
        try:
            return TokenResponse.model_validate(
                UpstreamHttp.json_body(self.platform.value, response)
            )
        except ValidationError:
            raise UpstreamResponseInvalid(
                self.platform.value, "the token response is incomplete"
            ) from None


def _scopes(text: str | None) -> frozenset[str]:
    return frozenset(text.split()) if text else frozenset()


# --------------------------------------------------------------------------- for tool clients


class OAuthTokens:
    """A connection's access token for one request, kept fresh: what an OAuth platform's tool
    client asks for before each upstream request.

    The token comes from the credential the lease opened (so it is reused until
    ``REFRESH_MARGIN`` before the expiry it records) and is refreshed through the lease, which
    serialises refreshes per connection across processes and re-seals the result."""

    def __init__(self, client: OAuthClient, lease: CredentialLease, clock: Clock) -> None:
        self._client = client
        self._lease = lease
        self._clock = clock

    def __repr__(self) -> str:
        return f"OAuthTokens(platform={self._client.platform.value!r})"

    async def access_token(self) -> str:
        credentials = await self._lease.current()
        if token_needs_refresh(credentials, self._clock.now()):
            credentials = await self._lease.rotate(self._client.refresh, credentials)
        return _access_token(credentials)

    async def after_unauthorized(self, used: str) -> str:
        """The upstream refused ``used`` (401) before its recorded expiry: refresh once,
        unless another request already did, and return the token to retry with. A client
        calls this at most once per upstream request."""
        credentials = await self._lease.current()
        if credentials.get(ACCESS_TOKEN) == used:
            credentials = await self._lease.rotate(self._client.refresh, credentials)
        return _access_token(credentials)


def _access_token(credentials: CredentialPayload) -> str:
    token = credentials.get(ACCESS_TOKEN)
    if not token:
        raise CredentialUnavailable()
    return token
