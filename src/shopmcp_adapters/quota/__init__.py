"""Monthly tool-call quotas on Redis (``RedisQuotaCounter``). Without Redis the composition
root uses the PostgreSQL counter (``shopmcp_adapters.postgres.quota``); the in-memory one is
``shopmcp_adapters.memory.quota``."""

from shopmcp_adapters.quota.redis_quota import RedisQuotaCounter

__all__ = ["RedisQuotaCounter"]
