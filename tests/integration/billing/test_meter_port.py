"""The Meter port suite on the Stripe meter over real HTTP (the stripe library's own httpx
client) against the fake Stripe on loopback."""

from __future__ import annotations

import pytest

from shopmcp_adapters.billing import StripeMeter
from tests.fakes.stripe import FakeStripe
from tests.ports.meter import MeterPort, MeterSuite, stripe_meter_port

pytestmark = pytest.mark.integration


@pytest.fixture
def case(fake: FakeStripe, meter: StripeMeter) -> MeterPort:
    return stripe_meter_port(fake, meter)


class TestMeterPortOverHttp(MeterSuite):
    pass
