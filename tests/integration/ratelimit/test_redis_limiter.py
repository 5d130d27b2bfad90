"""What only the Redis limiter promises: real keys with TTLs in Redis, the script agreeing
with the pure model, NOSCRIPT recovery, several OS processes sharing one budget, and a
bounded degraded mode when Redis is unreachable."""

from __future__ import annotations

import asyncio
import logging
import os
import random
import socket
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from redis.asyncio import Redis

from shopmcp_adapters.memory import FakeClock
from shopmcp_adapters.ratelimit import RedisRateLimiter, SlidingWindowCounter, epoch_ms
from shopmcp_domain.plans import RateLimit
from tests.integration.ratelimit.conftest import delete_namespace, unique_namespace
from tests.integration.services import REDIS_HOST, REDIS_PORT

ROOT = Path(__file__).resolve().parents[3]
LIMIT = RateLimit(limit=10, window_seconds=60)


@pytest.fixture
async def namespace(redis_client: Redis) -> AsyncIterator[str]:
    name = unique_namespace()
    yield name
    await delete_namespace(redis_client, name)


async def test_counters_are_namespaced_keys_with_a_bounded_ttl(
    redis_client: Redis, namespace: str
) -> None:
    clock = FakeClock()
    limiter = RedisRateLimiter(redis_client, clock, namespace=namespace)
    clock.advance(15.0)
    for _ in range(3):
        await limiter.hit("ws-1", LIMIT)
    index = epoch_ms(clock) // 60_000
    keys = sorted([k.decode() async for k in redis_client.scan_iter(match=f"{namespace}:*")])
    assert keys == [f"{namespace}:{{ws-1}}:{index}"]
    assert await redis_client.get(keys[0]) == b"3"
    ttl_ms = await redis_client.pttl(keys[0])
    # Until the end of the next window (105 s from now) plus the 1 s margin.
    assert 105_000 < ttl_ms <= 106_000


async def test_the_script_agrees_with_the_pure_model_decision_for_decision(
    redis_client: Redis, namespace: str
) -> None:
    rng = random.Random(7)
    clock = FakeClock()
    limiter = RedisRateLimiter(redis_client, clock, namespace=namespace)
    model = SlidingWindowCounter()
    rates = [RateLimit(limit=5, window_seconds=2), RateLimit(limit=7, window_seconds=3.5)]
    for _ in range(600):
        clock.advance(rng.choice([0.0, 0.0, 0.013, 0.1, 0.37, 1.0, 2.9]))
        key, rate = rng.choice(["a", "b"]), rng.choice(rates)
        got = await limiter.hit(f"{key}{rate.window_seconds}", rate)
        want = model.hit(f"{key}{rate.window_seconds}", rate, epoch_ms(clock))
        assert got == want


async def test_an_unknown_script_sha_is_recovered_from(redis_client: Redis, namespace: str) -> None:
    clock = FakeClock()
    limiter = RedisRateLimiter(redis_client, clock, namespace=namespace)
    # As if the server restarted (or failed over) and forgot the script: EVALSHA answers
    # NOSCRIPT; the Script helper loads the script and runs it.
    limiter._script.sha = "0" * 40
    assert (await limiter.hit("ws", LIMIT)).allowed
    assert limiter._script.sha != "0" * 40
    assert limiter.fallback_decisions == 0


async def test_from_url_builds_a_working_limiter(namespace: str) -> None:
    clock = FakeClock()
    limiter = RedisRateLimiter.from_url(
        f"redis://{REDIS_HOST}:{REDIS_PORT}/0",
        clock,
        namespace=namespace,
    )
    try:
        assert sum([(await limiter.hit("ws", LIMIT)).allowed for _ in range(12)]) == 10
        assert not limiter.degraded
    finally:
        await limiter.aclose()


async def test_two_os_processes_share_one_budget(namespace: str) -> None:
    """Two gateway processes, 100 concurrent hits each, limit 50: exactly 50 admitted."""
    env = {**os.environ, "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}"}
    url = f"redis://{REDIS_HOST}:{REDIS_PORT}/0"
    args = [sys.executable, str(Path(__file__).with_name("_hammer.py")), url, namespace]
    procs = [
        await asyncio.create_subprocess_exec(
            *args,
            "100",
            "50",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            env=env,
            cwd=ROOT,
        )
        for _ in range(2)
    ]
    try:
        for proc in procs:
            assert proc.stdout is not None
            line = await asyncio.wait_for(proc.stdout.readline(), 30)
            assert line.strip() == b"ready"
        for proc in procs:
            assert proc.stdin is not None
            proc.stdin.write(b"go\n")
            await proc.stdin.drain()
        outputs = [await asyncio.wait_for(proc.communicate(), 30) for proc in procs]
    finally:
        for proc in procs:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
    results = [tuple(int(v) for v in out.split()) for out, _ in outputs]
    assert [proc.returncode for proc in procs] == [0, 0]
    assert all(fallback == 0 for _, fallback in results)
    assert sum(admitted for admitted, _ in results) == 50


# --------------------------------------------------------------------------- Redis unreachable


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A port that accepts TCP connections (into the backlog) and never answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        yield int(sock.getsockname()[1])


async def _outage(port: int, caplog: pytest.LogCaptureFixture) -> None:
    clock = FakeClock()
    limiter = RedisRateLimiter.from_url(
        f"redis://127.0.0.1:{port}/0",
        clock,
        retry_interval=5.0,
        warn_interval=60.0,
    )
    try:
        started = time.perf_counter()
        with caplog.at_level(logging.WARNING, logger="shopmcp_adapters.ratelimit"):
            decisions = [await limiter.hit("ws", LIMIT) for _ in range(15)]
        elapsed = time.perf_counter() - started
        # Fail open, but still limited: the per-process fallback admits exactly the limit.
        assert [d.allowed for d in decisions] == [True] * 10 + [False] * 5
        assert limiter.degraded and limiter.fallback_decisions == 15
        # One request paid for the failure (bounded by the short timeouts); the rest did not.
        assert elapsed < 1.0
        warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
        assert len(warnings) == 1
        assert str(port) not in caplog.text
    finally:
        await limiter.aclose()


async def test_a_closed_port_degrades_to_the_in_process_fallback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    await _outage(closed_port(), caplog)


async def test_a_server_that_never_answers_times_out_quickly_and_degrades(
    silent_server: int, caplog: pytest.LogCaptureFixture
) -> None:
    await _outage(silent_server, caplog)


class SwitchableProxy:
    """A loopback TCP forwarder to the real Redis that can be taken down (connections
    refused, open ones cut) and brought back on the same port: a Redis outage on demand."""

    def __init__(self) -> None:
        self.port = closed_port()
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    async def up(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)

    async def down(self) -> None:
        assert self._server is not None
        self._server.close()
        for writer in self._writers:
            writer.close()
        await self._server.wait_closed()
        self._server = None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection(REDIS_HOST, REDIS_PORT)
        self._writers |= {writer, up_writer}

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            try:
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                dst.close()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))


async def test_an_outage_mid_traffic_degrades_and_recovery_returns_to_redis(
    redis_client: Redis, namespace: str
) -> None:
    proxy = SwitchableProxy()
    await proxy.up()
    clock = FakeClock()
    limiter = RedisRateLimiter.from_url(
        f"redis://127.0.0.1:{proxy.port}/0",
        clock,
        namespace=namespace,
        retry_interval=5.0,
    )
    try:
        for _ in range(4):
            assert (await limiter.hit("ws", LIMIT)).allowed
        assert not limiter.degraded
        await proxy.down()
        assert (await limiter.hit("ws", LIMIT)).allowed  # fails open, into the fallback
        assert limiter.degraded
        await proxy.up()
        clock.advance(4.0)
        await limiter.hit("ws", LIMIT)  # still inside the retry interval: not asked yet
        assert limiter.degraded
        clock.advance(1.0)
        decision = await limiter.hit("ws", LIMIT)
        assert not limiter.degraded
        # Redis decides again: its counter holds the 4 before, the 2 admitted in process
        # during the outage (added back by the probe) and this 1.
        assert decision.remaining == 10 - 7
        assert limiter.fallback_decisions == 2
    finally:
        await limiter.aclose()
        if proxy._server is not None:
            await proxy.down()
