"""The RateLimiter port suite on the Redis limiter (real Redis; several 'gateway processes'
share one budget). The in-process limiter runs the same suite in ``tests/unit/ratelimit``."""

from __future__ import annotations

import pytest

from tests.ports.rate_limiter import RateLimiterSuite

pytestmark = pytest.mark.integration


class TestRateLimiterPortOnRedis(RateLimiterSuite):
    pass
