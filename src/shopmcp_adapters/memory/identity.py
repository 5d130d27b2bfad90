"""In-memory fakes of the people side (:mod:`shopmcp_domain.identity`): accounts, sessions and
sign-in codes (``IdentityStore``), the admin console's ``AdminDirectory``, and an
``EmailSender`` that keeps what it sent. ``InMemoryTenantStore`` mixes the first two in, so
members, workspaces and accounts live in one fake as they do in one database.

Semantics the PostgreSQL adapter is held to (``tests/ports/identity.py``): a transaction that
raises leaves nothing behind; one account per address; a session is found only by its token's
hash or its account; only ``last_seen_at``, ``expires_at`` and ``revoked_at`` of a session and
``attempts`` and ``consumed_at`` of a code change.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

import attrs

from shopmcp_domain.accounts import Account, AccountMembership, Session, SignInCode
from shopmcp_domain.audit import AuditEntry
from shopmcp_domain.errors import (
    Conflict,
    NotFound,
)
from shopmcp_domain.identity import EmailMessage
from shopmcp_domain.ids import AccountId, SessionId, WorkspaceId
from shopmcp_domain.workspaces import Workspace, WorkspaceOverview, WorkspaceStatus

if TYPE_CHECKING:
    from shopmcp_adapters.memory.tenants import InMemoryTenantStore


@attrs.define
class People:
    accounts: dict[AccountId, Account] = attrs.Factory(dict)
    sessions: dict[SessionId, Session] = attrs.Factory(dict)
    codes: list[SignInCode] = attrs.Factory(list)

    def snapshot(self) -> People:
        return People(dict(self.accounts), dict(self.sessions), list(self.codes))


class _Accounts:
    def __init__(self, people: People) -> None:
        self._people = people

    async def get(self, account_id: AccountId) -> Account | None:
        return self._people.accounts.get(account_id)

    async def find_by_email(self, email: str) -> Account | None:
        return next((a for a in self._people.accounts.values() if a.email == email), None)

    async def add(self, account: Account) -> None:
        if account.id in self._people.accounts or await self.find_by_email(account.email):
            raise Conflict("an account has that address")
        self._people.accounts[account.id] = account


class _Sessions:
    def __init__(self, people: People) -> None:
        self._people = people

    async def find_by_token_hash(self, token_hash: bytes) -> Session | None:
        return next((s for s in self._people.sessions.values() if s.token_hash == token_hash), None)

    async def add(self, session: Session) -> None:
        if session.account_id not in self._people.accounts:
            raise NotFound("account")
        if session.id in self._people.sessions or await self.find_by_token_hash(session.token_hash):
            raise Conflict("session exists")
        self._people.sessions[session.id] = session

    async def update(self, session: Session) -> None:
        stored = self._people.sessions.get(session.id)
        if stored is None or stored.account_id != session.account_id:
            raise NotFound("session")
        self._people.sessions[session.id] = attrs.evolve(
            stored,
            last_seen_at=session.last_seen_at,
            expires_at=session.expires_at,
            revoked_at=session.revoked_at,
        )

    async def list_for(self, account_id: AccountId) -> Sequence[Session]:
        mine = [s for s in self._people.sessions.values() if s.account_id == account_id]
        return sorted(mine, key=lambda s: (s.created_at, str(s.id)), reverse=True)

    async def get_for(self, account_id: AccountId, session_id: SessionId) -> Session | None:
        session = self._people.sessions.get(session_id)
        return session if session is not None and session.account_id == account_id else None


class _Codes:
    def __init__(self, people: People) -> None:
        self._people = people

    def _of(self, email: str) -> list[SignInCode]:
        return sorted(
            (c for c in self._people.codes if c.email == email),
            key=lambda c: (c.created_at, str(c.id)),
        )

    async def current(self, email: str, *, for_update: bool = False) -> SignInCode | None:
        codes = [c for c in self._of(email) if c.consumed_at is None]
        return codes[-1] if codes else None

    async def add(self, code: SignInCode) -> None:
        self._people.codes.append(code)

    async def update(self, code: SignInCode) -> None:
        for index, stored in enumerate(self._people.codes):
            if stored.id == code.id:
                self._people.codes[index] = attrs.evolve(
                    stored, attempts=code.attempts, consumed_at=code.consumed_at
                )
                return
        raise NotFound("code")

    async def count_since(self, email: str, since: dt.datetime) -> int:
        return sum(1 for c in self._of(email) if c.created_at >= since)

    async def oldest_since(self, email: str, since: dt.datetime) -> dt.datetime | None:
        return next((c.created_at for c in self._of(email) if c.created_at >= since), None)

    async def purge(self, email: str, created_before: dt.datetime) -> int:
        keep = [c for c in self._people.codes if c.email != email or c.created_at >= created_before]
        purged = len(self._people.codes) - len(keep)
        self._people.codes[:] = keep
        return purged


class _Memberships:
    def __init__(self, store: InMemoryTenantStore) -> None:
        self._store = store

    async def of_account(self, account_id: AccountId) -> Sequence[AccountMembership]:
        found = [
            AccountMembership(partition.workspace, partition.members[account_id].role)
            for partition in self._store.partitions()
            if partition.workspace is not None and account_id in partition.members
        ]
        return sorted(found, key=lambda m: (m.workspace.created_at, str(m.workspace.id)))


class _IdentityUnitOfWork:
    def __init__(self, store: InMemoryTenantStore, people: People) -> None:
        self.people = people
        self.accounts = _Accounts(people)
        self.sessions = _Sessions(people)
        self.codes = _Codes(people)
        self.memberships = _Memberships(store)


class IdentityFake:
    """``IdentityStore`` and ``AdminDirectory``, mixed into ``InMemoryTenantStore``."""

    people: People
    _people_lock: asyncio.Lock

    def _init_people(self) -> None:
        self.people = People()
        self._people_lock = asyncio.Lock()

    def _store(self) -> InMemoryTenantStore:
        raise NotImplementedError

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[_IdentityUnitOfWork]:
        async with self._people_lock:
            uow = _IdentityUnitOfWork(self._store(), self.people.snapshot())
            yield uow
            self.people = uow.people

    def account_of(self, account_id: AccountId) -> Account | None:
        return self.people.accounts.get(account_id)

    # ---- AdminDirectory (cross-tenant)
    async def workspaces(
        self, after: tuple[dt.datetime, WorkspaceId] | None, limit: int
    ) -> Sequence[Workspace]:
        every = sorted(
            (p.workspace for p in self._store().partitions() if p.workspace is not None),
            key=lambda w: (w.created_at, str(w.id)),
        )
        if after is not None:
            every = [w for w in every if (w.created_at, str(w.id)) > (after[0], str(after[1]))]
        return every[:limit]

    async def overview(self, workspace_id: WorkspaceId) -> WorkspaceOverview | None:
        partition = self._store().partition(workspace_id)
        if partition is None or partition.workspace is None:
            return None
        connections = list(partition.connections.values())
        return WorkspaceOverview(
            workspace=partition.workspace,
            platforms=tuple(sorted({c.platform for c in connections})),
            connections=len(connections),
            active_keys=sum(1 for k in partition.keys.values() if not k.is_revoked),
            members=len(partition.members),
        )

    async def set_status(
        self, workspace_id: WorkspaceId, status: WorkspaceStatus, entry: AuditEntry
    ) -> Workspace | None:
        store = self._store()
        if store.partition(workspace_id) is None:
            return None
        async with store.unit_of_work(workspace_id) as uow:
            workspace = await uow.workspaces.get()
            if workspace is None:
                return None
            changed = workspace.with_status(status)
            await uow.workspaces.update(changed)
            await uow.audit_entries.add(entry)
        return changed

    async def record_action(self, entry: AuditEntry) -> None:
        async with self._store().unit_of_work(entry.workspace_id) as uow:
            await uow.audit_entries.add(entry)

    async def set_staff(self, email: str, staff: bool) -> Account | None:
        async with self._people_lock:
            found = next((a for a in self.people.accounts.values() if a.email == email), None)
            if found is None:
                return None
            changed = attrs.evolve(found, is_staff=staff)
            self.people.accounts[found.id] = changed
            return changed


@attrs.define
class OutboxMailer:
    """An ``EmailSender`` that keeps what it sent (tests read ``sent``)."""

    sent: list[EmailMessage] = attrs.Factory(list)

    async def send(self, message: EmailMessage) -> None:
        self.sent.append(message)
