"""The connect-time SSRF guard against a real socket: an HTTPS server on 127.0.0.1 with a
``trustme`` certificate for a host name, and a guarded client whose resolver (injected, no DNS)
maps that name to 127.0.0.1. Unless the loopback address is allow-listed for that port, no
TCP connection reaches the server; when it is, the request succeeds with TLS verification on,
against the host name (the socket connects to the vetted address, SNI and the certificate check
use the name)."""

from __future__ import annotations

import json
import socket
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import attrs
import httpx
import pytest
import trustme

from shopmcp_adapters.upstreams.host_guard import HostGuard, UnsafeUpstreamConnection
from shopmcp_adapters.upstreams.http import HttpPolicy, UpstreamHttp, build_async_client
from shopmcp_domain.errors import UpstreamUnavailable

NAME = "shop.example.test"
Policy = HttpPolicy(connect_timeout=3, read_timeout=3, max_read_retries=2)


@attrs.define
class Server:
    port: int
    ca_pem: Path
    accepted: list[object]  # TCP connections accepted, handshake or not
    paths: list[str]  # requests served

    def url(self, host: str = NAME) -> str:
        return f"https://{host}:{self.port}/rest/V1/store/storeConfigs"


def _serve(ca: trustme.CA, names: tuple[str, ...], tmp_path: Path) -> Iterator[Server]:
    paths: list[str] = []
    accepted: list[object] = []
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(*names).configure_cert(context)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            paths.append(self.path)
            body = json.dumps([{"id": 1}]).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    class Tls(ThreadingHTTPServer):
        def get_request(self) -> tuple[socket.socket, object]:
            connection, address = self.socket.accept()
            accepted.append(address)
            return context.wrap_socket(connection, server_side=True), address

        def handle_error(self, request: object, client_address: object) -> None:
            pass  # a refused handshake is the client's business

    server = Tls(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    ca_pem = tmp_path / "test-ca.pem"
    ca.cert_pem.write_to_path(str(ca_pem))
    try:
        yield Server(server.server_address[1], ca_pem, accepted, paths)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def server(ca: trustme.CA, tmp_path: Path) -> Iterator[Server]:
    yield from _serve(ca, (NAME,), tmp_path)


@pytest.fixture
def other_name(ca: trustme.CA, tmp_path: Path) -> Iterator[Server]:
    yield from _serve(ca, ("other.example.test", "127.0.0.1"), tmp_path)


def _guard(allowed: set[str], answers: list[list[str]]) -> tuple[HostGuard, list[str]]:
    """A guard whose resolver gives ``answers`` for NAME in turn (the last one repeats)."""
    lookups: list[str] = []

    async def resolve(host: str, port: int) -> list[str]:
        lookups.append(host)
        if host != NAME:
            raise socket.gaierror(socket.EAI_NONAME, "unknown")
        return answers[min(len(lookups), len(answers)) - 1]

    return HostGuard(allowed_hosts=frozenset(allowed), resolver=resolve), lookups


async def test_nothing_allow_listed_no_connection_reaches_the_loopback_server(
    server: Server,
) -> None:
    guard, lookups = _guard(set(), [["127.0.0.1"]])
    async with build_async_client(Policy, ca_bundle=str(server.ca_pem), guard=guard) as client:
        with pytest.raises(httpx.ConnectError) as caught:
            await client.get(server.url())
    assert isinstance(caught.value.__cause__, UnsafeUpstreamConnection)
    assert lookups == [NAME]
    assert server.accepted == []
    assert server.paths == []


async def test_a_rebinding_name_passes_the_early_check_and_is_refused_at_connect(
    server: Server,
) -> None:
    guard, lookups = _guard(set(), [["93.184.215.14"], ["127.0.0.1"]])
    sleeps: list[float] = []

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)

    client = build_async_client(Policy, ca_bundle=str(server.ca_pem), guard=guard)
    http = UpstreamHttp("magento", client, policy=Policy, guard=guard, sleep=sleep)
    try:
        with pytest.raises(UpstreamUnavailable, match="not a public internet address"):
            await http.request("GET", server.url(), idempotent=True)
    finally:
        await client.aclose()
    assert lookups == [NAME, NAME]
    assert sleeps == []
    assert server.accepted == []


@pytest.mark.parametrize("entry", ["127.0.0.1:{port}", f"{NAME}:{{port}}"])
async def test_allow_listing_the_port_connects_with_the_name_verified(
    server: Server, entry: str
) -> None:
    guard, _ = _guard({entry.format(port=server.port)}, [["127.0.0.1"]])
    client = build_async_client(Policy, ca_bundle=str(server.ca_pem), guard=guard)
    http = UpstreamHttp("magento", client, policy=Policy, guard=guard)
    try:
        response = await http.request("GET", server.url(), idempotent=True)
    finally:
        await client.aclose()
    assert response.json() == [{"id": 1}]
    assert server.paths == ["/rest/V1/store/storeConfigs"]


async def test_allow_listing_another_port_still_refuses(server: Server) -> None:
    guard, _ = _guard(
        {f"127.0.0.1:{server.port + 1}", f"{NAME}:{server.port + 1}"}, [["127.0.0.1"]]
    )
    async with build_async_client(Policy, ca_bundle=str(server.ca_pem), guard=guard) as client:
        with pytest.raises(httpx.ConnectError):
            await client.get(server.url())
    assert server.accepted == []


async def test_the_certificate_is_checked_against_the_name_not_the_address(
    other_name: Server,
) -> None:
    """The server's certificate names 127.0.0.1 (and another host), not NAME: connecting to the
    vetted 127.0.0.1 must not make it acceptable for NAME."""
    guard, _ = _guard({f"127.0.0.1:{other_name.port}"}, [["127.0.0.1"]])
    client = build_async_client(Policy, ca_bundle=str(other_name.ca_pem), guard=guard)
    http = UpstreamHttp("magento", client, policy=Policy, guard=guard)
    try:
        with pytest.raises(UpstreamUnavailable, match="TLS certificate verification failed"):
            await http.request("GET", other_name.url(), idempotent=True)
    finally:
        await client.aclose()
    assert len(other_name.accepted) == 1  # it connected, then refused the certificate
    assert other_name.paths == []
