"""A thin Xero Accounting client on the shared :class:`UpstreamHttp` policy.

Xero Accounting API 2.0 (``xero_accounting.yaml``, Xero-OpenAPI 16.1.0): every request goes to
``https://api.xero.com/api.xro/2.0`` with ``Authorization: Bearer <access token>`` (kept fresh
by :class:`OAuthTokens`), ``xero-tenant-id: <the organisation>`` (the connection's
``store_ref``) and ``Accept: application/json`` (Xero answers XML otherwise). A sandbox origin
(``UpstreamEnv.base_url``; only the demo and tests set it) replaces ``https://api.xero.com``.

Limits (developer.xero.com/faq/limits), per organisation: 5 concurrent calls, 60 a minute,
5,000 a day. This client

- holds at most :data:`MAX_CONCURRENT_PER_TENANT` requests per organisation in flight **per
  process** (an asyncio semaphore per tenant and event loop; several replicas together can
  exceed 5, and Xero's own 429 is then the gate);
- reads ``X-MinLimit-Remaining``, ``X-DayLimit-Remaining`` and ``X-AppMinLimit-Remaining`` from
  every answer, hands them to the tool's result (``_meta``), and refuses locally, without a
  request, while the last answer said the minute's or the day's budget is spent (for a minute
  after that answer; then one call finds out) or a 429's ``Retry-After`` has not passed;
- maps a 429 to ``UpstreamRateLimited`` carrying ``Retry-After`` (never retried: the model sees
  the refusal and when to try again), like every other 4xx, which is never retried either.

Errors: a 400 is Xero's ``ValidationException`` (``Message`` plus the elements'
``ValidationErrors``); 401 and 403 are problem JSON (``Title``, ``Detail``). A 401 refreshes the
token once and repeats the request once (``OAuthTokens.after_unauthorized``); a 403 on a write
says the connection was authorised without write access.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import uuid
import weakref
from collections.abc import Callable, Mapping
from typing import Any, Final
from urllib.parse import quote

import attrs
import httpx
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from shopmcp_adapters.upstreams.http import UpstreamHttp, default_message, retry_after_header
from shopmcp_adapters.upstreams.oauth2 import OAuthTokens
from shopmcp_domain.errors import (
    UpstreamError,
    UpstreamRateLimited,
    UpstreamResponseInvalid,
)
from shopmcp_domain.platforms import Platform
from shopmcp_domain.tools.spec import HttpMethod, UpstreamOperation

PLATFORM: Final = Platform.XERO.value
API_ORIGIN: Final = "https://api.xero.com"
API_PREFIX: Final = "/api.xro/2.0"
TENANT_HEADER: Final = "xero-tenant-id"
MAX_CONCURRENT_PER_TENANT: Final = 5
MINUTE: Final = 60.0
# Validation messages shown with a 400, at most this many.
MAX_VALIDATION_MESSAGES = 5
# The budget headers, as ``_meta`` names them.
BUDGET_HEADERS: Final = {
    "X-MinLimit-Remaining": "minute_remaining",
    "X-DayLimit-Remaining": "day_remaining",
    "X-AppMinLimit-Remaining": "app_minute_remaining",
}
META_KEY: Final = "shopmcp/xero-rate-limit"

_PLACEHOLDER_RE = re.compile(r"\{([A-Za-z]+)\}")
_OPERATION_ID_RE = re.compile(r"^[a-z][A-Za-z]{2,60}$")


def xero_operation(method: HttpMethod, path: str, operation_id: str) -> UpstreamOperation:
    """One Accounting API operation: its path relative to ``/api.xro/2.0`` as the spec writes it,
    and the spec's ``operationId`` as ``document`` (checked against the spec by the contract
    tests)."""
    if not _OPERATION_ID_RE.fullmatch(operation_id):
        raise ValueError(f"{operation_id!r} is not an operationId")
    return UpstreamOperation(method, path, document=operation_id)


def normalise_store_ref(ref: str) -> str:
    """A Xero connection's store is the organisation's tenant id (a UUID), as the OAuth flow
    stores it."""
    try:
        return str(uuid.UUID(ref.strip()))
    except ValueError:
        raise ValueError("a Xero organisation is named by its tenant id (a UUID)") from None


# --------------------------------------------------------------------------- Xero's errors


class _ValidationError(BaseModel):
    model_config = ConfigDict(extra="ignore")
    message: str | None = Field(default=None, validation_alias="Message")


class _Element(BaseModel):
    model_config = ConfigDict(extra="ignore")
    validation_errors: list[_ValidationError] = Field(
        default_factory=list, validation_alias="ValidationErrors"
    )


class _ApiError(BaseModel):
    """``Error`` (400) and the problem JSON of 401/403 (``Title``, ``Detail``)."""

    model_config = ConfigDict(extra="ignore")
    message: str | None = Field(default=None, validation_alias="Message")
    title: str | None = Field(default=None, validation_alias="Title")
    detail: str | None = Field(default=None, validation_alias="Detail")
    elements: list[_Element] = Field(default_factory=list, validation_alias="Elements")


def error_message(response: httpx.Response) -> str:
    """Xero's message (and a validation error's reasons), else the generic reading."""
    try:
        error = _ApiError.model_validate(response.json())
    except (ValueError, ValidationError):
        return default_message(response)
    reasons = [v.message for e in error.elements for v in e.validation_errors if v.message][
        :MAX_VALIDATION_MESSAGES
    ]
    head = error.message or error.detail or error.title
    if head is None:
        return default_message(response)
    if error.title and error.detail and head == error.detail:
        head = f"{error.title}: {error.detail}"
    return head + (" (" + "; ".join(reasons) + ")" if reasons else "")


def read_client_error(response: httpx.Response, message: str) -> UpstreamError | None:
    if response.status_code == 403 and response.request.method != "GET":
        return UpstreamError(
            PLATFORM,
            403,
            message,
            " (the Xero organisation was connected without write access for this change: "
            "turn Xero writes on for the workspace, then connect the organisation again)",
        )
    return None


def xero_http(http: UpstreamHttp) -> UpstreamHttp:
    """The shared policy with Xero's platform name and error readers."""
    return attrs.evolve(
        http,
        platform=PLATFORM,
        message=error_message,
        retry_after=retry_after_header,
        client_error_reader=read_client_error,
    )


# --------------------------------------------------------------------------- rate limits


def _header_int(response: httpx.Response, name: str) -> int | None:
    raw = response.headers.get(name, "").strip()
    return int(raw) if raw.isdigit() and len(raw) <= 9 else None


@attrs.frozen
class RateBudget:
    """What Xero said is left, from one answer's headers (None: not sent)."""

    minute_remaining: int | None = None
    day_remaining: int | None = None
    app_minute_remaining: int | None = None

    @classmethod
    def of(cls, response: httpx.Response) -> RateBudget:
        return cls(**{field: _header_int(response, h) for h, field in BUDGET_HEADERS.items()})

    def as_meta(self) -> dict[str, int]:
        return {k: v for k, v in attrs.asdict(self).items() if v is not None}


@attrs.define
class _TenantState:
    budget: RateBudget | None = None
    seen_at: float = 0.0
    # Monotonic time before which Xero told us (429 Retry-After) not to call.
    blocked_until: float = 0.0


class TenantGates:
    """Per process: a semaphore of :data:`MAX_CONCURRENT_PER_TENANT` per organisation (per event
    loop, since an asyncio semaphore belongs to one), and the last budget each organisation's
    answers reported. Holds no credential, only tenant ids and counters."""

    def __init__(self, concurrency: int = MAX_CONCURRENT_PER_TENANT) -> None:
        self.concurrency = concurrency
        self._gates: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, dict[str, asyncio.Semaphore]
        ] = weakref.WeakKeyDictionary()
        self._states: dict[str, _TenantState] = {}

    def gate(self, tenant: str) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        gates = self._gates.setdefault(loop, {})
        if tenant not in gates:
            gates[tenant] = asyncio.Semaphore(self.concurrency)
        return gates[tenant]

    def check(self, tenant: str, now: float) -> None:
        """Refuse before sending when Xero already said no for now."""
        state = self._states.get(tenant)
        if state is None:
            return
        if now < state.blocked_until:
            raise UpstreamRateLimited(
                PLATFORM,
                "Xero asked for a pause for this organisation",
                round(state.blocked_until - now, 1),
            )
        budget = state.budget
        if budget is None or now - state.seen_at >= MINUTE:
            return
        if budget.day_remaining == 0:
            # When the day's budget comes back is not in the headers: a minute after the answer
            # that said it was spent, one call goes through, and Xero's 429 (Retry-After) or
            # its answer says what is left.
            raise UpstreamRateLimited(
                PLATFORM,
                "this organisation's Xero daily limit (5,000 calls) is used up",
                round(MINUTE - (now - state.seen_at), 1),
            )
        if budget.minute_remaining == 0:
            raise UpstreamRateLimited(
                PLATFORM,
                "this organisation's Xero minute limit (60 calls) is used up",
                round(MINUTE - (now - state.seen_at), 1),
            )

    def record(self, tenant: str, budget: RateBudget, now: float) -> None:
        state = self._states.setdefault(tenant, _TenantState())
        if budget != RateBudget():
            state.budget, state.seen_at = budget, now

    def block(self, tenant: str, seconds: float | None, now: float) -> None:
        state = self._states.setdefault(tenant, _TenantState())
        state.blocked_until = max(state.blocked_until, now + (seconds or 0.0))

    def budget(self, tenant: str) -> RateBudget | None:
        state = self._states.get(tenant)
        return None if state is None else state.budget


# One per process: the limits are per organisation, whichever connection or request calls it.
GATES: Final = TenantGates()


# --------------------------------------------------------------------------- dates

_MS_DATE_RE = re.compile(r"^/Date\((-?\d{1,15})([+-]\d{4})?\)/$")


def xero_datetime(value: Any) -> str | None:
    """An ISO 8601 UTC timestamp from Xero's MS-JSON ``/Date(1551399323399+0000)/`` (or an ISO
    string, as ``DateString`` fields and some examples have)."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError("a Xero date is a string")
    matched = _MS_DATE_RE.fullmatch(value.strip())
    if matched:
        moment = dt.datetime.fromtimestamp(int(matched.group(1)) / 1000, tz=dt.UTC)
        return moment.isoformat().replace("+00:00", "Z")
    parsed = dt.datetime.fromisoformat(value.strip())
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def xero_date(value: Any) -> str | None:
    """The calendar date (``YYYY-MM-DD``) of a Xero date: Xero's dates are midnight UTC."""
    moment = xero_datetime(value)
    return None if moment is None else moment[:10]


# --------------------------------------------------------------------------- the client


def fill_path(operation: UpstreamOperation, values: Mapping[str, str]) -> str:
    """The operation's path with each placeholder replaced by its (validated) value, encoded as
    one path segment."""
    names = set(_PLACEHOLDER_RE.findall(operation.path))
    if set(values) != names:
        raise ValueError(f"{operation.key}: path values {sorted(values)} != {sorted(names)}")
    filled = operation.path
    for name, value in values.items():
        segment = quote(str(value), safe="")
        if not segment:
            raise ValueError(f"path value {name} is empty")
        filled = filled.replace("{" + name + "}", segment)
    return filled


@attrs.frozen
class XeroAnswer:
    body: Mapping[str, Any]
    budget: RateBudget

    def meta(self) -> dict[str, Any]:
        budget = self.budget.as_meta()
        return {META_KEY: budget} if budget else {}


@attrs.define
class XeroClient:
    """One connection's client for one request: the organisation (tenant id) and the token
    source, never a token."""

    http: UpstreamHttp
    tokens: OAuthTokens
    tenant_id: str
    monotonic: Callable[[], float]  # the clock's
    base_url: str | None = None
    gates: TenantGates = GATES

    def url(self, operation: UpstreamOperation, path: Mapping[str, str]) -> str:
        origin = (self.base_url or API_ORIGIN).rstrip("/")
        return f"{origin}{API_PREFIX}{fill_path(operation, path)}"

    async def get(
        self,
        operation: UpstreamOperation,
        path: Mapping[str, str] | None = None,
        params: Mapping[str, str | int | bool] | None = None,
    ) -> XeroAnswer:
        if operation.method is not HttpMethod.GET:
            raise ValueError(f"{operation.key} is not a GET")
        query = httpx.QueryParams({k: _param(v) for k, v in (params or {}).items()})
        return await self._send(operation, path or {}, params=query, json=None)

    async def write(
        self,
        operation: UpstreamOperation,
        body: Mapping[str, Any],
        path: Mapping[str, str] | None = None,
    ) -> XeroAnswer:
        """A write (PUT creates, POST updates): sent once, never retried."""
        if operation.method not in (HttpMethod.PUT, HttpMethod.POST):
            raise ValueError(f"{operation.key} is not a write")
        return await self._send(operation, path or {}, params=None, json=body)

    async def _send(
        self,
        operation: UpstreamOperation,
        path: Mapping[str, str],
        *,
        params: httpx.QueryParams | None,
        json: Mapping[str, Any] | None,
    ) -> XeroAnswer:
        url = self.url(operation, path)
        self.gates.check(self.tenant_id, self.monotonic())
        async with self.gates.gate(self.tenant_id):
            token = await self.tokens.access_token()
            try:
                response = await self._request(operation, url, token, params, json)
            except UpstreamError as error:
                if error.status != 401:
                    raise
                # Refused before its recorded expiry (revoked, or rotated elsewhere): one
                # refresh, one repeat.
                token = await self.tokens.after_unauthorized(token)
                response = await self._request(operation, url, token, params, json)
        body = UpstreamHttp.json_body(PLATFORM, response)
        if not isinstance(body, Mapping):
            raise UpstreamResponseInvalid(PLATFORM, "the response is not a JSON object")
        return XeroAnswer(body, RateBudget.of(response))

    async def _request(
        self,
        operation: UpstreamOperation,
        url: str,
        token: str,
        params: httpx.QueryParams | None,
        json: Mapping[str, Any] | None,
    ) -> httpx.Response:
        headers = {
            "Authorization": f"Bearer {token}",
            TENANT_HEADER: self.tenant_id,
            "Accept": "application/json",
        }
        try:
            response = await self.http.request(
                operation.method.value,
                url,
                idempotent=operation.method is HttpMethod.GET,
                params=params,
                json=dict(json) if json is not None else None,
                headers=headers,
            )
        except UpstreamRateLimited as error:
            self.gates.block(self.tenant_id, error.retry_after or MINUTE, self.monotonic())
            raise
        self.gates.record(self.tenant_id, RateBudget.of(response), self.monotonic())
        return response


def _param(value: str | int | bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
