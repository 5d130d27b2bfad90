"""The sliding-window counter (the algorithm Upstash's ratelimit library uses), as pure math.

Time is cut into fixed windows of ``W`` milliseconds; each window has one counter. At a moment
``elapsed`` ms into window ``i`` the estimated number of requests in the last ``W`` ms is

    estimate = previous * (W - elapsed) / W + current

where ``current`` counts window ``i`` and ``previous`` counts window ``i - 1`` (the older
window's requests are assumed evenly spread, so only the part still inside the sliding window
is counted). A request is admitted when the estimate *including it* stays within the limit,
and only admitted requests are counted.

Everything is integer arithmetic on ``estimate * W`` so the Lua script (which does the
atomic check-and-increment in Redis) and this module take exactly the same decisions; the
Redis adapter uses this module to turn the script's counters into a ``RateLimitDecision``.
"""

from __future__ import annotations

import attrs

from shopmcp_domain.limit_ports import RateLimitDecision
from shopmcp_domain.plans import RateLimit


def window_ms(limit: RateLimit) -> int:
    """The window length in whole milliseconds (at least 1)."""
    return max(1, round(limit.window_seconds * 1000))


@attrs.frozen
class WindowPosition:
    """Where ``now_ms`` falls: the fixed window's index and how far into it we are."""

    index: int
    elapsed_ms: int

    @classmethod
    def at(cls, now_ms: int, window: int) -> WindowPosition:
        index, elapsed = divmod(now_ms, window)
        return cls(index=index, elapsed_ms=elapsed)


def admits(limit: int, window: int, elapsed_ms: int, current: int, previous: int) -> bool:
    """Whether one more request fits (mirrors the Lua script's test exactly)."""
    return previous * (window - elapsed_ms) + (current + 1) * window <= limit * window


def retry_after_ms(limit: int, window: int, elapsed_ms: int, current: int, previous: int) -> int:
    """Milliseconds until one more request would be admitted, given no other traffic; 0 if it
    would be admitted now. Exact to the millisecond: one millisecond earlier is still refused."""
    if admits(limit, window, elapsed_ms, current, previous):
        return 0
    room = limit - 1 - current
    if room >= 0:
        # Still in this window: wait until the previous window's share has decayed enough.
        # previous * (W - e) <= room * W  <=>  e >= W - floor(room * W / previous)
        return window - (room * window) // previous - elapsed_ms
    # This window alone is full: in the next one it becomes "previous" and decays from there.
    return (window - elapsed_ms) + window - ((limit - 1) * window) // current


def reset_after_ms(window: int, elapsed_ms: int, current: int, previous: int) -> int:
    """Milliseconds until no counted request weighs on the estimate any more."""
    if current > 0:
        return 2 * window - elapsed_ms
    if previous > 0:
        return window - elapsed_ms
    return 0


def remaining(limit: int, window: int, elapsed_ms: int, current: int, previous: int) -> int:
    """Requests that would still be admitted right now, given no other traffic."""
    room = limit * window - previous * (window - elapsed_ms) - current * window
    return max(0, room // window)


def decision(
    limit: RateLimit, now_ms: int, *, allowed: bool, current: int, previous: int
) -> RateLimitDecision:
    """The decision for a request at ``now_ms``, from the counters as they stand after it
    (``current`` includes the request when it was admitted)."""
    window = window_ms(limit)
    elapsed = WindowPosition.at(now_ms, window).elapsed_ms
    return RateLimitDecision(
        allowed=allowed,
        limit=limit.limit,
        remaining=remaining(limit.limit, window, elapsed, current, previous) if allowed else 0,
        reset_after=reset_after_ms(window, elapsed, current, previous) / 1000,
        retry_after=0.0
        if allowed
        else retry_after_ms(limit.limit, window, elapsed, current, previous) / 1000,
    )


@attrs.define
class SlidingWindowCounter:
    """The same algorithm over an in-process dict: the executable model of the Lua script
    (used by the unit tests, and by the integration tests to check the script against it)."""

    counters: dict[tuple[str, int], int] = attrs.Factory(dict)

    def hit(self, key: str, limit: RateLimit, now_ms: int) -> RateLimitDecision:
        window = window_ms(limit)
        position = WindowPosition.at(now_ms, window)
        current = self.counters.get((key, position.index), 0)
        previous = self.counters.get((key, position.index - 1), 0)
        allowed = admits(limit.limit, window, position.elapsed_ms, current, previous)
        if allowed:
            current += 1
            self.counters[(key, position.index)] = current
        return decision(limit, now_ms, allowed=allowed, current=current, previous=previous)
