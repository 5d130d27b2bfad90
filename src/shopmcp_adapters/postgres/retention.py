"""The retention sweep's store (``RetentionStore``) on the owner connection.

Erasing a workspace deletes its rows table by table, children first, in one transaction that
first locks the workspace's erasure request and checks its age (the authorisation of each
deletion). ``ERASED_TABLES`` names every table the erasure deletes from; a catalog test
(``tests/integration/postgres/test_sweep.py``) fails when a table with a ``workspace_id``
column is missing from it, so a new tenant table cannot silently survive an erasure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import asyncpg

from shopmcp_domain.accounts import CODE_RETENTION
from shopmcp_domain.ids import WorkspaceId
from shopmcp_domain.plans import PlanTier
from shopmcp_domain.retention import HistoryExpired, SignInsPurged
from shopmcp_domain.usage import MAX_METER_ATTEMPTS

# In the order the erasure deletes from them (children before the rows they reference).
ERASED_TABLES = (
    "quota_counters",
    "write_confirmations",
    "write_approvals",
    "idempotent_writes",
    "meter_outbox",
    "usage_events",
    "audit_chain_heads",
    "oauth_flows",
    # Kept when a playbook is deleted (the audit trail cites it); erased with the workspace.
    "playbook_versions",
    "playbooks",
    "mcp_keys",
    "connections",
    "credentials",
    "workspace_members",
    "audit_log",
    "erasure_requests",
    "workspaces",
)

_ERASABLE_SQL = (
    "select workspace_id from shopmcp.erasure_requests where requested_at < $1 "
    "order by requested_at, workspace_id"
)
_LOCK_REQUEST_SQL = (
    "select r.workspace_id from shopmcp.erasure_requests r "
    "join shopmcp.workspaces w on w.id = r.workspace_id "
    "where r.workspace_id = $1 and r.requested_at < $2 for update"
)
_ERASE_QUOTA_COUNTERS = "delete from shopmcp.quota_counters where workspace_id = $1"
_ERASE_WRITE_CONFIRMATIONS = "delete from shopmcp.write_confirmations where workspace_id = $1"
_ERASE_WRITE_APPROVALS = "delete from shopmcp.write_approvals where workspace_id = $1"
_ERASE_IDEMPOTENT_WRITES = "delete from shopmcp.idempotent_writes where workspace_id = $1"
_ERASE_METER_OUTBOX = "delete from shopmcp.meter_outbox where workspace_id = $1"
_ERASE_USAGE_EVENTS = "delete from shopmcp.usage_events where workspace_id = $1"
_ERASE_AUDIT_CHAIN_HEADS = "delete from shopmcp.audit_chain_heads where workspace_id = $1"
_ERASE_OAUTH_FLOWS = "delete from shopmcp.oauth_flows where workspace_id = $1"
_ERASE_PLAYBOOK_VERSIONS = "delete from shopmcp.playbook_versions where workspace_id = $1"
_ERASE_PLAYBOOKS = "delete from shopmcp.playbooks where workspace_id = $1"
_ERASE_MCP_KEYS = "delete from shopmcp.mcp_keys where workspace_id = $1"
_ERASE_CONNECTIONS = "delete from shopmcp.connections where workspace_id = $1"
_ERASE_CREDENTIALS = "delete from shopmcp.credentials where workspace_id = $1"
_ERASE_WORKSPACE_MEMBERS = "delete from shopmcp.workspace_members where workspace_id = $1"
_ERASE_AUDIT_LOG = "delete from shopmcp.audit_log where workspace_id = $1"
_ERASE_ERASURE_REQUESTS = "delete from shopmcp.erasure_requests where workspace_id = $1"
_ERASE_WORKSPACES = "delete from shopmcp.workspaces where id = $1"

# In batches, so a first sweep over a long history holds no lock for long. Usage events are
# links of their workspace's audit chain (migration 0011): they go through
# ``shopmcp.prune_usage_before``, which deletes a prefix of each chain and records its last
# link as the chain's anchor, so verification still passes after retention. An event whose
# meter record is still owed to billing stays (deleting it would cascade to the record), and
# so does every newer one.
_EXPIRE_USAGE_SQL = (
    "select coalesce(sum(shopmcp.prune_usage_before(w.id, $2, $3, $4)), 0)::bigint"
    " from shopmcp.workspaces w"
    " where w.plan = $1 and exists (select 1 from shopmcp.usage_events u"
    "  where u.workspace_id = w.id and u.created_at < $2)"
)
_EXPIRE_AUDIT_SQL = (
    "delete from shopmcp.audit_log d where (d.workspace_id, d.id) in ("
    " select a.workspace_id, a.id from shopmcp.workspaces w"
    " join shopmcp.audit_log a on a.workspace_id = w.id"
    " where w.plan = $1 and a.created_at < $2 limit $3)"
)
_PURGE_CODES_SQL = "delete from shopmcp.sign_in_codes where expires_at < $1 and created_at < $2"
_PURGE_SESSIONS_SQL = "delete from shopmcp.sessions where expires_at < $1 or revoked_at <= $1"
_PURGE_FLOWS_SQL = "delete from shopmcp.oauth_flows where expires_at < $1"

DEFAULT_BATCH = 5_000


def _deleted(status: str) -> int:
    return int(status.rsplit(" ", 1)[-1])


class PostgresRetentionStore:
    """``RetentionStore`` on a pool whose connections run as ``shopmcp_owner``."""

    def __init__(self, pool: asyncpg.Pool, batch: int = DEFAULT_BATCH) -> None:
        if batch < 1:
            raise ValueError("batch must be positive")
        self._pool = pool
        self._batch = batch

    async def erasable(self, requested_before: dt.datetime) -> Sequence[WorkspaceId]:
        rows = await self._pool.fetch(_ERASABLE_SQL, requested_before)
        return [WorkspaceId(row["workspace_id"]) for row in rows]

    async def erase(self, workspace_id: WorkspaceId, requested_before: dt.datetime) -> bool:
        async with self._pool.acquire() as conn, conn.transaction():
            if await conn.fetchval(_LOCK_REQUEST_SQL, workspace_id, requested_before) is None:
                return False
            await conn.execute(_ERASE_QUOTA_COUNTERS, workspace_id)
            await conn.execute(_ERASE_WRITE_CONFIRMATIONS, workspace_id)
            await conn.execute(_ERASE_WRITE_APPROVALS, workspace_id)
            await conn.execute(_ERASE_IDEMPOTENT_WRITES, workspace_id)
            await conn.execute(_ERASE_METER_OUTBOX, workspace_id)
            await conn.execute(_ERASE_USAGE_EVENTS, workspace_id)
            await conn.execute(_ERASE_AUDIT_CHAIN_HEADS, workspace_id)
            await conn.execute(_ERASE_OAUTH_FLOWS, workspace_id)
            await conn.execute(_ERASE_PLAYBOOK_VERSIONS, workspace_id)
            await conn.execute(_ERASE_PLAYBOOKS, workspace_id)
            await conn.execute(_ERASE_MCP_KEYS, workspace_id)
            await conn.execute(_ERASE_CONNECTIONS, workspace_id)
            await conn.execute(_ERASE_CREDENTIALS, workspace_id)
            await conn.execute(_ERASE_WORKSPACE_MEMBERS, workspace_id)
            await conn.execute(_ERASE_AUDIT_LOG, workspace_id)
            await conn.execute(_ERASE_ERASURE_REQUESTS, workspace_id)
            await conn.execute(_ERASE_WORKSPACES, workspace_id)
        return True

    async def expire_history(self, plan: PlanTier, before: dt.datetime) -> HistoryExpired:
        usage = audit = 0
        while True:
            # Up to a batch per workspace per round, until a round deletes nothing.
            deleted = await self._pool.fetchval(
                _EXPIRE_USAGE_SQL, plan.value, before, MAX_METER_ATTEMPTS, self._batch
            )
            usage += deleted
            if not deleted:
                break
        while True:
            status = await self._pool.execute(_EXPIRE_AUDIT_SQL, plan.value, before, self._batch)
            audit += _deleted(status)
            if _deleted(status) < self._batch:
                break
        return HistoryExpired(usage_events=usage, audit_entries=audit)

    async def purge_sign_ins(self, now: dt.datetime) -> SignInsPurged:
        codes = await self._pool.execute(_PURGE_CODES_SQL, now, now - CODE_RETENTION)
        sessions = await self._pool.execute(_PURGE_SESSIONS_SQL, now)
        flows = await self._pool.execute(_PURGE_FLOWS_SQL, now)
        return SignInsPurged(
            codes=_deleted(codes), sessions=_deleted(sessions), oauth_flows=_deleted(flows)
        )
