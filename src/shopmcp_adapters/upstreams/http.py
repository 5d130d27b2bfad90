"""The ONE place for upstream HTTP policy: TLS, timeouts, retries, error mapping, rate-limit
signals, and where the SSRF guard is applied. Platform clients only build requests and parse
responses.

Rules enforced here:
- HTTPS only; TLS verification is always on. A private CA (the sandbox, tests) is trusted by
  adding it to the verification context, never by turning verification off.
- No retry on any 4xx (429 included): it is surfaced with its retry-after.
- Bounded retries with jittered exponential backoff, only for idempotent requests, only on
  connection errors, timeouts and 5xx.
- Redirects are not followed (a redirect could point at an internal address).
- Merchant-supplied hosts pass the SSRF guard (``upstreams.host_guard``): the early, cached
  check in ``UpstreamHttp`` gives a clear error before any connection, and a guarded client's
  network backend vets every connection at connect time.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import email.utils
import functools
import json as json_module
import math
import random
import re
import ssl
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any
from urllib.parse import parse_qsl, unquote

import attrs
import certifi
import httpx
import pydantic_core

from shopmcp_adapters.upstreams.host_guard import (
    GuardedNetworkBackend,
    HostGuard,
    UnsafeUpstreamAddress,
    UnsafeUpstreamConnection,
)
from shopmcp_adapters.upstreams.transport import PooledTransport
from shopmcp_domain.errors import (
    UpstreamError,
    UpstreamRateLimited,
    UpstreamResponseInvalid,
    UpstreamUnavailable,
)

Sleep = Callable[[float], Awaitable[None]]
MessageParser = Callable[[httpx.Response], str]
RetryAfterParser = Callable[[httpx.Response], float | None]
# A platform's own reading of a 4xx (OAuth's ``invalid_grant``), given the response and its
# already-redacted message; None leaves it to the generic mapping.
ClientErrorReader = Callable[[httpx.Response, str], UpstreamError | None]


@attrs.frozen
class HttpPolicy:
    connect_timeout: float = 5.0
    read_timeout: float = 20.0
    max_read_retries: int = 2
    backoff_base: float = 0.25
    backoff_max: float = 4.0
    max_response_bytes: int = 8 * 1024 * 1024

    def backoff(self, attempt: int) -> float:
        # Full jitter: spreads retries of many requests that failed together.
        ceiling = min(self.backoff_max, self.backoff_base * (2**attempt))
        return random.uniform(0, ceiling)  # noqa: S311 - jitter, not cryptography


def _verifying_context() -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=certifi.where())
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


# Loading the public roots costs ~25 ms; the context is never mutated once built, so every
# client without an extra CA shares one.
_public_roots_context = functools.cache(_verifying_context)


def tls_context(ca_bundle: str | None = None) -> ssl.SSLContext:
    """A verifying context: the public roots, plus an extra CA bundle when configured."""
    if not ca_bundle:
        return _public_roots_context()
    context = _verifying_context()
    context.load_verify_locations(cafile=ca_bundle)
    return context


def build_async_client(
    policy: HttpPolicy = HttpPolicy(),
    ca_bundle: str | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    guard: HostGuard | None = None,
) -> httpx.AsyncClient:
    """One client per upstream host family, reused across requests (connection pooling).

    With a ``guard``, every new connection goes through :class:`GuardedNetworkBackend`: the
    host is resolved and vetted at connect time and the socket connects to a vetted address.
    A guard cannot be combined with a custom ``transport`` (which would bypass it). A guarded
    client ignores proxy environment variables: a proxy would resolve the name itself."""
    timeout = httpx.Timeout(
        connect=policy.connect_timeout,
        read=policy.read_timeout,
        write=policy.read_timeout,
        pool=policy.connect_timeout,
    )
    limits = httpx.Limits(max_connections=100, max_keepalive_connections=20)
    verify = tls_context(ca_bundle)
    if guard is not None:
        if transport is not None:
            raise ValueError("a guarded client builds its own transport")
        transport = PooledTransport(
            ssl_context=verify, network_backend=GuardedNetworkBackend(guard), limits=limits
        )
    return httpx.AsyncClient(
        verify=verify,
        timeout=timeout,
        follow_redirects=False,
        transport=transport,
        limits=limits,
        headers={"User-Agent": "ShopMCP/0.1 (+https://github.com/shopmcp)"},
    )


class InvalidUpstreamUrl(ValueError):
    """A store URL no request may go to (not https, credentials in it, not a URL)."""


# URLs that passed, parsed: a tool calls the same few URLs (one per store and endpoint) call
# after call, and parsing one is a few per cent of a tools/call's CPU. Only URLs that passed
# are kept (never one carrying credentials); bounded, emptied when full.
_CHECKED_URLS: dict[str, httpx.URL] = {}
_CHECKED_URLS_MAX = 4096


def require_https_url(url: str) -> httpx.URL:
    checked = _CHECKED_URLS.get(url)
    if checked is not None:
        return checked
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL:
        raise InvalidUpstreamUrl("not a valid URL") from None
    if parsed.scheme != "https":
        raise InvalidUpstreamUrl("store URLs must use https")
    if not parsed.host or parsed.userinfo:
        raise InvalidUpstreamUrl("store URLs need a host and no credentials")
    if len(_CHECKED_URLS) >= _CHECKED_URLS_MAX:
        _CHECKED_URLS.clear()
    _CHECKED_URLS[url] = parsed
    return parsed


# --------------------------------------------------------------------------- errors


def default_message(response: httpx.Response) -> str:
    """Best-effort upstream error text: common JSON shapes, else the reason phrase."""
    try:
        body = response.json()
    except ValueError:
        return response.reason_phrase or f"HTTP {response.status_code}"
    return _message_from(body) or response.reason_phrase or f"HTTP {response.status_code}"


def _message_from(body: Any) -> str | None:
    if isinstance(body, str):
        return body
    if isinstance(body, list) and body:
        return _message_from(body[0])
    if isinstance(body, Mapping):
        for key in ("message", "title", "error_description", "error", "detail", "errors"):
            value = body.get(key)
            if value:
                text = _message_from(value)
                if text:
                    return text
    return None


def retry_after_header(response: httpx.Response) -> float | None:
    """``Retry-After`` as seconds (delta-seconds or HTTP-date)."""
    raw = response.headers.get("Retry-After")
    if raw is None or not raw.strip():
        return None
    try:
        seconds = float(raw)
    except ValueError:
        # An HTTP-date. Garbage is ignored rather than failing the whole error path.
        try:
            parsed = email.utils.parsedate_to_datetime(raw)
        except (TypeError, ValueError, IndexError):
            return None
        if parsed.tzinfo is None:  # "-0000" means UTC with no offset information
            parsed = parsed.replace(tzinfo=dt.UTC)
        return max(parsed.timestamp() - time.time(), 0.0)
    if not math.isfinite(seconds):
        return None
    return max(seconds, 0.0)


# --------------------------------------------------------------------------- echoed credentials

# Request headers whose values are credentials (Magento/generic, Shopify, BigCommerce, Neto).
_CREDENTIAL_HEADERS = (
    "authorization",
    "proxy-authorization",
    "x-shopify-access-token",
    "x-auth-token",
    "netoapi_key",
)
# JSON body fields holding credentials (the OAuth token-refresh exchange).
_CREDENTIAL_FIELD_PARTS = ("secret", "token", "password")
# Form bodies are OAuth token requests: the authorization code and PKCE verifier count too.
_FORM_CREDENTIAL_FIELD_PARTS = (*_CREDENTIAL_FIELD_PARTS, "code", "verifier", "assertion")
_AUTH_PARAM_RE = re.compile(r'([A-Za-z_]+)="([^"]*)"')
_MIN_SECRET_CHARS = 6
REDACTED = "[redacted]"


def _sent_credentials(request: httpx.Request) -> set[str]:
    found: set[str] = set()
    for name in _CREDENTIAL_HEADERS:
        for value in request.headers.get_list(name):
            found.add(value)
            rest = value.partition(" ")[2]
            found.add(rest.strip())
            for _param, quoted in _AUTH_PARAM_RE.findall(value):  # OAuth 1.0a parameters
                found.update((quoted, unquote(quoted)))
            found.update(_basic_credentials(value))
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("application/x-www-form-urlencoded"):
        for key, value in parse_qsl((request.content or b"").decode("latin-1")):
            if any(part in key.lower() for part in _FORM_CREDENTIAL_FIELD_PARTS):
                found.add(value)
    if content_type.startswith("application/json"):
        try:
            body = json_module.loads(request.content or b"null")
        except ValueError:
            body = None
        if isinstance(body, Mapping):
            for key, value in body.items():
                lowered = str(key).lower()
                if isinstance(value, str) and any(p in lowered for p in _CREDENTIAL_FIELD_PARTS):
                    found.add(value)
    return {value for value in found if len(value) >= _MIN_SECRET_CHARS}


def _basic_credentials(value: str) -> set[str]:
    """The client id and secret inside ``Basic <base64>`` (OAuth client authentication)."""
    scheme, _, encoded = value.partition(" ")
    if scheme.lower() != "basic":
        return set()
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return set()
    user, _, password = decoded.partition(":")
    return {user, password, unquote(password)}


def redact_sent_credentials(message: str, response: httpx.Response) -> str:
    """``message`` with every credential the response's request carried replaced."""
    try:
        request = response.request
    except RuntimeError:
        return message
    for secret in sorted(_sent_credentials(request), key=len, reverse=True):
        message = message.replace(secret, REDACTED)
    return message


# --------------------------------------------------------------------------- the request


def _cause_of(error: BaseException, kind: type[BaseException]) -> BaseException | None:
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, kind):
            return cause
        cause = cause.__cause__ or cause.__context__
    return None


def _is_certificate_failure(error: BaseException) -> bool:
    return _cause_of(error, ssl.SSLCertVerificationError) is not None


@attrs.define
class UpstreamHttp:
    """Sends one upstream request under the policy. Construct one per platform."""

    platform: str
    client: httpx.AsyncClient
    policy: HttpPolicy = HttpPolicy()
    guard: HostGuard | None = None
    message: MessageParser = default_message
    retry_after: RetryAfterParser = retry_after_header
    client_error_reader: ClientErrorReader | None = None
    sleep: Sleep = asyncio.sleep

    async def request(
        self,
        method: str,
        url: str,
        *,
        idempotent: bool,
        params: httpx.QueryParams | None = None,
        json: Any = None,
        data: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        auth: httpx.Auth | None = None,
    ) -> httpx.Response:
        """``json`` or ``data`` (a form, as OAuth token endpoints take) is the body."""
        try:
            target = require_https_url(url)
            if self.guard is not None:
                # Early and cached, for a clear error before any connection; the check that
                # cannot be bypassed runs at connect time in the client's network backend.
                await self.guard.check(target.raw_host.decode("ascii"), target.port or 443)
        except (InvalidUpstreamUrl, UnsafeUpstreamAddress) as error:
            raise UpstreamUnavailable(self.platform, str(error)) from None
        retries = self.policy.max_read_retries if idempotent else 0
        attempt = 0
        while True:
            request = self.client.build_request(
                method, target, params=params, json=json, data=data, headers=headers
            )
            try:
                response = await self._send(request, auth)
            except httpx.TimeoutException:
                detail = "timed out"
            except httpx.TransportError as error:
                refusal = _cause_of(error, UnsafeUpstreamConnection)
                if refusal is not None:
                    # Refused at connect time (the name now resolves elsewhere): not retried.
                    raise UpstreamUnavailable(self.platform, str(refusal)) from None
                if _is_certificate_failure(error):
                    # Retrying cannot make a certificate valid.
                    raise UpstreamUnavailable(
                        self.platform, "TLS certificate verification failed"
                    ) from None
                detail = f"connection failed ({type(error).__name__})"
            else:
                if response.status_code < 400:
                    if 300 <= response.status_code < 400:
                        raise UpstreamUnavailable(self.platform, "unexpected redirect")
                    return response
                if response.status_code < 500:
                    raise self.client_error(response)
                detail = f"HTTP {response.status_code}"
            if attempt >= retries:
                raise UpstreamUnavailable(self.platform, detail)
            await self.sleep(self.policy.backoff(attempt))
            attempt += 1

    async def _send(self, request: httpx.Request, auth: httpx.Auth | None) -> httpx.Response:
        """Send and read the body under the size cap, without ever buffering more than the cap
        (a declared or actual oversize body is refused, compressed or not)."""
        cap = self.policy.max_response_bytes
        response = await self.client.send(request, auth=auth, stream=True)
        try:
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > cap:
                raise UpstreamResponseInvalid(self.platform, "response too large")
            body = bytearray()
            async for chunk in response.aiter_bytes():
                body += chunk
                if len(body) > cap:
                    raise UpstreamResponseInvalid(self.platform, "response too large")
        finally:
            await response.aclose()
        # The body is already decoded: drop the headers that described the wire encoding.
        headers = response.headers.copy()
        for name in ("Content-Encoding", "Content-Length", "Transfer-Encoding"):
            if name in headers:
                del headers[name]
        return httpx.Response(
            response.status_code,
            headers=headers,
            content=bytes(body),
            request=request,
            extensions=response.extensions,
        )

    def client_error(self, response: httpx.Response) -> UpstreamError:
        """4xx -> a tool error carrying the upstream status and message. Never retried.
        Any credential the request carried is cut out of the message first: an upstream (a
        proxy, a debug page, a hostile store address) may echo the request back, and the
        message goes to the merchant's chat client."""
        message = redact_sent_credentials(self.message(response), response)
        if self.client_error_reader is not None:
            specific = self.client_error_reader(response, message)
            if specific is not None:
                return specific
        if response.status_code == 429:
            return UpstreamRateLimited(self.platform, message, self.retry_after(response))
        return UpstreamError(self.platform, response.status_code, message)

    @staticmethod
    def json_body(platform: str, response: httpx.Response) -> Any:
        # pydantic-core's parser (Rust): a few times faster than json.loads on the pages of
        # orders and products the tools read, and strict JSON (no NaN) like the upstreams send.
        try:
            return pydantic_core.from_json(response.content, allow_inf_nan=False)
        except ValueError:
            raise UpstreamResponseInvalid(platform, "response is not JSON") from None
