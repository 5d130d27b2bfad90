"""A separate OS process for the cross-process test: builds its own RedisRateLimiter, says
``ready``, waits for ``go`` on stdin, fires its hits concurrently and prints how many were
admitted. The clock is frozen at the same instant in every process, as NTP-synced hosts
would agree within a window."""

from __future__ import annotations

import asyncio
import sys

from shopmcp_adapters.memory import FakeClock
from shopmcp_adapters.ratelimit import RedisRateLimiter
from shopmcp_domain.plans import RateLimit


async def main(url: str, namespace: str, hits: int, limit: int) -> None:
    # This test is about atomicity across processes, not timeouts: on a loaded CI machine 100
    # concurrent hits can wait longer than the production 0.25 s for a pooled connection.
    clock = FakeClock()
    limiter = RedisRateLimiter.from_url(
        url,
        clock,
        namespace=namespace,
        connect_timeout=5.0,
        command_timeout=5.0,
    )
    rate = RateLimit(limit=limit, window_seconds=60)
    await limiter.hit("warm-up", rate)  # connect and load the script before the race
    print("ready", flush=True)
    await asyncio.to_thread(sys.stdin.readline)
    decisions = await asyncio.gather(*(limiter.hit("ws-shared", rate) for _ in range(hits)))
    print(sum(d.allowed for d in decisions), limiter.fallback_decisions, flush=True)
    await limiter.aclose()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])))
