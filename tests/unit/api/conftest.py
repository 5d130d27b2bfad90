"""Fixtures: the dashboard API on the in-memory fakes (see harness.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.unit.api.harness import Api, running_api


@pytest.fixture
async def api() -> AsyncIterator[Api]:
    async with running_api() as running:
        yield running
