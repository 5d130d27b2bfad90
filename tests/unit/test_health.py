"""Liveness and readiness: ``/health`` answers while the process runs; ``/ready`` only while
every dependency answers, and says which did not (a frozen one within the time limit)."""

from __future__ import annotations

import time

import pytest

from shopmcp_adapters.memory import FakeReadinessProbe, ProbeState
from shopmcp_domain.services.readiness import check_readiness
from tests.factories import World
from tests.unit.entrypoints.harness import running_gateway


async def test_health_answers_ok() -> None:
    async with running_gateway(World()) as gateway:
        response = await gateway.http.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_ready_when_every_dependency_answers() -> None:
    world = World()
    async with running_gateway(world) as gateway:
        response = await gateway.http.get("/ready")
    assert response.status_code == 200, response.text
    assert response.json() == {
        "status": "ready",
        "checks": {"postgresql": "ok", "redis": "ok", "kms": "ok"},
    }
    assert all(probe.checks == 1 for probe in world.readiness)


@pytest.mark.parametrize(
    ("state", "outcome"), [(ProbeState.DOWN, "unavailable"), (ProbeState.FROZEN, "timeout")]
)
async def test_not_ready_while_the_database_is_down_or_frozen(
    state: ProbeState, outcome: str
) -> None:
    world = World()
    world.readiness[0].state = state
    async with running_gateway(world) as gateway:
        started = time.monotonic()
        not_ready = await gateway.http.get("/ready")
        waited = time.monotonic() - started
        alive = await gateway.http.get("/health")
        world.readiness[0].state = ProbeState.UP
        recovered = await gateway.http.get("/ready")

    assert not_ready.status_code == 503
    assert not_ready.json()["checks"] == {"postgresql": outcome, "redis": "ok", "kms": "ok"}
    assert waited < 5  # a frozen database costs the probe its time limit, not forever
    assert alive.status_code == 200  # liveness: no restart for an outage a restart cannot fix
    assert recovered.status_code == 200


async def test_probes_run_at_once_each_within_the_limit() -> None:
    frozen = [FakeReadinessProbe(f"frozen-{i}", ProbeState.FROZEN) for i in range(3)]
    started = time.monotonic()
    found = await check_readiness([*frozen, FakeReadinessProbe("up")], limit_seconds=0.2)
    assert time.monotonic() - started < 0.5
    assert not found.ready
    assert found.checks == {
        "frozen-0": "timeout",
        "frozen-1": "timeout",
        "frozen-2": "timeout",
        "up": "ok",
    }
    assert found.errors == dict.fromkeys(("frozen-0", "frozen-1", "frozen-2"), "TimeoutError")
