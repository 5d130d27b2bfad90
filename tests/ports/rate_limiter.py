"""The RateLimiter port's suite: the same behaviour from the in-process limiter (the embedded
default, and the Redis limiter's per-process fallback) and the Redis limiter (several gateway
processes). Run on the first in ``tests/unit/ratelimit``, on Redis in
``tests/integration/ratelimit``."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import attrs
import pytest

from shopmcp_adapters.memory import FakeClock
from shopmcp_domain.limit_ports import RateLimiter
from shopmcp_domain.plans import RateLimit


@attrs.define
class LimiterWorld:
    """A limiter under test, the fake clock it reads, and ``processes(n)``: limiters sharing
    its budget as n gateway processes would (just the one limiter where there is one process)."""

    kind: str
    clock: FakeClock
    limiter: RateLimiter
    processes: Callable[[int], list[RateLimiter]]


PER_MINUTE = RateLimit(limit=10, window_seconds=60)


async def admitted(world: LimiterWorld, key: str, n: int, limit: RateLimit = PER_MINUTE) -> int:
    return sum([(await world.limiter.hit(key, limit)).allowed for _ in range(n)])


class RateLimiterSuite:
    async def test_admits_exactly_the_limit_then_refuses_with_a_retry_after(
        self, world: LimiterWorld
    ) -> None:
        decisions = [await world.limiter.hit("ws-a", PER_MINUTE) for _ in range(13)]
        assert [d.allowed for d in decisions] == [True] * 10 + [False] * 3
        assert [d.remaining for d in decisions] == [*range(9, -1, -1), 0, 0, 0]
        assert all(d.limit == 10 for d in decisions)
        assert all(d.retry_after == 0 for d in decisions[:10])
        for refused in decisions[10:]:
            assert 0 < refused.retry_after <= 2 * 60
            assert refused.retry_after <= refused.reset_after <= 2 * 60
        for allowed in decisions[:10]:
            assert 0 < allowed.reset_after <= 2 * 60

    async def test_retry_after_is_honest_to_the_millisecond(self, world: LimiterWorld) -> None:
        for _ in range(10):
            await world.limiter.hit("ws-a", PER_MINUTE)
            world.clock.advance(1.0)
        refused = await world.limiter.hit("ws-a", PER_MINUTE)
        assert not refused.allowed
        world.clock.advance(refused.retry_after - 0.001)
        assert not (await world.limiter.hit("ws-a", PER_MINUTE)).allowed
        world.clock.advance(0.001)
        assert (await world.limiter.hit("ws-a", PER_MINUTE)).allowed

    async def test_the_window_slides_rather_than_resetting_at_a_fixed_boundary(
        self, world: LimiterWorld
    ) -> None:
        world.clock.advance(54.0)  # 90% into a fixed minute
        assert await admitted(world, "ws-a", 12) == 10
        world.clock.advance(6.5)  # just past the fixed boundary: a fixed window would reset here
        assert await admitted(world, "ws-a", 1) == 0
        world.clock.advance(60.0)  # 66.5 s after the burst: it is (mostly) out of the window
        assert await admitted(world, "ws-a", 12) >= 8
        world.clock.advance(120.0)  # two quiet windows: the whole budget again
        assert await admitted(world, "ws-a", 12) == 10

    async def test_separate_keys_are_independent(self, world: LimiterWorld) -> None:
        assert await admitted(world, "ws-a", 12) == 10
        assert await admitted(world, "ws-b", 12) == 10
        assert await admitted(world, "ws-a", 1) == 0

    async def test_limits_differ_per_call_and_a_lowered_limit_is_honoured(
        self, world: LimiterWorld
    ) -> None:
        """A plan downgrade lowers the limit of a key that already has traffic: the next hits
        are refused, and the retry_after they carry is honest."""
        for _ in range(10):
            assert (await world.limiter.hit("ws-a", PER_MINUTE)).allowed
            world.clock.advance(1.0)
        smaller = RateLimit(limit=5, window_seconds=60)
        refused = await world.limiter.hit("ws-a", smaller)
        assert not refused.allowed and refused.limit == 5
        world.clock.advance(refused.retry_after - 0.001)
        assert not (await world.limiter.hit("ws-a", smaller)).allowed
        world.clock.advance(0.001)
        assert (await world.limiter.hit("ws-a", smaller)).allowed

    async def test_sub_second_windows_work(self, world: LimiterWorld) -> None:
        burst = RateLimit(limit=3, window_seconds=0.5)
        assert await admitted(world, "ws-a", 5, burst) == 3
        world.clock.advance(1.0)
        assert await admitted(world, "ws-a", 5, burst) == 3

    async def test_concurrent_hits_admit_exactly_the_limit(self, world: LimiterWorld) -> None:
        """200 concurrent hits on a limit of 50, spread over 4 'gateway processes' where the
        limiter has several (on Redis: a one-connection pool each)."""
        limit = RateLimit(limit=50, window_seconds=60)
        limiters = world.processes(4)
        decisions = await asyncio.gather(
            *(limiters[i % len(limiters)].hit("ws-hot", limit) for i in range(200))
        )
        assert sum(d.allowed for d in decisions) == 50
        assert sorted(d.remaining for d in decisions if d.allowed) == list(range(50))
        assert all(d.retry_after > 0 for d in decisions if not d.allowed)

    @pytest.mark.parametrize("window_seconds", [1, 60, 3600])
    async def test_the_budget_is_per_window_length_too(
        self, world: LimiterWorld, window_seconds: float
    ) -> None:
        limit = RateLimit(limit=4, window_seconds=window_seconds)
        assert await admitted(world, "ws-a", 6, limit) == 4
        world.clock.advance(2 * window_seconds)
        assert await admitted(world, "ws-a", 6, limit) == 4
