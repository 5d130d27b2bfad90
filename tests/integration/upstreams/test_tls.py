"""TLS verification for real: a local HTTPS server on 127.0.0.1 with a certificate from a
throwaway ``trustme`` CA. The upstream client trusts that CA only when it is given as the
``ca_bundle``; without it, or when the certificate names another host, the request fails as
``UpstreamUnavailable`` and nothing is retried or silently accepted."""

from __future__ import annotations

import json
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import attrs
import pytest
import trustme

from shopmcp_adapters.upstreams.host_guard import HostGuard
from shopmcp_adapters.upstreams.http import HttpPolicy, UpstreamHttp, build_async_client
from shopmcp_domain.errors import UpstreamUnavailable


@attrs.define
class Server:
    port: int
    ca_pem: Path
    paths: list[str]

    def url(self, host: str = "127.0.0.1") -> str:
        return f"https://{host}:{self.port}/v3/catalog/products"


def _serve(ca: trustme.CA, names: tuple[str, ...], tmp_path: Path) -> Iterator[Server]:
    paths: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            paths.append(self.path)
            body = json.dumps({"data": [], "meta": {}}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(*names).configure_cert(context)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    # A failed handshake is the client's refusal, not a server error worth printing.
    server.handle_error = lambda request, client_address: None  # type: ignore[method-assign]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    ca_pem = tmp_path / "test-ca.pem"
    ca.cert_pem.write_to_path(str(ca_pem))
    try:
        yield Server(port=server.server_address[1], ca_pem=ca_pem, paths=paths)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def server(ca: trustme.CA, tmp_path: Path) -> Iterator[Server]:
    yield from _serve(ca, ("127.0.0.1", "localhost"), tmp_path)


@pytest.fixture
def mismatched(ca: trustme.CA, tmp_path: Path) -> Iterator[Server]:
    yield from _serve(ca, ("shop.example.test",), tmp_path)


Policy = HttpPolicy(connect_timeout=3, read_timeout=3, max_read_retries=2)


def _http(ca_bundle: str | None, sleeps: list[float]) -> UpstreamHttp:
    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)

    return UpstreamHttp(
        "bigcommerce",
        build_async_client(Policy, ca_bundle=ca_bundle),
        policy=Policy,
        # The test host is admitted by the explicit allow-list, never by a switch.
        guard=HostGuard(allowed_hosts=frozenset({"127.0.0.1", "localhost"})),
        sleep=sleep,
    )


async def test_the_client_trusts_the_configured_ca(server: Server) -> None:
    sleeps: list[float] = []
    http = _http(str(server.ca_pem), sleeps)
    try:
        response = await http.request("GET", server.url(), idempotent=True)
        assert response.status_code == 200
        assert response.json() == {"data": [], "meta": {}}
        response = await http.request("GET", server.url("localhost"), idempotent=True)
        assert response.status_code == 200
    finally:
        await http.client.aclose()
    assert server.paths == ["/v3/catalog/products", "/v3/catalog/products"]
    assert sleeps == []


async def test_without_the_ca_verification_fails_and_nothing_is_served(server: Server) -> None:
    sleeps: list[float] = []
    http = _http(None, sleeps)
    try:
        with pytest.raises(UpstreamUnavailable, match="TLS certificate verification failed"):
            await http.request("GET", server.url(), idempotent=True)
    finally:
        await http.client.aclose()
    assert server.paths == []  # no request ever got through
    assert sleeps == []  # and a certificate failure is not retried


async def test_a_certificate_for_another_host_fails(mismatched: Server) -> None:
    sleeps: list[float] = []
    http = _http(str(mismatched.ca_pem), sleeps)
    try:
        for host in ("127.0.0.1", "localhost"):
            with pytest.raises(UpstreamUnavailable, match="TLS certificate verification failed"):
                await http.request("GET", mismatched.url(host), idempotent=True)
    finally:
        await http.client.aclose()
    assert mismatched.paths == []


async def test_a_different_ca_is_not_trusted(server: Server, tmp_path: Path) -> None:
    other = tmp_path / "other-ca.pem"
    trustme.CA().cert_pem.write_to_path(str(other))
    http = _http(str(other), [])
    try:
        with pytest.raises(UpstreamUnavailable):
            await http.request("GET", server.url(), idempotent=True)
    finally:
        await http.client.aclose()
    assert server.paths == []
