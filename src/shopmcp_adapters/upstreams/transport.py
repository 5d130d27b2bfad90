"""The httpx transport of every guarded upstream client: httpcore connections, pooled per
origin, each opened through the SSRF guard's network backend.

Why not httpx's own transport: its httpcore pool checks every pooled connection for expiry on
every request (one ``select`` call each), so at 32 concurrent upstream calls a tools/call paid
for 32 readiness probes, about a sixth of the gateway's CPU. Here a request takes the most
recently returned connection of its origin (last in, first out: the warmest, and the idle
ones age out), checks that one connection only, and hands it back when the response is read
or closed; connections idle longer than the keep-alive expiry are dropped when they surface.
It also needs no private attribute of httpx to install the guard: a transport is httpx's
public extension point, and ``httpcore.AsyncHTTPConnection`` takes the network backend.

HTTP/1.1 only (what the upstream clients speak); httpcore's exceptions are mapped to httpx's as
httpx's own transport maps them.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import time
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Iterator

import attrs
import httpcore
import httpx

# The most specific httpx error for each httpcore error (httpx maps them the same way).
_ERRORS: tuple[tuple[type[Exception], type[httpx.HTTPError]], ...] = (
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.TimeoutException, httpx.TimeoutException),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.NetworkError, httpx.NetworkError),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.ProtocolError, httpx.ProtocolError),
)


@contextlib.contextmanager
def _httpx_errors() -> Iterator[None]:
    try:
        yield
    except Exception as error:
        for core_error, httpx_error in _ERRORS:
            if isinstance(error, core_error):
                raise httpx_error(str(error)) from error
        raise


_OriginKey = tuple[bytes, bytes, int]


def _key(origin: httpcore.Origin) -> _OriginKey:
    # httpcore's Origin compares by value but is not hashable.
    return (origin.scheme, origin.host, origin.port)


@attrs.define
class _Idle:
    connection: httpcore.AsyncHTTPConnection
    since: float


class PooledTransport(httpx.AsyncBaseTransport):
    def __init__(
        self,
        *,
        ssl_context: ssl.SSLContext,
        network_backend: httpcore.AsyncNetworkBackend,
        limits: httpx.Limits,
    ) -> None:
        self._ssl_context = ssl_context
        self._backend = network_backend
        self._max_keepalive = limits.max_keepalive_connections or 0
        self._keepalive_expiry = limits.keepalive_expiry or 0.0
        self._slots = asyncio.Semaphore(limits.max_connections or 1_000_000)
        self._idle: dict[_OriginKey, list[_Idle]] = {}
        self._closed = False
        self.connections_opened = 0

    def __repr__(self) -> str:
        idle = sum(len(stack) for stack in self._idle.values())
        return f"PooledTransport(idle={idle}, opened={self.connections_opened})"

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self._closed:
            raise RuntimeError("the transport is closed")
        if not isinstance(request.stream, httpx.AsyncByteStream):
            raise TypeError("an async transport takes async request bodies")
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        timeouts = request.extensions.get("timeout", {})
        origin = core_request.url.origin
        with _httpx_errors():
            connection = await self._acquire(origin, timeouts.get("pool"))
            try:
                response = await connection.handle_async_request(core_request)
            except BaseException:
                await self._discard(connection)
                raise
        if not isinstance(response.stream, AsyncIterable):
            await self._discard(connection)
            raise TypeError("httpcore answered a synchronous stream")
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_ReturningStream(response.stream, lambda: self._release(connection, origin)),
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        self._closed = True
        idle = [entry.connection for stack in self._idle.values() for entry in stack]
        self._idle.clear()
        for connection in idle:
            await connection.aclose()

    # ---- the pool

    async def _acquire(
        self, origin: httpcore.Origin, pool_timeout: float | None
    ) -> httpcore.AsyncHTTPConnection:
        try:
            async with asyncio.timeout(pool_timeout):
                await self._slots.acquire()
        except TimeoutError:
            raise httpcore.PoolTimeout("no upstream connection came free in time") from None
        stack = self._idle.get(_key(origin))
        now = time.monotonic()
        while stack:
            entry = stack.pop()
            connection = entry.connection
            # has_expired also notices a connection the server closed while it sat idle.
            fresh = now - entry.since < self._keepalive_expiry
            if fresh and connection.is_available() and not connection.has_expired():
                return connection
            await connection.aclose()
        self.connections_opened += 1
        return httpcore.AsyncHTTPConnection(
            origin=origin,
            ssl_context=self._ssl_context,
            keepalive_expiry=self._keepalive_expiry,
            http1=True,
            http2=False,
            network_backend=self._backend,
        )

    async def _release(
        self, connection: httpcore.AsyncHTTPConnection, origin: httpcore.Origin
    ) -> None:
        try:
            if self._closed or not connection.is_available() or not connection.is_idle():
                # A response that was not read to its end leaves the connection unusable.
                await connection.aclose()
                return
            stack = self._idle.setdefault(_key(origin), [])
            if len(stack) >= self._max_keepalive:
                await connection.aclose()
                return
            stack.append(_Idle(connection, time.monotonic()))
        finally:
            self._slots.release()

    async def _discard(self, connection: httpcore.AsyncHTTPConnection) -> None:
        try:
            await connection.aclose()
        finally:
            self._slots.release()


class _ReturningStream(httpx.AsyncByteStream):
    """The response body; closing it (httpx does, once read) hands the connection back."""

    def __init__(
        self, stream: AsyncIterable[bytes], release: Callable[[], Awaitable[None]]
    ) -> None:
        self._stream = stream
        self._release = release
        self._released = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with _httpx_errors():
            async for part in self._stream:
                yield part

    async def aclose(self) -> None:
        if self._released:
            return
        self._released = True
        try:
            closer = getattr(self._stream, "aclose", None)
            if closer is not None:
                with _httpx_errors():
                    await closer()
        finally:
            await self._release()
