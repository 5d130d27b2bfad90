"""HostGuard: merchant-supplied hosts are SSRF input. Non-public addresses are refused (as
literals and after resolution), allow-listed hosts pass without resolution. No DNS: the event
loop's resolver is replaced."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any

import httpx
import pytest

from shopmcp_adapters.upstreams.host_guard import HostGuard, UnsafeUpstreamAddress
from shopmcp_adapters.upstreams.http import UpstreamHttp, build_async_client
from shopmcp_domain.errors import UpstreamUnavailable

NON_PUBLIC = [
    "127.0.0.1",
    "127.8.9.10",
    "10.0.0.1",
    "172.16.5.4",
    "192.168.1.1",
    "169.254.169.254",  # cloud metadata
    "100.64.0.1",  # carrier-grade NAT
    "0.0.0.0",
    "192.0.0.1",
    "198.18.0.1",
    "224.0.0.1",  # multicast
    "240.0.0.1",  # reserved
    "255.255.255.255",
    "::1",
    "::",
    "fe80::1",  # link-local
    "fd12:3456::1",  # unique local
    "::ffff:127.0.0.1",  # IPv4-mapped
    "::ffff:10.1.2.3",
    "::ffff:169.254.169.254",
    "::127.0.0.1",  # IPv4-compatible (deprecated)
    "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
    "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
    "2002:7f00:1::1",  # 6to4 of 127.0.0.1
    "2002:a00:1::1",  # 6to4 of 10.0.0.1
    "2001:db8::1",  # documentation
    "ff02::1",  # multicast
]
PUBLIC = ["93.184.215.14", "8.8.8.8", "2606:4700:4700::1111", "64:ff9b::808:808"]


@pytest.mark.parametrize("address", NON_PUBLIC)
async def test_non_public_literals_are_refused(address: str) -> None:
    with pytest.raises(UnsafeUpstreamAddress):
        await HostGuard().check(address)


@pytest.mark.parametrize("address", PUBLIC)
async def test_public_literals_pass(address: str) -> None:
    await HostGuard().check(address)


Resolver = Callable[..., Any]


@pytest.fixture
def resolve(monkeypatch: pytest.MonkeyPatch) -> Callable[[dict[str, Sequence[str]]], list[str]]:
    """Replace the running loop's getaddrinfo with a table; returns the lookups made."""
    lookups: list[str] = []

    def install(table: dict[str, Sequence[str]]) -> list[str]:
        loop = asyncio.get_running_loop()

        async def getaddrinfo(host: str, port: int, **_: Any) -> list[Any]:
            lookups.append(host)
            if host not in table:
                raise socket.gaierror(socket.EAI_NONAME, "unknown")
            out = []
            for address in table[host]:
                family = socket.AF_INET6 if ":" in address else socket.AF_INET
                out.append((family, socket.SOCK_STREAM, 6, "", (address, port)))
            return out

        monkeypatch.setattr(loop, "getaddrinfo", getaddrinfo)
        return lookups

    return install


@pytest.mark.parametrize(
    "addresses",
    [["127.0.0.1"], ["10.0.0.5"], ["169.254.169.254"], ["::1"], ["::ffff:192.168.0.1"]],
)
async def test_a_name_resolving_to_a_non_public_address_is_refused(
    resolve: Callable[[dict[str, Sequence[str]]], list[str]], addresses: list[str]
) -> None:
    resolve({"shop.example.com": addresses})
    with pytest.raises(UnsafeUpstreamAddress) as refused:
        await HostGuard().check("shop.example.com")
    assert refused.value.reason == "resolves to a non-public address"


async def test_one_bad_address_among_good_ones_is_enough_to_refuse(
    resolve: Callable[[dict[str, Sequence[str]]], list[str]],
) -> None:
    resolve({"shop.example.com": ["93.184.215.14", "10.0.0.7"]})
    with pytest.raises(UnsafeUpstreamAddress):
        await HostGuard().check("shop.example.com")


async def test_a_public_name_passes_and_is_cached(
    resolve: Callable[[dict[str, Sequence[str]]], list[str]],
) -> None:
    lookups = resolve({"shop.example.com": ["93.184.215.14", "2606:4700:4700::1111"]})
    guard = HostGuard(cache_seconds=30)
    await guard.check("shop.example.com")
    await guard.check("SHOP.example.com.")
    assert lookups == ["shop.example.com"]


async def test_an_unresolvable_name_is_refused(
    resolve: Callable[[dict[str, Sequence[str]]], list[str]],
) -> None:
    resolve({})
    with pytest.raises(UnsafeUpstreamAddress) as refused:
        await HostGuard().check("nowhere.example")
    assert refused.value.reason == "does not resolve"


async def test_private_and_unresolvable_names_are_refused_in_the_same_words(
    resolve: Callable[[dict[str, Sequence[str]]], list[str]],
) -> None:
    """A tenant must not learn how the gateway's DNS sees internal names."""
    resolve({"internal.example": ["10.0.0.5"]})
    messages = []
    for host in ("internal.example", "nowhere.example"):
        with pytest.raises(UnsafeUpstreamAddress) as refused:
            await HostGuard().check(host)
        messages.append(str(refused.value).replace(host, "HOST"))
    assert messages[0] == messages[1]


async def test_allow_listed_hosts_pass_without_resolution(
    resolve: Callable[[dict[str, Sequence[str]]], list[str]],
) -> None:
    lookups = resolve({"sandbox.internal": ["10.0.0.9"]})
    guard = HostGuard(allowed_hosts=frozenset({"sandbox.internal", "127.0.0.1"}))
    await guard.check("sandbox.internal")
    await guard.check("Sandbox.Internal.")
    await guard.check("127.0.0.1")
    assert lookups == []
    # The allow-list is exact: a neighbour is still checked and refused.
    with pytest.raises(UnsafeUpstreamAddress):
        await guard.check("127.0.0.2")


@pytest.fixture
async def guarded() -> AsyncIterator[tuple[UpstreamHttp, list[httpx.Request]]]:
    requests: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(200, json={})

    client = build_async_client(transport=httpx.MockTransport(handler))
    yield UpstreamHttp("acme", client, guard=HostGuard()), requests
    await client.aclose()


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/x",
        "https://[::1]:8443/x",
        "https://[::ffff:169.254.169.254]/latest",
        "https://169.254.169.254/latest/meta-data/",
        "https://10.0.0.1:443/",
    ],
)
async def test_the_policy_refuses_before_sending(
    guarded: tuple[UpstreamHttp, list[httpx.Request]], url: str
) -> None:
    http, requests = guarded
    with pytest.raises(UpstreamUnavailable, match="not a public internet address"):
        await http.request("GET", url, idempotent=True)
    assert requests == []


async def test_the_policy_resolves_names_before_sending(
    guarded: tuple[UpstreamHttp, list[httpx.Request]],
    resolve: Callable[[dict[str, Sequence[str]]], list[str]],
) -> None:
    http, requests = guarded
    resolve({"rebind.example": ["127.0.0.1"], "shop.example": ["93.184.215.14"]})
    with pytest.raises(UpstreamUnavailable):
        await http.request("GET", "https://rebind.example/rest/V1/orders", idempotent=True)
    assert requests == []
    await http.request("GET", "https://shop.example/rest/V1/orders", idempotent=True)
    assert [r.url.host for r in requests] == ["shop.example"]
