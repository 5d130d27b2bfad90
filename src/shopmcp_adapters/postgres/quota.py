"""The monthly quota on PostgreSQL (when Redis is not configured): one statement per
tools/call, ``shopmcp.count_tool_call`` (migration 0007), an atomic INSERT ... ON CONFLICT DO
UPDATE ... WHERE used < quota RETURNING on the workspace's counter row for the month, as the
MCP runtime's role."""

from __future__ import annotations

import asyncpg

from shopmcp_domain.ids import WorkspaceId
from shopmcp_domain.limit_ports import QuotaDecision

COUNT_SQL = "select month_used, counted from shopmcp.count_tool_call($1, $2, $3, $4)"
BIND_SQL = "select set_config('app.workspace_id', $1, true)"
USED_SQL = "select used from shopmcp.quota_counters where workspace_id = $1 and month = $2"


class PostgresQuotaCounter:
    """``QuotaCounter`` on the runtime's pool (shopmcp_mcp): one round trip per count. Any
    database error is raised: the caller refuses the call (fail closed)."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def count(
        self, workspace_id: WorkspaceId, month: str, quota: int, *, overage: bool
    ) -> QuotaDecision:
        row = await self._pool.fetchrow(COUNT_SQL, workspace_id, month, quota, overage)
        assert row is not None  # a function with OUT parameters always returns one row
        used, counted = int(row["month_used"]), bool(row["counted"])
        return QuotaDecision(
            allowed=counted, used=used, quota=quota, overage=counted and used > quota
        )

    async def used(self, workspace_id: WorkspaceId, month: str) -> int:
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute(BIND_SQL, str(workspace_id))
            value = await conn.fetchval(USED_SQL, workspace_id, month)
        return int(value or 0)
