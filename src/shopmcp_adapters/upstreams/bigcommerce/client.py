"""The thin BigCommerce client: it builds one request from a tool's declared operation and
hands it to the shared HTTP policy (``UpstreamHttp``), then reads BigCommerce's signals.

- Base: ``https://api.bigcommerce.com/stores/{store_hash}`` + the operation's ``/v2|/v3`` path.
  A sandbox origin (``UpstreamEnv.base_url``, set only by the demo and tests) replaces
  ``https://api.bigcommerce.com``; the ``/stores/{store_hash}`` path stays.
- Auth: ``X-Auth-Token`` (the connection's ``access_token``), ``Accept: application/json``.
- Rate limits: ``X-Rate-Limit-Requests-Left``, ``-Requests-Quota``, ``-Time-Window-Ms`` and
  ``-Time-Reset-Ms`` are parsed on every response; a 429 carries the reset as its retry-after.
  A 429 without them is platform load (no retry-after is invented).
- Errors: v3 bodies ``{status, title, type, errors}`` and v2 bodies ``[{status, message}]``
  become one readable upstream message.
- v2 list endpoints answer ``204 No Content`` instead of ``[]`` past the end: an empty list.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

import attrs
import httpx

from shopmcp_adapters.upstreams.http import UpstreamHttp, default_message
from shopmcp_domain.errors import (
    ConnectionUnavailable,
    CredentialUnavailable,
    UpstreamResponseInvalid,
)
from shopmcp_domain.platforms import Platform
from shopmcp_domain.ports import CredentialLease
from shopmcp_domain.tools.spec import HttpMethod, UpstreamOperation

log = logging.getLogger(__name__)

PLATFORM = Platform.BIGCOMMERCE.value
API_HOST = "api.bigcommerce.com"
API_ORIGIN = f"https://{API_HOST}"
# A store hash is BigCommerce's short lowercase alphanumeric store id (e.g. "abc123"). Nothing
# else may reach the URL path: no separators, dots, percent-escapes or upper case.
STORE_HASH_RE = re.compile(r"^[a-z0-9]{3,32}$")
_PLACEHOLDER_RE = re.compile(r"\{([a-z_]+)\}")
# The only text a path segment may carry: a cart id (a UUID) or an abandoned-cart token (32 hex
# digits), lower case. Nothing that could add a segment, a query or an escape.
PATH_TOKEN_PATTERN = (
    r"^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{32})$"  # noqa: S105 - a pattern
)
_PATH_TOKEN_RE = re.compile(PATH_TOKEN_PATTERN)


def _store_hash(_: object, __: attrs.Attribute[str], value: str) -> None:
    validate_store_hash(value)


def validate_store_hash(value: str) -> str:
    if not STORE_HASH_RE.fullmatch(value):
        raise ConnectionUnavailable(PLATFORM, "the store hash is not a valid BigCommerce store id")
    return value


# --------------------------------------------------------------------------- rate limits


@attrs.frozen
class RateLimitStatus:
    """BigCommerce's per-store quota as reported on one response."""

    requests_left: int | None
    requests_quota: int | None
    window_ms: int | None
    reset_ms: int | None

    @property
    def reset_seconds(self) -> float | None:
        return None if self.reset_ms is None else self.reset_ms / 1000

    @property
    def present(self) -> bool:
        return any(v is not None for v in attrs.astuple(self))


def _header_int(headers: httpx.Headers, name: str) -> int | None:
    raw = headers.get(name, "").strip()
    if not raw.isdigit() or len(raw) > 12:
        return None
    return int(raw)


def parse_rate_limit(response: httpx.Response) -> RateLimitStatus:
    return RateLimitStatus(
        requests_left=_header_int(response.headers, "X-Rate-Limit-Requests-Left"),
        requests_quota=_header_int(response.headers, "X-Rate-Limit-Requests-Quota"),
        window_ms=_header_int(response.headers, "X-Rate-Limit-Time-Window-Ms"),
        reset_ms=_header_int(response.headers, "X-Rate-Limit-Time-Reset-Ms"),
    )


def retry_after(response: httpx.Response) -> float | None:
    """Seconds until the quota window resets; ``None`` when BigCommerce did not say (a 429
    without rate-limit headers means platform load, not this store's quota)."""
    return parse_rate_limit(response).reset_seconds


# --------------------------------------------------------------------------- error bodies


def _v3_message(body: Mapping[str, Any]) -> str | None:
    title = body.get("title")
    errors = body.get("errors")
    details: list[str] = []
    if isinstance(errors, Mapping):
        for key, value in list(errors.items())[:5]:
            if isinstance(value, str | int | float):
                details.append(f"{key}: {value}")
    elif isinstance(errors, list):
        details = [str(v) for v in errors[:5] if isinstance(v, str | int | float)]
    text = title if isinstance(title, str) and title.strip() else None
    if details:
        return f"{text or 'validation failed'} ({'; '.join(details)})"
    return text


def _v2_message(body: list[Any]) -> str | None:
    messages = [
        item["message"]
        for item in body[:5]
        if isinstance(item, Mapping) and isinstance(item.get("message"), str) and item["message"]
    ]
    return "; ".join(messages) or None


def error_message(response: httpx.Response) -> str:
    """The upstream's own words, from either API generation, else the generic extraction."""
    try:
        body = response.json()
    except ValueError:
        body = None
    message: str | None = None
    if isinstance(body, Mapping):
        message = _v3_message(body)
    elif isinstance(body, list):
        message = _v2_message(body)
    if response.status_code == 429:
        limits = parse_rate_limit(response)
        if limits.requests_quota is not None and limits.window_ms is not None:
            quota = (
                f"store quota of {limits.requests_quota} requests per "
                f"{limits.window_ms / 1000:g}s used up"
            )
            message = f"{message}: {quota}" if message else quota
        elif not limits.present:
            message = f"{message or 'Too many requests'}: BigCommerce is under load"
    return message or default_message(response)


def bigcommerce_http(http: UpstreamHttp) -> UpstreamHttp:
    """The shared policy with BigCommerce's error and retry-after readers plugged in."""
    return attrs.evolve(http, platform=PLATFORM, message=error_message, retry_after=retry_after)


# --------------------------------------------------------------------------- the client


def _path_segment(name: str, value: int | str) -> str:
    if isinstance(value, bool):
        raise ValueError(f"path parameter {name} must be a positive int or a token")
    if isinstance(value, int):
        if value < 1:
            raise ValueError(f"path parameter {name} must be a positive int")
        return str(value)
    if isinstance(value, str) and _PATH_TOKEN_RE.fullmatch(value):
        return value
    raise ValueError(f"path parameter {name} must be a positive int or a token")


@attrs.define
class BigCommerceClient:
    """One connection's client. Holds no token: it asks the lease on each request."""

    http: UpstreamHttp
    store_hash: str = attrs.field(validator=_store_hash)
    credentials: CredentialLease
    # Replaces https://api.bigcommerce.com (the demo's sandbox, tests); None in production.
    base_url: str | None = None
    last_rate_limit: RateLimitStatus | None = None

    def url(self, operation: UpstreamOperation, path: Mapping[str, int | str]) -> str:
        """Fill the operation's template. Placeholders take positive ints, or the one token
        shape above, so the path can never grow a segment, a query string or another host."""
        names = set(_PLACEHOLDER_RE.findall(operation.path))
        if names != set(path):
            raise ValueError(f"{operation.key}: path parameters {sorted(path)} != {sorted(names)}")
        filled = operation.path
        for name, value in path.items():
            filled = filled.replace("{" + name + "}", quote(_path_segment(name, value), safe=""))
        return f"{self.origin}/stores/{self.store_hash}{filled}"

    @property
    def origin(self) -> str:
        return self.base_url.rstrip("/") if self.base_url else API_ORIGIN

    async def _headers(self, with_body: bool) -> dict[str, str]:
        payload = await self.credentials.current()
        token = payload.get("access_token")
        if not token:
            raise CredentialUnavailable()
        headers = {"X-Auth-Token": token, "Accept": "application/json"}
        if with_body:
            headers["Content-Type"] = "application/json"
        return headers

    async def call(
        self,
        operation: UpstreamOperation,
        *,
        path: Mapping[str, int | str] | None = None,
        params: Mapping[str, str | int] | None = None,
        json: Mapping[str, Any] | None = None,
        empty: Any = None,
    ) -> Any:
        """Send the operation's one request; return the decoded JSON body.

        ``empty`` is what a ``204 No Content`` means for this operation (``[]`` for v2 lists);
        left ``None``, a 204 is an invalid response. Only GETs are retried by the policy.
        """
        url = self.url(operation, path or {})
        query = httpx.QueryParams({k: str(v) for k, v in (params or {}).items()})
        response = await self.http.request(
            operation.method.value,
            url,
            idempotent=operation.method is HttpMethod.GET,
            params=query,
            json=dict(json) if json is not None else None,
            headers=await self._headers(with_body=json is not None),
        )
        self.last_rate_limit = parse_rate_limit(response)
        left = self.last_rate_limit.requests_left
        if left is not None and left <= 5:
            log.warning("bigcommerce store quota nearly used: %d requests left", left)
        if response.status_code == 204 or not response.content:
            if empty is None:
                raise UpstreamResponseInvalid(PLATFORM, "the response had no content")
            return empty
        return UpstreamHttp.json_body(PLATFORM, response)
