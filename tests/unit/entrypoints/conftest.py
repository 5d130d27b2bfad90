"""Fixtures: a running gateway on the in-memory fakes (see harness.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.factories import World
from tests.unit.entrypoints.harness import Gateway, running_gateway


@pytest.fixture
def world() -> World:
    return World()


@pytest.fixture
async def gateway(world: World) -> AsyncIterator[Gateway]:
    async with running_gateway(world) as gw:
        yield gw
