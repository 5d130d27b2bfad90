"""What the Redis limiter decides with while Redis is not answering, and owes Redis afterwards.

An outage (or a moment when every pooled connection is stuck behind a saturated event loop)
must not reset a workspace's budget. A fallback that starts counting from zero would admit a
whole new limit in the window where the outage began, and again in the window where Redis comes
back (the load scenario of tests/resilience measured 94 admitted against a limit of 60 that way).
So the degraded mode here:

* decides with the *same* fixed-window sliding counter as the Lua script
  (:mod:`sliding_window`), on the same window boundaries, so its counts and Redis's add up;
* starts each key from the last counters Redis reported for it (:meth:`OutageCounter.observe`
  is fed every reply of the script), so the requests Redis already admitted still count;
* remembers how many requests it admitted per key and window (:meth:`OutageCounter.owed`), which
  the limiter adds to the Redis counters before it trusts Redis again, so the window in which
  Redis returns does not start from Redis's stale count either.

With ``n`` gateway processes an outage can still admit up to ``n`` times the limit (each
process only knows its own admissions); with one process the limit holds exactly.
"""

from __future__ import annotations

from collections import OrderedDict

import attrs

from shopmcp_adapters.ratelimit import sliding_window
from shopmcp_domain.limit_ports import RateLimitDecision
from shopmcp_domain.plans import RateLimit


@attrs.frozen
class Observed:
    """The counters Redis last reported for a key: window ``index``'s count and the one before."""

    index: int
    current: int
    previous: int


@attrs.frozen
class Owed:
    """Requests admitted during the outage in window ``index`` of a key's ``window_ms``."""

    key: str
    index: int
    window_ms: int
    count: int


class OutageCounter:
    def __init__(self, max_keys: int = 100_000) -> None:
        self._max_keys = max_keys
        self._observed: OrderedDict[str, Observed] = OrderedDict()
        # key -> {window index: requests admitted here that Redis has not counted}
        self._owed: dict[str, dict[int, int]] = {}
        self._window_ms: dict[str, int] = {}

    def observe(self, key: str, index: int, current: int, previous: int) -> None:
        """Record a reply of the Redis script. Replies of one window can arrive out of order
        (concurrent requests), so a window's count only ever grows."""
        seen = self._observed.get(key)
        if seen is not None and seen.index == index:
            current = max(current, seen.current)
            previous = max(previous, seen.previous)
        elif seen is not None and seen.index > index:
            return  # a late reply from an earlier window
        self._observed[key] = Observed(index=index, current=current, previous=previous)
        self._observed.move_to_end(key)
        if len(self._observed) > self._max_keys:
            self._observed.popitem(last=False)

    def hit(self, key: str, limit: RateLimit, now_ms: int) -> RateLimitDecision:
        """Decide one request locally: Redis's last counts for ``key`` plus what was admitted
        here on top of them."""
        window = sliding_window.window_ms(limit)
        index, elapsed = divmod(now_ms, window)
        owed = self._owed.setdefault(key, {})
        self._window_ms[key] = window
        for stale in [i for i in owed if i < index - 1]:
            del owed[stale]
        current = self._redis_count(key, index) + owed.get(index, 0)
        previous = self._redis_count(key, index - 1) + owed.get(index - 1, 0)
        allowed = sliding_window.admits(limit.limit, window, elapsed, current, previous)
        if allowed:
            owed[index] = owed.get(index, 0) + 1
            current += 1
        return sliding_window.decision(
            limit, now_ms, allowed=allowed, current=current, previous=previous
        )

    def owed(self) -> list[Owed]:
        return [
            Owed(key=key, index=index, window_ms=self._window_ms[key], count=count)
            for key, windows in self._owed.items()
            for index, count in windows.items()
            if count > 0
        ]

    def paid(self, settled: list[Owed]) -> None:
        """``settled`` was added to Redis: only what was admitted meanwhile is still owed."""
        for entry in settled:
            windows = self._owed.get(entry.key)
            if windows is None or entry.index not in windows:
                continue
            windows[entry.index] -= entry.count
            if windows[entry.index] <= 0:
                del windows[entry.index]
            if not windows:
                del self._owed[entry.key]
                self._window_ms.pop(entry.key, None)

    def _redis_count(self, key: str, index: int) -> int:
        seen = self._observed.get(key)
        if seen is None:
            return 0
        if seen.index == index:
            return seen.current
        if seen.index == index + 1:
            return seen.previous
        return 0
