"""The Neto client's own promises: the store URL is SSRF input (strictly parsed, https only,
refused before any request when it points at a non-public address), and every request is the
one documented call (POST to /do/WS/NetoAPI with the action and credential headers)."""

from __future__ import annotations

import pytest

from shopmcp_adapters.upstreams.host_guard import HostGuard
from shopmcp_adapters.upstreams.neto import PACKAGE as NETO
from shopmcp_adapters.upstreams.neto.client import (
    InvalidStoreAddress,
    StoreAddress,
    neto_operation,
)
from shopmcp_adapters.upstreams.package import InvalidStoreReference
from shopmcp_domain.errors import (
    ConnectionUnavailable,
    UpstreamUnavailable,
)
from tests.contract.neto.helpers import harness, response, sent

# --------------------------------------------------------------------------- the store URL


@pytest.mark.parametrize(
    ("store_ref", "origin"),
    [
        ("https://shop.example.com.au", "https://shop.example.com.au"),
        ("https://shop.example.com.au/", "https://shop.example.com.au"),
        ("https://WWW.Shop.Example.com.au", "https://www.shop.example.com.au"),
        ("https://shop.example.com.au:8443", "https://shop.example.com.au:8443"),
        ("https://shop.example.com.au/do/WS/NetoAPI", "https://shop.example.com.au"),
        ("https://shop.example.com.au/do/WS/NetoAPI/", "https://shop.example.com.au"),
    ],
)
def test_store_address_accepts_an_https_origin(store_ref: str, origin: str) -> None:
    address = StoreAddress.parse(store_ref)
    assert address == StoreAddress(origin)
    assert address.endpoint == f"{origin}/do/WS/NetoAPI"


@pytest.mark.parametrize(
    "store_ref",
    [
        "http://shop.example.com.au",
        "ftp://shop.example.com.au",
        "https://admin:pw@shop.example.com.au",
        "https://shop.example.com.au@evil.example",
        "https://shop.example.com.au/?x=1",
        "https://shop.example.com.au/#frag",
        "https://shop.example.com.au/admin",
        "https://shop.example.com.au/do/WS/NetoAPI/../../admin",
        "https://shop.example.com.au/do/WS/%4EetoAPI",
        "https://shop.example.com.au/%2e%2e/",
        "https://shop.example.com.au\\@evil.example",
        "https://shop.example.com.au/do/WS/NetoAPI?action=x",
        "//shop.example.com.au",
        "shop.example.com.au",
        "https://",
        "",
    ],
)
def test_store_address_refuses_anything_else(store_ref: str) -> None:
    with pytest.raises(InvalidStoreAddress):
        StoreAddress.parse(store_ref)


def test_connecting_checks_and_normalises_the_store_url() -> None:
    assert NETO.check_store_ref(" https://Shop.example.com.au/ ") == "https://shop.example.com.au"
    with pytest.raises(InvalidStoreReference, match="neto: the store URL must use https"):
        NETO.check_store_ref("http://shop.example.com.au")


async def test_a_bad_store_url_refuses_the_call_before_any_request() -> None:
    h = harness([response("getwarehouse.200.json")], store_ref="https://shop.example.com.au/x")
    with pytest.raises(ConnectionUnavailable, match="no path"):
        await h.call("neto_list_warehouses", {})
    assert h.requests == []


@pytest.mark.parametrize(
    "store_ref",
    [
        "https://127.0.0.1",
        "https://10.0.0.8",
        "https://192.168.1.20:8443",
        "https://169.254.169.254",
        "https://[::1]",
        "https://[::ffff:127.0.0.1]",
        "https://0.0.0.0",
    ],
)
async def test_the_host_guard_refuses_non_public_addresses_before_any_request(
    store_ref: str,
) -> None:
    h = harness([response("getwarehouse.200.json")], store_ref=store_ref, guard=HostGuard())
    with pytest.raises(UpstreamUnavailable, match="not a public internet address"):
        await h.call("neto_list_warehouses", {})
    assert h.requests == []


async def test_a_name_resolving_to_a_private_address_is_refused_before_any_request() -> None:
    async def resolver(host: str, port: int) -> list[str]:
        return ["10.1.2.3"]

    guard = HostGuard(resolver=resolver)
    h = harness([response("getwarehouse.200.json")], guard=guard)
    with pytest.raises(UpstreamUnavailable, match="not a public internet address"):
        await h.call("neto_list_warehouses", {})
    assert h.requests == []


async def test_the_host_guard_allow_list_admits_a_named_sandbox_host() -> None:
    guard = HostGuard(allowed_hosts=frozenset({"localhost:8443"}))
    h = harness(
        [response("getwarehouse.200.json")], store_ref="https://localhost:8443", guard=guard
    )
    await h.call("neto_list_warehouses", {})
    assert str(h.requests[0].url) == "https://localhost:8443/do/WS/NetoAPI"


# --------------------------------------------------------------------------- the request


async def test_every_request_is_one_post_with_the_action_and_credential_headers() -> None:
    h = harness([response("getwarehouse.200.json")])
    await h.call("neto_list_warehouses", {})
    [request] = h.requests
    assert sent(request, "GetWarehouse")["Filter"]["Page"] == 0
    # No cookie, query string or auth scheme besides Neto's own headers.
    assert request.url.query == b""
    assert "authorization" not in request.headers
    assert "cookie" not in request.headers


def test_operations_name_only_neto_actions() -> None:
    assert neto_operation("GetOrder").key == "POST /do/WS/NetoAPI #GetOrder"
    for bad in ("getorder", "Get Order", "GetOrder\r\nX-Injected: 1", "G"):
        with pytest.raises(ValueError, match="not a Neto action"):
            neto_operation(bad)
