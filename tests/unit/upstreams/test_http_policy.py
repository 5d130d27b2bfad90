"""The shared upstream HTTP policy (shopmcp_adapters/upstreams/http.py), over MockTransport:
no sockets, no DNS (resolution is replaced where a hostname is checked), sleeps recorded."""

from __future__ import annotations

import email.utils
import gzip
import json
import ssl
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from shopmcp_adapters.upstreams.http import (
    HttpPolicy,
    UpstreamHttp,
    build_async_client,
    default_message,
    retry_after_header,
    tls_context,
)
from shopmcp_domain.errors import (
    UpstreamError,
    UpstreamRateLimited,
    UpstreamResponseInvalid,
    UpstreamUnavailable,
)
from tests.marked import marked

URL = "https://api.example.com/v1/things"
Handler = Callable[[httpx.Request], httpx.Response]


class Harness:
    def __init__(self, handler: Handler, policy: HttpPolicy) -> None:
        self.requests: list[httpx.Request] = []
        self.sleeps: list[float] = []

        def record(request: httpx.Request) -> httpx.Response:
            self.requests.append(request)
            return handler(request)

        async def sleep(seconds: float) -> None:
            self.sleeps.append(seconds)

        self.client = build_async_client(policy, transport=httpx.MockTransport(record))
        self.http = UpstreamHttp("acme", self.client, policy=policy, sleep=sleep)

    async def get(self, url: str = URL) -> httpx.Response:
        return await self.http.request("GET", url, idempotent=True)

    async def post(self, url: str = URL) -> httpx.Response:
        return await self.http.request("POST", url, idempotent=False, json={"a": 1})


@pytest.fixture
async def make() -> AsyncIterator[Callable[..., Harness]]:
    made: list[Harness] = []

    def build(handler: Handler, policy: HttpPolicy = HttpPolicy()) -> Harness:
        harness = Harness(handler, policy)
        made.append(harness)
        return harness

    yield build
    for harness in made:
        await harness.client.aclose()


def answer(status: int, body: Any = None, headers: dict[str, str] | None = None) -> Handler:
    def handler(_: httpx.Request) -> httpx.Response:
        if body is None:
            return httpx.Response(status, headers=headers)
        return httpx.Response(status, json=body, headers=headers)

    return handler


def sequence(*handlers: Handler) -> Handler:
    queue = list(handlers)

    def handler(request: httpx.Request) -> httpx.Response:
        return (queue.pop(0) if len(queue) > 1 else queue[0])(request)

    return handler


def raises(error: Exception) -> Handler:
    def handler(_: httpx.Request) -> httpx.Response:
        raise error

    return handler


# --------------------------------------------------------------------------- 4xx: never retried


@pytest.mark.parametrize("status", [400, 401, 403, 404, 405, 409, 410, 422, 429, 451, 499])
async def test_a_4xx_is_never_retried(make: Callable[..., Harness], status: int) -> None:
    h = make(answer(status, {"message": f"nope {status}"}))
    with pytest.raises(UpstreamError) as caught:
        await h.get()
    assert caught.value.status == status
    assert caught.value.upstream_message.startswith(f"nope {status}")
    assert len(h.requests) == 1
    assert h.sleeps == []


async def test_429_is_rate_limited_with_its_retry_after_and_sent_once(
    make: Callable[..., Harness],
) -> None:
    h = make(answer(429, {"message": "slow down"}, {"Retry-After": "17"}))
    with pytest.raises(UpstreamRateLimited) as caught:
        await h.get()
    assert caught.value.retry_after == 17.0
    assert caught.value.message == (
        f"acme answered 429: {marked('acme', 'slow down')} (retry after 17.0s)"
    )
    assert len(h.requests) == 1
    assert h.sleeps == []


# --------------------------------------------------------------------------- 5xx and transport


@pytest.mark.parametrize("status", [500, 502, 503, 504])
async def test_5xx_is_retried_for_idempotent_requests_with_bounded_backoff(
    make: Callable[..., Harness], status: int
) -> None:
    policy = HttpPolicy(max_read_retries=3, backoff_base=0.5, backoff_max=1.0)
    h = make(answer(status), policy)
    with pytest.raises(UpstreamUnavailable) as caught:
        await h.get()
    assert caught.value.message == f"acme is unavailable: HTTP {status}"
    assert len(h.requests) == 4
    assert len(h.sleeps) == 3
    ceilings = [0.5, 1.0, 1.0]  # base * 2**attempt, capped at backoff_max
    assert all(0 <= s <= c for s, c in zip(h.sleeps, ceilings, strict=True))


@pytest.mark.parametrize("status", [500, 502, 503, 504])
async def test_5xx_is_not_retried_for_non_idempotent_requests(
    make: Callable[..., Harness], status: int
) -> None:
    h = make(answer(status))
    with pytest.raises(UpstreamUnavailable):
        await h.post()
    assert len(h.requests) == 1
    assert h.sleeps == []


@pytest.mark.parametrize(
    "error",
    [
        httpx.ConnectError("refused"),
        httpx.ConnectTimeout("slow"),
        httpx.ReadTimeout("slow"),
        httpx.ReadError("reset"),
        httpx.RemoteProtocolError("eof"),
    ],
    ids=type,
)
async def test_transport_errors_are_retried_for_idempotent_requests_only(
    make: Callable[..., Harness], error: Exception
) -> None:
    read = make(raises(error), HttpPolicy(max_read_retries=2))
    with pytest.raises(UpstreamUnavailable) as caught:
        await read.get()
    assert len(read.requests) == 3
    assert len(read.sleeps) == 2
    assert "refused" not in caught.value.message  # the library's text is not echoed
    write = make(raises(error), HttpPolicy(max_read_retries=2))
    with pytest.raises(UpstreamUnavailable):
        await write.post()
    assert len(write.requests) == 1
    assert write.sleeps == []


async def test_a_transient_failure_then_success(make: Callable[..., Harness]) -> None:
    h = make(sequence(raises(httpx.ConnectError("x")), answer(502), answer(200, {"ok": True})))
    response = await h.get()
    assert response.json() == {"ok": True}
    assert len(h.requests) == 3
    assert len(h.sleeps) == 2


async def test_zero_retries_means_one_attempt(make: Callable[..., Harness]) -> None:
    h = make(answer(503), HttpPolicy(max_read_retries=0))
    with pytest.raises(UpstreamUnavailable):
        await h.get()
    assert len(h.requests) == 1


async def test_a_certificate_failure_is_not_retried(make: Callable[..., Harness]) -> None:
    error = httpx.ConnectError("certificate verify failed")
    error.__cause__ = ssl.SSLCertVerificationError("self-signed certificate")
    h = make(raises(error), HttpPolicy(max_read_retries=2))
    with pytest.raises(UpstreamUnavailable, match="TLS certificate verification failed"):
        await h.get()
    assert len(h.requests) == 1


def test_backoff_is_full_jitter_under_a_growing_capped_ceiling() -> None:
    policy = HttpPolicy(backoff_base=0.25, backoff_max=2.0)
    for attempt, ceiling in enumerate([0.25, 0.5, 1.0, 2.0, 2.0, 2.0]):
        samples = [policy.backoff(attempt) for _ in range(200)]
        assert all(0 <= s <= ceiling for s in samples)
        assert max(samples) > ceiling / 2  # jitter spans the range, not a constant


# --------------------------------------------------------------------------- URLs and redirects


@pytest.mark.parametrize(
    "url",
    [
        "http://api.example.com/v1/things",
        "ftp://api.example.com/x",
        "https://user:pass@api.example.com/x",
        "https:///nohost",
        "//api.example.com/x",
    ],
)
async def test_non_https_or_credentialed_urls_are_refused_before_a_request(
    make: Callable[..., Harness], url: str
) -> None:
    h = make(answer(200, {}))
    with pytest.raises(UpstreamUnavailable):
        await h.get(url)
    assert h.requests == []


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
async def test_redirects_are_not_followed(make: Callable[..., Harness], status: int) -> None:
    h = make(answer(status, headers={"Location": "https://169.254.169.254/latest/meta-data/"}))
    with pytest.raises(UpstreamUnavailable, match="unexpected redirect"):
        await h.get()
    assert [str(r.url) for r in h.requests] == [URL]


async def test_the_client_is_built_verifying_and_without_redirects() -> None:
    client = build_async_client(HttpPolicy(connect_timeout=3, read_timeout=9))
    try:
        assert client.follow_redirects is False
        assert client.timeout.connect == 3 and client.timeout.read == 9
    finally:
        await client.aclose()
    context = tls_context()
    assert context.verify_mode is ssl.CERT_REQUIRED
    assert context.check_hostname is True
    assert context.minimum_version >= ssl.TLSVersion.TLSv1_2


# --------------------------------------------------------------------------- Retry-After


def _date_in(seconds: float) -> str:
    return email.utils.formatdate(time.time() + seconds, usegmt=True)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("120", 120.0),
        ("0", 0.0),
        ("1.5", 1.5),
        ("-5", 0.0),
        ("soon", None),
        ("", None),
        ("nan", None),
        ("inf", None),
        ("Wed, 99 Foo 2026 99:99:99 GMT", None),
    ],
)
def test_retry_after_delta_seconds_and_garbage(raw: str, expected: float | None) -> None:
    response = httpx.Response(429, headers={"Retry-After": raw})
    assert retry_after_header(response) == expected


def test_retry_after_absent() -> None:
    assert retry_after_header(httpx.Response(429)) is None


def test_retry_after_http_date() -> None:
    future = retry_after_header(httpx.Response(429, headers={"Retry-After": _date_in(90)}))
    assert future is not None and 87 <= future <= 91
    past = retry_after_header(httpx.Response(429, headers={"Retry-After": _date_in(-3600)}))
    assert past == 0.0
    # "-0000" (no zone information) is read as UTC, not local time.
    naive = email.utils.formatdate(time.time() + 60).rsplit(" ", 1)[0] + " -0000"
    value = retry_after_header(httpx.Response(429, headers={"Retry-After": naive}))
    assert value is not None and 55 <= value <= 61


# --------------------------------------------------------------------------- error messages


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"message": "Product not found"}, "Product not found"),
        ({"title": "Validation failed", "status": 422}, "Validation failed"),
        ({"error": "invalid_grant", "error_description": "expired"}, "expired"),
        ({"error": {"code": 403, "message": "Permission denied"}}, "Permission denied"),
        ({"errors": [{"message": "first"}, {"message": "second"}]}, "first"),
        ([{"status": 404, "message": "v2 style"}], "v2 style"),
        ({"detail": "problem detail"}, "problem detail"),
        ({"unrelated": 1}, "Bad Request"),
    ],
)
def test_error_message_extraction(body: Any, expected: str) -> None:
    assert default_message(httpx.Response(400, json=body)) == expected


def test_a_non_json_error_body_is_never_echoed() -> None:
    html = "<html><body>Internal stack trace: /srv/app.py line 3</body></html>"
    message = default_message(httpx.Response(404, text=html))
    assert message == "Not Found"


async def test_the_upstream_message_reaches_the_tool_error_truncated(
    make: Callable[..., Harness],
) -> None:
    h = make(answer(400, {"message": "x" * 2000}))
    with pytest.raises(UpstreamError) as caught:
        await h.get()
    assert caught.value.upstream_message == "x" * 297 + "..."


# --------------------------------------------------------------------------- response size cap


async def test_a_body_over_the_cap_is_refused_and_not_retried(
    make: Callable[..., Harness],
) -> None:
    h = make(answer(200, {"blob": "x" * 5000}), HttpPolicy(max_response_bytes=1024))
    with pytest.raises(UpstreamResponseInvalid, match="response too large"):
        await h.get()
    assert len(h.requests) == 1


async def test_a_body_at_the_cap_is_accepted(make: Callable[..., Harness]) -> None:
    body = json.dumps({"blob": "y" * 100}).encode()
    h = make(lambda _: httpx.Response(200, content=body), HttpPolicy(max_response_bytes=len(body)))
    assert (await h.get()).content == body


async def test_a_declared_oversize_body_is_refused_before_reading(
    make: Callable[..., Harness],
) -> None:
    pulled: list[int] = []

    async def chunks() -> AsyncIterator[bytes]:
        for i in range(100):
            pulled.append(i)
            yield b"z" * 1024

    def handler(_: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Length": str(100 * 1024)}, content=chunks())

    h = make(handler, HttpPolicy(max_response_bytes=4096))
    with pytest.raises(UpstreamResponseInvalid):
        await h.get()
    assert pulled == []


async def test_an_undeclared_oversize_stream_stops_at_the_cap(
    make: Callable[..., Harness],
) -> None:
    pulled: list[int] = []

    async def chunks() -> AsyncIterator[bytes]:
        for i in range(1000):
            pulled.append(i)
            yield b"z" * 1024

    h = make(lambda _: httpx.Response(200, content=chunks()), HttpPolicy(max_response_bytes=4096))
    with pytest.raises(UpstreamResponseInvalid):
        await h.get()
    assert len(pulled) <= 6  # stopped just past the cap, not after 1000 chunks


async def test_a_compressed_body_is_capped_on_its_decoded_size(
    make: Callable[..., Harness],
) -> None:
    bomb = gzip.compress(b"0" * 1_000_000)
    assert len(bomb) < 4096

    def handler(_: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Encoding": "gzip"}, content=bomb)

    h = make(handler, HttpPolicy(max_response_bytes=64 * 1024))
    with pytest.raises(UpstreamResponseInvalid):
        await h.get()


async def test_a_compressed_body_under_the_cap_is_decoded_once(
    make: Callable[..., Harness],
) -> None:
    payload = json.dumps({"ok": [1, 2, 3]}).encode()

    def handler(_: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200,
            headers={"Content-Encoding": "gzip", "Content-Type": "application/json"},
            content=gzip.compress(payload),
        )

    response = await make(handler).get()
    assert response.json() == {"ok": [1, 2, 3]}
    assert "Content-Encoding" not in response.headers


async def test_an_oversize_error_body_is_refused_too(make: Callable[..., Harness]) -> None:
    h = make(answer(404, {"message": "m" * 5000}), HttpPolicy(max_response_bytes=1024))
    with pytest.raises(UpstreamResponseInvalid):
        await h.get()


async def test_request_sends_what_it_was_given(make: Callable[..., Harness]) -> None:
    h = make(answer(200, {}))
    await h.http.request(
        "PUT",
        URL,
        idempotent=False,
        params=httpx.QueryParams({"a": "1"}),
        json={"b": 2},
        headers={"X-Key": "k"},
    )
    (request,) = h.requests
    assert request.method == "PUT"
    assert request.url.params["a"] == "1"
    assert json.loads(request.content) == {"b": 2}
    assert request.headers["X-Key"] == "k"
    assert request.headers["User-Agent"].startswith("ShopMCP/")


# --------------------------------------------------------------------------- echoed credentials


def echo_request(status: int = 401) -> Handler:
    """An upstream (a proxy, a WAF, a debug page, a merchant's own store) whose error body
    repeats the request it was sent: headers and JSON body."""

    def handler(request: httpx.Request) -> httpx.Response:
        sent = {name: value for name, value in request.headers.items()}
        body = request.content.decode() or "{}"
        return httpx.Response(status, json={"message": f"rejected body {body} with {sent}"})

    return handler


class _Bearer(httpx.Auth):
    def __init__(self, token: str) -> None:
        self.token = token

    def auth_flow(self, request: httpx.Request) -> Any:
        request.headers["Authorization"] = f"Bearer {self.token}"
        yield request


@pytest.mark.parametrize("status", [401, 403, 429])
async def test_credentials_echoed_in_an_error_body_never_reach_the_tool_error(
    make: Callable[..., Harness], status: int
) -> None:
    harness = make(echo_request(status))
    with pytest.raises(UpstreamError) as raised:
        await harness.http.request(
            "POST",
            URL,
            idempotent=False,
            json={
                "grant_type": "refresh_token",
                "refresh_token": "rt-0123456789abcdef",
                "client_secret": "cs-0123456789abcdef",
                "client_id": "public-client",
            },
            headers={
                "X-Shopify-Access-Token": "shpat-lookalike-0123456789",
                "X-Auth-Token": "bc-0123456789abcdef",
            },
            auth=_Bearer("magento-bearer-0123456789"),
        )
    text = raised.value.message
    for secret in (
        "rt-0123456789abcdef",
        "cs-0123456789abcdef",
        "shpat-lookalike-0123456789",
        "bc-0123456789abcdef",
        "magento-bearer-0123456789",
    ):
        assert secret not in text
    assert "public-client" in text  # what is not a credential is still the upstream's words
    assert "[redacted]" in text


async def test_oauth1_header_values_echoed_back_are_redacted(
    make: Callable[..., Harness],
) -> None:
    harness = make(echo_request(401))
    header = (
        'OAuth oauth_consumer_key="ck0123456789abcdef", oauth_token="tk0123456789abcdef", '
        'oauth_signature="sig%2B0123456789abcdef%3D", oauth_signature_method="HMAC-SHA256"'
    )
    with pytest.raises(UpstreamError) as raised:
        await harness.http.request("GET", URL, idempotent=True, headers={"Authorization": header})
    text = raised.value.message
    for secret in ("ck0123456789abcdef", "tk0123456789abcdef", "sig%2B0123456789abcdef%3D"):
        assert secret not in text
    assert len(harness.requests) == 1
