"""MCP keys: the secret in a merchant's MCP URL. Only a public prefix and a hash are stored.

A token reads ``smcp_<prefix>_<secret>``. The prefix finds the key row with one indexed lookup;
the secret is compared by hash in constant time. Secrets carry 256 bits of entropy, so a single
SHA-256 is enough (a slow password hash would only add latency to every request).
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import hmac
import re
import secrets
import uuid

import attrs

from shopmcp_domain.errors import AuthenticationFailed
from shopmcp_domain.ids import ConnectionId, KeyId, WorkspaceId, new_key_id
from shopmcp_domain.platforms import Platform
from shopmcp_domain.text import check_plain_text

TOKEN_SCHEME = "smcp"  # noqa: S105 - a public marker, not a secret
PREFIX_LENGTH = 12
_PREFIX_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"
_TOKEN_RE = re.compile(r"^smcp_([a-z2-7]{12})_([A-Za-z0-9_-]{43})$")


class Access(enum.StrEnum):
    READ = "read"
    WRITE = "write"


@attrs.frozen
class KeyScopes:
    """What a key may do: which access levels, and optionally only some platforms and only
    some connections (the MCP runtime's scope source leaves the others out of the key's
    scope, so their tools and stores are not there at all)."""

    access: frozenset[Access] = frozenset({Access.READ})
    platforms: frozenset[Platform] | None = None  # None: every connected platform
    connections: frozenset[ConnectionId] | None = None  # None: every connection

    def permits_connection(self, connection_id: ConnectionId) -> bool:
        return self.connections is None or connection_id in self.connections

    def permits(self, platform: Platform, access: Access) -> bool:
        if access not in self.access:
            return False
        return self.platforms is None or platform in self.platforms

    def to_strings(self) -> list[str]:
        out = sorted(a.value for a in self.access)
        if self.platforms is not None:
            out += sorted(f"platform:{p.value}" for p in self.platforms)
        if self.connections is not None:
            out += sorted(f"connection:{c}" for c in self.connections)
        return out

    @classmethod
    def from_strings(cls, scopes: list[str] | tuple[str, ...] | frozenset[str]) -> KeyScopes:
        access: set[Access] = set()
        platforms: set[Platform] = set()
        connections: set[ConnectionId] = set()
        for scope in scopes:
            if scope.startswith("platform:"):
                platforms.add(Platform(scope.removeprefix("platform:")))
            elif scope.startswith("connection:"):
                connections.add(ConnectionId(uuid.UUID(scope.removeprefix("connection:"))))
            else:
                access.add(Access(scope))
        return cls(
            access=frozenset(access),
            platforms=frozenset(platforms) if platforms else None,
            connections=frozenset(connections) if connections else None,
        )


ALL_ACCESS = KeyScopes(access=frozenset({Access.READ, Access.WRITE}))


def _key_name(_: object, __: attrs.Attribute[str], value: str) -> None:
    check_plain_text(value, what="key name", max_chars=100)


def hash_secret(secret: str) -> bytes:
    return hashlib.sha256(secret.encode()).digest()


@attrs.frozen(repr=False)
class McpKey:
    id: KeyId
    workspace_id: WorkspaceId
    prefix: str
    secret_hash: bytes
    scopes: KeyScopes
    created_at: dt.datetime
    name: str = attrs.field(default="", validator=_key_name)
    revoked_at: dt.datetime | None = None

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def revoke(self, at: dt.datetime) -> McpKey:
        return attrs.evolve(self, revoked_at=at)

    def matches(self, secret: str) -> bool:
        return hmac.compare_digest(self.secret_hash, hash_secret(secret))

    def __repr__(self) -> str:
        return f"McpKey(id={self.id}, prefix={self.prefix!r}, revoked={self.is_revoked})"


@attrs.frozen(repr=False)
class ParsedToken:
    prefix: str
    secret: str

    def __repr__(self) -> str:
        return f"ParsedToken(prefix={self.prefix!r}, secret=<redacted>)"


def parse_token(token: str) -> ParsedToken:
    """Split a presented token. Malformed input is the same refusal as an unknown key."""
    match = _TOKEN_RE.fullmatch(token)
    if match is None:
        raise AuthenticationFailed()
    return ParsedToken(prefix=match.group(1), secret=match.group(2))


@attrs.frozen(repr=False)
class IssuedKey:
    """A freshly minted key: the token is shown to the merchant once and never stored."""

    key: McpKey
    token: str

    def __repr__(self) -> str:
        return f"IssuedKey(key={self.key!r}, token=<redacted>)"


def issue_key(
    workspace_id: WorkspaceId,
    now: dt.datetime,
    scopes: KeyScopes = KeyScopes(),
    name: str = "",
) -> IssuedKey:
    prefix = "".join(secrets.choice(_PREFIX_ALPHABET) for _ in range(PREFIX_LENGTH))
    secret = secrets.token_urlsafe(32)
    key = McpKey(
        id=new_key_id(),
        workspace_id=workspace_id,
        prefix=prefix,
        secret_hash=hash_secret(secret),
        scopes=scopes,
        created_at=now,
        name=name,
    )
    return IssuedKey(key=key, token=f"{TOKEN_SCHEME}_{prefix}_{secret}")


# A hash to compare against when no key matches, so unknown prefixes cost the same work.
DUMMY_SECRET_HASH = hash_secret("shopmcp-no-such-key")
# A prefix outside the prefix alphabet: no key has it, and looking it up costs a malformed
# token the same one lookup a well-formed one costs.
NO_SUCH_PREFIX = "0" * PREFIX_LENGTH
