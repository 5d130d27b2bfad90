"""DNS-rebinding protection for the MCP endpoint: the Host and Origin headers, compared exactly.

The allow-lists hold ``host[:port]`` entries (``127.0.0.1:*`` allows any port) and origins
``scheme://host[:port]`` (the same wildcard). A header is parsed into its parts first and the
parts are compared, never prefixes of strings: ``http://127.0.0.1:1@evil.example`` is an origin
whose host is ``evil.example`` (a browser never sends user info, so it is refused outright),
and ``127.0.0.1:8000.evil.example`` is not a host with a port at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import attrs

# A host header: a bracketed IPv6 literal or a DNS name / IPv4 address, then an optional port.
_HOST_RE = re.compile(
    r"^(?P<host>\[[0-9a-fA-F:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)"
    r"(?::(?P<port>[0-9]{1,5}))?$"
)
_ORIGIN_RE = re.compile(r"^(?P<scheme>https?)://(?P<authority>[^/?#@\\]+)$")
_DEFAULT_PORTS = {"http": 80, "https": 443}
ANY_PORT = -1


@attrs.frozen
class HostPort:
    host: str
    port: int | None  # None: not given; ANY_PORT: the allow-list's wildcard


def parse_host(value: str, *, allow_wildcard: bool = False) -> HostPort | None:
    """``host[:port]`` (or ``host:*`` in an allow-list), lowercased, or None if malformed."""
    wildcard = allow_wildcard and value.endswith(":*")
    if wildcard:
        value = value[:-2]
    match = _HOST_RE.fullmatch(value)
    if match is None:
        return None
    port_text = match.group("port")
    if wildcard:
        if port_text is not None:
            return None
        return HostPort(match.group("host").lower(), ANY_PORT)
    port = int(port_text) if port_text is not None else None
    if port is not None and not 0 < port < 65536:
        return None
    return HostPort(match.group("host").lower(), port)


@attrs.frozen
class Origin:
    scheme: str
    host: str
    port: int  # ANY_PORT in an allow-list's wildcard entry


def parse_origin(value: str, *, allow_wildcard: bool = False) -> Origin | None:
    match = _ORIGIN_RE.fullmatch(value)
    if match is None:
        return None
    scheme = match.group("scheme")
    host = parse_host(match.group("authority"), allow_wildcard=allow_wildcard)
    if host is None:
        return None
    port = _DEFAULT_PORTS[scheme] if host.port is None else host.port
    return Origin(scheme, host.host, port)


@attrs.frozen
class TransportGuard:
    hosts: tuple[HostPort, ...]
    origins: tuple[Origin, ...]

    @classmethod
    def from_allowlists(cls, hosts: Iterable[str], origins: Iterable[str]) -> TransportGuard:
        parsed_hosts = [parse_host(h, allow_wildcard=True) for h in hosts]
        parsed_origins = [parse_origin(o, allow_wildcard=True) for o in origins]
        bad = [h for h, p in zip(hosts, parsed_hosts, strict=True) if p is None]
        bad += [o for o, p in zip(origins, parsed_origins, strict=True) if p is None]
        if bad:
            raise ValueError(f"malformed allowed host or origin entries: {bad}")
        return cls(
            hosts=tuple(p for p in parsed_hosts if p is not None),
            origins=tuple(p for p in parsed_origins if p is not None),
        )

    def host_allowed(self, header: str | None) -> bool:
        if not header:
            return False
        host = parse_host(header)
        if host is None:
            return False
        return any(
            rule.host == host.host and rule.port in (ANY_PORT, host.port) for rule in self.hosts
        )

    def origin_allowed(self, header: str | None) -> bool:
        """An absent Origin is a non-browser client (browsers always send one on a POST with
        a JSON body), which DNS rebinding cannot drive."""
        if header is None:
            return True
        origin = parse_origin(header)
        if origin is None:
            return False
        return any(
            rule.scheme == origin.scheme
            and rule.host == origin.host
            and rule.port in (ANY_PORT, origin.port)
            for rule in self.origins
        )
