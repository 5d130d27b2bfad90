"""The Meter port suite on the in-memory meter and on the Stripe meter (the real stripe
library, into the fake Stripe in process)."""

from __future__ import annotations

import pytest

from shopmcp_adapters.billing import StripeMeter
from shopmcp_adapters.memory import InMemoryMeter
from tests.fakes.stripe import FakeStripe
from tests.ports.meter import MeterPort, MeterSuite, stripe_meter_port


def memory_port() -> MeterPort:
    meter = InMemoryMeter()

    def fail_next() -> None:
        meter.fail_next = ConnectionError("sink unreachable")

    def fail_after_accepting() -> None:
        meter.fail_next_after_accepting = TimeoutError("answer lost")

    return MeterPort(
        name="memory",
        meter=meter,
        billed=lambda: {
            str(event_id): (customer, record.quantity)
            for event_id, (record, customer) in meter.sent.items()
        },
        fail_next=fail_next,
        fail_next_after_accepting=fail_after_accepting,
    )


@pytest.fixture(params=["memory", "stripe"])
def case(request: pytest.FixtureRequest) -> MeterPort:
    if request.param == "memory":
        return memory_port()
    fake = FakeStripe()
    return stripe_meter_port(fake, StripeMeter(fake.client()))


class TestMeterPort(MeterSuite):
    pass
