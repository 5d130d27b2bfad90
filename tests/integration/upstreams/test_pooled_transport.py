"""The guarded clients' connection pool, against a local HTTPS server that counts connections:
connections are reused (last in, first out), bounded, never reused after a response that was
not read to its end, replaced when the server closed them or they idled past the keep-alive
expiry, and its errors are httpx's."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncIterator

import attrs
import httpx
import pytest
import pytest_asyncio
import trustme

from shopmcp_adapters.upstreams.host_guard import GuardedNetworkBackend, HostGuard
from shopmcp_adapters.upstreams.http import tls_context
from shopmcp_adapters.upstreams.transport import PooledTransport

BIG = b"x" * 1_000_000


@attrs.define
class Server:
    port: int
    ca_pem: str
    accepted: int = 0
    open_now: int = 0


async def _handle(
    server: Server, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    server.accepted += 1
    server.open_now += 1
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            path = head.split(b" ", 2)[1]
            close = False
            if path == b"/slow":
                await asyncio.sleep(0.3)
            body = BIG if path == b"/big" else b'{"ok":true}'
            if path == b"/close":
                close = True
            headers = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            headers += b"Content-Length: " + str(len(body)).encode() + b"\r\n"
            if close:
                headers += b"Connection: close\r\n"
            writer.write(headers + b"\r\n" + body)
            await writer.drain()
            if close:
                break
    except (asyncio.IncompleteReadError, ConnectionError, ssl.SSLError):
        pass
    finally:
        server.open_now -= 1
        writer.close()


@pytest_asyncio.fixture
async def server(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Server]:
    ca = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    ca_pem = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_pem))
    state = Server(port=0, ca_pem=str(ca_pem))
    listener = await asyncio.start_server(
        lambda r, w: _handle(state, r, w), "127.0.0.1", 0, ssl=context
    )
    state.port = listener.sockets[0].getsockname()[1]
    try:
        yield state
    finally:
        listener.close()


def transport(server: Server, **limits: float) -> PooledTransport:
    guard = HostGuard(allowed_hosts=frozenset({f"127.0.0.1:{server.port}"}))
    return PooledTransport(
        ssl_context=tls_context(server.ca_pem),
        network_backend=GuardedNetworkBackend(guard),
        limits=httpx.Limits(
            max_connections=int(limits.get("max_connections", 100)),
            max_keepalive_connections=int(limits.get("max_keepalive", 20)),
            keepalive_expiry=limits.get("keepalive_expiry", 5.0),
        ),
    )


def client(server: Server, pool: PooledTransport, pool_timeout: float = 5.0) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=pool,
        base_url=f"https://127.0.0.1:{server.port}",
        timeout=httpx.Timeout(5.0, pool=pool_timeout),
    )


async def test_sequential_requests_share_one_connection(server: Server) -> None:
    async with client(server, transport(server)) as http:
        for _ in range(10):
            assert (await http.get("/ok")).json() == {"ok": True}
    assert server.accepted == 1


async def test_concurrent_requests_open_what_they_need_and_keep_a_bounded_few(
    server: Server,
) -> None:
    pool = transport(server, max_keepalive=3)
    async with client(server, pool) as http:
        answers = await asyncio.gather(*(http.get("/slow") for _ in range(8)))
        assert all(a.status_code == 200 for a in answers)
        assert server.accepted == 8
        await asyncio.sleep(0.05)
        assert server.open_now == 3  # the rest were closed on their way back
        await asyncio.gather(*(http.get("/ok") for _ in range(3)))
    assert server.accepted == 8


async def test_max_connections_queues_and_times_out_as_httpx(server: Server) -> None:
    pool = transport(server, max_connections=2)
    async with client(server, pool, pool_timeout=0.1) as http:
        slow = [asyncio.create_task(http.get("/slow")) for _ in range(2)]
        await asyncio.sleep(0.05)
        with pytest.raises(httpx.PoolTimeout):
            await http.get("/ok")
        await asyncio.gather(*slow)
        assert (await http.get("/ok")).status_code == 200
    assert server.accepted == 2


async def test_a_response_not_read_to_its_end_never_returns_its_connection(
    server: Server,
) -> None:
    async with client(server, transport(server)) as http:
        async with http.stream("GET", "/big") as response:
            async for _ in response.aiter_bytes():
                break
        assert (await http.get("/ok")).status_code == 200
    assert server.accepted == 2


async def test_a_connection_the_server_closed_is_replaced(server: Server) -> None:
    async with client(server, transport(server)) as http:
        assert (await http.get("/close")).status_code == 200
        await asyncio.sleep(0.05)
        assert (await http.get("/ok")).status_code == 200
    assert server.accepted == 2


async def test_a_connection_idle_past_the_expiry_is_replaced(server: Server) -> None:
    async with client(server, transport(server, keepalive_expiry=0.1)) as http:
        await http.get("/ok")
        await asyncio.sleep(0.2)
        await http.get("/ok")
    assert server.accepted == 2


async def test_connect_errors_are_httpx_errors(server: Server) -> None:
    pool = transport(server)
    async with httpx.AsyncClient(transport=pool, timeout=2.0) as http:
        with pytest.raises(httpx.ConnectError):
            await http.get("https://127.0.0.1:1/ok")  # not allow-listed: the guard refuses


async def test_closing_the_transport_closes_idle_connections(server: Server) -> None:
    pool = transport(server)
    async with client(server, pool) as http:
        await asyncio.gather(*(http.get("/slow") for _ in range(3)))
    await asyncio.sleep(0.05)
    assert server.open_now == 0
    with pytest.raises(RuntimeError, match="closed"):
        await pool.handle_async_request(httpx.Request("GET", f"https://127.0.0.1:{server.port}/"))
