"""The worker's scheduler: jobs on their own intervals, never overlapping themselves, a failing
job logged by class and run again, everything stopped promptly; the worker registers the
retention sweep."""

from __future__ import annotations

import asyncio
import logging

import pytest

from shopmcp_entrypoints.commands.worker import register_jobs
from shopmcp_entrypoints.container import build_container
from shopmcp_entrypoints.scheduler import Job, Scheduler
from shopmcp_entrypoints.settings import Settings


async def test_jobs_run_on_their_intervals_until_stopped() -> None:
    scheduler = Scheduler()
    runs: dict[str, int] = {"fast": 0, "slow": 0, "late": 0}

    def counting(name: str) -> Job:
        async def job() -> None:
            runs[name] += 1

        return job

    scheduler.every("fast", 0.01, counting("fast"))
    scheduler.every("slow", 10, counting("slow"))
    scheduler.every("late", 0.01, counting("late"), first_after=10)
    stop = asyncio.Event()
    running = asyncio.create_task(scheduler.run(stop))
    await asyncio.sleep(0.2)
    stop.set()
    await asyncio.wait_for(running, 1)  # the 10 s waits end at once
    assert runs["fast"] >= 5
    assert runs["slow"] == 1  # at start, then not again within its interval
    assert runs["late"] == 0


async def test_a_job_never_overlaps_itself() -> None:
    scheduler = Scheduler()
    active = 0
    most = 0

    async def slow() -> None:
        nonlocal active, most
        active += 1
        most = max(most, active)
        await asyncio.sleep(0.03)
        active -= 1

    scheduler.every("slow", 0.001, slow)
    stop = asyncio.Event()
    running = asyncio.create_task(scheduler.run(stop))
    await asyncio.sleep(0.15)
    stop.set()
    await asyncio.wait_for(running, 1)
    assert most == 1 and scheduler.stats["slow"].runs >= 2


async def test_a_failing_job_is_logged_by_class_and_runs_again(
    caplog: pytest.LogCaptureFixture,
) -> None:
    scheduler = Scheduler()
    calls = 0

    async def flaky() -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError("customer cus_secret broke it")

    scheduler.every("flaky", 0.01, flaky)
    stop = asyncio.Event()
    with caplog.at_level(logging.ERROR, logger="shopmcp.scheduler"):
        running = asyncio.create_task(scheduler.run(stop))
        await asyncio.sleep(0.1)
        stop.set()
        await asyncio.wait_for(running, 1)
    assert calls >= 2
    assert scheduler.stats["flaky"].failures == 1
    assert "job flaky failed: RuntimeError" in caplog.text
    assert "cus_secret" not in caplog.text


def test_names_are_unique_and_intervals_positive() -> None:
    scheduler = Scheduler()

    async def job() -> None:
        return None

    scheduler.every("a", 1, job)
    with pytest.raises(ValueError):
        scheduler.every("a", 1, job)
    with pytest.raises(ValueError):
        scheduler.every("b", 0, job)


def test_the_worker_registers_the_retention_sweep() -> None:
    settings = Settings(sweep_interval_seconds=3600)
    scheduler = Scheduler()
    register_jobs(scheduler, settings, build_container(settings))
    [sweep] = [j for j in scheduler.jobs if j.name == "retention-sweep"]
    assert sweep.interval == 3600 and sweep.first_after == 60
