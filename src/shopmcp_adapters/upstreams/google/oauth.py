"""Google's OAuth 2.0 provider (web-server flow with PKCE).

A Google connection is one Google account: ``store_ref`` is the account's stable subject id
(``sub``) and the display name its email, both read from the OpenID Connect ID token the token
endpoint returns with the code exchange (the ``openid email`` scopes). The ID token came
straight from Google's token endpoint over verified TLS, which OpenID Connect Core 3.1.3.7
accepts in place of checking its signature; its issuer and audience are still checked. Which
GA4 property, Merchant Center account or Search Console site a tool reads is the tool's
argument, not the connection's: one account may reach several.

``access_type=offline`` asks for a refresh token and ``prompt=consent`` makes Google send one
even when the account had already consented. Google keeps the refresh token on refresh (a new
one is sent only occasionally); ``invalid_grant`` means it was revoked or expired (seven days
for an app whose consent screen is in "Testing").
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import attrs
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from shopmcp_adapters.upstreams.http import UpstreamHttp
from shopmcp_adapters.upstreams.oauth2 import (
    ClientAuthentication,
    OAuthProvider,
    TokenResponse,
    display_label,
    unverified_jwt_claims,
)
from shopmcp_domain.errors import UpstreamResponseInvalid
from shopmcp_domain.oauth import AuthorizedStore
from shopmcp_domain.platforms import Platform

AUTHORIZE_URL: Final = "https://accounts.google.com/o/oauth2/v2/auth"
TOKEN_URL: Final = "https://oauth2.googleapis.com/token"  # noqa: S105 - a URL
ISSUERS: Final = frozenset({"https://accounts.google.com", "accounts.google.com"})
SCOPES: Final = (
    "openid",
    "email",
    "https://www.googleapis.com/auth/analytics.readonly",
    # The Merchant API has no read-only scope; the gateway's Google tools only read.
    "https://www.googleapis.com/auth/content",
    "https://www.googleapis.com/auth/webmasters.readonly",
)


class GoogleIdClaims(BaseModel):
    model_config = ConfigDict(extra="ignore")

    iss: str
    aud: str | list[str]
    sub: str = Field(min_length=1, max_length=255, pattern=r"^\S+$")
    email: str | None = None


@attrs.frozen
class GoogleAccount:
    """The one account a fresh Google grant opens, from its ID token."""

    async def __call__(
        self, http: UpstreamHttp, tokens: TokenResponse, client_id: str
    ) -> Sequence[AuthorizedStore]:
        raw = unverified_jwt_claims(tokens.id_token or "")
        try:
            claims = GoogleIdClaims.model_validate(raw)
        except ValidationError:
            raise UpstreamResponseInvalid(
                "google", "the token response does not identify the account (ID token)"
            ) from None
        audiences = [claims.aud] if isinstance(claims.aud, str) else claims.aud
        if claims.iss not in ISSUERS or client_id not in audiences:
            raise UpstreamResponseInvalid("google", "the ID token was not issued for this gateway")
        return [
            AuthorizedStore(
                store_ref=claims.sub,
                display_name=display_label(claims.email or f"Google account {claims.sub}"),
            )
        ]

    def with_origin(self, origin: str) -> GoogleAccount:
        return self


GOOGLE_OAUTH: Final = OAuthProvider(
    platform=Platform.GOOGLE,
    display_name="Google",
    authorize_url=AUTHORIZE_URL,
    token_url=TOKEN_URL,
    scopes=SCOPES,
    discover_stores=GoogleAccount(),
    client_authentication=ClientAuthentication.BODY,
    authorize_params=(("access_type", "offline"), ("prompt", "consent")),
    store_hint="a Google account's subject id",
)
