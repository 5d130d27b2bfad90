"""Redis's readiness probe (the shared rate limiter's server)."""

from __future__ import annotations

from shopmcp_adapters.ratelimit.redis_limiter import RedisRateLimiter


class RedisReadiness:
    name = "redis"

    def __init__(self, limiter: RedisRateLimiter) -> None:
        self._limiter = limiter

    async def check(self) -> None:
        await self._limiter.ping()
