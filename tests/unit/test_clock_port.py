"""The Clock port suite on the fake clock and the system clock."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from shopmcp_adapters.clock import SystemClock
from shopmcp_adapters.memory import FakeClock
from tests.ports.clock import ClockPort, ClockSuite


@pytest.fixture(params=["fake", "system"])
def case(request: pytest.FixtureRequest) -> ClockPort:
    if request.param == "fake":
        fake = FakeClock()
        return ClockPort("fake", fake, fake.advance)
    return ClockPort("system", SystemClock(), time.sleep)


class TestClockPort(ClockSuite):
    pass


def test_the_fake_refuses_a_naive_start_and_going_back() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        FakeClock(dt.datetime(2026, 1, 1))
    clock = FakeClock(dt.datetime(2026, 1, 1, 2, tzinfo=dt.timezone(dt.timedelta(hours=2))))
    assert clock.now() == dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    assert clock.now().utcoffset() == dt.timedelta(0)
    with pytest.raises(ValueError, match="never goes back"):
        clock.advance(-1)
