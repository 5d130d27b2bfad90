"""The monthly quota on Redis: check and INCR of one per-workspace, per-month key in one Lua
script, so every gateway process shares one exact count.

Works with any Redis that runs Lua (Upstash included); the script touches only the key it is
given, so it is valid on a cluster.
"""

from __future__ import annotations

import logging
import time

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ReadOnlyError
from redis.exceptions import TimeoutError as RedisTimeoutError

from shopmcp_domain.ids import WorkspaceId
from shopmcp_domain.limit_ports import QuotaDecision

logger = logging.getLogger(__name__)

DEFAULT_NAMESPACE = "shopmcp:quota"
# Errors that mean "Redis is not serving us right now" (not "our script is wrong").
_UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, ReadOnlyError, OSError)
# A month's counter outlives its month long enough for the usage review of the month before.
COUNTER_TTL_SECONDS = 70 * 24 * 3600

# KEYS[1]: the workspace's counter for the month. ARGV: quota, overage ("1" or "0"), TTL (s).
# Returns {used, counted}: refused (counted 0) changes nothing.
QUOTA_LUA = """
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
if used >= tonumber(ARGV[1]) and ARGV[2] ~= '1' then
  return {used, 0}
end
used = redis.call('INCR', KEYS[1])
if used == 1 then
  redis.call('EXPIRE', KEYS[1], ARGV[3])
end
return {used, 1}
"""


class RedisQuotaCounter:
    """``QuotaCounter`` on Redis: one EVALSHA per tools/call (one round trip). Keys are
    ``{namespace}:{workspace}:{YYYY-MM}``.

    **When Redis is unreachable** the counter degrades like the rate limiter does rather than
    refusing every call: each process keeps counting on its own, starting from the count Redis
    last reported for that workspace and month (so an exhausted quota stays exhausted; with N
    processes a workspace may get up to N times its remaining calls while the outage lasts).
    What was counted in process is added to Redis (INCRBY) once it answers again. For
    ``retry_interval`` seconds after a failure Redis is not asked (no call waits for a
    timeout). Any other Redis error is raised, and the caller refuses the call.
    """

    def __init__(
        self,
        client: Redis,
        *,
        namespace: str = DEFAULT_NAMESPACE,
        owns_client: bool = False,
        retry_interval: float = 5.0,
    ) -> None:
        self._client = client
        self._namespace = namespace
        self._script = client.register_script(QUOTA_LUA)
        self._owns_client = owns_client
        self._retry_interval = retry_interval
        self._degraded_until: float | None = None
        # The last count Redis reported, and what was counted here while it could not answer.
        self._last_seen: dict[tuple[WorkspaceId, str], int] = {}
        self._pending: dict[tuple[WorkspaceId, str], int] = {}
        self.fallback_decisions = 0

    @classmethod
    def from_url(
        cls,
        url: str,
        *,
        namespace: str = DEFAULT_NAMESPACE,
        connect_timeout: float = 0.25,
        command_timeout: float = 0.25,
        pool_timeout: float = 1.0,
    ) -> RedisQuotaCounter:
        """Short timeouts (the counter is on every tools/call's path) and no client-side
        retries (a retried script could count one call twice). Waiting for a free pooled
        connection gets longer: every connection busy means load here, not Redis gone."""
        pool = BlockingConnectionPool.from_url(
            url,
            socket_connect_timeout=connect_timeout,
            socket_timeout=command_timeout,
            timeout=pool_timeout,
            max_connections=64,
        )
        client = Redis(connection_pool=pool, retry=Retry(NoBackoff(), 0))
        return cls(client, namespace=namespace, owns_client=True)

    def key(self, workspace_id: WorkspaceId, month: str) -> str:
        return f"{self._namespace}:{workspace_id}:{month}"

    async def count(
        self, workspace_id: WorkspaceId, month: str, quota: int, *, overage: bool
    ) -> QuotaDecision:
        counter = (workspace_id, month)
        if self._degraded_until is not None and time.monotonic() < self._degraded_until:
            return self._count_here(counter, quota, overage)
        try:
            await self._flush_pending()
            used, counted = await self._script(
                keys=[self.key(workspace_id, month)],
                args=[quota, "1" if overage else "0", COUNTER_TTL_SECONDS],
            )
        except _UNAVAILABLE as error:
            if self._degraded_until is None:
                logger.warning("quota counter: Redis unavailable (%s)", type(error).__name__)
            self._degraded_until = time.monotonic() + self._retry_interval
            return self._count_here(counter, quota, overage)
        self._degraded_until = None
        used = int(used)
        self._last_seen[counter] = used
        return QuotaDecision(
            allowed=bool(counted), used=used, quota=quota, overage=bool(counted) and used > quota
        )

    def _count_here(
        self, counter: tuple[WorkspaceId, str], quota: int, overage: bool
    ) -> QuotaDecision:
        self.fallback_decisions += 1
        used = self._last_seen.get(counter, 0) + self._pending.get(counter, 0)
        if used >= quota and not overage:
            return QuotaDecision(allowed=False, used=used, quota=quota, overage=False)
        self._pending[counter] = self._pending.get(counter, 0) + 1
        used += 1
        return QuotaDecision(allowed=True, used=used, quota=quota, overage=used > quota)

    async def _flush_pending(self) -> None:
        """Add what was counted in process during an outage to Redis (once it answers).
        Concurrent calls each take their own counters (popped before the round trip), so a
        delta is added once; one that fails to be added is owed again."""
        while self._pending:
            counter = next(iter(self._pending))
            delta = self._pending.pop(counter)
            key = self.key(*counter)
            try:
                async with self._client.pipeline(transaction=True) as pipe:
                    pipe.incrby(key, delta)
                    pipe.expire(key, COUNTER_TTL_SECONDS)
                    total, _ = await pipe.execute()
            except BaseException:
                self._pending[counter] = self._pending.get(counter, 0) + delta
                raise
            self._last_seen[counter] = int(total)

    async def used(self, workspace_id: WorkspaceId, month: str) -> int:
        value = await self._client.get(self.key(workspace_id, month))
        return int(value or 0)

    async def aclose(self) -> None:
        if self._owns_client:
            await self._client.aclose()
