"""Ports of the dashboard's people side: accounts, sessions and sign-in codes (not bound to a
workspace), the admin console's cross-tenant directory, and transactional email. Their fakes
are in ``shopmcp_adapters.memory`` and their suite in ``tests/ports/identity.py``, like every
port of :mod:`shopmcp_domain.ports`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from typing import Protocol

import attrs

from shopmcp_domain.accounts import Account, AccountMembership, Session, SignInCode
from shopmcp_domain.audit import AuditEntry
from shopmcp_domain.ids import AccountId, SessionId, WorkspaceId
from shopmcp_domain.workspaces import Workspace, WorkspaceOverview, WorkspaceStatus

# --------------------------------------------------------------------------- people


class AccountRepository(Protocol):
    async def get(self, account_id: AccountId) -> Account | None: ...

    async def find_by_email(self, email: str) -> Account | None: ...

    async def add(self, account: Account) -> None:
        """``Conflict`` when the address has an account already."""
        ...


class SessionRepository(Protocol):
    async def find_by_token_hash(self, token_hash: bytes) -> Session | None:
        """The session whose token hashes to this (the one way to find a session before its
        account is known)."""
        ...

    async def add(self, session: Session) -> None: ...

    async def update(self, session: Session) -> None:
        """Store its ``last_seen_at``, ``expires_at`` and ``revoked_at`` (nothing else of a
        session ever changes). ``NotFound`` when there is no such session of its account."""
        ...

    async def list_for(self, account_id: AccountId) -> Sequence[Session]:
        """The account's sessions, newest first."""
        ...

    async def get_for(self, account_id: AccountId, session_id: SessionId) -> Session | None: ...


class SignInCodeRepository(Protocol):
    async def current(self, email: str, *, for_update: bool = False) -> SignInCode | None:
        """The address's newest code not yet consumed (the only one that counts: asking for a
        new code consumes the others); ``for_update`` locks it until the unit of work ends, so
        concurrent tries are counted one by one."""
        ...

    async def add(self, code: SignInCode) -> None: ...

    async def update(self, code: SignInCode) -> None:
        """Store its ``attempts`` and ``consumed_at``."""
        ...

    async def count_since(self, email: str, since: dt.datetime) -> int:
        """How many codes the address was sent since ``since``."""
        ...

    async def oldest_since(self, email: str, since: dt.datetime) -> dt.datetime | None: ...

    async def purge(self, email: str, created_before: dt.datetime) -> int: ...


class MembershipDirectory(Protocol):
    async def of_account(self, account_id: AccountId) -> Sequence[AccountMembership]:
        """The account's workspaces and roles, by workspace creation."""
        ...


class IdentityUnitOfWork(Protocol):
    """One transaction over the people tables. Nothing here is bound to a workspace: each
    read names the one session (by token hash), address or account it is about."""

    @property
    def accounts(self) -> AccountRepository: ...

    @property
    def sessions(self) -> SessionRepository: ...

    @property
    def codes(self) -> SignInCodeRepository: ...

    @property
    def memberships(self) -> MembershipDirectory: ...


class IdentityStore(Protocol):
    def transaction(self) -> AbstractAsyncContextManager[IdentityUnitOfWork]:
        """Commits when the block exits normally, rolls back when it raises."""
        ...


class AdminDirectory(Protocol):
    """Cross-tenant, for staff (the admin console) and the operator's CLI. Every caller has
    authorised the actor before calling; each change is written with its audit entry."""

    async def workspaces(
        self, after: tuple[dt.datetime, WorkspaceId] | None, limit: int
    ) -> Sequence[Workspace]:
        """Every workspace, oldest first by ``(created_at, id)``, after ``after``."""
        ...

    async def overview(self, workspace_id: WorkspaceId) -> WorkspaceOverview | None: ...

    async def set_status(
        self, workspace_id: WorkspaceId, status: WorkspaceStatus, entry: AuditEntry
    ) -> Workspace | None:
        """Change the workspace's status and append ``entry`` to its audit log, atomically;
        None when there is no such workspace."""
        ...

    async def record_action(self, entry: AuditEntry) -> None:
        """Append an entry to a workspace's audit log (an inspection by staff)."""
        ...

    async def set_staff(self, email: str, staff: bool) -> Account | None:
        """None when no account has that address."""
        ...


# --------------------------------------------------------------------------- email


@attrs.frozen(repr=False)
class EmailMessage:
    """A transactional message. Its text may hold a sign-in code: never shown by repr."""

    to: str
    subject: str
    text: str

    def __repr__(self) -> str:
        return f"EmailMessage(to=<redacted>, subject={self.subject!r})"


class EmailSender(Protocol):
    async def send(self, message: EmailMessage) -> None:
        """Hand the message over for delivery; raises ``UpstreamError`` /
        ``UpstreamUnavailable`` when the provider refuses or cannot be reached."""
        ...
