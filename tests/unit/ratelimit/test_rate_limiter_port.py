"""The RateLimiter port suite on the in-process limiter (the embedded default); the Redis
limiter runs the same suite in ``tests/integration/ratelimit``."""

from __future__ import annotations

import pytest

from shopmcp_adapters.memory import FakeClock, InMemoryRateLimiter
from shopmcp_domain.limit_ports import RateLimiter
from tests.ports.rate_limiter import LimiterWorld, RateLimiterSuite


@pytest.fixture
def world() -> LimiterWorld:
    clock = FakeClock()  # 2026-01-01T00:00:00Z: aligned to every whole-minute window
    limiter = InMemoryRateLimiter(clock)

    def one_process(n: int) -> list[RateLimiter]:
        return [limiter]

    return LimiterWorld("memory", clock, limiter, one_process)


class TestRateLimiterPort(RateLimiterSuite):
    pass
