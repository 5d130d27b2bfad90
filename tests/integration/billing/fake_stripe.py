"""A tiny stand-in for Stripe's ``POST /v1/billing/meter_events`` on loopback, served by
uvicorn in a thread: it records every request as received and answers like Stripe (the
event; 400 for an identifier it already holds; or a scripted failure)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import parse_qsl

import attrs
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


@attrs.define
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: str

    @property
    def form(self) -> list[tuple[str, str]]:
        return parse_qsl(self.body, keep_blank_values=True, strict_parsing=True)


@attrs.define
class FakeStripe:
    base_url: str = ""
    received: list[Received] = attrs.Factory(list)
    identifiers: set[str] = attrs.Factory(set)
    # (status, error type, message) answered to the next requests, first one first.
    failures: list[tuple[int, str, str]] = attrs.Factory(list)

    async def meter_events(self, request: Request) -> JSONResponse:
        body = (await request.body()).decode()
        self.received.append(
            Received(request.method, request.url.path, dict(request.headers), body)
        )
        if self.failures:
            status, kind, message = self.failures.pop(0)
            return JSONResponse({"error": {"type": kind, "message": message}}, status)
        form = dict(parse_qsl(body))
        identifier = form.get("identifier", "")
        if identifier in self.identifiers:
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
        self.identifiers.add(identifier)
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
    fake = FakeStripe()
    app = Starlette(routes=[Route("/v1/billing/meter_events", fake.meter_events, methods=["POST"])])
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("fake Stripe did not start")
        time.sleep(0.01)
    fake.base_url = f"http://127.0.0.1:{port}"
    try:
        yield fake
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
