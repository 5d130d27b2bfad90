"""The connect-time SSRF guard: every new upstream connection resolves the host itself and
connects only to vetted addresses, so a name that answers a public address to the early check
and a private one a moment later (DNS rebinding) is refused, with no connection attempted.
Also the port-aware allow-list and the bounded early-check cache. No DNS, no sockets: the
resolver and the network backend beneath the guard are injected."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterable, Sequence

import httpcore
import httpx
import pytest

from shopmcp_adapters.upstreams.host_guard import (
    GuardedNetworkBackend,
    HostGuard,
    UnsafeUpstreamAddress,
    UnsafeUpstreamConnection,
    parse_allowed_host,
)
from shopmcp_adapters.upstreams.http import HttpPolicy, UpstreamHttp, build_async_client
from shopmcp_domain.errors import UpstreamUnavailable
from tests.unit.upstreams.test_host_guard import NON_PUBLIC

PUBLIC_A = "93.184.215.14"
PUBLIC_B = "2606:4700:4700::1111"


class Dns:
    """A resolver answering from a table; a host with several answers gives them in turn (the
    last one repeats), which is what a rebinding attacker's name server does."""

    def __init__(self, table: dict[str, Sequence[Sequence[str]]]) -> None:
        self.table = table
        self.lookups: list[tuple[str, int]] = []

    async def __call__(self, host: str, port: int) -> list[str]:
        self.lookups.append((host, port))
        answers = self.table.get(host)
        if not answers:
            raise socket.gaierror(socket.EAI_NONAME, "unknown")
        index = min(sum(1 for h, _ in self.lookups if h == host) - 1, len(answers) - 1)
        return list(answers[index])


class Recording(httpcore.AsyncNetworkBackend):
    """Stands in for the socket layer: records every connection attempt, opens nothing."""

    def __init__(self, unreachable: Iterable[str] = ()) -> None:
        self.unreachable = set(unreachable)
        self.calls: list[tuple[str, int, float | None]] = []

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        self.calls.append((host, port, timeout))
        if host in self.unreachable:
            raise httpcore.ConnectError(f"{host} unreachable")
        return httpcore.AsyncNetworkStream()

    async def sleep(self, seconds: float) -> None:
        pass


def backend(dns: Dns, allowed: Iterable[str] = ()) -> tuple[GuardedNetworkBackend, Recording]:
    inner = Recording()
    guard = HostGuard(allowed_hosts=frozenset(allowed), resolver=dns)
    return GuardedNetworkBackend(guard, inner=inner), inner


# --------------------------------------------------------------------------- rebinding


async def test_a_name_rebinding_to_a_private_address_is_refused_at_connect_time() -> None:
    dns = Dns({"shop.example": [[PUBLIC_A], ["127.0.0.1"]]})
    guarded, inner = backend(dns)
    await guarded.guard.check("shop.example")  # the early check sees the public answer
    with pytest.raises(UnsafeUpstreamConnection, match="not a public internet address"):
        await guarded.connect_tcp("shop.example", 443, timeout=5)
    assert inner.calls == []  # nothing was attempted, least of all 127.0.0.1
    assert dns.lookups == [("shop.example", 443), ("shop.example", 443)]


async def test_the_connect_time_check_ignores_the_early_checks_cache() -> None:
    dns = Dns({"shop.example": [[PUBLIC_A], [PUBLIC_A], ["10.0.0.8"]]})
    guarded, inner = backend(dns)
    await guarded.guard.check("shop.example")
    await guarded.connect_tcp("shop.example", 443)
    await guarded.guard.check("shop.example")  # cached: no lookup
    with pytest.raises(UnsafeUpstreamConnection):
        await guarded.connect_tcp("shop.example", 443)  # resolved again, now private
    assert [call[0] for call in inner.calls] == [PUBLIC_A]
    assert len(dns.lookups) == 3


async def test_rebinding_through_the_client_is_refused_and_not_retried() -> None:
    """The real httpx client built with a guard: the early check passes, the connect-time
    check refuses, the tool sees the same clear error and nothing is retried. (The refusal
    comes before any socket; if the backend were not installed, httpx would try a real
    connection to a `.invalid` name and the error would be a different one.)"""
    dns = Dns({"shop.invalid": [[PUBLIC_A], ["169.254.169.254"]]})
    guard = HostGuard(resolver=dns)
    sleeps: list[float] = []

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)

    client = build_async_client(HttpPolicy(connect_timeout=2), guard=guard)
    http = UpstreamHttp("magento", client, guard=guard, sleep=sleep)
    try:
        with pytest.raises(
            UpstreamUnavailable, match=r"shop\.invalid is not a public internet address"
        ):
            await http.request("GET", "https://shop.invalid/rest/V1/orders", idempotent=True)
    finally:
        await client.aclose()
    assert sleeps == []
    assert len(dns.lookups) == 2  # the early check, then the connect-time check


async def test_a_connect_time_refusal_surfaces_as_httpx_connect_error() -> None:
    dns = Dns({"shop.invalid": [["10.1.2.3"]]})
    async with build_async_client(guard=HostGuard(resolver=dns)) as client:
        with pytest.raises(httpx.ConnectError) as caught:
            await client.get("https://shop.invalid/")
    assert isinstance(caught.value.__cause__, UnsafeUpstreamConnection)


@pytest.mark.parametrize(
    "answers",
    [
        [PUBLIC_A, "10.0.0.7"],
        ["10.0.0.7", PUBLIC_A],
        [PUBLIC_B, "::1"],
        [PUBLIC_A, "::ffff:169.254.169.254"],
        [PUBLIC_A, "not an address"],
    ],
)
async def test_any_non_public_answer_refuses_the_whole_name(answers: list[str]) -> None:
    guarded, inner = backend(Dns({"shop.example": [answers]}))
    with pytest.raises(UnsafeUpstreamConnection):
        await guarded.connect_tcp("shop.example", 443)
    assert inner.calls == []


@pytest.mark.parametrize("address", NON_PUBLIC)
async def test_non_public_answers_and_literals_are_refused_at_connect_time(address: str) -> None:
    """IPv4-mapped, IPv4-compatible, NAT64 and 6to4 forms included."""
    guarded, inner = backend(Dns({"shop.example": [[address]]}))
    with pytest.raises(UnsafeUpstreamConnection):
        await guarded.connect_tcp("shop.example", 443)
    with pytest.raises(UnsafeUpstreamConnection, match="not a public internet address"):
        await guarded.connect_tcp(address, 443)
    assert inner.calls == []


async def test_an_unresolvable_name_is_refused_at_connect_time() -> None:
    guarded, inner = backend(Dns({}))
    with pytest.raises(UnsafeUpstreamConnection, match="not a public internet address"):
        await guarded.connect_tcp("nowhere.example", 443)
    assert inner.calls == []


async def test_vetted_addresses_are_tried_in_order_under_one_deadline() -> None:
    guarded, inner = backend(Dns({"shop.example": [[PUBLIC_A, PUBLIC_B, PUBLIC_A]]}))
    inner.unreachable = {PUBLIC_A}
    stream = await guarded.connect_tcp("shop.example", 8443, timeout=5)
    assert isinstance(stream, httpcore.AsyncNetworkStream)
    assert [(host, port) for host, port, _ in inner.calls] == [(PUBLIC_A, 8443), (PUBLIC_B, 8443)]
    timeouts = [timeout for _, _, timeout in inner.calls]
    assert all(t is not None and 0 < t <= 5 for t in timeouts)
    assert timeouts[1] is not None and timeouts[0] is not None and timeouts[1] <= timeouts[0]


async def test_when_every_vetted_address_fails_the_last_error_is_raised() -> None:
    guarded, inner = backend(Dns({"shop.example": [[PUBLIC_A, PUBLIC_B]]}))
    inner.unreachable = {PUBLIC_A, PUBLIC_B}
    with pytest.raises(httpcore.ConnectError, match="unreachable") as caught:
        await guarded.connect_tcp("shop.example", 443)
    assert not isinstance(caught.value, UnsafeUpstreamConnection)
    assert [call[0] for call in inner.calls] == [PUBLIC_A, PUBLIC_B]


async def test_a_slow_resolver_is_a_connect_timeout() -> None:
    async def stuck(host: str, port: int) -> list[str]:
        await asyncio.sleep(60)
        return [PUBLIC_A]

    inner = Recording()
    guarded = GuardedNetworkBackend(HostGuard(resolver=stuck), inner=inner)
    with pytest.raises(httpcore.ConnectTimeout):
        await guarded.connect_tcp("shop.example", 443, timeout=0.05)
    assert inner.calls == []


async def test_unix_sockets_are_never_opened() -> None:
    guarded, _ = backend(Dns({}))
    with pytest.raises(UnsafeUpstreamConnection):
        await guarded.connect_unix_socket("/var/run/docker.sock")


# --------------------------------------------------------------------------- allow-list


@pytest.mark.parametrize(
    ("entry", "parsed"),
    [
        ("sandbox.internal", ("sandbox.internal", None)),
        ("Sandbox.Internal.:8443", ("sandbox.internal", 8443)),
        ("127.0.0.1", ("127.0.0.1", None)),
        ("127.0.0.1:9000", ("127.0.0.1", 9000)),
        ("::1", ("::1", None)),
        ("[::1]", ("::1", None)),
        ("[0:0::1]:8443", ("::1", 8443)),
    ],
)
def test_allow_list_entries_parse(entry: str, parsed: tuple[str, int | None]) -> None:
    assert parse_allowed_host(entry) == parsed


@pytest.mark.parametrize(
    "entry",
    ["", "*", "*.example.com", "host:", "host:0", "host:65536", "host:x", "[::1", "[::1]x",
     "a:b:c", "https://host", "host/path", "a b", "user@host"],
)  # fmt: skip
def test_malformed_allow_list_entries_are_refused(entry: str) -> None:
    with pytest.raises(ValueError, match="allowed host"):
        HostGuard(allowed_hosts=frozenset({entry}))


async def test_a_host_port_entry_admits_that_port_only() -> None:
    dns = Dns({"sandbox.internal": [["10.0.0.9"]]})
    guarded, inner = backend(dns, allowed={"sandbox.internal:8443", "127.0.0.1:9000"})
    guard = guarded.guard
    await guard.check("sandbox.internal", 8443)
    await guard.check("127.0.0.1", 9000)
    assert dns.lookups == []
    with pytest.raises(UnsafeUpstreamAddress):
        await guard.check("sandbox.internal", 443)
    with pytest.raises(UnsafeUpstreamAddress):
        await guard.check("127.0.0.1", 9001)
    # And at connect time: admitted on its port (to what it resolves to), refused elsewhere.
    await guarded.connect_tcp("sandbox.internal", 8443)
    await guarded.connect_tcp("127.0.0.1", 9000)
    for host, port in [("sandbox.internal", 443), ("127.0.0.1", 9001), ("127.0.0.2", 9000)]:
        with pytest.raises(UnsafeUpstreamConnection):
            await guarded.connect_tcp(host, port)
    assert [(host, port) for host, port, _ in inner.calls] == [
        ("10.0.0.9", 8443),
        ("127.0.0.1", 9000),
    ]


async def test_a_bare_host_entry_admits_any_port() -> None:
    guarded, inner = backend(Dns({"sandbox.internal": [["10.0.0.9"]]}), {"sandbox.internal"})
    for port in (443, 8443):
        await guarded.guard.check("SANDBOX.internal.", port)
        await guarded.connect_tcp("sandbox.internal", port)
    assert [(host, port) for host, port, _ in inner.calls] == [
        ("10.0.0.9", 443),
        ("10.0.0.9", 8443),
    ]


async def test_an_allow_listed_address_admits_a_name_resolving_to_it_on_that_port_only() -> None:
    dns = Dns({"shop.test": [["127.0.0.1"]], "mixed.test": [["127.0.0.1", "10.0.0.1"]]})
    guarded, inner = backend(dns, {"127.0.0.1:9000"})
    await guarded.guard.check("shop.test", 9000)
    await guarded.connect_tcp("shop.test", 9000)
    with pytest.raises(UnsafeUpstreamConnection):
        await guarded.connect_tcp("shop.test", 9001)
    with pytest.raises(UnsafeUpstreamConnection):
        await guarded.connect_tcp("mixed.test", 9000)  # 10.0.0.1 is not admitted
    assert [(host, port) for host, port, _ in inner.calls] == [("127.0.0.1", 9000)]


async def test_the_container_guard_reads_the_settings_allow_list() -> None:
    from shopmcp_entrypoints.call_resources import _host_guard
    from shopmcp_entrypoints.settings import Settings

    guard = _host_guard(Settings(upstream_allowed_hosts=["127.0.0.1:9000", "Sandbox.Test"]))
    assert guard.allows("127.0.0.1", 9000)
    assert not guard.allows("127.0.0.1", 9001)
    assert guard.allows("sandbox.test", 1234)


# --------------------------------------------------------------------------- the cache


async def test_the_early_check_cache_is_a_bounded_lru() -> None:
    hosts = [f"shop{i}.example" for i in range(4)]
    dns = Dns({host: [[PUBLIC_A]] for host in hosts})
    guard = HostGuard(resolver=dns, cache_size=3)
    for host in hosts[:3]:
        await guard.check(host)
    await guard.check(hosts[0])  # a hit: now the most recently used
    await guard.check(hosts[3])  # evicts hosts[1], the least recently used
    assert len(dns.lookups) == 4
    await guard.check(hosts[0])
    await guard.check(hosts[2])
    await guard.check(hosts[3])
    assert len(dns.lookups) == 4
    await guard.check(hosts[1])
    assert [host for host, _ in dns.lookups] == [*hosts[:3], hosts[3], hosts[1]]


async def test_the_cache_is_per_port_and_expires() -> None:
    dns = Dns({"shop.example": [[PUBLIC_A]]})
    guard = HostGuard(resolver=dns, cache_seconds=0)
    await guard.check("shop.example")
    await guard.check("shop.example")
    assert len(dns.lookups) == 2  # a zero lifetime caches nothing
    guard = HostGuard(resolver=dns)
    await guard.check("shop.example", 443)
    await guard.check("shop.example", 8443)
    assert len(dns.lookups) == 4


def test_the_cache_lifetime_is_at_most_thirty_seconds() -> None:
    assert HostGuard().cache_seconds <= 30
    with pytest.raises(ValueError, match="cache_seconds"):
        HostGuard(cache_seconds=31)


# --------------------------------------------------------------------------- wiring


def test_a_guard_and_a_custom_transport_do_not_mix() -> None:
    with pytest.raises(ValueError, match="guarded client"):
        build_async_client(
            guard=HostGuard(), transport=httpx.MockTransport(lambda _: httpx.Response(200))
        )
