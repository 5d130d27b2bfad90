"""How long a change made through the tenant store (as the CLI or the dashboard makes it, from
another process) takes to be honoured by a gateway replica.

A :class:`Poller` sends the same MCP request to one replica every ``interval`` seconds on a
persistent connection and keeps every answer. :func:`measure_change` starts one poller per
replica, checks that none sees the change yet, makes the change, notes when its transaction
committed, and waits until every replica's answers show it. Per replica it reports the first
answer showing the change, as seconds after the commit: an upper bound of the propagation
delay (that answer was decided by then), and, as a lower bound, when the last request that
still saw the old state was sent. After its first answer showing the change, a replica must
never show the old state again.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Final

import attrs
from benchmarks.hot_path import loadgen

from tests.resilience.load import LOOPBACK

POLL_INTERVAL: Final = 0.02
# Seconds within which every replica must honour a change (the bound).
PROPAGATION_LIMIT: Final = 1.0


@attrs.frozen
class Answer:
    sent: float
    received: float
    status: int
    body: bytes


@attrs.define
class Poller:
    port: int
    request: bytes
    interval: float = POLL_INTERVAL
    answers: list[Answer] = attrs.Factory(list)

    async def run(self, stop: asyncio.Event) -> None:
        reader, writer = await asyncio.open_connection(LOOPBACK, self.port, limit=1 << 20)
        try:
            while not stop.is_set():
                sent = time.time()
                writer.write(self.request)
                status, _, body, closes = await loadgen.read_response_with_head(reader)
                self.answers.append(Answer(sent, time.time(), status, body))
                if closes:
                    writer.close()
                    reader, writer = await asyncio.open_connection(LOOPBACK, self.port)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self.interval)
        finally:
            writer.close()


@attrs.frozen
class Propagation:
    replica: str
    seen_after_s: float | None  # first answer showing the change, after the commit
    stale_until_s: float | None  # the last request still answered with the old state was sent
    answers_after_commit: int
    flapped: bool  # the old state was seen again after the change had been seen

    def as_json(self) -> dict[str, Any]:
        return attrs.asdict(self)

    @property
    def within_limit(self) -> bool:
        return (
            self.seen_after_s is not None
            and self.seen_after_s <= PROPAGATION_LIMIT
            and not self.flapped
        )


async def measure_change(
    replicas: Sequence[tuple[str, int]],
    request: bytes,
    changed: Callable[[Answer], bool],
    change: Callable[[], Awaitable[float | None]],
    *,
    baseline_seconds: float = 0.3,
    give_up_after: float = 5.0,
) -> tuple[list[Propagation], bool]:
    """Per replica, how long after ``change()`` committed its answers were ``changed``; and
    whether no replica showed the change before it was made. ``change()`` may return when it
    committed (epoch seconds), else the moment it returns is taken."""
    stop = asyncio.Event()
    pollers = [Poller(port, request) for _, port in replicas]
    tasks = [asyncio.create_task(p.run(stop)) for p in pollers]
    try:
        await asyncio.sleep(baseline_seconds)
        # The change may say when it committed (no later than it returns).
        committed = await change() or time.time()
        deadline = committed + give_up_after
        while time.time() < deadline:
            if all(any(changed(a) for a in p.answers if a.sent >= committed) for p in pollers):
                break
            await asyncio.sleep(POLL_INTERVAL)
        await asyncio.sleep(0.2)  # a few more answers, to see that none goes back
    finally:
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
    clean_baseline = all(
        not changed(a) for p in pollers for a in p.answers if a.received < committed
    )
    return [
        _propagation(name, p, committed, changed)
        for (name, _), p in zip(replicas, pollers, strict=True)
    ], clean_baseline


def _propagation(
    name: str, poller: Poller, committed: float, changed: Callable[[Answer], bool]
) -> Propagation:
    after = [a for a in poller.answers if a.received >= committed]
    first_seen = next((a for a in after if changed(a)), None)
    stale = [a for a in after if not changed(a)]
    flapped = first_seen is not None and any(a.sent > first_seen.received for a in stale)
    return Propagation(
        replica=name,
        seen_after_s=None if first_seen is None else round(first_seen.received - committed, 3),
        stale_until_s=round(max(a.sent for a in stale) - committed, 3) if stale else None,
        answers_after_commit=len(after),
        flapped=flapped,
    )
