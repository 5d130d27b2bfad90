"""The sliding-window math, with a hand-moved clock and no sockets."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shopmcp_adapters.ratelimit import sliding_window as sw
from shopmcp_domain.plans import RateLimit

W = 60_000  # ms
LIMIT = RateLimit(limit=10, window_seconds=60)


def fill(counter: sw.SlidingWindowCounter, key: str, n: int, at_ms: int) -> int:
    admitted = 0
    for _ in range(n):
        admitted += counter.hit(key, LIMIT, at_ms).allowed
    return admitted


def test_a_fresh_key_admits_exactly_the_limit_then_refuses() -> None:
    counter = sw.SlidingWindowCounter()
    decisions = [counter.hit("ws", LIMIT, 5 * W) for _ in range(12)]
    assert [d.allowed for d in decisions] == [True] * 10 + [False] * 2
    assert [d.remaining for d in decisions[:10]] == list(range(9, -1, -1))
    refused = decisions[-1]
    assert refused.remaining == 0
    # All ten sit in this window, which weighs fully until the end of the next window.
    assert refused.retry_after == pytest.approx(2 * 60 - 9 * 60 / 10)
    assert refused.reset_after == pytest.approx(120)


def test_previous_window_is_weighted_by_the_part_still_inside_the_sliding_window() -> None:
    counter = sw.SlidingWindowCounter()
    assert fill(counter, "ws", 10, 0) == 10  # window 0 full
    # 25% into window 1: 75% of the previous ten (7.5) still counts, so two more fit.
    assert fill(counter, "ws", 5, W + W // 4) == 2
    # 75% into window 1: 25% of ten (2.5) plus the two admitted: 5 more fit (2.5+2+5 <= 10).
    assert fill(counter, "ws", 10, W + 3 * W // 4) == 5


def test_weighting_is_exact_at_the_boundary_between_admit_and_refuse() -> None:
    # previous=10 at elapsed e weighs 10*(W-e)/W; one more fits when that is <= 9,
    # i.e. from e = W/10 on, and not one millisecond earlier.
    assert not sw.admits(10, W, W // 10 - 1, current=0, previous=10)
    assert sw.admits(10, W, W // 10, current=0, previous=10)


def test_separate_keys_do_not_share_a_budget() -> None:
    counter = sw.SlidingWindowCounter()
    assert fill(counter, "a", 11, 0) == 10
    assert fill(counter, "b", 11, 0) == 10


def test_after_two_quiet_windows_the_full_limit_is_back() -> None:
    counter = sw.SlidingWindowCounter()
    start = 7 * W + 123
    assert fill(counter, "ws", 10, start) == 10
    assert not counter.hit("ws", LIMIT, start + W).allowed
    assert fill(counter, "ws", 11, start + 2 * W) == 10


def test_the_window_length_is_taken_in_whole_milliseconds() -> None:
    assert sw.window_ms(RateLimit(limit=1, window_seconds=0.0001)) == 1
    assert sw.window_ms(RateLimit(limit=1, window_seconds=1.5)) == 1_500


def test_reset_after_counts_until_nothing_weighs_any_more() -> None:
    assert sw.reset_after_ms(W, 1_000, current=1, previous=0) == 2 * W - 1_000
    assert sw.reset_after_ms(W, 1_000, current=0, previous=3) == W - 1_000
    assert sw.reset_after_ms(W, 1_000, current=0, previous=0) == 0


counts = st.integers(min_value=0, max_value=40)


@settings(max_examples=300, deadline=None)
@given(
    limit=st.integers(min_value=1, max_value=30),
    window=st.integers(min_value=1, max_value=400),
    data=st.data(),
)
def test_retry_after_is_exactly_the_first_admitting_millisecond(
    limit: int, window: int, data: st.DataObject
) -> None:
    """Brute force: step a model with no other traffic one millisecond at a time; the first
    admitting moment is exactly now + retry_after."""
    elapsed = data.draw(st.integers(min_value=0, max_value=window - 1))
    previous = data.draw(st.integers(min_value=0, max_value=limit))
    # Only reachable states: what is counted was admitted, so the estimate never exceeds limit.
    current = data.draw(st.integers(min_value=0, max_value=limit))
    if previous * (window - elapsed) + current * window > limit * window:
        return
    retry = sw.retry_after_ms(limit, window, elapsed, current, previous)
    t = 0
    while True:
        e = elapsed + t
        if e < window:
            ok = sw.admits(limit, window, e, current, previous)
        elif e < 2 * window:
            ok = sw.admits(limit, window, e - window, 0, current)
        else:
            ok = True
        if ok:
            break
        t += 1
    assert retry == t


@settings(max_examples=200, deadline=None)
@given(
    limit=st.integers(min_value=1, max_value=20),
    steps=st.lists(st.integers(min_value=0, max_value=30_000), min_size=1, max_size=80),
)
def test_never_more_than_limit_in_any_window_and_remaining_is_honest(
    limit: int, steps: list[int]
) -> None:
    """Whatever the arrival pattern: never more than ``limit`` admitted within one fixed
    window, a refusal has a positive retry_after, and after an admission exactly
    ``remaining`` more hits at the same moment are admitted."""
    rate = RateLimit(limit=limit, window_seconds=60)
    counter = sw.SlidingWindowCounter()
    now = 10 * W
    admitted_at: list[int] = []
    for step in steps:
        now += step
        decision = counter.hit("k", rate, now)
        if decision.allowed:
            admitted_at.append(now)
            probe = sw.SlidingWindowCounter(counters=dict(counter.counters))
            extra = sum(probe.hit("k", rate, now).allowed for _ in range(limit + 1))
            assert extra == decision.remaining
        else:
            assert decision.remaining == 0
            assert decision.retry_after > 0
        in_fixed_window = [t for t in admitted_at if t // W == now // W]
        assert len(in_fixed_window) <= limit
