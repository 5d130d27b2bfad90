"""``AuditChainReader`` on the owner pool: a workspace's chain head and its links, exactly as
stored (migrations 0011 and 0018), for ``shopmcp audit verify``. Reads only."""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from shopmcp_domain.audit_chain import ChainHead, ChainLink
from shopmcp_domain.ids import UsageEventId, WorkspaceId

HEAD_SQL = (
    "select h.anchor_seq, h.anchor_hash, h.last_seq, h.last_hash"
    " from shopmcp.workspaces w left join shopmcp.audit_chain_heads h on h.workspace_id = w.id"
    " where w.id = $1"
)
LINKS_SQL = (
    "select workspace_id, chain_seq, id, key_prefix, tool, connection_id, latency_ms, status,"
    " error_class, created_at, cache_hit, redactions, prev_hash, row_hash, playbook_id,"
    " playbook_version, hash_version from shopmcp.usage_events"
    " where workspace_id = $1 and chain_seq > $2 order by chain_seq limit $3"
)


class PostgresAuditChain:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def head(self, workspace_id: WorkspaceId) -> ChainHead | None:
        rows = await self._pool.fetch(HEAD_SQL, workspace_id)
        if not rows:
            return None
        row = rows[0]
        if row["last_seq"] is None:
            return ChainHead()  # a workspace with no events yet
        return ChainHead(
            anchor_seq=row["anchor_seq"],
            anchor_hash=bytes(row["anchor_hash"]),
            last_seq=row["last_seq"],
            last_hash=bytes(row["last_hash"]),
        )

    async def links(
        self, workspace_id: WorkspaceId, after_seq: int, limit: int
    ) -> Sequence[ChainLink]:
        rows = await self._pool.fetch(LINKS_SQL, workspace_id, after_seq, limit)
        return [
            ChainLink(
                workspace_id=WorkspaceId(row["workspace_id"]),
                chain_seq=row["chain_seq"],
                id=UsageEventId(row["id"]),
                key_prefix=row["key_prefix"],
                tool=row["tool"],
                connection_id=row["connection_id"],
                latency_ms=row["latency_ms"],
                status=row["status"],
                error_class=row["error_class"],
                created_at=row["created_at"],
                cache_hit=row["cache_hit"],
                redactions=row["redactions"],
                prev_hash=bytes(row["prev_hash"]),
                row_hash=bytes(row["row_hash"]),
                playbook_id=row["playbook_id"],
                playbook_version=row["playbook_version"],
                hash_version=row["hash_version"],
            )
            for row in rows
        ]
