"""The readiness probes against the real services: PostgreSQL through a TCP relay that can be
frozen (the server stops answering, the sockets stay open: what a stalled database looks like),
Redis up and at a port nobody listens on. KMS: ``tests/integration/vault/``."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator

import asyncpg
import pytest

from shopmcp_adapters.memory import FakeClock
from shopmcp_adapters.postgres.health import PostgresReadiness
from shopmcp_adapters.ratelimit import RedisRateLimiter
from shopmcp_adapters.ratelimit.health import RedisReadiness
from shopmcp_domain.services.readiness import check_readiness
from tests.integration.services import (
    POSTGRES_HOST,
    POSTGRES_PORT,
    REDIS_HOST,
    REDIS_PORT,
    require,
)


class FreezableRelay:
    """Forwards TCP to PostgreSQL until frozen; frozen, it keeps every socket open and passes
    nothing either way."""

    def __init__(self) -> None:
        self.frozen = asyncio.Event()
        self.port = 0
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _serve(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        server_r, server_w = await asyncio.open_connection(POSTGRES_HOST, POSTGRES_PORT)

        async def pump(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            with contextlib.suppress(ConnectionError, asyncio.CancelledError):
                while data := await source.read(65536):
                    if self.frozen.is_set():
                        await asyncio.Event().wait()  # swallow it and everything after
                    sink.write(data)
                    await sink.drain()

        await asyncio.gather(pump(client_r, server_w), pump(server_r, client_w))


@pytest.fixture
async def relay() -> AsyncIterator[FreezableRelay]:
    require("PostgreSQL", POSTGRES_HOST, POSTGRES_PORT)
    running = FreezableRelay()
    await running.start()
    yield running
    await running.stop()


async def test_postgres_is_not_ready_while_frozen_and_ready_when_answering(
    relay: FreezableRelay,
) -> None:
    pool = await asyncpg.create_pool(
        f"postgresql://postgres@127.0.0.1:{relay.port}/postgres", min_size=1, max_size=1
    )
    assert pool is not None
    probe = PostgresReadiness([pool])
    try:
        assert (await check_readiness([probe], limit_seconds=2)).ready

        relay.frozen.set()
        started = asyncio.get_running_loop().time()
        frozen = await check_readiness([probe], limit_seconds=0.5)

        assert frozen.checks == {"postgresql": "timeout"}
        assert asyncio.get_running_loop().time() - started < 2
    finally:
        pool.terminate()


async def test_postgres_is_not_ready_when_unreachable() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nobody listens there
    pool = await asyncpg.create_pool(
        f"postgresql://postgres@127.0.0.1:{port}/postgres", min_size=0, max_size=1
    )
    assert pool is not None
    try:
        found = await check_readiness([PostgresReadiness([pool])], limit_seconds=1)
        assert found.checks == {"postgresql": "unavailable"}
    finally:
        pool.terminate()


async def test_redis_ready_and_not_when_unreachable() -> None:
    require("Redis", REDIS_HOST, REDIS_PORT)
    clock = FakeClock()
    up = RedisRateLimiter.from_url(f"redis://{REDIS_HOST}:{REDIS_PORT}/0", clock)
    down = RedisRateLimiter.from_url("redis://127.0.0.1:1/0", clock)
    try:
        found = await check_readiness([RedisReadiness(up)], limit_seconds=1)
        assert found.ready
        gone = await check_readiness([RedisReadiness(down)], limit_seconds=1)
        assert gone.checks == {"redis": "unavailable"}
    finally:
        await up.aclose()
        await down.aclose()
