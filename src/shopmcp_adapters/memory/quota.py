"""The in-memory quota counter: one process's counts, the reference semantics the Redis and
PostgreSQL counters are held to (tests/ports/quota.py)."""

from __future__ import annotations

from shopmcp_domain.ids import WorkspaceId
from shopmcp_domain.limit_ports import QuotaDecision


class InMemoryQuotaCounter:
    def __init__(self) -> None:
        self.counts: dict[tuple[WorkspaceId, str], int] = {}
        # The next count raises this (the store unreachable).
        self.fail_next: Exception | None = None

    async def count(
        self, workspace_id: WorkspaceId, month: str, quota: int, *, overage: bool
    ) -> QuotaDecision:
        if self.fail_next is not None:
            error, self.fail_next = self.fail_next, None
            raise error
        used = self.counts.get((workspace_id, month), 0)
        if used >= quota and not overage:
            return QuotaDecision(allowed=False, used=used, quota=quota, overage=False)
        used += 1
        self.counts[(workspace_id, month)] = used
        return QuotaDecision(allowed=True, used=used, quota=quota, overage=used > quota)

    async def used(self, workspace_id: WorkspaceId, month: str) -> int:
        return self.counts.get((workspace_id, month), 0)
