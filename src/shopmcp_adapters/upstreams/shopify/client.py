"""The thin Shopify Admin GraphQL client: one POST per tool call, under the shared HTTP policy.

What lives here and nowhere else: the pinned endpoint, the access-token header, reading the
GraphQL envelope (``errors``, ``extensions.cost.throttleStatus``, ``userErrors``) into the
domain's errors, and keeping an expiring offline token fresh. TLS, timeouts, retries and the
4xx/5xx policy are ``UpstreamHttp``'s.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping
from typing import Any, Final

import attrs
import httpx

from shopmcp_adapters.upstreams.http import UpstreamHttp, default_message, retry_after_header
from shopmcp_adapters.upstreams.shopify.documents import GRAPHQL_PATH
from shopmcp_domain.connections import Connection
from shopmcp_domain.credentials import CredentialPayload
from shopmcp_domain.errors import (
    ConnectionUnavailable,
    CredentialUnavailable,
    UpstreamError,
    UpstreamRateLimited,
    UpstreamResponseInvalid,
    UpstreamUnavailable,
)
from shopmcp_domain.ports import (
    Clock,
    CredentialLease,
)

PLATFORM: Final = "shopify"
TOKEN_HEADER: Final = "X-Shopify-Access-Token"  # noqa: S105 - a header name
TOKEN_PATH: Final = "/admin/oauth/access_token"  # noqa: S105 - a path, not a secret
SHOP_DOMAIN_RE: Final = re.compile(r"^[a-z0-9][a-z0-9-]*\.myshopify\.com$")
# Refresh an expiring token this long before it expires (Shopify suggests "a few minutes").
REFRESH_MARGIN: Final = dt.timedelta(minutes=5)


def validate_shop_domain(shop: str) -> str:
    if len(shop) > 255 or not SHOP_DOMAIN_RE.fullmatch(shop):
        raise ConnectionUnavailable(PLATFORM, "the shop is not a valid *.myshopify.com domain")
    return shop


# --------------------------------------------------------------------------- rate limits


@attrs.frozen
class Throttle:
    """``extensions.cost`` of one response."""

    maximum_available: float | None
    currently_available: float | None
    restore_rate: float | None
    requested_cost: float | None

    @classmethod
    def from_body(cls, body: Any) -> Throttle | None:
        cost = _dig(body, "extensions", "cost")
        if not isinstance(cost, Mapping):
            return None
        status = cost.get("throttleStatus")
        status = status if isinstance(status, Mapping) else {}
        return cls(
            maximum_available=_number(status.get("maximumAvailable")),
            currently_available=_number(status.get("currentlyAvailable")),
            restore_rate=_number(status.get("restoreRate")),
            requested_cost=_number(cost.get("requestedQueryCost")),
        )

    def retry_after(self) -> float | None:
        """Seconds until the bucket holds the requested cost again (leaky bucket refill)."""
        if not self.restore_rate or self.restore_rate <= 0 or self.currently_available is None:
            return None
        needed = (self.requested_cost or self.restore_rate) - self.currently_available
        seconds = max(needed, 1.0) / self.restore_rate
        return math.ceil(seconds * 10) / 10

    def describe(self) -> str:
        parts = []
        if self.requested_cost is not None:
            parts.append(f"query cost {self.requested_cost:g}")
        if self.currently_available is not None:
            available = f"{self.currently_available:g}"
            if self.maximum_available is not None:
                available += f" of {self.maximum_available:g}"
            parts.append(f"{available} points available")
        if self.restore_rate is not None:
            parts.append(f"restoring {self.restore_rate:g} points/s")
        return ", ".join(parts)


def _number(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def _dig(value: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


def _error_code(error: Any) -> str | None:
    code = _dig(error, "extensions", "code")
    return code if isinstance(code, str) else None


def _graphql_messages(errors: Any) -> str:
    if isinstance(errors, str):
        return errors
    out = []
    for error in errors if isinstance(errors, list) else [errors]:
        message = error.get("message") if isinstance(error, Mapping) else None
        text = message if isinstance(message, str) else "unknown error"
        code = _error_code(error)
        out.append(f"{code}: {text}" if code else text)
    return "; ".join(out) or "unknown error"


def shopify_message(response: httpx.Response) -> str:
    """Error text of a 4xx from Shopify: GraphQL ``errors`` (string or list) or the default."""
    try:
        body = response.json()
    except ValueError:
        return default_message(response)
    errors = body.get("errors") if isinstance(body, Mapping) else None
    if errors:
        text = _graphql_messages(errors)
        throttle = Throttle.from_body(body)
        return f"{text} ({throttle.describe()})" if throttle and throttle.describe() else text
    return default_message(response)


def shopify_retry_after(response: httpx.Response) -> float | None:
    """``Retry-After`` when sent, else computed from the body's throttle status."""
    header = retry_after_header(response)
    if header is not None:
        return header
    try:
        throttle = Throttle.from_body(response.json())
    except ValueError:
        return None
    return throttle.retry_after() if throttle else None


def shopify_http(http: UpstreamHttp) -> UpstreamHttp:
    """The shared policy with Shopify's error-body and retry-after readers."""
    return attrs.evolve(http, message=shopify_message, retry_after=shopify_retry_after)


# --------------------------------------------------------------------------- credentials


def is_expiring(payload: CredentialPayload) -> bool:
    return payload.get("refresh_token") is not None


def _expires_at(payload: CredentialPayload) -> dt.datetime | None:
    raw = payload.get("expires_at")
    if raw is None:
        return None
    try:
        value = dt.datetime.fromisoformat(raw)
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def needs_refresh(payload: CredentialPayload, now: dt.datetime) -> bool:
    if not is_expiring(payload):
        return False
    expires = _expires_at(payload)
    # An expiring token without a readable expiry is treated as expired.
    return expires is None or expires - REFRESH_MARGIN <= now


# --------------------------------------------------------------------------- the client


class ShopifyClient:
    """One connection's client for one request."""

    def __init__(
        self,
        http: UpstreamHttp,
        shop: str,
        credentials: CredentialLease,
        clock: Clock,
        base_url: str | None = None,
    ) -> None:
        self._http = http
        self.shop = validate_shop_domain(shop)
        self._credentials = credentials
        self._clock = clock
        self._origin = base_url.rstrip("/") if base_url else f"https://{self.shop}"

    @property
    def graphql_url(self) -> str:
        return self._origin + GRAPHQL_PATH

    @property
    def token_url(self) -> str:
        return self._origin + TOKEN_PATH

    def __repr__(self) -> str:
        return f"ShopifyClient(shop={self.shop!r})"

    async def query(self, document: str, variables: Mapping[str, Any]) -> Mapping[str, Any]:
        """Run a read. Returns ``data``."""
        return await self._execute(document, variables, idempotent=True)

    async def mutate(
        self,
        document: str,
        variables: Mapping[str, Any],
        field: str,
        errors: str = "userErrors",
    ) -> Mapping[str, Any]:
        """Run a mutation (never retried). Returns ``data[field]`` after checking its user
        errors (``errors`` names them: ``orderCancel`` has its own list)."""
        data = await self._execute(document, variables, idempotent=False)
        payload = data.get(field)
        if not isinstance(payload, Mapping):
            raise UpstreamResponseInvalid(PLATFORM, f"the {field} result is missing")
        user_errors = payload.get(errors)
        if user_errors:
            raise MutationRefused(user_errors)
        return payload

    async def _execute(
        self, document: str, variables: Mapping[str, Any], *, idempotent: bool
    ) -> Mapping[str, Any]:
        credentials = await self._credentials.current()
        if needs_refresh(credentials, self._clock.now()):
            credentials = await self._credentials.rotate(self._refresh, credentials)
        body = {"query": document, "variables": dict(variables)}
        try:
            response = await self._post(credentials, body, idempotent)
        except UpstreamError as error:
            # An expiring token can be revoked or expire early: refresh once, retry once.
            if error.status != 401 or not is_expiring(credentials):
                raise
            credentials = await self._credentials.rotate(self._refresh, credentials)
            response = await self._post(credentials, body, idempotent)
        return self._data(response)

    async def _post(
        self, credentials: CredentialPayload, body: Mapping[str, Any], idempotent: bool
    ) -> httpx.Response:
        token = credentials.get("access_token")
        if not token:
            raise CredentialUnavailable()
        return await self._http.request(
            "POST",
            self.graphql_url,
            idempotent=idempotent,
            json=body,
            headers={TOKEN_HEADER: token, "Accept": "application/json"},
        )

    def _data(self, response: httpx.Response) -> Mapping[str, Any]:
        body = UpstreamHttp.json_body(PLATFORM, response)
        if not isinstance(body, Mapping):
            raise UpstreamResponseInvalid(PLATFORM, "the response is not a JSON object")
        errors = body.get("errors")
        if errors:
            raise _graphql_error(response.status_code, errors, Throttle.from_body(body))
        data = body.get("data")
        if not isinstance(data, Mapping):
            raise UpstreamResponseInvalid(PLATFORM, "the response has no data")
        return data

    async def _refresh(self, stale: CredentialPayload) -> CredentialPayload:
        """Exchange the refresh token for a new pair (the refresh token rotates)."""
        client_id = stale.get("client_id")
        client_secret = stale.get("client_secret")
        refresh_token = stale.get("refresh_token")
        if not (client_id and client_secret and refresh_token):
            raise CredentialUnavailable()
        # Never retried: a refresh token is spent by use.
        response = await self._http.request(
            "POST",
            self.token_url,
            idempotent=False,
            json={
                "client_id": client_id,
                "client_secret": client_secret,
                "grant_type": "refresh_token",
                "refresh_token": refresh_token,
            },
            headers={"Accept": "application/json"},
        )
        body = UpstreamHttp.json_body(PLATFORM, response)
        access = _dig(body, "access_token")
        fresh_refresh = _dig(body, "refresh_token")
        expires_in = _dig(body, "expires_in")
        if not (
            isinstance(access, str)
            and access
            and isinstance(fresh_refresh, str)
            and fresh_refresh
            and isinstance(expires_in, int)
            and not isinstance(expires_in, bool)
            and expires_in > 0
        ):
            raise UpstreamResponseInvalid(PLATFORM, "the token refresh response is incomplete")
        now = self._clock.now()
        changes = {
            "access_token": access,
            "refresh_token": fresh_refresh,
            "expires_at": (now + dt.timedelta(seconds=expires_in)).isoformat(),
        }
        refresh_expires_in = _dig(body, "refresh_token_expires_in")
        if isinstance(refresh_expires_in, int) and refresh_expires_in > 0:
            changes["refresh_token_expires_at"] = (
                now + dt.timedelta(seconds=refresh_expires_in)
            ).isoformat()
        return stale.replace(**changes)


class MutationRefused(UpstreamError):
    """A mutation answered with ``userErrors``: Shopify changed nothing. ``codes`` maps each
    error's code (for payloads that select one) to its message, for a tool that explains one
    refusal in its own words."""

    def __init__(self, errors: Any) -> None:
        super().__init__(PLATFORM, 200, "rejected the change: " + _user_errors(errors))
        entries = errors if isinstance(errors, list) else [errors]
        self.codes: dict[str, str] = {
            error["code"]: str(error.get("message"))
            for error in entries
            if isinstance(error, Mapping) and isinstance(error.get("code"), str)
        }


def _user_errors(errors: Any) -> str:
    out = []
    for error in errors if isinstance(errors, list) else [errors]:
        if not isinstance(error, Mapping):
            continue
        field = error.get("field")
        where = ".".join(str(part) for part in field) if isinstance(field, list) else None
        message = error.get("message")
        text = message if isinstance(message, str) else "invalid"
        out.append(f"{where}: {text}" if where else text)
    return "; ".join(out) or "invalid input"


def _graphql_error(status: int, errors: Any, throttle: Throttle | None) -> Exception:
    """A status-200 GraphQL ``errors`` body as a domain error."""
    codes = {_error_code(e) for e in errors} if isinstance(errors, list) else set()
    message = _graphql_messages(errors)
    if "THROTTLED" in codes:
        detail = f"{message} ({throttle.describe()})" if throttle else message
        retry = throttle.retry_after() if throttle else None
        return UpstreamRateLimited(PLATFORM, detail, retry, status=status)
    if "MAX_COST_EXCEEDED" in codes and throttle:
        return UpstreamError(PLATFORM, status, f"GraphQL {message} ({throttle.describe()})")
    if "INTERNAL_SERVER_ERROR" in codes:
        return UpstreamUnavailable(PLATFORM, "GraphQL internal error", upstream_message=message)
    return UpstreamError(PLATFORM, status, f"GraphQL {message}")


ClientFactory = Callable[[Connection, CredentialLease], ShopifyClient]
