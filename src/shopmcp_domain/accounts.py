"""The people behind the dashboard: accounts, their roles in workspaces, sign-in codes and
sessions, as pure rules.

- An account is an email address (normalised: trimmed, lower case). ``is_staff`` opens the
  admin console; only the CLI sets it.
- Signing in: a code of ``CODE_DIGITS`` digits is mailed to the address. It is stored as an
  HMAC keyed by a server secret (:class:`AuthSecret`), lives ``CODE_LIFETIME``, allows
  ``CODE_MAX_ATTEMPTS`` tries, and only the latest code of an address counts; an address gets
  at most ``CODE_SENDS_PER_WINDOW`` codes per ``CODE_SEND_WINDOW``.
- A session token is ``smss_`` and 256 random bits; only its SHA-256 is stored. A session
  slides (``SESSION_IDLE`` after its last use) up to an absolute cap (``SESSION_ABSOLUTE``) and
  can be revoked. Its CSRF token is derived from the server secret and the session id, so
  nothing more is stored.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import hmac
import re
import secrets
from base64 import urlsafe_b64encode

import attrs

from shopmcp_domain.dashboard_errors import InvalidRequest
from shopmcp_domain.ids import AccountId, SessionId, SignInCodeId, WorkspaceId, new_session_id
from shopmcp_domain.text import plain_text_problem
from shopmcp_domain.workspaces import Workspace

CODE_DIGITS = 8
CODE_LIFETIME = dt.timedelta(minutes=10)
CODE_MAX_ATTEMPTS = 5
CODE_SENDS_PER_WINDOW = 5
CODE_SEND_WINDOW = dt.timedelta(hours=1)
# Codes older than this are deleted when their address asks for a new one.
CODE_RETENTION = dt.timedelta(days=1)

SESSION_IDLE = dt.timedelta(days=7)
SESSION_ABSOLUTE = dt.timedelta(days=30)
# A session's expiry is moved forward at most this often: one write per minute of use, not
# one per request.
SESSION_SLIDE_EVERY = dt.timedelta(minutes=1)

SESSION_TOKEN_SCHEME = "smss"  # noqa: S105 - a public marker, not a secret
_SESSION_TOKEN_RE = re.compile(r"^smss_[A-Za-z0-9_-]{43}$")
_EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")
MIN_SECRET_BYTES = 32


class InvalidEmail(InvalidRequest, ValueError):
    """A value that is no email address: a refusal (422) to the API, a ``ValueError`` to
    validators."""

    def __init__(self) -> None:
        super().__init__("not an email address")


def normalise_email(value: str) -> str:
    """The address as accounts store it, or :class:`InvalidEmail`."""
    email = value.strip().lower()
    if len(email) > 254 or not _EMAIL_RE.fullmatch(email):
        raise InvalidEmail()
    if plain_text_problem(email, max_chars=254) is not None or not email.isascii():
        raise InvalidEmail()
    return email


class Role(enum.StrEnum):
    """A member's role in one workspace. Each role may do what the roles below it may."""

    VIEWER = "viewer"  # read everything: connections' metadata, keys, usage, the audit log
    ADMIN = "admin"  # and change it: connect stores, issue and revoke keys, writes, rename
    OWNER = "owner"  # and own it: members and their roles, deleting the workspace

    @property
    def rank(self) -> int:
        return _RANKS[self]

    def allows(self, needed: Role) -> bool:
        return self.rank >= needed.rank


_RANKS = {Role.VIEWER: 0, Role.ADMIN: 1, Role.OWNER: 2}


@attrs.frozen
class Account:
    id: AccountId
    email: str
    created_at: dt.datetime
    is_staff: bool = False


@attrs.frozen
class Membership:
    workspace_id: WorkspaceId
    account_id: AccountId
    role: Role
    created_at: dt.datetime


@attrs.frozen
class Member:
    """A membership with the member's address, as a workspace's members list shows it."""

    account_id: AccountId
    email: str
    role: Role
    created_at: dt.datetime


@attrs.frozen
class AccountMembership:
    """One of an account's workspaces, with its role there."""

    workspace: Workspace
    role: Role


# --------------------------------------------------------------------------- the server secret


class AuthSecret:
    """The key sign-in codes are hashed with and CSRF tokens derived from. Never shown."""

    __slots__ = ("_key",)

    def __init__(self, key: bytes) -> None:
        if len(key) < MIN_SECRET_BYTES:
            raise ValueError(f"the auth secret needs at least {MIN_SECRET_BYTES} bytes")
        self._key = bytes(key)

    @classmethod
    def from_text(cls, text: str) -> AuthSecret:
        return cls(text.encode())

    def _mac(self, context: bytes, *parts: str) -> bytes:
        message = context + b"\x00".join(part.encode() for part in parts)
        return hmac.new(self._key, message, hashlib.sha256).digest()

    def code_hash(self, email: str, code: str) -> bytes:
        """What is stored for ``code`` sent to ``email``: a code is only ever valid for the
        address it was sent to."""
        return self._mac(b"shopmcp sign-in code v1\x00", email, code)

    def csrf_token(self, session_id: SessionId) -> str:
        digest = self._mac(b"shopmcp csrf v1\x00", str(session_id))
        return urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")

    def __repr__(self) -> str:
        return "AuthSecret(<redacted>)"

    __str__ = __repr__


# --------------------------------------------------------------------------- sign-in codes


def new_code() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))


@attrs.frozen(repr=False)
class SignInCode:
    id: SignInCodeId
    email: str
    code_hash: bytes
    created_at: dt.datetime
    expires_at: dt.datetime
    attempts: int = 0
    consumed_at: dt.datetime | None = None

    def usable_at(self, now: dt.datetime) -> bool:
        return (
            self.consumed_at is None and self.attempts < CODE_MAX_ATTEMPTS and now < self.expires_at
        )

    def matches(self, presented_hash: bytes) -> bool:
        return hmac.compare_digest(self.code_hash, presented_hash)

    def __repr__(self) -> str:
        return f"SignInCode(id={self.id}, attempts={self.attempts}, used={self.consumed_at})"


# --------------------------------------------------------------------------- sessions


def hash_session_token(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def looks_like_session_token(token: str) -> bool:
    return _SESSION_TOKEN_RE.fullmatch(token) is not None


@attrs.frozen(repr=False)
class Session:
    id: SessionId
    account_id: AccountId
    token_hash: bytes
    created_at: dt.datetime
    last_seen_at: dt.datetime
    expires_at: dt.datetime
    absolute_expires_at: dt.datetime
    revoked_at: dt.datetime | None = None

    def valid_at(self, now: dt.datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at <= self.absolute_expires_at

    def slid(self, now: dt.datetime) -> Session | None:
        """The session used at ``now``, with its expiry moved forward; None when too little
        time passed since the last move to be worth a write."""
        if now - self.last_seen_at < SESSION_SLIDE_EVERY:
            return None
        expires = min(now + SESSION_IDLE, self.absolute_expires_at)
        return attrs.evolve(self, last_seen_at=now, expires_at=expires)

    def revoke(self, at: dt.datetime) -> Session:
        return attrs.evolve(self, revoked_at=at)

    def __repr__(self) -> str:
        return f"Session(id={self.id}, account={self.account_id}, revoked={self.revoked_at})"


@attrs.frozen(repr=False)
class IssuedSession:
    """A new session and its token, shown to the client once (cookie or JSON) and never
    stored."""

    session: Session
    token: str

    def __repr__(self) -> str:
        return f"IssuedSession(session={self.session!r}, token=<redacted>)"


def issue_session(account_id: AccountId, now: dt.datetime) -> IssuedSession:
    token = f"{SESSION_TOKEN_SCHEME}_{secrets.token_urlsafe(32)}"
    session = Session(
        id=new_session_id(),
        account_id=account_id,
        token_hash=hash_session_token(token),
        created_at=now,
        last_seen_at=now,
        expires_at=min(now + SESSION_IDLE, now + SESSION_ABSOLUTE),
        absolute_expires_at=now + SESSION_ABSOLUTE,
    )
    return IssuedSession(session=session, token=token)
