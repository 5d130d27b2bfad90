"""The Shopify stand-in: an HTTPS server on loopback answering the Admin GraphQL ``ListOrders``
query with the fixed page of :mod:`exchange`, as fast as this machine allows, so that what it
costs is small next to what is measured through it.

A plain ``asyncio`` protocol (no framework, no ASGI): it reads HTTP/1.1 requests on keep-alive
connections, checks what Shopify would check (the path, ``X-Shopify-Access-Token``, the
document) and writes a response it built at start. Anything else gets a 4xx, so a target that
sent the wrong request fails its check instead of being measured. ``GET`` on
:data:`exchange.STATS_PATH` answers the counts of requests served and refused (the harness
reads them to verify one upstream request per tool call).

Run as ``python -m benchmarks.hot_path.standin`` with ``BENCH_TLS_CERT`` and ``BENCH_TLS_KEY``
(the certificate the local CA issued); it prints ``{"port": N}`` on one line when it listens,
and serves until SIGTERM or SIGINT.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import ssl
from typing import Final, Protocol

from benchmarks.hot_path import exchange
from shopmcp_adapters.upstreams.shopify import documents as docs

_MAX_HEAD: Final = 16 * 1024
_MAX_BODY: Final = 1024 * 1024


def http_response(
    status: str,
    body: bytes,
    content_type: bytes = b"application/json",
    headers: tuple[tuple[bytes, bytes], ...] = (),
) -> bytes:
    extra = b"".join(b"\r\n" + name + b": " + value for name, value in headers)
    return (
        b"HTTP/1.1 "
        + status.encode()
        + b"\r\ncontent-type: "
        + content_type
        + b"\r\ncontent-length: "
        + str(len(body)).encode()
        + extra
        + b"\r\n\r\n"
        + body
    )


class Answers(Protocol):
    """What a stand-in answers: the response's bytes, or None to hold the request unanswered
    (the client's read timeout ends it; nothing more is read on that connection)."""

    refused: int

    def answer(
        self, method: str, target: str, headers: dict[str, str], body: bytes
    ) -> bytes | None: ...


def request_refusal(method: str, target: str, body: bytes) -> bytes | None:
    """The 4xx for anything but Admin GraphQL ``ListOrders(first: 20)`` (the token aside)."""
    if target != docs.GRAPHQL_PATH:
        return http_response("404 Not Found", b"Not Found", b"text/plain")
    if method != "POST":
        return http_response("405 Method Not Allowed", b"Method Not Allowed", b"text/plain")
    try:
        request = json.loads(body)
    except ValueError:
        return http_response("400 Bad Request", b'{"errors":"Bad Request"}')
    if not isinstance(request, dict):
        return http_response("400 Bad Request", b'{"errors":"Bad Request"}')
    variables = request.get("variables")
    if (
        request.get("query") != docs.LIST_ORDERS
        or not isinstance(variables, dict)
        or variables.get("first") != exchange.ORDER_COUNT
    ):
        message = b'{"errors":[{"message":"the stand-in answers only ListOrders(first: 20)"}]}'
        return http_response("400 Bad Request", message)
    return None


UNAUTHORIZED: Final = http_response(
    "401 Unauthorized", b'{"errors":"[API] Invalid API key or access token"}'
)


class Store:
    """What the stand-in answers, and how often."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.ok = http_response("200 OK", exchange.graphql_response_body())
        self.served = 0
        self.refused = 0

    def answer(self, method: str, target: str, headers: dict[str, str], body: bytes) -> bytes:
        if method == "GET" and target == exchange.STATS_PATH:
            stats = {"served": self.served, "refused": self.refused}
            return http_response("200 OK", json.dumps(stats).encode())
        refusal = self._refusal(method, target, headers, body)
        if refusal is not None:
            self.refused += 1
            return refusal
        self.served += 1
        return self.ok

    def _refusal(
        self, method: str, target: str, headers: dict[str, str], body: bytes
    ) -> bytes | None:
        if (
            target == docs.GRAPHQL_PATH
            and method == "POST"
            and headers.get("x-shopify-access-token") != self.token
        ):
            return UNAUTHORIZED
        return request_refusal(method, target, body)


class Http11(asyncio.Protocol):
    """HTTP/1.1 with keep-alive and pipelining, Content-Length bodies only."""

    def __init__(self, store: Answers) -> None:
        self.store = store
        self.buffer = bytearray()
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while self.transport is not None:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(self.buffer) > _MAX_HEAD:
                    self._fail("431 Request Header Fields Too Large")
                return
            lines = bytes(self.buffer[:end]).decode("latin-1").split("\r\n")
            method, target, _ = [*lines[0].split(" ", 2), "", ""][:3]
            headers = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            if "transfer-encoding" in headers:
                self._fail("411 Length Required")
                return
            length_text = headers.get("content-length", "0")
            if not length_text.isdigit() or int(length_text) > _MAX_BODY:
                self._fail("413 Content Too Large")
                return
            total = end + 4 + int(length_text)
            if len(self.buffer) < total:
                return
            body = bytes(self.buffer[end + 4 : total])
            del self.buffer[:total]
            response = self.store.answer(method, target, headers, body)
            if response is None:
                # Held: never answered, and nothing after it on this connection either.
                self.buffer.clear()
                self.transport.pause_reading()
                return
            self.transport.write(response)
            if headers.get("connection", "").lower() == "close":
                self.transport.close()
                self.transport = None

    def _fail(self, status: str) -> None:
        if self.transport is not None:
            self.store.refused += 1
            self.transport.write(http_response(status, b"", b"text/plain"))
            self.transport.close()
            self.transport = None

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None


async def serve(certfile: str, keyfile: str, store: Answers) -> None:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certfile, keyfile)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: Http11(store), "127.0.0.1", 0, ssl=context, backlog=1024
    )
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    port = server.sockets[0].getsockname()[1]
    print(json.dumps({"port": port}), flush=True)
    async with server:
        await stop.wait()


def main() -> None:
    asyncio.run(
        serve(
            os.environ["BENCH_TLS_CERT"],
            os.environ["BENCH_TLS_KEY"],
            Store(os.environ.get("BENCH_STORE_TOKEN", exchange.STORE_TOKEN)),
        )
    )


if __name__ == "__main__":
    main()
