"""The in-process counter of the Redis limiter's degraded mode, on its own."""

from __future__ import annotations

from shopmcp_adapters.ratelimit.outage import OutageCounter, Owed
from shopmcp_domain.plans import RateLimit

LIMIT = RateLimit(limit=5, window_seconds=1)
T0 = 1_000_000_000_000  # the start of a 1 s window


def admitted(counter: OutageCounter, n: int, now_ms: int, key: str = "ws") -> int:
    return sum(counter.hit(key, LIMIT, now_ms).allowed for _ in range(n))


def test_replies_arriving_out_of_order_never_lower_the_count() -> None:
    counter = OutageCounter()
    index = T0 // 1000
    counter.observe("ws", index, current=4, previous=0)
    counter.observe("ws", index, current=2, previous=0)  # an earlier request's late reply
    counter.observe("ws", index - 1, current=5, previous=0)  # a reply from the last window
    assert admitted(counter, 5, T0) == 1


def test_the_previous_window_still_weighs_as_on_redis() -> None:
    counter = OutageCounter()
    counter.observe("ws", T0 // 1000, current=5, previous=0)
    # Half way through the next window, half of the previous window's 5 still counts.
    assert admitted(counter, 5, T0 + 1500) == 2


def test_what_was_admitted_is_owed_per_window_until_paid() -> None:
    counter = OutageCounter()
    assert admitted(counter, 3, T0) == 3
    assert admitted(counter, 1, T0 + 1000) == 1
    owed = sorted(counter.owed(), key=lambda o: o.index)
    assert owed == [
        Owed(key="ws", index=T0 // 1000, window_ms=1000, count=3),
        Owed(key="ws", index=T0 // 1000 + 1, window_ms=1000, count=1),
    ]
    counter.paid(owed[:1])
    assert counter.owed() == owed[1:]
    counter.paid(owed[1:])
    assert counter.owed() == []


def test_a_paid_debt_is_counted_by_redis_not_twice() -> None:
    counter = OutageCounter()
    assert admitted(counter, 3, T0) == 3
    counter.paid(counter.owed())
    # Redis now reports the 3 (settled) plus 1 of its own.
    counter.observe("ws", T0 // 1000, current=4, previous=0)
    assert admitted(counter, 5, T0 + 10) == 1


def test_old_windows_are_forgotten() -> None:
    counter = OutageCounter()
    admitted(counter, 3, T0)
    admitted(counter, 1, T0 + 5000)
    assert [o.index for o in counter.owed()] == [T0 // 1000 + 5]
