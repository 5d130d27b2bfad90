"""The outbox drain worker: a background task that sends the meter outbox to the billing
provider, started and stopped by the application's lifespan."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from shopmcp_domain.limit_ports import Meter
from shopmcp_domain.ports import MeterOutbox
from shopmcp_domain.services.metering import DrainReport, drain_meter_outbox

logger = logging.getLogger(__name__)


class OutboxDrainer:
    """Loops ``drain_meter_outbox`` (one batch per round) until stopped.

    * A full batch settled: the next round starts at once (a backlog drains quickly).
    * A partial batch (the outbox is empty now): wait ``idle_interval`` seconds.
    * A record failed, or the round raised (the outbox's database is down): wait with
      exponential backoff from ``idle_interval`` up to ``max_backoff``, reset by the next
      clean round. A failed record stays in the outbox and is retried later; the meter's
      idempotency (the usage event id as Stripe's ``identifier``) makes resends harmless.

    ``start()`` creates the task on the running loop; ``await stop()`` asks it to finish the
    round in flight, waits up to ``stop_timeout`` seconds, then cancels it, and finally runs
    ``on_stop`` (e.g. closing the meter's HTTP client). Logs carry counts and error classes
    only, never customer ids or payloads.
    """

    def __init__(
        self,
        outbox: MeterOutbox,
        meter: Meter,
        *,
        batch_size: int = 100,
        idle_interval: float = 5.0,
        max_backoff: float = 300.0,
        stop_timeout: float = 10.0,
        on_stop: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        if batch_size < 1 or idle_interval <= 0 or max_backoff < idle_interval:
            raise ValueError("invalid drain schedule")
        self._outbox = outbox
        self._meter = meter
        self._batch_size = batch_size
        self._idle_interval = idle_interval
        self._max_backoff = max_backoff
        self._stop_timeout = stop_timeout
        self._on_stop = on_stop
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()
        self._failures = 0
        self.rounds = 0
        self.totals = DrainReport(sent=0, skipped=0, failed=0, parked=0)

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self) -> None:
        if self._task is not None:
            raise RuntimeError("the drainer was already started")
        self._stopping.clear()
        self._task = asyncio.get_running_loop().create_task(
            self._run(), name="shopmcp-meter-outbox-drainer"
        )

    async def stop(self) -> None:
        task, self._task = self._task, None
        try:
            if task is not None:
                self._stopping.set()
                try:
                    await asyncio.wait_for(asyncio.shield(task), self._stop_timeout)
                except TimeoutError:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
        finally:
            if self._on_stop is not None:
                on_stop, self._on_stop = self._on_stop, None
                await on_stop()

    def next_delay(self, report: DrainReport | None) -> float:
        """Seconds to wait after a round (``None``: the round raised)."""
        if report is None or report.failed:
            self._failures += 1
            return float(min(self._max_backoff, self._idle_interval * 2 ** (self._failures - 1)))
        self._failures = 0
        if report.sent + report.skipped >= self._batch_size:
            return 0.0
        return self._idle_interval

    async def run_once(self) -> DrainReport | None:
        """One round; ``None`` when it raised (logged)."""
        self.rounds += 1
        try:
            report = await drain_meter_outbox(self._outbox, self._meter, self._batch_size)
        except Exception as error:
            logger.warning("meter outbox drain failed: %s", type(error).__name__)
            return None
        self.totals = DrainReport(
            sent=self.totals.sent + report.sent,
            skipped=self.totals.skipped + report.skipped,
            failed=self.totals.failed + report.failed,
            parked=self.totals.parked + report.parked,
        )
        if report.parked:
            logger.error(
                "meter outbox: %d record(s) parked for an operator (shopmcp billing parked)",
                report.parked,
            )
        if report.failed:
            logger.warning(
                "meter outbox: %d sent, %d skipped, %d failed (kept for retry)",
                report.sent,
                report.skipped,
                report.failed,
            )
        elif report.sent:
            logger.debug("meter outbox: %d sent, %d skipped", report.sent, report.skipped)
        return report

    async def _run(self) -> None:
        while not self._stopping.is_set():
            delay = self.next_delay(await self.run_once())
            if delay > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), delay)
            else:
                await asyncio.sleep(0)  # let others run between back-to-back batches
