"""The fake Stripe served on loopback for the session (reset before each test), and a
StripeMeter pointed at it over real HTTP with the library's own httpx client."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from shopmcp_adapters.billing import StripeMeter
from tests.fakes.stripe import API_KEY, FakeStripe, serve_fake_stripe


@pytest.fixture(scope="session")
def fake_stripe_server() -> Iterator[FakeStripe]:
    with serve_fake_stripe() as fake:
        yield fake


@pytest.fixture
def fake(fake_stripe_server: FakeStripe) -> FakeStripe:
    fake_stripe_server.reset()
    return fake_stripe_server


@pytest.fixture
async def meter(fake: FakeStripe) -> AsyncIterator[StripeMeter]:
    meter = StripeMeter.from_api_key(
        API_KEY, "shopmcp_tool_call", api_base=fake.base_url, max_network_retries=0
    )
    yield meter
    await meter.aclose()
