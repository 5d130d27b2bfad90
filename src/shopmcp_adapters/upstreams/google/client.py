"""A thin Google client on the shared :class:`UpstreamHttp` policy, for four Google APIs.

One Google connection is one Google account; its OAuth access token (kept fresh by
:class:`OAuthTokens`) is sent as ``Authorization: Bearer`` to every API it reads:

- ``analyticsdata`` (``https://analyticsdata.googleapis.com``): GA4 reports (``runReport``,
  ``runRealtimeReport``);
- ``analyticsadmin`` (``https://analyticsadmin.googleapis.com``): the GA4 accounts and
  properties the account sees;
- ``merchantapi`` (``https://merchantapi.googleapis.com``): Merchant Center accounts,
  products, reports and issues;
- ``searchconsole`` (``https://searchconsole.googleapis.com``): Search Console sites and
  search analytics.

An operation's ``path`` is relative to its API's origin and its ``document`` is the Discovery
method id (``analyticsdata.properties.runReport``): reads that POST (reports, searches) are
still one fixed operation each. A sandbox origin (``UpstreamEnv.base_url``, only the demo and
tests set it) serves every API under a path prefix of the API's name:
``https://analyticsdata.googleapis.com/v1beta/...`` becomes ``<base_url>/analyticsdata/v1beta/...``
(the OAuth token endpoint, ``/token``, is redirected to the same origin by the OAuth client).

Errors are Google's ``{"error": {code, message, status, details}}`` (``google.rpc.Status``): the
message the merchant sees is ``STATUS: message`` (plus a bad request's field violations); a 429
``RESOURCE_EXHAUSTED`` carries ``Retry-After`` or a ``RetryInfo`` detail's delay; a 403 for a
scope the grant lacks says to connect Google again. A 401 refreshes the token once and repeats
the request once (``OAuthTokens.after_unauthorized``).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

import attrs
import httpx
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from shopmcp_adapters.upstreams.http import UpstreamHttp, default_message, retry_after_header
from shopmcp_adapters.upstreams.oauth2 import OAuthTokens
from shopmcp_domain.errors import (
    UpstreamError,
    UpstreamResponseInvalid,
)
from shopmcp_domain.platforms import Platform
from shopmcp_domain.tools.spec import HttpMethod, UpstreamOperation

PLATFORM = Platform.GOOGLE.value
# A bad request's field violations shown with its message, at most this many.
MAX_VIOLATIONS = 3
_PLACEHOLDER_RE = re.compile(r"\{([a-z_]+)\}")
_METHOD_ID_RE = re.compile(r"^[a-z]+(\.[A-Za-z]+){2,4}$")
_DURATION_RE = re.compile(r"^(\d{1,6})(\.\d{1,9})?s$")
# Google's subject ids: up to 255 ASCII characters, case-sensitive, never reused.
_SUBJECT_RE = re.compile(r"^[\x21-\x7e]{1,255}$")
_SCOPE_REFUSED = "ACCESS_TOKEN_SCOPE_INSUFFICIENT"


class GoogleApi(enum.StrEnum):
    ANALYTICS_DATA = "analyticsdata"
    ANALYTICS_ADMIN = "analyticsadmin"
    MERCHANT = "merchantapi"
    SEARCH_CONSOLE = "searchconsole"

    @property
    def origin(self) -> str:
        return f"https://{self.value}.googleapis.com"


@attrs.frozen
class GoogleEndpoint:
    """One Google API method: the API it belongs to and its operation (path relative to the
    API's origin, the Discovery method id as ``document``)."""

    api: GoogleApi
    operation: UpstreamOperation

    @classmethod
    def of(cls, api: GoogleApi, method: HttpMethod, path: str, method_id: str) -> GoogleEndpoint:
        if not _METHOD_ID_RE.fullmatch(method_id):
            raise ValueError(f"{method_id!r} is not a Discovery method id")
        return cls(api, UpstreamOperation(method, path, method_id))

    @property
    def placeholders(self) -> set[str]:
        return set(_PLACEHOLDER_RE.findall(self.operation.path))


def normalise_store_ref(ref: str) -> str:
    """A Google connection's store is the account's subject id (``sub``), as the OAuth callback
    stores it."""
    ref = ref.strip()
    if not _SUBJECT_RE.fullmatch(ref):
        raise ValueError("a Google account's subject id is 1-255 visible ASCII characters")
    return ref


# --------------------------------------------------------------------------- Google's errors


class _Status(BaseModel):
    """``google.rpc.Status`` as the JSON error envelope carries it."""

    model_config = ConfigDict(extra="ignore")

    code: int | None = None
    message: str | None = None
    status: str | None = None
    details: list[dict[str, Any]] = Field(default_factory=list)

    def detail_values(self, kind: str, key: str) -> list[Any]:
        return [d.get(key) for d in self.details if str(d.get("@type", "")).endswith(kind)]

    def violations(self) -> list[str]:
        found: list[str] = []
        for group in self.detail_values("google.rpc.BadRequest", "fieldViolations"):
            for violation in group if isinstance(group, list) else []:
                if isinstance(violation, Mapping) and isinstance(violation.get("description"), str):
                    field = violation.get("field")
                    prefix = f"{field}: " if isinstance(field, str) and field else ""
                    found.append(prefix + violation["description"])
        return found[:MAX_VIOLATIONS]

    def reasons(self) -> set[str]:
        return {r for r in self.detail_values("google.rpc.ErrorInfo", "reason") if r}


def _status_of(response: httpx.Response) -> _Status | None:
    try:
        body = response.json()
    except ValueError:
        return None
    error = body.get("error") if isinstance(body, Mapping) else None
    if not isinstance(error, Mapping):
        return None
    try:
        return _Status.model_validate(error)
    except ValidationError:
        return None


def error_message(response: httpx.Response) -> str:
    """``STATUS: message`` (and a bad request's field violations) from Google's envelope, else
    the generic reading."""
    status = _status_of(response)
    if status is None or not status.message:
        return default_message(response)
    text = f"{status.status}: {status.message}" if status.status else status.message
    violations = status.violations()
    if violations:
        text += " (" + "; ".join(violations) + ")"
    return text


def retry_after(response: httpx.Response) -> float | None:
    """``Retry-After`` when sent, else a ``google.rpc.RetryInfo`` detail's ``retryDelay``
    (a protobuf duration such as ``"30s"``)."""
    header = retry_after_header(response)
    if header is not None:
        return header
    status = _status_of(response)
    for delay in status.detail_values("google.rpc.RetryInfo", "retryDelay") if status else []:
        matched = _DURATION_RE.fullmatch(delay) if isinstance(delay, str) else None
        if matched:
            return float(matched.group(1) + (matched.group(2) or ""))
    return None


def read_client_error(response: httpx.Response, message: str) -> UpstreamError | None:
    """A 403 for a scope the grant lacks: the merchant must connect Google again (a
    connection made before the gateway asked for that API's scope)."""
    if response.status_code != 403:
        return None
    status = _status_of(response)
    scope_refused = (status is not None and _SCOPE_REFUSED in status.reasons()) or (
        "insufficient authentication scopes" in message.lower()
    )
    if not scope_refused:
        return None
    return UpstreamError(
        PLATFORM,
        403,
        message,
        " (the Google connection was authorised without this API's access: connect Google "
        "again with `shopmcp connection add google` and allow it)",
    )


def google_http(http: UpstreamHttp) -> UpstreamHttp:
    """The shared policy with Google's platform name, error, retry-after and scope readers."""
    return attrs.evolve(
        http,
        platform=PLATFORM,
        message=error_message,
        retry_after=retry_after,
        client_error_reader=read_client_error,
    )


# --------------------------------------------------------------------------- the client


def fill_path(endpoint: GoogleEndpoint, values: Mapping[str, int | str]) -> str:
    """The operation's path with each placeholder replaced by its (validated) value, encoded as
    one path segment: a value can never add a segment, a query string or another host."""
    if set(values) != endpoint.placeholders:
        raise ValueError(
            f"{endpoint.operation.key}: path values {sorted(values)} != "
            f"{sorted(endpoint.placeholders)}"
        )
    filled = endpoint.operation.path
    for name, value in values.items():
        if isinstance(value, bool) or (isinstance(value, int) and value < 1):
            raise ValueError(f"path value {name} must be a positive int or a string")
        segment = quote(str(value), safe="")
        if not segment:
            raise ValueError(f"path value {name} is empty")
        filled = filled.replace("{" + name + "}", segment)
    return filled


@attrs.define
class GoogleClient:
    """One connection's client for one request. Holds the token source, never a token."""

    http: UpstreamHttp
    tokens: OAuthTokens
    # Replaces every API's origin with ``<base_url>/<api name>`` (the demo's sandbox, tests).
    base_url: str | None = None

    def url(self, endpoint: GoogleEndpoint, path: Mapping[str, int | str]) -> str:
        filled = fill_path(endpoint, path)
        if self.base_url:
            return f"{self.base_url.rstrip('/')}/{endpoint.api.value}{filled}"
        return f"{endpoint.api.origin}{filled}"

    async def get(
        self,
        endpoint: GoogleEndpoint,
        path: Mapping[str, int | str] | None = None,
        params: Mapping[str, str | int] | None = None,
    ) -> Mapping[str, Any]:
        if endpoint.operation.method is not HttpMethod.GET:
            raise ValueError(f"{endpoint.operation.key} is not a GET")
        query = httpx.QueryParams({k: str(v) for k, v in (params or {}).items()})
        return await self._send(endpoint, path or {}, params=query)

    async def post(
        self,
        endpoint: GoogleEndpoint,
        path: Mapping[str, int | str] | None = None,
        body: Mapping[str, Any] | None = None,
    ) -> Mapping[str, Any]:
        """A read sent as POST (a report, a search): retried like any read (it changes
        nothing)."""
        if endpoint.operation.method is not HttpMethod.POST:
            raise ValueError(f"{endpoint.operation.key} is not a POST")
        return await self._send(endpoint, path or {}, json=dict(body or {}))

    async def _send(
        self,
        endpoint: GoogleEndpoint,
        path: Mapping[str, int | str],
        *,
        params: httpx.QueryParams | None = None,
        json: Mapping[str, Any] | None = None,
    ) -> Mapping[str, Any]:
        url = self.url(endpoint, path)
        token = await self.tokens.access_token()
        try:
            response = await self._request(endpoint, url, token, params, json)
        except UpstreamError as error:
            if error.status != 401:
                raise
            # Refused before its recorded expiry (revoked, or rotated elsewhere): one refresh,
            # one repeat.
            token = await self.tokens.after_unauthorized(token)
            response = await self._request(endpoint, url, token, params, json)
        body = UpstreamHttp.json_body(PLATFORM, response)
        if not isinstance(body, Mapping):
            raise UpstreamResponseInvalid(PLATFORM, "the response is not a JSON object")
        return body

    async def _request(
        self,
        endpoint: GoogleEndpoint,
        url: str,
        token: str,
        params: httpx.QueryParams | None,
        json: Mapping[str, Any] | None,
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        return await self.http.request(
            endpoint.operation.method.value,
            url,
            idempotent=True,
            params=params,
            json=dict(json) if json is not None else None,
            headers=headers,
        )
