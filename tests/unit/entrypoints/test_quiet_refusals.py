"""Cheap, quiet refusals: routing misses are debug lines (clients probe well-known routes all
the time), messages with an unusable JSON-RPC id get -32600 instead of a silent 202, and the
Host and Origin headers are compared exactly, part by part."""

from __future__ import annotations

import logging

import pytest

from shopmcp_entrypoints.http.transport_guard import TransportGuard, parse_origin
from tests.factories import World
from tests.unit.entrypoints.harness import Gateway, running_gateway

LIST = {"jsonrpc": "2.0", "method": "tools/list", "params": {}}


@pytest.fixture
async def gateway() -> Gateway:  # type: ignore[misc]
    async with running_gateway(World()) as running:
        yield running


@pytest.mark.parametrize(
    "path",
    [
        "/.well-known/oauth-authorization-server",
        "/.well-known/oauth-protected-resource",
        "/favicon.ico",
        "/admin",
    ],
)
async def test_a_routing_miss_is_a_debug_line_without_a_traceback(
    gateway: Gateway, caplog: pytest.LogCaptureFixture, path: str
) -> None:
    with caplog.at_level(logging.DEBUG), caplog.at_level(logging.DEBUG, logger="litestar"):
        response = await gateway.http.get(path)
    assert response.status_code == 404
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.text
    assert all(r.exc_info is None for r in caplog.records)
    assert any("refused: 404" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("bad_id", ["NaN", "{}", "null", "1.5", "true", "[1]", "Infinity"])
async def test_a_request_with_an_unusable_id_is_an_invalid_request(
    gateway: Gateway, bad_id: str
) -> None:
    _, issued = await gateway.world.tenant()
    body = '{"jsonrpc": "2.0", "id": ' + bad_id + ', "method": "tools/list", "params": {}}'
    response = await gateway.post(f"/mcp/{issued.token}", content=body.encode())
    assert response.status_code == 400
    assert response.json()["error"]["code"] == -32600
    assert response.json()["id"] is None


@pytest.mark.parametrize("good_id", ['"abc"', "7", "0", "-3"])
async def test_string_and_integer_ids_are_served(gateway: Gateway, good_id: str) -> None:
    _, issued = await gateway.world.tenant()
    body = '{"jsonrpc": "2.0", "id": ' + good_id + ', "method": "tools/list", "params": {}}'
    response = await gateway.post(f"/mcp/{issued.token}", content=body.encode())
    assert response.status_code == 200, response.text
    assert "result" in response.json()


@pytest.mark.parametrize(
    "origin",
    [
        "http://127.0.0.1:1@evil.example",
        "http://127.0.0.1.evil.example",
        "http://127.0.0.1:8000/path",
        "http://127.0.0.1:8000.evil.example",
        "https://localhost:8000@evil.example:443",
        "null",
        "file://",
        "http://evil.example",
        "http://127.0.0.1:99999",
    ],
)
async def test_foreign_origins_are_refused(gateway: Gateway, origin: str) -> None:
    _, issued = await gateway.world.tenant()
    response = await gateway.post(f"/mcp/{issued.token}", LIST | {"id": 1}, {"origin": origin})
    assert response.status_code == 403


@pytest.mark.parametrize(
    "origin", ["http://127.0.0.1:8000", "http://localhost:5173", "http://[::1]:80"]
)
async def test_loopback_origins_on_any_port_are_served(gateway: Gateway, origin: str) -> None:
    _, issued = await gateway.world.tenant()
    response = await gateway.post(f"/mcp/{issued.token}", LIST | {"id": 1}, {"origin": origin})
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    "host", ["127.0.0.1:8000.evil.example", "evil.example", "127.0.0.1:80@evil", "127.0.0.1:"]
)
async def test_foreign_hosts_are_refused(gateway: Gateway, host: str) -> None:
    _, issued = await gateway.world.tenant()
    response = await gateway.post(f"/mcp/{issued.token}", LIST | {"id": 1}, {"host": host})
    assert response.status_code == 421


def test_origins_are_compared_by_scheme_host_and_port() -> None:
    guard = TransportGuard.from_allowlists(["shop.example:443"], ["https://shop.example"])
    assert guard.origin_allowed("https://shop.example")
    assert guard.origin_allowed("https://shop.example:443")
    assert not guard.origin_allowed("http://shop.example")
    assert not guard.origin_allowed("https://shop.example:8443")
    assert not guard.origin_allowed("https://shop.example.evil")
    assert parse_origin("https://a@shop.example") is None
    assert guard.host_allowed("shop.example:443")
    assert not guard.host_allowed("shop.example")


def test_a_malformed_allow_list_entry_is_refused_at_start() -> None:
    with pytest.raises(ValueError, match="malformed"):
        TransportGuard.from_allowlists(["127.0.0.1:80:90"], [])
