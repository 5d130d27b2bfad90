"""A separate OS process for the cross-process quota test: opens its own quota counter (Redis
or PostgreSQL, as the gateway would), says ``ready``, waits for ``go`` on stdin, counts
``calls`` calls of one workspace concurrently and prints how many were allowed."""

from __future__ import annotations

import asyncio
import sys
import uuid

import asyncpg

from shopmcp_adapters.postgres.quota import PostgresQuotaCounter
from shopmcp_adapters.quota import RedisQuotaCounter
from shopmcp_domain.ids import WorkspaceId
from shopmcp_domain.limit_ports import QuotaCounter

MONTH = "2026-11"


async def main(
    backend: str, url: str, namespace: str, workspace: str, calls: int, quota: int
) -> None:
    ws = WorkspaceId(uuid.UUID(workspace))
    pool: asyncpg.Pool | None = None
    redis: RedisQuotaCounter | None = None
    counter: QuotaCounter
    if backend == "redis":
        # About atomicity across processes, not timeouts: generous ones on a loaded machine.
        redis = RedisQuotaCounter.from_url(
            url, namespace=namespace, connect_timeout=5.0, command_timeout=5.0
        )
        counter = redis
    else:
        pool = await asyncpg.create_pool(url, user="shopmcp_mcp", min_size=10, max_size=10)
        counter = PostgresQuotaCounter(pool)
    await counter.used(ws, MONTH)  # connect before the race
    print("ready", flush=True)
    await asyncio.to_thread(sys.stdin.readline)
    decisions = await asyncio.gather(
        *(counter.count(ws, MONTH, quota, overage=False) for _ in range(calls))
    )
    print(sum(d.allowed for d in decisions), flush=True)
    if redis is not None:
        await redis.aclose()
    if pool is not None:
        await pool.close()


if __name__ == "__main__":
    backend, url, namespace, workspace, calls, quota = sys.argv[1:7]
    asyncio.run(main(backend, url, namespace, workspace, int(calls), int(quota)))
