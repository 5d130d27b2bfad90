"""Shopify's OAuth install (authorization code grant), for a merchant connecting a store from
the dashboard instead of pasting an Admin API token.

Shopify's flow differs from the generic OAuth 2.0 one in ``upstreams.oauth2``: the
authorization and token endpoints are on the shop's own ``*.myshopify.com`` domain, there is
no PKCE, the callback's query is signed by Shopify (``hmac``, HMAC-SHA256 keyed by the app's
client secret) and the granted scopes come back comma-separated. So:

- :func:`authorization_url` builds ``https://{shop}/admin/oauth/authorize`` with the app's
  client id, the scopes asked for, the redirect URI and the gateway's signed ``state`` (offline
  access: no ``grant_options[]``).
- :func:`verify_callback` checks the callback before anything else is trusted: every query
  parameter but ``hmac`` (and the legacy ``signature``), sorted by name, joined ``name=value``
  with ``&`` (``%``, ``&`` and, in names, ``=`` escaped as Shopify specifies), must have the
  HMAC-SHA256 hex digest ``hmac`` says (compared in constant time); every parameter appears once;
  and ``shop`` is a ``*.myshopify.com`` domain.
- :class:`ShopifyInstallServer` is the domain's ``AuthorizationServer`` for that one shop: it
  exchanges the code for an **expiring offline token** (``expiring=1``: an hour's access token
  and a rotating refresh token, which public apps must use from 2027-01-01), refuses a grant
  missing any scope asked for (``write_x`` implies ``read_x``), and yields the credential the
  Shopify client refreshes itself (``access_token``, ``refresh_token``, ``expires_at``,
  ``client_id``, ``client_secret``).

The state, its single use and its expiry are the domain's (:mod:`shopmcp_domain.oauth`), as
for every OAuth platform.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Iterable, Sequence

import attrs
import httpx
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from shopmcp_adapters.upstreams.http import UpstreamHttp
from shopmcp_adapters.upstreams.shopify.client import TOKEN_PATH, validate_shop_domain
from shopmcp_domain.credentials import CredentialPayload
from shopmcp_domain.dashboard_errors import ScopesNotGranted
from shopmcp_domain.errors import (
    ConnectionUnavailable,
    FlowRefusal,
    OAuthFlowRefused,
    UpstreamError,
    UpstreamResponseInvalid,
)
from shopmcp_domain.oauth import AuthorizedStore, Grant
from shopmcp_domain.platforms import Platform
from shopmcp_domain.ports import Clock

AUTHORIZE_PATH = "/admin/oauth/authorize"
_UNSIGNED = frozenset({"hmac", "signature"})


@attrs.frozen(repr=False)
class ShopifyApp:
    """The operator's app registration (settings), and the redirect URI registered with it."""

    client_id: str
    client_secret: str
    redirect_uri: str
    scopes: tuple[str, ...]

    def __repr__(self) -> str:
        return f"ShopifyApp(client_id={self.client_id!r}, scopes={self.scopes!r})"


def shop_origin(shop: str, sandbox_origin: str | None = None) -> str:
    """Where a shop's endpoints are: ``https://{shop}``, or the sandbox's origin."""
    return sandbox_origin.rstrip("/") if sandbox_origin else f"https://{shop}"


def authorization_url(
    app: ShopifyApp, shop: str, state: str, sandbox_origin: str | None = None
) -> str:
    params = {
        "client_id": app.client_id,
        "scope": ",".join(app.scopes),
        "redirect_uri": app.redirect_uri,
        "state": state,
    }
    return str(httpx.URL(shop_origin(shop, sandbox_origin) + AUTHORIZE_PATH, params=params))


def _escape(text: str, *, key: bool) -> str:
    text = text.replace("%", "%25").replace("&", "%26")
    return text.replace("=", "%3D") if key else text


def signed_message(query: Iterable[tuple[str, str]]) -> bytes:
    """What Shopify signs: every parameter but the signature ones, sorted by name."""
    pairs = sorted((k, v) for k, v in query if k not in _UNSIGNED)
    return "&".join(f"{_escape(k, key=True)}={_escape(v, key=False)}" for k, v in pairs).encode()


def sign_query(query: Iterable[tuple[str, str]], client_secret: str) -> str:
    """The ``hmac`` Shopify would send with this query (tests and the sandbox sign with it)."""
    return hmac.new(client_secret.encode(), signed_message(query), hashlib.sha256).hexdigest()


def invalid_callback() -> OAuthFlowRefused:
    return OAuthFlowRefused(
        FlowRefusal.INVALID_STATE,
        "this callback does not come from Shopify (its signature does not hold); start "
        "connecting again",
    )


def verify_callback(query: Sequence[tuple[str, str]], client_secret: str) -> str:
    """The verified shop domain of a callback, or ``OAuthFlowRefused`` (one refusal for a
    missing or wrong signature, a repeated parameter, or a shop that is not
    ``*.myshopify.com``)."""
    names = [name for name, _ in query]
    if len(names) != len(set(names)):
        raise invalid_callback()
    values = dict(query)
    presented = values.get("hmac", "")
    expected = sign_query(query, client_secret)
    if not hmac.compare_digest(presented.encode(), expected.encode()):
        raise invalid_callback()
    try:
        return validate_shop_domain(values.get("shop", ""))
    except ConnectionUnavailable:
        raise invalid_callback() from None


def missing_scopes(requested: Iterable[str], granted: Iterable[str]) -> list[str]:
    """Scopes asked for and not granted; a granted ``write_x`` covers ``read_x``."""
    have = set(granted)
    have |= {"read_" + s.removeprefix("write_") for s in have if s.startswith("write_")}
    return sorted(set(requested) - have)


class _TokenAnswer(BaseModel):
    model_config = ConfigDict(extra="ignore")

    access_token: str = Field(min_length=1, max_length=16_384)
    scope: str = ""
    expires_in: int = Field(gt=0, le=366 * 24 * 3600)
    refresh_token: str = Field(min_length=1, max_length=16_384)
    refresh_token_expires_in: int | None = Field(default=None, gt=0)


class ShopifyInstallServer:
    """``AuthorizationServer`` for one shop's install callback (the shop comes from the
    verified callback; the flow's own shop must match it, which the domain checks)."""

    platform = Platform.SHOPIFY

    def __init__(
        self,
        http: UpstreamHttp,
        clock: Clock,
        app: ShopifyApp,
        shop: str,
        sandbox_origin: str | None = None,
    ) -> None:
        self._http = http
        self._clock = clock
        self._app = app
        self.shop = validate_shop_domain(shop)
        self._token_url = shop_origin(self.shop, sandbox_origin) + TOKEN_PATH

    def __repr__(self) -> str:
        return f"ShopifyInstallServer(shop={self.shop!r})"

    async def exchange(self, code: str, code_verifier: str) -> Grant:
        """``code_verifier`` is unused: Shopify's grant has no PKCE (the flow's state, signed
        and used once, binds the callback to the flow)."""
        try:
            response = await self._http.request(
                "POST",
                self._token_url,
                idempotent=False,
                json={
                    "client_id": self._app.client_id,
                    "client_secret": self._app.client_secret,
                    "code": code,
                    "expiring": 1,
                },
                headers={"Accept": "application/json"},
            )
        except UpstreamError as error:
            if 400 <= error.status < 500:
                raise OAuthFlowRefused(
                    FlowRefusal.CODE_REFUSED,
                    "Shopify refused the authorisation code (expired or already used); start "
                    "connecting again",
                ) from None
            raise
        try:
            answer = _TokenAnswer.model_validate(UpstreamHttp.json_body("shopify", response))
        except ValidationError:
            raise UpstreamResponseInvalid(
                "shopify", "the token response is incomplete (no expiring offline token)"
            ) from None
        granted = frozenset(s.strip() for s in answer.scope.split(",") if s.strip())
        missing = missing_scopes(self._app.scopes, granted)
        if missing:
            raise ScopesNotGranted("shopify", missing)
        now = self._clock.now()
        fields = {
            "access_token": answer.access_token,
            "refresh_token": answer.refresh_token,
            "expires_at": (now + dt.timedelta(seconds=answer.expires_in)).isoformat(),
            "client_id": self._app.client_id,
            "client_secret": self._app.client_secret,
        }
        if answer.refresh_token_expires_in is not None:
            fields["refresh_token_expires_at"] = (
                now + dt.timedelta(seconds=answer.refresh_token_expires_in)
            ).isoformat()
        return Grant(
            credentials=CredentialPayload(fields),
            scopes=granted,
            stores=(AuthorizedStore(store_ref=self.shop, display_name=self.shop),),
        )
