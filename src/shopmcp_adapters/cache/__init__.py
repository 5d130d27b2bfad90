"""The shared short-lived cache on Redis (or Upstash): ``RedisCache``."""

from shopmcp_adapters.cache.redis_cache import RedisCache

__all__ = ["RedisCache"]
