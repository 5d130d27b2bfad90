"""Rate limiters: ``RedisRateLimiter`` (several gateway processes share one budget) and the
sliding-window math it is built on. The in-process limiter of the embedded default is
``shopmcp_adapters.memory.InMemoryRateLimiter``; the composition root also hands it to the
Redis limiter as its per-process fallback (this package never imports another adapter)."""

from shopmcp_adapters.ratelimit.redis_limiter import RedisRateLimiter, epoch_ms
from shopmcp_adapters.ratelimit.sliding_window import SlidingWindowCounter

__all__ = ["RedisRateLimiter", "SlidingWindowCounter", "epoch_ms"]
