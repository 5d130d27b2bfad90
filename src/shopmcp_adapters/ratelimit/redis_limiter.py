"""The Redis rate limiter: the sliding-window counter, atomic in one Lua script.

Works with any Redis that runs Lua scripts, including Upstash (``rediss://`` URLs). Both keys
a script touches are passed in ``KEYS`` and share a hash tag, so the script is also valid on a
cluster.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ReadOnlyError
from redis.exceptions import TimeoutError as RedisTimeoutError

from shopmcp_adapters.ratelimit import sliding_window
from shopmcp_adapters.ratelimit.outage import OutageCounter
from shopmcp_domain.limit_ports import RateLimitDecision
from shopmcp_domain.plans import RateLimit
from shopmcp_domain.ports import Clock

logger = logging.getLogger(__name__)

DEFAULT_NAMESPACE = "shopmcp:rl"

# KEYS[1]: this window's counter, KEYS[2]: the previous window's counter.
# ARGV: limit, window length (ms), ms elapsed in this window, TTL for a new counter (ms).
# The admission test is sliding_window.admits(), in integers, so both agree exactly.
SLIDING_WINDOW_LUA = """
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local previous = tonumber(redis.call('GET', KEYS[2]) or '0')
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local elapsed = tonumber(ARGV[3])
if previous * (window - elapsed) + (current + 1) * window > limit * window then
  return {0, current, previous}
end
current = redis.call('INCR', KEYS[1])
if current == 1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
end
return {1, current, previous}
"""

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_ONE_MS = dt.timedelta(milliseconds=1)
# Counters outlive the next window by this much, to absorb clock skew between processes.
_TTL_MARGIN_MS = 1_000
# Errors that mean "Redis is not serving us right now" (not "our script is wrong").
_UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, ReadOnlyError, OSError)


def epoch_ms(clock: Clock) -> int:
    return (clock.now() - _EPOCH) // _ONE_MS


class RedisRateLimiter:
    """``RateLimiter`` on Redis: Upstash's sliding-window algorithm (the current and previous
    fixed-window counters, the previous one weighted by the part of it still inside the
    sliding window), checked and incremented atomically by one Lua script, so concurrent
    requests from any number of gateway processes never admit more than ``limit``.

    * **Keys**: ``{namespace}:{{{key}}}:{window index}`` (e.g. ``shopmcp:rl:{ws-1}:29453760``);
      the braces are a hash tag, so a key's two counters live in one cluster slot. A counter
      expires one second after the end of the window that still weighs it.
    * **Time**: the client's wall clock (``clock.now()``), passed to the script as arguments,
      exactly as Upstash's own library does; the keys are derived from it, so the script
      declares every key it touches. Gateway hosts must keep NTP time; a skew of ``s`` shifts
      the estimate by at most ``s / window`` of the previous window's count.
    * **Script**: run with EVALSHA through redis-py's ``Script`` helper, which on ``NOSCRIPT``
      (a restarted or different server) loads the script and retries once.
    * **Decision**: ``remaining`` is what would still be admitted right now; ``retry_after``
      is exact to the millisecond given no other traffic; ``reset_after`` is when no counted
      request weighs on the estimate any more (up to two windows).

    **When Redis is unreachable** (connection refused or reset, timeout, authentication
    failure, a read-only replica after failover, every pooled connection busy past the pool
    timeout) the limiter *fails open into a bounded degraded mode*: the request is decided in
    process by an :class:`~shopmcp_adapters.ratelimit.outage.OutageCounter` — the same
    sliding window on the same window boundaries, starting from the counters Redis last
    reported for the key — so an outage neither takes the gateway down nor resets anyone's
    budget (with ``n`` gateway processes a workspace may get up to ``n`` times its limit while
    it lasts; with one it keeps exactly its limit). For ``retry_interval`` seconds after a
    failure Redis is not asked at all (no request waits for a timeout meanwhile); then one
    request probes it while the others stay in process: the probe first adds to Redis's
    counters what was admitted in process (so the window where Redis returns is not under-
    counted), then runs the script, and success returns everyone to Redis. A warning is logged
    at most once per ``warn_interval`` seconds, naming only the error class (never the URL).
    Any other Redis error (e.g. a script error) is raised: a bug must not hide as a degraded
    mode.

    The connection settings of ``from_url`` are short because the limiter is on every
    request's path: 250 ms to connect, 250 ms per command, no client-side retries (a retried
    script could count one request twice). Waiting for a free pooled connection gets longer
    (1 s): every connection being busy means this process is loaded, not that Redis is gone
    (a dead Redis fails the busy commands themselves within the command timeout).
    """

    def __init__(
        self,
        client: Redis,
        clock: Clock,
        *,
        namespace: str = DEFAULT_NAMESPACE,
        retry_interval: float = 5.0,
        warn_interval: float = 60.0,
        owns_client: bool = False,
        max_keys: int = 100_000,
    ) -> None:
        self._client = client
        self._clock = clock
        self._namespace = namespace
        self._script = client.register_script(SLIDING_WINDOW_LUA)
        self._outage = OutageCounter(max_keys=max_keys)
        self._retry_interval = retry_interval
        self._warn_interval = warn_interval
        self._owns_client = owns_client
        self._degraded_until: float | None = None
        self._last_warning: float | None = None
        self.fallback_decisions = 0

    @classmethod
    def from_url(
        cls,
        url: str,
        clock: Clock,
        *,
        connect_timeout: float = 0.25,
        command_timeout: float = 0.25,
        pool_timeout: float = 1.0,
        max_connections: int = 50,
        **options: Any,
    ) -> RedisRateLimiter:
        """A limiter with its own connection pool (closed by ``aclose``). ``rediss://`` URLs
        verify the server's certificate."""
        pool = BlockingConnectionPool.from_url(
            url,
            socket_connect_timeout=connect_timeout,
            socket_timeout=command_timeout,
            max_connections=max_connections,
            timeout=pool_timeout,  # waiting for a free pooled connection
            retry=Retry(NoBackoff(), 0),
        )
        client = Redis(connection_pool=pool)
        return cls(client, clock, owns_client=True, **options)

    @property
    def degraded(self) -> bool:
        """Whether decisions are currently made in process (Redis unreachable)."""
        return self._degraded_until is not None

    def keys_for(self, key: str, limit: RateLimit, now_ms: int) -> tuple[str, str]:
        """The Redis keys of the current and previous window's counters."""
        window = sliding_window.window_ms(limit)
        index = now_ms // window
        base = f"{self._namespace}:{{{key}}}"
        return f"{base}:{index}", f"{base}:{index - 1}"

    async def hit(self, key: str, limit: RateLimit) -> RateLimitDecision:
        mono = self._clock.monotonic()
        probing = False
        if self._degraded_until is not None:
            if mono < self._degraded_until:
                return self._fallback_hit(key, limit)
            # Probe: this request tries Redis; concurrent ones stay in process.
            self._degraded_until = mono + self._retry_interval
            probing = True
        now_ms = epoch_ms(self._clock)
        window = sliding_window.window_ms(limit)
        index, elapsed = divmod(now_ms, window)
        current_key, previous_key = self.keys_for(key, limit, now_ms)
        try:
            if probing:
                await self._settle_outage(now_ms)
            result = await self._script(
                keys=[current_key, previous_key],
                args=[limit.limit, window, elapsed, 2 * window - elapsed + _TTL_MARGIN_MS],
            )
        except _UNAVAILABLE as error:
            self._enter_degraded(error)
            return self._fallback_hit(key, limit)
        allowed, current, previous = (int(v) for v in result)
        self._outage.observe(key, index, current, previous)
        if probing:
            self._degraded_until = None
            logger.warning("rate limiter: Redis reachable again; leaving degraded mode")
        return sliding_window.decision(
            limit, now_ms, allowed=bool(allowed), current=current, previous=previous
        )

    async def _settle_outage(self, now_ms: int) -> None:
        """Add to Redis's counters what was admitted in process during the outage, for the
        windows that still weigh on a decision (the others are simply forgotten). Requests
        admitted in process while this runs stay owed and are added by the next probe."""
        owed = self._outage.owed()
        due = [o for o in owed if o.index >= now_ms // o.window_ms - 1]
        if due:
            async with self._client.pipeline(transaction=False) as pipe:
                for entry in due:
                    name = f"{self._namespace}:{{{entry.key}}}:{entry.index}"
                    window_end = (entry.index + 1) * entry.window_ms
                    pipe.incrby(name, entry.count)
                    # Same lifetime as a counter the script creates: to the end of the window
                    # that still weighs it, plus the margin.
                    pipe.pexpire(name, window_end + entry.window_ms - now_ms + _TTL_MARGIN_MS)
                await pipe.execute()
        self._outage.paid(owed)

    def _fallback_hit(self, key: str, limit: RateLimit) -> RateLimitDecision:
        self.fallback_decisions += 1
        return self._outage.hit(key, limit, epoch_ms(self._clock))

    def _enter_degraded(self, error: Exception) -> None:
        mono = self._clock.monotonic()
        self._degraded_until = mono + self._retry_interval
        if self._last_warning is None or mono - self._last_warning >= self._warn_interval:
            self._last_warning = mono
            logger.warning(
                "rate limiter: Redis unavailable (%s); deciding with the per-process fallback "
                "limiter, retrying Redis every %gs",
                type(error).__name__,
                self._retry_interval,
            )

    async def ping(self) -> None:
        """Raise unless Redis answers now (readiness: the degraded mode keeps limiting without
        it, but a replica that lost Redis should not take new traffic)."""
        await self._client.ping()

    async def aclose(self) -> None:
        if self._owns_client:
            await self._client.aclose()
