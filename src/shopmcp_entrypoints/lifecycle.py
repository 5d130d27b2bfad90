"""How processes stop: the same orderly shutdown for Ctrl-C (SIGINT), ``kill`` and container
runtimes (SIGTERM) and a closed terminal (SIGHUP).

Long-running commands (``serve``, ``worker``, ``demo``) own their event loop and wait on
:func:`stop_requested`; their servers are :class:`ManagedServer`, which leaves signals to
them. Every other command gets :func:`exit_cleanly_on_signals`: by default SIGTERM and SIGHUP
kill a Python process outright, skipping the ``atexit`` hooks through which the embedded
PostgreSQL learns that this process no longer uses it.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import AsyncIterator, Iterator
from types import FrameType

import attrs
import uvicorn

STOP_SIGNALS: tuple[signal.Signals, ...] = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def _exit(signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def exit_cleanly_on_signals() -> None:
    """SIGTERM and SIGHUP raise ``SystemExit`` (unwinding ``finally`` blocks and running
    ``atexit`` hooks) instead of killing the process."""
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _exit)


@attrs.define
class StopRequest:
    """Set by the first stop signal; ``repeated`` by a second one (a user who presses Ctrl-C
    again during shutdown wants it over with)."""

    event: asyncio.Event = attrs.Factory(asyncio.Event)
    count: int = 0

    @property
    def repeated(self) -> bool:
        return self.count > 1

    def _signalled(self) -> None:
        self.count += 1
        self.event.set()

    async def wait(self) -> None:
        await self.event.wait()


@contextlib.asynccontextmanager
async def stop_requested() -> AsyncIterator[StopRequest]:
    """A :class:`StopRequest` set by SIGINT, SIGTERM or SIGHUP while the block runs."""
    loop = asyncio.get_running_loop()
    request = StopRequest()
    for sig in STOP_SIGNALS:
        loop.add_signal_handler(sig, request._signalled)
    try:
        yield request
    finally:
        for sig in STOP_SIGNALS:
            loop.remove_signal_handler(sig)


class ManagedServer(uvicorn.Server):
    """uvicorn's server without its own signal handlers (which cover SIGINT and SIGTERM only,
    and replay the signal once stopped): the command that owns the loop decides when it
    stops, through ``should_exit``."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


async def serve_until_stopped(server: uvicorn.Server) -> None:
    """Run ``server`` until it ends or a stop signal arrives; then shut it down gracefully
    (its lifespan's shutdown closes pools and leaves the embedded PostgreSQL), or at once on
    a second signal."""
    async with stop_requested() as stop:
        serving = asyncio.create_task(server.serve())
        stopping = asyncio.create_task(stop.wait())
        await asyncio.wait({serving, stopping}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        server.should_exit = True
        while not serving.done():
            if stop.repeated:
                server.force_exit = True
            await asyncio.wait({serving}, timeout=0.2)
        serving.result()
