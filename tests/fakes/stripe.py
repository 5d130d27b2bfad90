"""Stripe's meter-event endpoint (``POST /v1/billing/meter_events``) as a small ASGI app: the
one Stripe fake of the test suite, always reached through the real stripe library.

* In process (unit tests, no sockets): ``fake.client()`` is a ``stripe.StripeClient`` whose
  HTTP client sends through ``fake.transport``, an httpx transport into the app that can also
  fail the way only a network does (a refused connection, an answer lost after the request
  was handled).
* On loopback (integration tests): ``serve_fake_stripe()`` serves the same app with uvicorn;
  point ``StripeMeter.from_api_key(api_base=fake.base_url)`` at it.

It records every request as received (and the status it answered) and answers like Stripe: the
meter event; a 400 "already exists" for an identifier it has accepted before; the next scripted
``Failure``; or, while ``down`` is set, a 503 to everything (an outage).
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import AsyncIterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, NoReturn
from urllib.parse import parse_qsl

import attrs
import httpx
import stripe
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

API_KEY = "sk_test_51FakeKeyForTestsOnly"
IN_PROCESS_BASE = "http://stripe.in-process"


@attrs.define
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: str

    @property
    def form(self) -> list[tuple[str, str]]:
        return parse_qsl(self.body, keep_blank_values=True, strict_parsing=True)


@attrs.frozen
class Failure:
    """A scripted error answer, in Stripe's error shape."""

    status: int
    type: str
    message: str
    code: str | None = None
    param: str | None = None
    # Stripe recorded the event before answering with the error (a failure the client cannot
    # tell from one where nothing happened).
    after_accepting: bool = False


@attrs.define
class InProcessTransport(httpx.AsyncBaseTransport):
    """httpx transport into the fake's app, plus the failures only a network has."""

    app: Starlette
    refused_connections: int = 0  # the next n requests cannot connect
    lose_next_answer: bool = False  # the next request is handled, its answer never arrives

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.refused_connections:
            self.refused_connections -= 1
            raise httpx.ConnectError("connection refused", request=request)
        response = await httpx.ASGITransport(app=self.app).handle_async_request(request)
        if self.lose_next_answer:
            self.lose_next_answer = False
            await response.aclose()
            raise httpx.ReadTimeout("timed out waiting for the answer", request=request)
        return response


class StripeOverTransport(stripe.HTTPClient):
    """The stripe library's HTTP client interface (``stripe.HTTPClient``, made to be
    subclassed) over any httpx transport: network errors become ``APIConnectionError`` as
    with the library's own httpx client."""

    name = "httpx-transport"

    def __init__(self, transport: httpx.AsyncBaseTransport) -> None:
        super().__init__()
        self._client = httpx.AsyncClient(transport=transport)

    async def request_async(
        self, method: str, url: str, headers: Mapping[str, str], post_data: Any = None
    ) -> tuple[bytes, int, Mapping[str, str]]:
        try:
            response = await self._client.request(method, url, headers=headers, content=post_data)
        except httpx.TransportError as error:
            # stripe's error constructors carry no annotations (the library's typing gap).
            raise stripe.APIConnectionError(  # type: ignore[no-untyped-call]
                f"network error ({type(error).__name__})", should_retry=True
            ) from error
        return response.content, response.status_code, response.headers

    async def request_stream_async(
        self, method: str, url: str, headers: Mapping[str, str], post_data: Any = None
    ) -> tuple[AsyncIterable[bytes], int, Mapping[str, str]]:
        raise NotImplementedError("the meter never streams")

    def request(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str] | None,
        post_data: Any = None,
        *,
        _usage: list[str] | None = None,
    ) -> NoReturn:
        raise NotImplementedError("the meter is async only")

    def request_stream(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str] | None,
        post_data: Any = None,
        *,
        _usage: list[str] | None = None,
    ) -> NoReturn:
        raise NotImplementedError("the meter is async only")

    async def sleep_async(self, secs: float) -> None:
        await asyncio.sleep(secs)

    async def close_async(self) -> None:
        await self._client.aclose()


@attrs.define
class FakeStripe:
    base_url: str = IN_PROCESS_BASE
    received: list[Received] = attrs.Factory(list)
    # identifier -> the accepted event's form fields
    accepted: dict[str, dict[str, str]] = attrs.Factory(dict)
    failures: list[Failure] = attrs.Factory(list)  # answered to the next requests, in order
    statuses: list[int] = attrs.Factory(list)  # the status answered to each of ``received``
    down: bool = False  # an outage: every request is answered 503 until cleared
    app: Starlette = attrs.field(init=False)
    transport: InProcessTransport = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        self.app = Starlette(
            routes=[Route("/v1/billing/meter_events", self._meter_events, methods=["POST"])]
        )
        self.transport = InProcessTransport(self.app)

    def client(self, api_key: str = API_KEY, max_network_retries: int = 0) -> stripe.StripeClient:
        """A real ``StripeClient`` that reaches this fake in process."""
        return stripe.StripeClient(
            api_key,
            http_client=StripeOverTransport(self.transport),
            base_addresses={"api": IN_PROCESS_BASE},
            max_network_retries=max_network_retries,
        )

    def reset(self) -> None:
        self.received.clear()
        self.accepted.clear()
        self.failures.clear()
        self.statuses.clear()
        self.down = False

    async def _meter_events(self, request: Request) -> JSONResponse:
        body = (await request.body()).decode()
        self.received.append(
            Received(request.method, request.url.path, dict(request.headers), body)
        )
        response = self._answer(dict(parse_qsl(body)))
        self.statuses.append(response.status_code)
        return response

    def _answer(self, form: dict[str, str]) -> JSONResponse:
        identifier = form.get("identifier", "")
        if self.down:
            error = {"type": "api_error", "message": "Stripe is unavailable (fake outage)."}
            return JSONResponse({"error": error}, 503, headers={"Request-Id": "req_down"})
        if self.failures:
            failure = self.failures.pop(0)
            if failure.after_accepting:
                self.accepted.setdefault(identifier, form)
            error = {"type": failure.type, "message": failure.message}
            error |= {k: v for k, v in (("code", failure.code), ("param", failure.param)) if v}
            return JSONResponse({"error": error}, failure.status, headers={"Request-Id": "req_f"})
        if identifier in self.accepted:
            return JSONResponse(
                {
                    "error": {
                        "type": "invalid_request_error",
                        "message": f"An event already exists with identifier {identifier}.",
                    }
                },
                400,
                headers={"Request-Id": "req_dup", "Stripe-Should-Retry": "false"},
            )
        self.accepted[identifier] = form
        return JSONResponse(
            {
                "object": "billing.meter_event",
                "created": int(time.time()),
                "event_name": form["event_name"],
                "identifier": identifier,
                "livemode": False,
                "payload": {
                    "stripe_customer_id": form["payload[stripe_customer_id]"],
                    "value": form["payload[value]"],
                },
                "timestamp": int(form["timestamp"]),
            },
            headers={"Request-Id": "req_ok"},
        )


@contextmanager
def serve_fake_stripe() -> Iterator[FakeStripe]:
    """The fake served on a free loopback port by uvicorn in a thread."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    fake = FakeStripe(base_url=f"http://127.0.0.1:{sock.getsockname()[1]}")
    server = uvicorn.Server(uvicorn.Config(fake.app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("fake Stripe did not start")
        time.sleep(0.01)
    try:
        yield fake
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
