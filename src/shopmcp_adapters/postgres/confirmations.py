"""``ConfirmationStore`` on PostgreSQL (migration 0010): write confirmations and idempotency
keys, on the MCP runtime's pool (``shopmcp_mcp``), one short transaction per call that sets the
workspace setting Row-Level Security reads. ``purge`` is the owner's (cross-tenant) job.

Dashboard approvals (migration 0017): the runtime's side here (insert pending, read, close),
the dashboard's side in :class:`PostgresWriteApprovalReview` on the tenant pool
(``shopmcp_tenant``: read, decide). The roles' column grants make the split a database rule:
the runtime can neither insert a decided approval nor decide one.

Atomicity: a code is consumed by one ``update ... where used_at is null returning``, so of two
concurrent consumers exactly one gets a row; an approval is closed (and decided) the same way;
a key is claimed by one ``insert ... on conflict`` that replaces only an expired claim."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

import asyncpg

from shopmcp_adapters.postgres._rows import Conn
from shopmcp_domain.approvals import (
    APPROVALS_PER_BINDING,
    ApprovalBinding,
    ApprovalId,
    ApprovalState,
    WriteApproval,
)
from shopmcp_domain.confirmations import (
    Confirmation,
    ConfirmationId,
    IdempotentWrite,
    WriteOutcome,
    WriteState,
)
from shopmcp_domain.ids import AccountId, ConnectionId, KeyId, WorkspaceId

_BIND_SQL = "select set_config('app.workspace_id', $1, true)"
_ISSUE_SQL = (
    "insert into shopmcp.write_confirmations (id, workspace_id, key_id, tool, connection_id, "
    "arguments_digest, policy_version, code_hash, created_at, expires_at) "
    "values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
)
_CONSUME_SQL = (
    "update shopmcp.write_confirmations set used_at = $3 "
    "where workspace_id = $1 and code_hash = $2 and used_at is null "
    "returning id, workspace_id, key_id, tool, connection_id, arguments_digest, "
    "policy_version, code_hash, created_at, expires_at, used_at"
)
_FIND_SQL = (
    "select id, workspace_id, key_id, tool, connection_id, arguments_digest, policy_version, "
    "code_hash, created_at, expires_at, used_at from shopmcp.write_confirmations "
    "where workspace_id = $1 and code_hash = $2"
)
# Inserts the claim, or replaces an expired one; returns a row only when this call claimed.
_CLAIM_SQL = (
    "insert into shopmcp.idempotent_writes (workspace_id, idempotency_key, tool, "
    "arguments_digest, state, created_at, expires_at) values ($1, $2, $3, $4, $5, $6, $7) "
    "on conflict (workspace_id, idempotency_key) do update set tool = excluded.tool, "
    "arguments_digest = excluded.arguments_digest, state = excluded.state, "
    "created_at = excluded.created_at, expires_at = excluded.expires_at, structured = null, "
    "result_text = null, error = null "
    "where shopmcp.idempotent_writes.expires_at <= excluded.created_at "
    "returning idempotency_key"
)
_WRITTEN_SQL = (
    "select workspace_id, idempotency_key, tool, arguments_digest, state, created_at, "
    "expires_at, structured, result_text, error from shopmcp.idempotent_writes "
    "where workspace_id = $1 and idempotency_key = $2 and expires_at > $3"
)
_FINISH_SQL = (
    "update shopmcp.idempotent_writes set state = $3, structured = $4::jsonb, "
    "result_text = $5, error = $6 where workspace_id = $1 and idempotency_key = $2"
)
_PURGE_CONFIRMATIONS_SQL = "delete from shopmcp.write_confirmations where expires_at < $1"
_PURGE_WRITES_SQL = "delete from shopmcp.idempotent_writes where expires_at < $1"
_PURGE_APPROVALS_SQL = "delete from shopmcp.write_approvals where expires_at < $1"

# Only the binding and what a person reads: state, decided_by and decided_at take their
# defaults (the runtime role has no INSERT privilege on them).
_REQUEST_APPROVAL_SQL = (
    "insert into shopmcp.write_approvals (id, workspace_id, key_id, tool, platform, "
    "connection_id, store_label, arguments_digest, policy_version, changes, created_at, "
    "expires_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11, $12)"
)
_APPROVALS_FOR_SQL = (
    "select "
    "id, workspace_id, key_id, tool, platform, connection_id, store_label, arguments_digest, "
    "policy_version, changes, created_at, expires_at, state, decided_by, decided_at, used_at "
    "from shopmcp.write_approvals where workspace_id = $1 "
    "and key_id = $2 and tool = $3 and connection_id = $4 and arguments_digest = $5 "
    "and policy_version = $6 order by created_at desc, id limit $7"
)
_CLOSE_APPROVAL_SQL = (
    "update shopmcp.write_approvals set used_at = $3 "
    "where workspace_id = $1 and id = $2 and used_at is null "
    "returning "
    "id, workspace_id, key_id, tool, platform, connection_id, store_label, arguments_digest, "
    "policy_version, changes, created_at, expires_at, state, decided_by, decided_at, used_at"
)
_LIST_APPROVALS_SQL = (
    "select "
    "id, workspace_id, key_id, tool, platform, connection_id, store_label, arguments_digest, "
    "policy_version, changes, created_at, expires_at, state, decided_by, decided_at, used_at "
    "from shopmcp.write_approvals where workspace_id = $1 "
    "order by created_at desc, id desc limit $2"
)
_GET_APPROVAL_SQL = (
    "select "
    "id, workspace_id, key_id, tool, platform, connection_id, store_label, arguments_digest, "
    "policy_version, changes, created_at, expires_at, state, decided_by, decided_at, used_at "
    "from shopmcp.write_approvals where workspace_id = $1 and id = $2"
)
_DECIDE_APPROVAL_SQL = (
    "update shopmcp.write_approvals set state = $3, decided_by = $4, decided_at = $5 "
    "where workspace_id = $1 and id = $2 and state = 'pending' and used_at is null "
    "and expires_at > $5 returning "
    "id, workspace_id, key_id, tool, platform, connection_id, store_label, arguments_digest, "
    "policy_version, changes, created_at, expires_at, state, decided_by, decided_at, used_at"
)


def _confirmation(row: Any) -> Confirmation:
    return Confirmation(
        id=ConfirmationId(row["id"]),
        workspace_id=WorkspaceId(row["workspace_id"]),
        key_id=KeyId(row["key_id"]),
        tool=row["tool"],
        connection_id=ConnectionId(row["connection_id"]),
        arguments_digest=row["arguments_digest"],
        policy_version=row["policy_version"],
        code_hash=row["code_hash"],
        created_at=row["created_at"],
        expires_at=row["expires_at"],
        used_at=row["used_at"],
    )


def _approval(row: Any) -> WriteApproval:
    decided_by = row["decided_by"]
    return WriteApproval(
        id=ApprovalId(row["id"]),
        workspace_id=WorkspaceId(row["workspace_id"]),
        key_id=KeyId(row["key_id"]),
        tool=row["tool"],
        platform=row["platform"],
        connection_id=ConnectionId(row["connection_id"]),
        store=row["store_label"],
        arguments_digest=row["arguments_digest"],
        policy_version=row["policy_version"],
        changes=json.loads(row["changes"]),
        created_at=row["created_at"],
        expires_at=row["expires_at"],
        state=ApprovalState(row["state"]),
        decided_by=None if decided_by is None else AccountId(decided_by),
        decided_at=row["decided_at"],
        used_at=row["used_at"],
    )


def _write(row: Any) -> IdempotentWrite:
    state = WriteState(row["state"])
    outcome = None
    if state is not WriteState.IN_PROGRESS:
        structured = row["structured"]
        outcome = WriteOutcome(
            structured=None if structured is None else json.loads(structured),
            text=row["result_text"] or "",
            error=row["error"],
        )
    return IdempotentWrite(
        workspace_id=WorkspaceId(row["workspace_id"]),
        idempotency_key=row["idempotency_key"],
        tool=row["tool"],
        arguments_digest=row["arguments_digest"],
        state=state,
        created_at=row["created_at"],
        expires_at=row["expires_at"],
        outcome=outcome,
    )


async def _bind(conn: Conn, workspace_id: WorkspaceId) -> None:
    await conn.execute(_BIND_SQL, str(workspace_id))


class PostgresConfirmationStore:
    def __init__(self, pool: asyncpg.Pool, owner_pool: asyncpg.Pool | None = None) -> None:
        self._pool = pool
        self._owner_pool = owner_pool

    def __repr__(self) -> str:
        return "PostgresConfirmationStore()"

    async def issue(self, confirmation: Confirmation) -> None:
        async with self._pool.acquire() as conn, conn.transaction():
            await _bind(conn, confirmation.workspace_id)
            await conn.execute(
                _ISSUE_SQL,
                confirmation.id,
                confirmation.workspace_id,
                confirmation.key_id,
                confirmation.tool,
                confirmation.connection_id,
                confirmation.arguments_digest,
                confirmation.policy_version,
                confirmation.code_hash,
                confirmation.created_at,
                confirmation.expires_at,
            )

    async def consume(
        self, workspace_id: WorkspaceId, code_hash: str, at: dt.datetime
    ) -> Confirmation | None:
        async with self._pool.acquire() as conn, conn.transaction():
            await _bind(conn, workspace_id)
            row = await conn.fetchrow(_CONSUME_SQL, workspace_id, code_hash, at)
        return None if row is None else _confirmation(row)

    async def find(self, workspace_id: WorkspaceId, code_hash: str) -> Confirmation | None:
        async with self._pool.acquire() as conn, conn.transaction():
            await _bind(conn, workspace_id)
            row = await conn.fetchrow(_FIND_SQL, workspace_id, code_hash)
        return None if row is None else _confirmation(row)

    async def claim(self, write: IdempotentWrite) -> IdempotentWrite | None:
        async with self._pool.acquire() as conn, conn.transaction():
            await _bind(conn, write.workspace_id)
            claimed = await conn.fetchval(
                _CLAIM_SQL,
                write.workspace_id,
                write.idempotency_key,
                write.tool,
                write.arguments_digest,
                write.state.value,
                write.created_at,
                write.expires_at,
            )
            if claimed is not None:
                return None
            row = await conn.fetchrow(
                _WRITTEN_SQL, write.workspace_id, write.idempotency_key, write.created_at
            )
        if row is None:
            # The conflicting claim was unexpired a moment ago; only a purge removes one.
            raise RuntimeError("an idempotency claim vanished while being read")
        return _write(row)

    async def written(
        self, workspace_id: WorkspaceId, idempotency_key: str, at: dt.datetime
    ) -> IdempotentWrite | None:
        async with self._pool.acquire() as conn, conn.transaction():
            await _bind(conn, workspace_id)
            row = await conn.fetchrow(_WRITTEN_SQL, workspace_id, idempotency_key, at)
        return None if row is None else _write(row)

    async def finish(
        self,
        workspace_id: WorkspaceId,
        idempotency_key: str,
        state: WriteState,
        outcome: WriteOutcome,
    ) -> None:
        structured = None if outcome.structured is None else json.dumps(outcome.structured)
        async with self._pool.acquire() as conn, conn.transaction():
            await _bind(conn, workspace_id)
            await conn.execute(
                _FINISH_SQL,
                workspace_id,
                idempotency_key,
                state.value,
                structured,
                outcome.text,
                outcome.error,
            )

    async def purge(self, before: dt.datetime) -> int:
        if self._owner_pool is None:
            raise RuntimeError("purging is the owner's job: build the store with its pool")
        async with self._owner_pool.acquire() as conn, conn.transaction():
            first = await conn.execute(_PURGE_CONFIRMATIONS_SQL, before)
            second = await conn.execute(_PURGE_WRITES_SQL, before)
            third = await conn.execute(_PURGE_APPROVALS_SQL, before)
        return sum(int(done.rsplit(" ", 1)[-1]) for done in (first, second, third))

    # ---- dashboard approvals: the runtime's side

    async def request_approval(self, approval: WriteApproval) -> None:
        if approval.state is not ApprovalState.PENDING or approval.decided_by is not None:
            raise ValueError("the runtime stores pending approvals only")
        async with self._pool.acquire() as conn, conn.transaction():
            await _bind(conn, approval.workspace_id)
            await conn.execute(
                _REQUEST_APPROVAL_SQL,
                approval.id,
                approval.workspace_id,
                approval.key_id,
                approval.tool,
                approval.platform,
                approval.connection_id,
                approval.store,
                approval.arguments_digest,
                approval.policy_version,
                json.dumps(dict(approval.changes)),
                approval.created_at,
                approval.expires_at,
            )

    async def approvals_for(
        self, workspace_id: WorkspaceId, binding: ApprovalBinding
    ) -> Sequence[WriteApproval]:
        async with self._pool.acquire() as conn, conn.transaction():
            await _bind(conn, workspace_id)
            rows = await conn.fetch(
                _APPROVALS_FOR_SQL,
                workspace_id,
                binding.key_id,
                binding.tool,
                binding.connection_id,
                binding.arguments_digest,
                binding.policy_version,
                APPROVALS_PER_BINDING,
            )
        return [_approval(row) for row in rows]

    async def close_approval(
        self, workspace_id: WorkspaceId, approval_id: ApprovalId, at: dt.datetime
    ) -> WriteApproval | None:
        async with self._pool.acquire() as conn, conn.transaction():
            await _bind(conn, workspace_id)
            row = await conn.fetchrow(_CLOSE_APPROVAL_SQL, workspace_id, approval_id, at)
        return None if row is None else _approval(row)


class PostgresWriteApprovalReview:
    """``WriteApprovalReview`` on the tenant pool (``shopmcp_tenant``, the dashboard's role):
    one short transaction per call, bound to the workspace Row-Level Security reads."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    def __repr__(self) -> str:
        return "PostgresWriteApprovalReview()"

    async def list(self, workspace_id: WorkspaceId, limit: int = 100) -> Sequence[WriteApproval]:
        async with self._pool.acquire() as conn, conn.transaction():
            await _bind(conn, workspace_id)
            rows = await conn.fetch(_LIST_APPROVALS_SQL, workspace_id, limit)
        return [_approval(row) for row in rows]

    async def get(self, workspace_id: WorkspaceId, approval_id: ApprovalId) -> WriteApproval | None:
        async with self._pool.acquire() as conn, conn.transaction():
            await _bind(conn, workspace_id)
            row = await conn.fetchrow(_GET_APPROVAL_SQL, workspace_id, approval_id)
        return None if row is None else _approval(row)

    async def decide(
        self,
        workspace_id: WorkspaceId,
        approval_id: ApprovalId,
        state: ApprovalState,
        by: AccountId,
        at: dt.datetime,
    ) -> WriteApproval | None:
        if state is ApprovalState.PENDING:
            raise ValueError("a decision approves or rejects")
        async with self._pool.acquire() as conn, conn.transaction():
            await _bind(conn, workspace_id)
            row = await conn.fetchrow(
                _DECIDE_APPROVAL_SQL, workspace_id, approval_id, state.value, by, at
            )
        return None if row is None else _approval(row)
