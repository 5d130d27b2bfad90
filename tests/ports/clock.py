"""The Clock port's suite: wall time is timezone-aware UTC, the monotonic reading never goes
back, and time that passes moves both. Run on ``FakeClock`` and ``SystemClock`` (which needs no
service) in ``tests/unit``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import attrs

from shopmcp_domain.ports import Clock

WAIT = 0.05


@attrs.define
class ClockPort:
    name: str
    clock: Clock
    wait: Callable[[float], None]  # let this many seconds pass (a sleep, or the fake's advance)


class ClockSuite:
    def test_now_is_timezone_aware_utc(self, case: ClockPort) -> None:
        now = case.clock.now()
        assert now.tzinfo is not None
        assert now.utcoffset() == dt.timedelta(0)

    def test_monotonic_never_goes_back(self, case: ClockPort) -> None:
        readings = []
        for _ in range(200):
            readings.append(case.clock.monotonic())
            case.wait(0)
        assert all(isinstance(r, float) for r in readings)
        assert readings == sorted(readings)

    def test_time_that_passes_moves_both_readings(self, case: ClockPort) -> None:
        wall, mono = case.clock.now(), case.clock.monotonic()
        case.wait(WAIT)
        elapsed_mono = case.clock.monotonic() - mono
        elapsed_wall = (case.clock.now() - wall).total_seconds()
        assert WAIT - 1e-9 <= elapsed_mono < WAIT + 5  # (float sums: 1000.05 - 1000.0 < 0.05)
        # Wall time may be slewed a little (NTP), never by whole tenths over 50 ms.
        assert WAIT - 0.01 <= elapsed_wall < WAIT + 5
