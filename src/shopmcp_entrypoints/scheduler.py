"""A small interval scheduler for the worker's periodic jobs (``shopmcp worker``).

Register a job with :meth:`Scheduler.every` (a name, an interval, an async callable taking no
arguments); :meth:`Scheduler.run` runs every job on its own interval until the stop event is
set. A job never overlaps itself (the next run starts ``interval`` after the previous one
ended); jobs run concurrently with each other. A run that raises is logged (the job's name and
the error's class, never its message: it may hold customer data) and the job runs again at its
next interval, so one failing job neither stops the others nor the worker.

Jobs run on every worker process: each must be safe to run concurrently with itself on
another replica (the retention sweep and the meter drain are).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable

import attrs

logger = logging.getLogger("shopmcp.scheduler")

Job = Callable[[], Awaitable[object]]


@attrs.frozen
class ScheduledJob:
    name: str
    interval: float
    job: Job = attrs.field(repr=False)
    # Seconds after start before the first run (0: at once).
    first_after: float = 0.0


@attrs.define
class JobStats:
    runs: int = 0
    failures: int = 0
    last_error: str | None = None
    last_duration: float | None = None


class Scheduler:
    def __init__(self, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._jobs: dict[str, ScheduledJob] = {}
        self._monotonic = monotonic
        self.stats: dict[str, JobStats] = {}

    def every(self, name: str, interval: float, job: Job, *, first_after: float = 0.0) -> None:
        """Run ``job`` every ``interval`` seconds (counted from the end of the previous run),
        the first time ``first_after`` seconds after :meth:`run` starts. Names are unique."""
        if not name or name in self._jobs:
            raise ValueError(f"a job needs a unique name: {name!r}")
        if interval <= 0 or first_after < 0:
            raise ValueError("a job's interval must be positive and its first delay not negative")
        self._jobs[name] = ScheduledJob(name, interval, job, first_after)
        self.stats[name] = JobStats()

    @property
    def jobs(self) -> tuple[ScheduledJob, ...]:
        return tuple(self._jobs.values())

    async def run(self, stop: asyncio.Event) -> None:
        """Run every registered job until ``stop`` is set; a run in flight is awaited."""
        async with asyncio.TaskGroup() as group:
            for scheduled in self._jobs.values():
                group.create_task(self._loop(scheduled, stop), name=f"shopmcp-job-{scheduled.name}")

    async def run_once(self, name: str) -> bool:
        """Run one job now; whether it succeeded (its failure is logged and counted)."""
        scheduled = self._jobs[name]
        stats = self.stats[name]
        started = self._monotonic()
        try:
            await scheduled.job()
        except Exception as error:
            stats.failures += 1
            stats.last_error = type(error).__name__
            logger.error("job %s failed: %s", name, type(error).__name__)
            return False
        finally:
            stats.runs += 1
            stats.last_duration = self._monotonic() - started
        return True

    async def _loop(self, scheduled: ScheduledJob, stop: asyncio.Event) -> None:
        if await _wait(stop, scheduled.first_after):
            return
        while not stop.is_set():
            await self.run_once(scheduled.name)
            if await _wait(stop, scheduled.interval):
                return


async def _wait(stop: asyncio.Event, seconds: float) -> bool:
    """Sleep ``seconds`` or until ``stop``; whether it was stopped."""
    if seconds <= 0:
        return stop.is_set()
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
    return stop.is_set()
