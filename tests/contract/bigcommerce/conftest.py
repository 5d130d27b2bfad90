from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.contract.bigcommerce.harness import Upstream, make_upstream


@pytest.fixture
async def upstream() -> AsyncIterator[Upstream]:
    upstream = make_upstream()
    yield upstream
    await upstream.client.aclose()
