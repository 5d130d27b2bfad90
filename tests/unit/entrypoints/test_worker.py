"""``shopmcp worker``: the drain loop the gateway runs in its lifespan, run on its own until it
is told to stop, and stopped cleanly (the round in flight finished, the meter closed)."""

from __future__ import annotations

import asyncio
import logging

import pytest
from dependency_injector import providers

from shopmcp_domain.services.metering import DrainReport
from shopmcp_entrypoints.commands.worker import run_worker
from shopmcp_entrypoints.container import build_container
from shopmcp_entrypoints.http.app import create_app
from shopmcp_entrypoints.settings import Settings
from tests.factories import World
from tests.unit.entrypoints.harness import lifespan, settings, wire_world


class FakeDrainer:
    def __init__(self) -> None:
        self.events: list[str] = []
        self.totals = DrainReport(sent=3, skipped=0, failed=0)

    def start(self) -> None:
        self.events.append("start")

    async def stop(self) -> None:
        self.events.append("stop")


async def test_the_worker_runs_the_drainer_until_stopped() -> None:
    drainer = FakeDrainer()
    container = build_container(Settings(stripe_api_key="sk_test_x"))
    container.outbox_drainer.override(providers.Object(drainer))
    stop = asyncio.Event()
    running = asyncio.create_task(run_worker(container.settings(), container, stop))
    await asyncio.sleep(0.05)
    assert drainer.events == ["start"]
    assert not running.done()
    stop.set()
    await asyncio.wait_for(running, 5)
    assert drainer.events == ["start", "stop"]


async def test_without_billing_the_worker_says_so_and_waits(
    caplog: pytest.LogCaptureFixture,
) -> None:
    container = build_container(Settings(stripe_api_key=None))
    container.outbox_drainer.override(providers.Object(None))
    stop = asyncio.Event()
    stop.set()
    with caplog.at_level(logging.WARNING, logger="shopmcp.worker"):
        await asyncio.wait_for(run_worker(container.settings(), container, stop), 5)
    assert "SHOPMCP_STRIPE_API_KEY unset" in caplog.text


@pytest.mark.parametrize(("in_gateway", "expected"), [(True, ["start", "stop"]), (False, [])])
async def test_the_gateway_runs_the_jobs_unless_a_worker_does(
    in_gateway: bool, expected: list[str]
) -> None:
    drainer = FakeDrainer()
    container = build_container(settings(run_worker_in_gateway=in_gateway))
    wire_world(container, World())
    container.outbox_drainer.override(providers.Object(drainer))
    async with lifespan(create_app(container.settings(), container)):
        pass
    assert drainer.events == expected


def test_the_setting_reads_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHOPMCP_RUN_WORKER_IN_GATEWAY", "false")
    assert Settings().run_worker_in_gateway is False
