"""The load generator, the same for every target: ``concurrency`` persistent HTTP/1.1
connections (raw ``asyncio`` streams, TLS for the stand-in), each sending pre-built requests
back to back, waiting for each response before the next.

Its own CPU is kept small and is measured (``client_cpu_s``): requests are bytes built once; a
response is read by its ``Content-Length`` (chunked bodies are decoded too); a body is checked
in full (JSON parsed: status 200, a result, no error, 20 orders) the first time it is seen and
afterwards compared byte for byte with the bodies already checked, so every response is
checked without parsing 20 KB of JSON per call. A response that fails its check, a dropped
connection or a malformed response is a failure (counted, the first few kept as samples, the
connection reopened); it never counts as a call, and its latency is not recorded.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import ssl
import time
from collections.abc import Callable, Sequence
from typing import Any, Final

import attrs

from benchmarks.hot_path import exchange

MCP_PROTOCOL_VERSION: Final = "2025-11-25"
_KEEP_CHECKED: Final = 16
_SAMPLES: Final = 5


def http_post(authority: str, path: str, body: bytes, headers: Sequence[tuple[str, str]]) -> bytes:
    """One HTTP/1.1 POST, ready to write."""
    lines = [
        f"POST {path} HTTP/1.1",
        f"Host: {authority}",
        *(f"{name}: {value}" for name, value in headers),
        f"Content-Length: {len(body)}",
        "",
        "",
    ]
    return "\r\n".join(lines).encode("latin-1") + body


def tools_call_body() -> bytes:
    return json.dumps(
        {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "tools/call",
            "params": {"name": exchange.TOOL, "arguments": {}},
        },
        separators=(",", ":"),
    ).encode()


MCP_HEADERS: Final = (
    ("Content-Type", "application/json"),
    ("Accept", "application/json, text/event-stream"),
    ("MCP-Protocol-Version", MCP_PROTOCOL_VERSION),
)


def mcp_failure(body: bytes) -> str | None:
    """Why a tools/call answer is not a successful ``shopify_list_orders`` result, if it is not."""
    try:
        message = json.loads(body)
    except ValueError:
        return f"not JSON: {body[:120]!r}"
    if not isinstance(message, dict) or "error" in message:
        return f"JSON-RPC error: {str(message)[:200]}"
    result = message.get("result")
    if not isinstance(result, dict):
        return f"no result: {str(message)[:200]}"
    if result.get("isError"):
        return f"tool error: {str(result.get('content'))[:200]}"
    structured = result.get("structuredContent")
    orders = structured.get("orders") if isinstance(structured, dict) else None
    if not isinstance(orders, list) or len(orders) != exchange.ORDER_COUNT:
        return f"not {exchange.ORDER_COUNT} orders: {str(result)[:200]}"
    return None


def graphql_failure(body: bytes) -> str | None:
    """Why a direct GraphQL answer is not the page of orders, if it is not."""
    try:
        message = json.loads(body)
    except ValueError:
        return f"not JSON: {body[:120]!r}"
    if not isinstance(message, dict) or message.get("errors"):
        return f"GraphQL errors: {str(message)[:200]}"
    orders: Any = message
    for key in ("data", "orders", "nodes"):
        orders = orders.get(key) if isinstance(orders, dict) else None
    if not isinstance(orders, list) or len(orders) != exchange.ORDER_COUNT:
        return f"not {exchange.ORDER_COUNT} orders: {str(message)[:200]}"
    return None


class BodyCheck:
    """Status 200 and ``failure(body) is None``; bodies already found good are recognised by
    comparing bytes."""

    def __init__(self, failure: Callable[[bytes], str | None]) -> None:
        self._failure = failure
        self._good: list[bytes] = []

    def __call__(self, status: int, body: bytes) -> str | None:
        if status != 200:
            return f"HTTP {status}: {body[:200]!r}"
        for good in self._good:
            if body == good:
                return None
        reason = self._failure(body)
        if reason is None and len(self._good) < _KEEP_CHECKED:
            self._good.append(body)
        return reason

    @property
    def distinct_good_bodies(self) -> int:
        return len(self._good)


@attrs.frozen
class Endpoint:
    """Where to send what: ``requests`` are rotated per call (one per workspace key)."""

    host: str
    port: int
    tls: ssl.SSLContext | None
    requests: tuple[bytes, ...]
    check: BodyCheck


class ResponseError(Exception):
    """The bytes on the wire were not an HTTP/1.1 response this client can read."""


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    """(status, body, whether the server will close the connection)."""
    status, _, body, closes = await read_response_with_head(reader)
    return status, body, closes


async def read_response_with_head(reader: asyncio.StreamReader) -> tuple[int, bytes, bytes, bool]:
    """(status, the head with its header names lower-cased, body, whether the server will close
    the connection)."""
    head = await reader.readuntil(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.1 ") or not head[9:12].isdigit():
        raise ResponseError(f"not an HTTP/1.1 response: {head[:40]!r}")
    status = int(head[9:12])
    lower = head.lower()
    closes = b"\r\nconnection: close" in lower
    at = lower.find(b"\r\ncontent-length:")
    if at >= 0:
        end = lower.index(b"\r\n", at + 2)
        return status, lower, await reader.readexactly(int(lower[at + 17 : end])), closes
    if b"\r\ntransfer-encoding: chunked" in lower:
        return status, lower, await _read_chunked(reader), closes
    raise ResponseError("a response without Content-Length or chunked encoding")


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    body = bytearray()
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";", 1)[0].strip(), 16)
        if size == 0:
            while await reader.readuntil(b"\r\n") != b"\r\n":  # trailers
                pass
            return bytes(body)
        body += await reader.readexactly(size)
        await reader.readexactly(2)


@attrs.define
class PhaseResult:
    concurrency: int
    elapsed_s: float
    # Seconds, one per successful call, in completion order.
    latencies_s: list[float]
    failures: int
    failure_samples: list[str]
    client_cpu_s: float

    @property
    def calls(self) -> int:
        return len(self.latencies_s)


_Connection = tuple[asyncio.StreamReader, asyncio.StreamWriter]
# A connection that failed mid-call: counted as a failure, then reopened.
_BROKEN = (OSError, EOFError, asyncio.LimitOverrunError, ResponseError, ValueError)


class Load:
    """``concurrency`` connections to one endpoint, opened before the clock starts and kept
    across the warm-up and the measured run."""

    def __init__(self, endpoint: Endpoint, concurrency: int) -> None:
        self.endpoint = endpoint
        self.concurrency = concurrency
        self._connections: list[_Connection | None] = [None] * concurrency
        self._sent = list(range(concurrency))

    async def open(self) -> None:
        for index in range(self.concurrency):
            self._connections[index] = await self._connect()

    async def close(self) -> None:
        for index, connection in enumerate(self._connections):
            if connection is not None:
                self._connections[index] = None
                connection[1].close()
                with contextlib.suppress(OSError, TimeoutError):
                    await asyncio.wait_for(connection[1].wait_closed(), 1.0)

    async def _connect(self) -> _Connection:
        endpoint = self.endpoint
        return await asyncio.open_connection(
            endpoint.host,
            endpoint.port,
            ssl=endpoint.tls,
            server_hostname=endpoint.host if endpoint.tls else None,
            limit=1 << 20,
        )

    async def run(self, seconds: float) -> PhaseResult:
        """Every connection sends back to back for ``seconds``; in-flight calls finish."""
        latencies: list[float] = []
        failures: list[str] = []
        cpu_started = time.process_time()
        started = time.perf_counter()
        deadline = started + seconds
        await asyncio.gather(
            *(self._worker(i, deadline, latencies, failures) for i in range(self.concurrency))
        )
        elapsed = time.perf_counter() - started
        return PhaseResult(
            concurrency=self.concurrency,
            elapsed_s=elapsed,
            latencies_s=latencies,
            failures=len(failures),
            failure_samples=failures[:_SAMPLES],
            client_cpu_s=time.process_time() - cpu_started,
        )

    async def _worker(
        self, index: int, deadline: float, latencies: list[float], failures: list[str]
    ) -> None:
        requests = self.endpoint.requests
        check = self.endpoint.check
        clock = time.perf_counter
        sent = self._sent[index]
        while clock() < deadline:
            connection = self._connections[index]
            if connection is None:
                try:
                    connection = self._connections[index] = await self._connect()
                except OSError as error:
                    failures.append(f"connect: {type(error).__name__}: {error}")
                    await asyncio.sleep(0.05)
                    continue
            reader, writer = connection
            request = requests[sent % len(requests)]
            sent += 1
            started = clock()
            try:
                writer.write(request)
                status, body, closes = await read_response(reader)
            except _BROKEN as error:
                failures.append(f"{type(error).__name__}: {error}")
                writer.close()
                self._connections[index] = None
                continue
            elapsed = clock() - started
            reason = check(status, body)
            if reason is None:
                latencies.append(elapsed)
            else:
                failures.append(reason)
            if closes:
                writer.close()
                self._connections[index] = None
        self._sent[index] = sent


def describe(result: PhaseResult) -> dict[str, Any]:
    """Calls/s and latency percentiles (ms) of one phase."""
    ordered = sorted(result.latencies_s)

    def percentile(p: float) -> float | None:
        if not ordered:
            return None
        # Nearest rank: the smallest latency that at least p% of calls did not exceed.
        rank = max(1, -(-len(ordered) * p // 100))
        return ordered[int(rank) - 1] * 1000

    return {
        "calls": result.calls,
        "failures": result.failures,
        "elapsed_s": result.elapsed_s,
        "calls_per_s": result.calls / result.elapsed_s if result.elapsed_s else 0.0,
        "p50_ms": percentile(50),
        "p90_ms": percentile(90),
        "p99_ms": percentile(99),
        "client_cpu_ms_per_call": (
            result.client_cpu_s / result.calls * 1000 if result.calls else None
        ),
    }


async def call_once(endpoint: Endpoint, index: int = 0) -> tuple[int, bytes]:
    """One request on a connection of its own (checks before and after the measured runs)."""
    reader, writer = await asyncio.open_connection(
        endpoint.host,
        endpoint.port,
        ssl=endpoint.tls,
        server_hostname=endpoint.host if endpoint.tls else None,
        limit=1 << 20,
    )
    try:
        writer.write(endpoint.requests[index % len(endpoint.requests)])
        status, body, _ = await read_response(reader)
    finally:
        writer.close()
    return status, body
