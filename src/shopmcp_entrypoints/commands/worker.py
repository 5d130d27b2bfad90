"""``shopmcp worker``: the background jobs, as a process of their own.

* The meter-outbox drain loop the gateway otherwise runs in its lifespan (usage sent to Stripe
  meter events; its own loop, with backoff). Deployments that separate it run ``shopmcp
  worker`` beside the gateway and start the gateway with ``SHOPMCP_RUN_WORKER_IN_GATEWAY=false``;
  running both is harmless (claims never hand one record to two drainers), only wasteful.
* The scheduled sweeps, on a :class:`~shopmcp_entrypoints.scheduler.Scheduler`. A new periodic
  job is one line in :func:`register_jobs`: ``scheduler.every(name, interval_seconds, job)``.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from shopmcp_entrypoints.scheduler import Scheduler
from shopmcp_entrypoints.settings import Settings

if TYPE_CHECKING:
    from shopmcp_entrypoints.container import Container

logger = logging.getLogger("shopmcp.worker")


async def run_worker(
    settings: Settings, container: Container | None = None, stop: asyncio.Event | None = None
) -> None:
    """Run the jobs until ``stop`` is set (by default: SIGINT, SIGTERM or SIGHUP)."""
    from shopmcp_entrypoints.container import (
        build_container,
        resolve,
    )
    from shopmcp_entrypoints.lifecycle import stop_requested

    container = container or build_container(settings)
    scheduler = Scheduler()
    register_jobs(scheduler, settings, container)
    try:
        drainer = await resolve(container.outbox_drainer)
        if drainer is None:
            logger.warning(
                "billing is not configured (SHOPMCP_STRIPE_API_KEY unset): the meter outbox "
                "accumulates and nothing is drained"
            )
        else:
            drainer.start()
            logger.info("draining the meter outbox to Stripe")
        try:
            if stop is not None:
                await scheduler.run(stop)
            else:
                async with stop_requested() as signalled:
                    await scheduler.run(signalled.event)
        finally:
            if drainer is not None:
                await drainer.stop()
                logger.info(
                    "worker stopped: %d sent, %d failed", drainer.totals.sent, drainer.totals.failed
                )
    finally:
        await resolve(container.shutdown_resources)


def register_jobs(scheduler: Scheduler, settings: Settings, container: Container) -> None:
    """The worker's periodic jobs. Each resolves what it needs when it runs, so a worker whose
    jobs have not run yet opened nothing for them."""
    from shopmcp_domain.services.sweep import sweep
    from shopmcp_entrypoints.container import provided

    async def retention_sweep() -> None:
        report = await sweep(await provided(container.retention), await provided(container.clock))
        logger.info("retention sweep: %s", "; ".join(report.lines()[:1] + report.lines()[-5:]))

    # The first sweep a minute after start (a worker that restarts in a loop does not sweep in
    # a loop), then every SHOPMCP_SWEEP_INTERVAL_SECONDS.
    scheduler.every(
        "retention-sweep", settings.sweep_interval_seconds, retention_sweep, first_after=60.0
    )


def worker() -> None:
    """Run the background jobs (the meter-outbox drain to Stripe) until Ctrl-C, SIGTERM or
    SIGHUP. For deployments that run them apart from the gateway."""
    from shopmcp_adapters.observability import configure_logging, init_sentry

    settings = Settings()
    configure_logging(json_lines=settings.log_format == "json")
    init_sentry(
        settings.sentry_dsn.get_secret_value() if settings.sentry_dsn else None,
        settings.environment,
    )
    asyncio.run(run_worker(settings))
