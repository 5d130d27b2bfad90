"""In-process sliding-window limiter. It is also the embedded default's real limiter (one
process), so it is exact rather than approximate: it keeps each admitted request's time."""

from __future__ import annotations

import asyncio
import collections

from shopmcp_domain.limit_ports import RateLimitDecision
from shopmcp_domain.plans import RateLimit
from shopmcp_domain.ports import Clock


class InMemoryRateLimiter:
    def __init__(self, clock: Clock, max_keys: int = 100_000) -> None:
        self._clock = clock
        self._hits: dict[str, collections.deque[float]] = {}
        self._lock = asyncio.Lock()
        self._max_keys = max_keys

    async def hit(self, key: str, limit: RateLimit) -> RateLimitDecision:
        async with self._lock:
            now = self._clock.monotonic()
            window = self._hits.setdefault(key, collections.deque())
            while window and window[0] <= now - limit.window_seconds:
                window.popleft()
            if len(window) >= limit.limit:
                # One more fits once all but limit - 1 of the kept hits have left the window
                # (more than limit hits are kept when the limit was lowered, e.g. a downgrade).
                retry = window[len(window) - limit.limit] + limit.window_seconds - now
                return RateLimitDecision(
                    allowed=False,
                    limit=limit.limit,
                    remaining=0,
                    reset_after=window[-1] + limit.window_seconds - now,
                    retry_after=retry,
                )
            window.append(now)
            if len(self._hits) > self._max_keys:
                self._evict(now, limit.window_seconds)
            return RateLimitDecision(
                allowed=True,
                limit=limit.limit,
                remaining=limit.limit - len(window),
                reset_after=window[-1] + limit.window_seconds - now,
                retry_after=0.0,
            )

    def _evict(self, now: float, window_seconds: float) -> None:
        stale = [
            k for k, hits in self._hits.items() if not hits or hits[-1] <= now - window_seconds
        ]
        for k in stale:
            del self._hits[k]
