"""OAuth 2.0 connect flows (authorization code with PKCE S256) and expiring tokens, as pure rules.

A flow begins when someone asks to connect a platform for a workspace: a *pending flow* is
stored (one tenant row) holding its PKCE code verifier sealed by the vault, the platform, the
store chosen in advance if any, and its expiry (``FLOW_LIFETIME``). The browser goes to the
provider carrying a *state* that names the flow, signed with the server's state secret
(HMAC-SHA256), so the callback can find the flow's workspace before it trusts anything else.

A callback is accepted only when the state's signature holds, it names the callback's platform,
it has not expired, and its flow is unused: the flow is consumed exactly once, *before* the code
is exchanged, so a replayed state is refused even when the first callback failed half-way.

Tokens: an access token is used until ``REFRESH_MARGIN`` before the expiry its credential
records, then refreshed; the refresh token is kept when the provider sends no new one.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import re
import secrets
import struct
import uuid
from collections.abc import Sequence

import attrs

from shopmcp_domain.credentials import CredentialPayload, SealedCredential
from shopmcp_domain.errors import (
    FlowRefusal,
    OAuthFlowRefused,
)
from shopmcp_domain.ids import ConnectionId, OAuthFlowId, WorkspaceId
from shopmcp_domain.platforms import Platform
from shopmcp_domain.text import check_plain_text

FLOW_LIFETIME = dt.timedelta(minutes=10)
# Long enough for a slow upstream request made with the token to finish before it expires.
REFRESH_MARGIN = dt.timedelta(minutes=2)
# Pending and finished flows are kept this long for the CLI to read their outcome, then purged.
FLOW_RETENTION = dt.timedelta(days=1)

MIN_SECRET_BYTES = 32
MAX_STATE_CHARS = 512
STATE_VERSION = 1
_STATE_MAC_CONTEXT = b"shopmcp oauth state v1\x00"
# version, workspace id, flow id, expiry (unix seconds); the platform name follows.
_STATE_HEAD = struct.Struct(">B16s16sQ")
_B64URL = re.compile(r"[A-Za-z0-9_-]+")

# RFC 7636 section 4.1: 43 to 128 characters of [A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~".
_VERIFIER = re.compile(r"[A-Za-z0-9\-._~]{43,128}")

# The fields of an OAuth platform's credential payload.
ACCESS_TOKEN = "access_token"  # noqa: S105 - a field name
REFRESH_TOKEN = "refresh_token"  # noqa: S105 - a field name
EXPIRES_AT = "expires_at"
SCOPES = "scopes"


# --------------------------------------------------------------------------- the state secret


class StateSecret:
    """The server secret states are signed with. Never shown by repr or str."""

    __slots__ = ("_key",)

    def __init__(self, key: bytes) -> None:
        if len(key) < MIN_SECRET_BYTES:
            raise ValueError(f"the OAuth state secret needs at least {MIN_SECRET_BYTES} bytes")
        self._key = bytes(key)

    @classmethod
    def from_text(cls, text: str) -> StateSecret:
        """An operator-supplied secret (``SHOPMCP_OAUTH_STATE_SECRET``)."""
        return cls(text.encode())

    def mac(self, message: bytes) -> bytes:
        return hmac.new(self._key, _STATE_MAC_CONTEXT + message, hashlib.sha256).digest()

    def __repr__(self) -> str:
        return "StateSecret(<redacted>)"

    __str__ = __repr__


# --------------------------------------------------------------------------- PKCE


def new_code_verifier() -> str:
    """A fresh PKCE code verifier: 64 random bytes, base64url (86 characters)."""
    return secrets.token_urlsafe(64)


def code_challenge(verifier: str) -> str:
    """The S256 challenge of ``verifier`` (RFC 7636 section 4.2)."""
    if not _VERIFIER.fullmatch(verifier):
        raise ValueError("not a PKCE code verifier")
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


# --------------------------------------------------------------------------- the state


@attrs.frozen
class StateClaims:
    """What a signed state says: which workspace's flow, for which platform, until when."""

    workspace_id: WorkspaceId
    flow_id: OAuthFlowId
    platform: Platform
    expires_at: dt.datetime


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    if not _B64URL.fullmatch(text):
        raise ValueError("not base64url")
    data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if _b64(data) != text:  # one encoding per value: no malleable trailing bits
        raise ValueError("not canonical base64url")
    return data


def sign_state(secret: StateSecret, claims: StateClaims) -> str:
    """``<payload>.<mac>``, both base64url. The payload is readable (ids, platform, expiry) but
    holds nothing secret; the MAC makes it unforgeable."""
    payload = _STATE_HEAD.pack(
        STATE_VERSION,
        claims.workspace_id.bytes,
        claims.flow_id.bytes,
        int(claims.expires_at.timestamp()),
    ) + claims.platform.value.encode("ascii")
    return f"{_b64(payload)}.{_b64(secret.mac(payload))}"


def invalid_state() -> OAuthFlowRefused:
    return OAuthFlowRefused(
        FlowRefusal.INVALID_STATE,
        "this authorisation link is not valid (it was altered or does not come from this "
        "gateway); start connecting again",
    )


def expired_flow() -> OAuthFlowRefused:
    return OAuthFlowRefused(
        FlowRefusal.EXPIRED,
        f"this authorisation took longer than {FLOW_LIFETIME.seconds // 60} minutes and "
        "expired; start connecting again",
    )


def replayed_flow() -> OAuthFlowRefused:
    return OAuthFlowRefused(
        FlowRefusal.REPLAYED, "this authorisation link was already used; start connecting again"
    )


def read_state(
    secret: StateSecret, state: str, *, platform: Platform, now: dt.datetime
) -> StateClaims:
    """The claims of a state presented to ``platform``'s callback, or ``OAuthFlowRefused``:
    malformed or tampered (one message for both), for another platform, or expired."""
    if len(state) > MAX_STATE_CHARS or state.count(".") != 1:
        raise invalid_state()
    payload_text, mac_text = state.split(".")
    try:
        payload, mac = _unb64(payload_text), _unb64(mac_text)
    except (ValueError, binascii.Error):
        raise invalid_state() from None
    if not hmac.compare_digest(mac, secret.mac(payload)) or len(payload) <= _STATE_HEAD.size:
        raise invalid_state()
    version, workspace, flow, expires = _STATE_HEAD.unpack_from(payload)
    try:
        named = Platform(payload[_STATE_HEAD.size :].decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        raise invalid_state() from None
    if version != STATE_VERSION:
        raise invalid_state()
    if named is not platform:
        raise OAuthFlowRefused(
            FlowRefusal.WRONG_PLATFORM,
            f"this authorisation was started for {named.value}, not {platform.value}; "
            "start connecting again",
        )
    claims = StateClaims(
        workspace_id=WorkspaceId(uuid.UUID(bytes=workspace)),
        flow_id=OAuthFlowId(uuid.UUID(bytes=flow)),
        platform=named,
        expires_at=dt.datetime.fromtimestamp(expires, dt.UTC),
    )
    if now >= claims.expires_at:
        raise expired_flow()
    return claims


# --------------------------------------------------------------------------- flows


def _optional_store_ref(_: object, __: attrs.Attribute[str | None], value: str | None) -> None:
    if value is None:
        return
    if not value or any(ch.isspace() for ch in value):
        raise ValueError("store reference must be 1-255 characters without whitespace")
    check_plain_text(value, what="store reference", max_chars=255)


def _optional_detail(_: object, __: attrs.Attribute[str | None], value: str | None) -> None:
    if value is not None:
        check_plain_text(value, what="flow outcome", max_chars=1000)


@attrs.frozen
class FlowOutcome:
    """How a consumed flow ended: the connections it made, or why it made none (a
    merchant-safe message)."""

    completed_at: dt.datetime
    connection_ids: tuple[ConnectionId, ...] = ()
    error: str | None = attrs.field(default=None, validator=_optional_detail)

    @property
    def connected(self) -> bool:
        return self.error is None


@attrs.frozen
class OAuthFlow:
    """A pending (or consumed) connect flow. ``sealed_verifier`` is the PKCE code verifier
    sealed by the vault under this workspace and the sealing's own id; the store drops it when
    the flow is consumed."""

    id: OAuthFlowId
    workspace_id: WorkspaceId
    platform: Platform
    created_at: dt.datetime
    expires_at: dt.datetime
    sealed_verifier: SealedCredential | None = attrs.field(repr=False)
    # A store chosen before authorising (a Xero organisation's tenant id), or None.
    store_ref: str | None = attrs.field(default=None, validator=_optional_store_ref)
    used_at: dt.datetime | None = None
    outcome: FlowOutcome | None = None

    def __attrs_post_init__(self) -> None:
        if self.expires_at <= self.created_at:
            raise ValueError("a flow expires after it was created")
        if (self.used_at is None) != (self.sealed_verifier is not None):
            raise ValueError("a pending flow holds its sealed verifier, a used one does not")
        if self.sealed_verifier is not None and self.sealed_verifier.workspace_id != (
            self.workspace_id
        ):
            raise ValueError("the sealed verifier belongs to another workspace")

    @property
    def claims(self) -> StateClaims:
        return StateClaims(self.workspace_id, self.id, self.platform, self.expires_at)


def check_consumable(flow: OAuthFlow | None, claims: StateClaims, now: dt.datetime) -> OAuthFlow:
    """The flow a verified state names, if it may be consumed now: it exists, is the state's
    platform's, is unused and unexpired."""
    if flow is None or flow.platform is not claims.platform or flow.id != claims.flow_id:
        raise invalid_state()
    if flow.used_at is not None:
        raise replayed_flow()
    if now >= flow.expires_at:
        raise expired_flow()
    return flow


# --------------------------------------------------------------------------- grants and stores


@attrs.frozen
class AuthorizedStore:
    """A store a grant gives access to, as a connection would name it: a Xero organisation
    (tenant id and name), a Google account (subject and email)."""

    store_ref: str
    display_name: str


@attrs.frozen(repr=False)
class Grant:
    """What a code exchange yields: the credential payload to seal (``access_token``,
    ``refresh_token``, ``expires_at``, ``scopes``), the scopes granted and the stores it opens."""

    credentials: CredentialPayload
    scopes: frozenset[str]
    stores: tuple[AuthorizedStore, ...]

    def __repr__(self) -> str:
        refs = [s.store_ref for s in self.stores]
        return f"Grant(scopes={sorted(self.scopes)}, stores={refs}, credentials=<redacted>)"


def choose_store(
    platform: Platform, stores: Sequence[AuthorizedStore], chosen: str | None
) -> AuthorizedStore:
    """The one store a grant connects. One grant backs one connection: a rotating refresh
    token shared by several connections would be spent by the first to refresh, leaving the
    others with a dead copy. So the store chosen in advance, else the only one authorised;
    several and none chosen is a choice the merchant has to make."""
    if chosen is not None:
        for store in stores:
            if store.store_ref == chosen:
                return store
        raise OAuthFlowRefused(
            FlowRefusal.NO_STORE,
            f"the {platform.value} store chosen ({chosen}) was not among those authorised"
            + _listing(stores),
        )
    if len(stores) == 1:
        return stores[0]
    if not stores:
        raise OAuthFlowRefused(
            FlowRefusal.NO_STORE, f"the {platform.value} authorisation gave access to no store"
        )
    raise OAuthFlowRefused(
        FlowRefusal.CHOICE_NEEDED,
        f"several {platform.value} stores were authorised; connect one at a time by naming it "
        f"(shopmcp connect {platform.value} --store <id>)" + _listing(stores),
    )


def _listing(stores: Sequence[AuthorizedStore]) -> str:
    if not stores:
        return ""
    shown = ", ".join(f"{s.display_name} ({s.store_ref})" for s in stores[:20])
    more = f" and {len(stores) - 20} more" if len(stores) > 20 else ""
    return f": {shown}{more}"


# --------------------------------------------------------------------------- token expiry


def expires_at_of(payload: CredentialPayload) -> dt.datetime | None:
    raw = payload.get(EXPIRES_AT)
    if raw is None:
        return None
    try:
        value = dt.datetime.fromisoformat(raw)
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def token_needs_refresh(
    payload: CredentialPayload, now: dt.datetime, margin: dt.timedelta = REFRESH_MARGIN
) -> bool:
    """Whether the access token is (nearly) expired. One without a readable expiry, or with no
    access token at all, is treated as expired."""
    expires = expires_at_of(payload)
    if expires is None or not payload.get(ACCESS_TOKEN):
        return True
    return expires - margin <= now


def scopes_text(scopes: frozenset[str]) -> str:
    return " ".join(sorted(scopes))
