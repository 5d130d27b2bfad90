"""The upstream SSRF guard: merchant-supplied store addresses (Magento, BigCommerce, Neto) are
attacker input, so a host is refused when it resolves to a private, loopback, link-local or
otherwise non-public address, unless it is explicitly allow-listed (``host`` or
``host:port``; the sandbox and tests use the allow-list, there is no global off switch).

Two checks share one :class:`HostGuard`:

- :meth:`HostGuard.check`, the early check ``UpstreamHttp`` runs before a request: a clear
  error before any connection, its positive results cached briefly in a bounded LRU;
- :class:`GuardedNetworkBackend`, the check that cannot be bypassed: the httpcore network
  backend of every guarded client resolves and vets each new connection and connects only to
  the vetted addresses (no DNS-rebinding window between the check and the connect).

The HTTP policy (TLS, timeouts, retries, error mapping) stays in ``upstreams.http``.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable, Sequence

import attrs
import httpcore


class UnsafeUpstreamAddress(ValueError):
    """A refused address. Its message is the same whatever the reason (a private address, a
    name that does not resolve): the difference would tell a tenant how the gateway's DNS
    sees internal names. ``reason`` says which, for the operator's log only."""

    def __init__(self, host: str, reason: str) -> None:
        super().__init__(f"{host} is not a public internet address the gateway may connect to")
        self.host = host
        self.reason = reason


# IPv6 ranges that carry an IPv4 address a router may translate to: IPv4-compatible (::/96,
# deprecated) and NAT64 (RFC 6052's well-known prefix and RFC 8215's local-use prefix).
_EMBEDDING_V4 = (
    ipaddress.IPv6Network("::/96"),
    ipaddress.IPv6Network("64:ff9b::/96"),
    ipaddress.IPv6Network("64:ff9b:1::/48"),
)


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if any(ip in network for network in _EMBEDDING_V4):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def _is_public(address: str) -> bool:
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            ip = embedded
    return ip.is_global and not ip.is_multicast and not ip.is_reserved


# A host name or an IP literal (after normalisation). No wildcards.
_HOST_NAME_RE = re.compile(r"[a-z0-9_-]+(\.[a-z0-9_-]+)*")
# The early check's positive results are kept this long at most, for this many hosts.
MAX_CACHE_SECONDS = 30.0
DEFAULT_CACHE_SIZE = 4096

Resolver = Callable[[str, int], Awaitable[Sequence[str]]]


async def system_resolver(host: str, port: int) -> list[str]:
    """The event loop's ``getaddrinfo``: every address of ``host``, in the resolver's order."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def _ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def _normal_host(host: str) -> str:
    """Lower case, no trailing dot, no IPv6 brackets, IP literals in canonical form."""
    host = host.strip().lower().rstrip(".")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    ip = _ip(host)
    return host if ip is None else str(ip)


def _port(text: str, entry: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise ValueError(f"bad port in allowed host {entry!r}")
    return int(text)


def parse_allowed_host(entry: str) -> tuple[str, int | None]:
    """``host`` (any port), ``host:port``, ``[v6]``, ``[v6]:port`` or a bare IPv6 literal
    (any port) -> (normalised host, port or None)."""
    text = entry.strip().lower()
    port: int | None = None
    if text.startswith("["):
        inside, closed, rest = text[1:].partition("]")
        if not closed or (rest and not rest.startswith(":")):
            raise ValueError(f"bad allowed host {entry!r}")
        host = inside
        if rest:
            port = _port(rest[1:], entry)
    elif text.count(":") == 1:
        host, _, port_text = text.partition(":")
        port = _port(port_text, entry)
    else:
        host = text
    host = _normal_host(host)
    if _ip(host) is None and not _HOST_NAME_RE.fullmatch(host):
        raise ValueError(f"bad allowed host {entry!r}")
    return host, port


def _is_public_answer(address: str) -> bool:
    try:
        return _is_public(address)
    except ValueError:  # not an address at all: fail closed
        return False


@attrs.define
class HostGuard:
    """Refuses hosts that resolve to non-public addresses. ``allowed_hosts`` is the explicit
    allow-list used by the sandbox and tests (there is no global off switch): ``host`` admits
    the host on any port, ``host:port`` on that port only. An IP entry also admits that
    address when a name resolves to it (no more than the literal itself would reach).

    Two uses: :meth:`check`, the early check before a request (its positive results are
    cached briefly, in a bounded LRU), and :meth:`connect_addresses`, the connect-time check
    used by :class:`GuardedNetworkBackend`, which resolves and vets every time."""

    allowed_hosts: frozenset[str] = frozenset()
    cache_seconds: float = attrs.field(
        default=MAX_CACHE_SECONDS,
        validator=[attrs.validators.ge(0.0), attrs.validators.le(MAX_CACHE_SECONDS)],
    )
    cache_size: int = attrs.field(default=DEFAULT_CACHE_SIZE, validator=attrs.validators.ge(1))
    resolver: Resolver = system_resolver
    _any_port: frozenset[str] = attrs.field(init=False)
    _host_ports: frozenset[tuple[str, int]] = attrs.field(init=False)
    _checked: OrderedDict[tuple[str, int], float] = attrs.field(init=False, factory=OrderedDict)

    def __attrs_post_init__(self) -> None:
        entries = [parse_allowed_host(entry) for entry in self.allowed_hosts]
        self._any_port = frozenset(host for host, port in entries if port is None)
        self._host_ports = frozenset((h, p) for h, p in entries if p is not None)

    def allows(self, host: str, port: int) -> bool:
        """Whether ``host:port`` is explicitly allow-listed (and exempt from the address rule)."""
        host = _normal_host(host)
        return host in self._any_port or (host, port) in self._host_ports

    async def check(self, host: str, port: int = 443) -> None:
        """The early check: raises :class:`UnsafeUpstreamAddress` for a refused host."""
        host = _normal_host(host)
        if self.allows(host, port):
            return
        key = (host, port)
        now = time.monotonic()
        expiry = self._checked.get(key)
        if expiry is not None:
            if expiry > now:
                self._checked.move_to_end(key)
                return
            del self._checked[key]
        await self._vetted(host, port)
        if self.cache_seconds > 0:
            self._checked[key] = now + self.cache_seconds
            while len(self._checked) > self.cache_size:
                self._checked.popitem(last=False)

    async def connect_addresses(self, host: str, port: int) -> list[str]:
        """The addresses a new connection to ``host:port`` may use, resolved now (never
        cached): for an allow-listed host whatever it resolves to, else every resolved address,
        each of them public or allow-listed for this port."""
        host = _normal_host(host)
        if not self.allows(host, port):
            return await self._vetted(host, port)
        if _ip(host) is not None:
            return [host]
        addresses = await self._resolve(host, port)
        if not addresses:
            raise UnsafeUpstreamAddress(host, "does not resolve")
        return addresses

    async def _resolve(self, host: str, port: int) -> list[str]:
        try:
            return list(dict.fromkeys(await self.resolver(host, port)))
        except OSError as error:
            raise UnsafeUpstreamAddress(host, "does not resolve") from error

    def _admits(self, address: str, port: int) -> bool:
        return _is_public_answer(address) or (
            _ip(address) is not None and self.allows(address, port)
        )

    async def _vetted(self, host: str, port: int) -> list[str]:
        if _ip(host) is not None:
            if not _is_public(host):
                raise UnsafeUpstreamAddress(host, "not a public address")
            return [host]
        addresses = await self._resolve(host, port)
        if not addresses or not all(self._admits(a, port) for a in addresses):
            raise UnsafeUpstreamAddress(host, "resolves to a non-public address")
        return addresses


class UnsafeUpstreamConnection(httpcore.ConnectError):
    """A connection refused by the guard at connect time (httpx reports it as ConnectError
    with this as its cause)."""


@attrs.define
class GuardedNetworkBackend(httpcore.AsyncNetworkBackend):
    """httpcore network backend that vets the address of every new connection.

    ``connect_tcp`` resolves the host itself, refuses if any address is non-public (unless
    the host:port is allow-listed), then connects to the vetted addresses in order through
    ``inner``. TLS is started afterwards by httpcore with ``server_hostname`` set to the
    request's host, so SNI and certificate verification still apply to the name."""

    guard: HostGuard
    inner: httpcore.AsyncNetworkBackend = attrs.field(factory=httpcore.AnyIOBackend)

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        deadline = None if timeout is None else time.monotonic() + timeout
        try:
            async with asyncio.timeout(timeout):
                addresses = await self.guard.connect_addresses(host, port)
        except TimeoutError:
            raise httpcore.ConnectTimeout(f"resolving {host} timed out") from None
        except UnsafeUpstreamAddress as error:
            raise UnsafeUpstreamConnection(str(error)) from None
        failure: httpcore.ConnectError | None = None
        for address in addresses:
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                raise httpcore.ConnectTimeout(f"connecting to {host} timed out")
            try:
                return await self.inner.connect_tcp(
                    address,
                    port,
                    timeout=remaining,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except httpcore.ConnectError as error:
                failure = error
        if failure is None:  # connect_addresses never answers an empty list
            raise UnsafeUpstreamConnection(f"{host} has no address")
        raise failure

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise UnsafeUpstreamConnection("upstreams are reached over TCP only")

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)
