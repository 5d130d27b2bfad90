"""The people side on PostgreSQL: ``PostgresIdentityStore`` implements ``IdentityStore``
(accounts, sessions, sign-in codes, an account's memberships) on the ``shopmcp_tenant`` pool.

Migration 0006 opens these rows to the tenant role only through transaction-local settings
naming what a statement is about (``app.session_token_hash``, ``app.account_email``,
``app.account_id``): each method sets the one it needs, in its own transaction, right before
its statement, so nothing of one caller's person stays on a pooled connection. Semantics match
``shopmcp_adapters.memory.identity`` (the port suite holds both to them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

import asyncpg

from shopmcp_adapters.postgres import _rows
from shopmcp_adapters.postgres._errors import domain_errors
from shopmcp_adapters.postgres._repo import affected_rows
from shopmcp_adapters.postgres._rows import Conn
from shopmcp_domain.accounts import Account, AccountMembership, Role, Session, SignInCode
from shopmcp_domain.errors import NotFound
from shopmcp_domain.ids import AccountId, SessionId

BIND_TOKEN_HASH_SQL = "select set_config('app.session_token_hash', $1, true)"  # noqa: S105
BIND_EMAIL_SQL = "select set_config('app.account_email', $1, true)"
BIND_ACCOUNT_SQL = "select set_config('app.account_id', $1, true)"

_ACCOUNT_COLUMNS_BY_ID_SQL = (
    "select id, email, is_staff, created_at from shopmcp.accounts where id = $1"
)
_ACCOUNT_BY_EMAIL_SQL = (
    "select id, email, is_staff, created_at from shopmcp.accounts where email = $1"
)
_SESSION_BY_HASH_SQL = (
    "select id, account_id, token_hash, created_at, last_seen_at, expires_at, "
    "absolute_expires_at, revoked_at from shopmcp.sessions where token_hash = $1"
)
_SESSIONS_OF_ACCOUNT_SQL = (
    "select id, account_id, token_hash, created_at, last_seen_at, expires_at, "
    "absolute_expires_at, revoked_at from shopmcp.sessions where account_id = $1 "
    "order by created_at desc, id desc"
)
_SESSION_OF_ACCOUNT_SQL = (
    "select id, account_id, token_hash, created_at, last_seen_at, expires_at, "
    "absolute_expires_at, revoked_at from shopmcp.sessions where account_id = $1 and id = $2"
)
_CURRENT_CODE_SQL = (
    "select id, email, code_hash, created_at, expires_at, attempts, consumed_at "
    "from shopmcp.sign_in_codes where email = $1 and consumed_at is null "
    "order by created_at desc, id desc limit 1"
)
_CURRENT_CODE_FOR_UPDATE_SQL = (
    "select id, email, code_hash, created_at, expires_at, attempts, consumed_at "
    "from shopmcp.sign_in_codes where email = $1 and consumed_at is null "
    "order by created_at desc, id desc limit 1 for update"
)
_MEMBERSHIPS_SQL = (
    "select w.id, w.name, w.plan, w.status, w.write_enabled, w.confirmation_off, "
    "w.write_approval, "
    "w.billing_customer_id, "
    "w.created_at, m.role from shopmcp.workspace_members m "
    "join shopmcp.workspaces w on w.id = m.workspace_id where m.account_id = $1 "
    "order by w.created_at, w.id"
)


class _Repo:
    def __init__(self, conn: Conn) -> None:
        self._conn = conn

    async def _as_email(self, email: str) -> None:
        await self._conn.execute(BIND_EMAIL_SQL, email)

    async def _as_account(self, account_id: AccountId) -> None:
        await self._conn.execute(BIND_ACCOUNT_SQL, str(account_id))


class PostgresAccounts(_Repo):
    async def get(self, account_id: AccountId) -> Account | None:
        await self._as_account(account_id)
        row = await self._conn.fetchrow(_ACCOUNT_COLUMNS_BY_ID_SQL, account_id)
        return None if row is None else _rows.account(row)

    async def find_by_email(self, email: str) -> Account | None:
        await self._as_email(email)
        row = await self._conn.fetchrow(_ACCOUNT_BY_EMAIL_SQL, email)
        return None if row is None else _rows.account(row)

    async def add(self, account: Account) -> None:
        await self._as_email(account.email)
        async with domain_errors(self._conn, "an account has that address"):
            await self._conn.execute(
                "insert into shopmcp.accounts (id, email, is_staff, created_at) "
                "values ($1, $2, $3, $4)",
                account.id,
                account.email,
                account.is_staff,
                account.created_at,
            )


class PostgresSessions(_Repo):
    async def find_by_token_hash(self, token_hash: bytes) -> Session | None:
        await self._conn.execute(BIND_TOKEN_HASH_SQL, token_hash.hex())
        row = await self._conn.fetchrow(_SESSION_BY_HASH_SQL, token_hash)
        return None if row is None else _rows.session(row)

    async def add(self, session: Session) -> None:
        await self._as_account(session.account_id)
        async with domain_errors(self._conn, "session exists", missing_parent="account"):
            await self._conn.execute(
                "insert into shopmcp.sessions (id, account_id, token_hash, created_at, "
                "last_seen_at, expires_at, absolute_expires_at, revoked_at) "
                "values ($1, $2, $3, $4, $5, $6, $7, $8)",
                session.id,
                session.account_id,
                session.token_hash,
                session.created_at,
                session.last_seen_at,
                session.expires_at,
                session.absolute_expires_at,
                session.revoked_at,
            )

    async def update(self, session: Session) -> None:
        await self._as_account(session.account_id)
        status = await self._conn.execute(
            "update shopmcp.sessions set last_seen_at = $3, expires_at = $4, revoked_at = $5 "
            "where account_id = $1 and id = $2",
            session.account_id,
            session.id,
            session.last_seen_at,
            session.expires_at,
            session.revoked_at,
        )
        if affected_rows(status) == 0:
            raise NotFound("session")

    async def list_for(self, account_id: AccountId) -> Sequence[Session]:
        await self._as_account(account_id)
        rows = await self._conn.fetch(_SESSIONS_OF_ACCOUNT_SQL, account_id)
        return [_rows.session(row) for row in rows]

    async def get_for(self, account_id: AccountId, session_id: SessionId) -> Session | None:
        await self._as_account(account_id)
        row = await self._conn.fetchrow(_SESSION_OF_ACCOUNT_SQL, account_id, session_id)
        return None if row is None else _rows.session(row)


class PostgresSignInCodes(_Repo):
    async def current(self, email: str, *, for_update: bool = False) -> SignInCode | None:
        await self._as_email(email)
        if for_update:
            row = await self._conn.fetchrow(_CURRENT_CODE_FOR_UPDATE_SQL, email)
        else:
            row = await self._conn.fetchrow(_CURRENT_CODE_SQL, email)
        return None if row is None else _rows.sign_in_code(row)

    async def add(self, code: SignInCode) -> None:
        await self._as_email(code.email)
        async with domain_errors(self._conn, "code exists"):
            await self._conn.execute(
                "insert into shopmcp.sign_in_codes (id, email, code_hash, created_at, "
                "expires_at, attempts, consumed_at) values ($1, $2, $3, $4, $5, $6, $7)",
                code.id,
                code.email,
                code.code_hash,
                code.created_at,
                code.expires_at,
                code.attempts,
                code.consumed_at,
            )

    async def update(self, code: SignInCode) -> None:
        await self._as_email(code.email)
        status = await self._conn.execute(
            "update shopmcp.sign_in_codes set attempts = $3, consumed_at = $4 "
            "where email = $1 and id = $2",
            code.email,
            code.id,
            code.attempts,
            code.consumed_at,
        )
        if affected_rows(status) == 0:
            raise NotFound("code")

    async def count_since(self, email: str, since: dt.datetime) -> int:
        await self._as_email(email)
        count = await self._conn.fetchval(
            "select count(*) from shopmcp.sign_in_codes where email = $1 and created_at >= $2",
            email,
            since,
        )
        return int(count)

    async def oldest_since(self, email: str, since: dt.datetime) -> dt.datetime | None:
        await self._as_email(email)
        value: dt.datetime | None = await self._conn.fetchval(
            "select min(created_at) from shopmcp.sign_in_codes "
            "where email = $1 and created_at >= $2",
            email,
            since,
        )
        return value

    async def purge(self, email: str, created_before: dt.datetime) -> int:
        await self._as_email(email)
        status = await self._conn.execute(
            "delete from shopmcp.sign_in_codes where email = $1 and created_at < $2",
            email,
            created_before,
        )
        return affected_rows(status)


class PostgresMemberships(_Repo):
    async def of_account(self, account_id: AccountId) -> Sequence[AccountMembership]:
        await self._as_account(account_id)
        rows = await self._conn.fetch(_MEMBERSHIPS_SQL, account_id)
        return [AccountMembership(_rows.workspace(row), Role(row["role"])) for row in rows]


class PostgresIdentityUnitOfWork:
    def __init__(self, conn: Conn) -> None:
        self._conn = conn
        self._accounts = PostgresAccounts(conn)
        self._sessions = PostgresSessions(conn)
        self._codes = PostgresSignInCodes(conn)
        self._memberships = PostgresMemberships(conn)

    @property
    def accounts(self) -> PostgresAccounts:
        return self._accounts

    @property
    def sessions(self) -> PostgresSessions:
        return self._sessions

    @property
    def codes(self) -> PostgresSignInCodes:
        return self._codes

    @property
    def memberships(self) -> PostgresMemberships:
        return self._memberships

    @property
    def connection(self) -> Conn:
        """For the isolation tests."""
        return self._conn


class PostgresIdentityStore:
    """``IdentityStore`` over a pool of ``shopmcp_tenant`` connections."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[PostgresIdentityUnitOfWork]:
        async with self._pool.acquire() as conn, conn.transaction():
            yield PostgresIdentityUnitOfWork(conn)
