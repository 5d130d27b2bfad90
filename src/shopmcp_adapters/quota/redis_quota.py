"""The monthly quota on Redis: check and INCR of one per-workspace, per-month key in one Lua
script, so every gateway process shares one exact count.

Works with any Redis that runs Lua (Upstash included); the script touches only the key it is
given, so it is valid on a cluster.
"""

from __future__ import annotations

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from shopmcp_domain.ids import WorkspaceId
from shopmcp_domain.ports import QuotaDecision

DEFAULT_NAMESPACE = "shopmcp:quota"
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
    ``{namespace}:{workspace}:{YYYY-MM}``. Any Redis error is raised: the caller refuses the
    call (fail closed), so an outage never lifts a quota."""

    def __init__(
        self, client: Redis, *, namespace: str = DEFAULT_NAMESPACE, owns_client: bool = False
    ) -> None:
        self._client = client
        self._namespace = namespace
        self._script = client.register_script(QUOTA_LUA)
        self._owns_client = owns_client

    @classmethod
    def from_url(
        cls,
        url: str,
        *,
        namespace: str = DEFAULT_NAMESPACE,
        connect_timeout: float = 0.25,
        command_timeout: float = 0.25,
    ) -> RedisQuotaCounter:
        """Short timeouts (the counter is on every tools/call's path) and no client-side
        retries (a retried script could count one call twice)."""
        pool = BlockingConnectionPool.from_url(
            url,
            socket_connect_timeout=connect_timeout,
            socket_timeout=command_timeout,
            timeout=command_timeout,
            max_connections=64,
        )
        client = Redis(connection_pool=pool, retry=Retry(NoBackoff(), 0))
        return cls(client, namespace=namespace, owns_client=True)

    def key(self, workspace_id: WorkspaceId, month: str) -> str:
        return f"{self._namespace}:{workspace_id}:{month}"

    async def count(
        self, workspace_id: WorkspaceId, month: str, quota: int, *, overage: bool
    ) -> QuotaDecision:
        used, counted = await self._script(
            keys=[self.key(workspace_id, month)],
            args=[quota, "1" if overage else "0", COUNTER_TTL_SECONDS],
        )
        used = int(used)
        return QuotaDecision(
            allowed=bool(counted), used=used, quota=quota, overage=bool(counted) and used > quota
        )

    async def used(self, workspace_id: WorkspaceId, month: str) -> int:
        value = await self._client.get(self.key(workspace_id, month))
        return int(value or 0)

    async def aclose(self) -> None:
        if self._owns_client:
            await self._client.aclose()
