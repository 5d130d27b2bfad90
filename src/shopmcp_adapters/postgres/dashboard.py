"""The dashboard's tenant repositories on PostgreSQL (inside a ``PostgresUnitOfWork``, bound to
one workspace by ``app.workspace_id``): members, the audit log, erasure requests, and the
usage review's reads. Semantics as ``shopmcp_adapters.memory.dashboard``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import asyncpg

from shopmcp_adapters.postgres import _rows
from shopmcp_adapters.postgres._errors import domain_errors
from shopmcp_adapters.postgres._repo import WorkspaceRepo, affected_rows
from shopmcp_adapters.postgres._rows import Conn
from shopmcp_domain.accounts import Member, Membership, Role
from shopmcp_domain.audit import AuditEntry
from shopmcp_domain.erasure import ErasureRequest
from shopmcp_domain.ids import AccountId, AuditEntryId
from shopmcp_domain.usage import ToolUsage, UsageEvent, UsageQuery

# Every filter is a bind parameter that may be null (null matches everything): one constant
# statement serves every combination.
SEARCH_USAGE_SQL = (
    "select id, workspace_id, key_prefix, tool, connection_id, latency_ms, status, "
    "error_class, created_at, cache_hit, playbook_id, playbook_version, redactions "
    "from shopmcp.usage_events where workspace_id = $1 "
    "and ($2::text is null or tool = $2) "
    "and ($3::text is null or status = $3) "
    "and ($4::uuid is null or connection_id = $4) "
    "and ($5::text is null or key_prefix = $5) "
    "and ($6::timestamptz is null or created_at >= $6) "
    "and ($7::timestamptz is null or created_at < $7) "
    "and ($8::timestamptz is null or (created_at, id) < ($8, $9::uuid)) "
    "and ($11::uuid is null or playbook_id = $11) "
    "order by created_at desc, id desc limit $10"
)
USAGE_SUMMARY_SQL = (
    "select tool, count(*)::int as calls, count(*) filter (where status <> 'ok')::int as errors, "
    "percentile_cont(0.5) within group (order by latency_ms) as p50, "
    "percentile_cont(0.9) within group (order by latency_ms) as p90, "
    "percentile_cont(0.99) within group (order by latency_ms) as p99 "
    "from shopmcp.usage_events where workspace_id = $1 "
    "and ($2::timestamptz is null or created_at >= $2) "
    "and ($3::timestamptz is null or created_at < $3) "
    "group by tool order by tool"
)
# One index probe per key (usage_events_workspace_key), never a scan of the history.
KEYS_LAST_USED_SQL = (
    "select k.prefix, (select u.created_at from shopmcp.usage_events u "
    "where u.workspace_id = k.workspace_id and u.key_prefix = k.prefix "
    "order by u.created_at desc limit 1) as last_used "
    "from shopmcp.mcp_keys k where k.workspace_id = $1"
)
_MEMBERS_SQL = (
    "select m.account_id, a.email, m.role, m.created_at from shopmcp.workspace_members m "
    "join shopmcp.accounts a on a.id = m.account_id where m.workspace_id = $1 "
    "order by m.created_at, m.account_id"
)
_MEMBER_SQL = (
    "select m.account_id, a.email, m.role, m.created_at from shopmcp.workspace_members m "
    "join shopmcp.accounts a on a.id = m.account_id "
    "where m.workspace_id = $1 and m.account_id = $2"
)
_AUDIT_SQL = (
    "select workspace_id, id, actor_account_id, actor, action, target_kind, target_id, detail, "
    "created_at from shopmcp.audit_log where workspace_id = $1 "
    "and ($2::timestamptz is null or (created_at, id) < ($2, $3::uuid)) "
    "order by created_at desc, id desc limit $4"
)
INSERT_AUDIT_SQL = (
    "insert into shopmcp.audit_log (workspace_id, id, actor_account_id, actor, action, "
    "target_kind, target_id, detail, created_at) "
    "values ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9)"
)


async def insert_audit(conn: Conn | asyncpg.Pool, entry: AuditEntry) -> None:
    """Append one audit entry (the owner side's staff actions use it too)."""
    await conn.execute(INSERT_AUDIT_SQL, *_audit_values(entry))


def _audit_values(entry: AuditEntry) -> tuple[object, ...]:
    return (
        entry.workspace_id,
        entry.id,
        entry.actor.account_id,
        entry.actor.label,
        entry.action,
        entry.target_kind,
        entry.target_id,
        _rows.audit_detail(entry),
        entry.created_at,
    )


class PostgresMembers(WorkspaceRepo):
    async def list(self) -> Sequence[Member]:
        rows = await self._conn.fetch(_MEMBERS_SQL, self._ws)
        return [_rows.member(row) for row in rows]

    async def get(self, account_id: AccountId) -> Member | None:
        row = await self._conn.fetchrow(_MEMBER_SQL, self._ws, account_id)
        return None if row is None else _rows.member(row)

    async def add(self, membership: Membership) -> None:
        self._own(membership.workspace_id)
        async with domain_errors(self._conn, "member exists", missing_parent="account"):
            await self._conn.execute(
                "insert into shopmcp.workspace_members (workspace_id, account_id, role, "
                "created_at) values ($1, $2, $3, $4)",
                membership.workspace_id,
                membership.account_id,
                membership.role.value,
                membership.created_at,
            )

    async def set_role(self, account_id: AccountId, role: Role) -> bool:
        status = await self._conn.execute(
            "update shopmcp.workspace_members set role = $3 "
            "where workspace_id = $1 and account_id = $2",
            self._ws,
            account_id,
            role.value,
        )
        return affected_rows(status) > 0

    async def remove(self, account_id: AccountId) -> bool:
        status = await self._conn.execute(
            "delete from shopmcp.workspace_members where workspace_id = $1 and account_id = $2",
            self._ws,
            account_id,
        )
        return affected_rows(status) > 0


class PostgresAuditEntries(WorkspaceRepo):
    async def add(self, entry: AuditEntry) -> None:
        self._own(entry.workspace_id)
        async with domain_errors(self._conn, "audit entry exists"):
            await insert_audit(self._conn, entry)

    async def list(
        self, before: tuple[dt.datetime, AuditEntryId] | None = None, limit: int = 100
    ) -> Sequence[AuditEntry]:
        at, entry_id = before if before is not None else (None, None)
        rows = await self._conn.fetch(_AUDIT_SQL, self._ws, at, entry_id, limit)
        return [_rows.audit_entry(row) for row in rows]


class PostgresErasureRequests(WorkspaceRepo):
    async def get(self) -> ErasureRequest | None:
        row = await self._conn.fetchrow(
            "select workspace_id, requested_at, requested_by, requested_by_label "
            "from shopmcp.erasure_requests where workspace_id = $1",
            self._ws,
        )
        return None if row is None else _rows.erasure_request(row)

    async def add(self, request: ErasureRequest) -> None:
        self._own(request.workspace_id)
        async with domain_errors(self._conn, "erasure already requested"):
            await self._conn.execute(
                "insert into shopmcp.erasure_requests (workspace_id, requested_at, "
                "requested_by, requested_by_label) values ($1, $2, $3, $4)",
                request.workspace_id,
                request.requested_at,
                request.requested_by,
                request.requested_by_label,
            )


class UsageReview(WorkspaceRepo):
    """The usage review's reads, mixed into ``PostgresUsage``."""

    async def search(self, query: UsageQuery) -> Sequence[UsageEvent]:
        cursor = query.before
        rows = await self._conn.fetch(
            SEARCH_USAGE_SQL,
            self._ws,
            query.tool,
            None if query.status is None else query.status.value,
            query.connection_id,
            query.key_prefix,
            query.since,
            query.until,
            None if cursor is None else cursor.created_at,
            None if cursor is None else cursor.id,
            query.limit,
            query.playbook_id,
        )
        return [_rows.usage_event(row) for row in rows]

    async def summary(
        self, since: dt.datetime | None, until: dt.datetime | None
    ) -> Sequence[ToolUsage]:
        rows = await self._conn.fetch(USAGE_SUMMARY_SQL, self._ws, since, until)
        return [_rows.tool_usage(row) for row in rows]

    async def last_used(self) -> Mapping[str, dt.datetime]:
        rows = await self._conn.fetch(KEYS_LAST_USED_SQL, self._ws)
        return {row["prefix"]: row["last_used"] for row in rows if row["last_used"] is not None}
