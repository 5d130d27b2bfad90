"""RedisRateLimiter's own logic (keys, arguments, degraded mode) against a scripted stand-in
for the Redis client: no sockets. The real script runs in tests/integration/ratelimit."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

from shopmcp_adapters.memory import FakeClock
from shopmcp_adapters.ratelimit import RedisRateLimiter, epoch_ms
from shopmcp_adapters.ratelimit import sliding_window as sw
from shopmcp_domain.limit_ports import RateLimiter
from shopmcp_domain.plans import RateLimit

LIMIT = RateLimit(limit=3, window_seconds=60)


class ScriptedRedis:
    """Answers the script like Redis would (by the pure model over real key names), or
    raises what it is told to."""

    def __init__(self) -> None:
        self.counters: dict[str, int] = {}
        self.calls: list[tuple[list[str], list[Any]]] = []
        self.error: Exception | None = None
        self.settled: list[tuple[str, str, int]] = []
        self.pipelines = 0

    def pipeline(self, transaction: bool = True) -> ScriptedPipeline:
        assert not transaction  # INCRBY and PEXPIRE need no MULTI
        return ScriptedPipeline(self)

    def register_script(self, script: str) -> ScriptedRedis:
        assert "INCR" in script and "PEXPIRE" in script
        return self

    async def __call__(self, keys: Sequence[str], args: Sequence[Any]) -> list[int]:
        self.calls.append((list(keys), list(args)))
        if self.error is not None:
            raise self.error
        limit, window, elapsed, _ttl = (int(a) for a in args)
        current = self.counters.get(keys[0], 0)
        previous = self.counters.get(keys[1], 0)
        if not sw.admits(limit, window, elapsed, current, previous):
            return [0, current, previous]
        self.counters[keys[0]] = current + 1
        return [1, current + 1, previous]


class ScriptedPipeline:
    def __init__(self, redis: ScriptedRedis) -> None:
        self.redis = redis
        self.commands: list[tuple[str, str, int]] = []

    async def __aenter__(self) -> ScriptedPipeline:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    def incrby(self, name: str, amount: int) -> None:
        self.commands.append(("incrby", name, amount))

    def pexpire(self, name: str, ttl_ms: int) -> None:
        assert ttl_ms > 0
        self.commands.append(("pexpire", name, ttl_ms))

    async def execute(self) -> list[int]:
        self.redis.pipelines += 1
        if self.redis.error is not None:
            raise self.redis.error
        self.redis.settled.extend(self.commands)
        for command, name, amount in self.commands:
            if command == "incrby":
                self.redis.counters[name] = self.redis.counters.get(name, 0) + amount
        return [1] * len(self.commands)


def make(clock: FakeClock, redis: ScriptedRedis, **options: Any) -> RedisRateLimiter:
    return RedisRateLimiter(redis, clock, **options)  # type: ignore[arg-type]


def test_it_satisfies_the_port() -> None:
    limiter: RateLimiter = make(FakeClock(), ScriptedRedis())
    assert limiter is not None


async def test_keys_are_namespaced_hash_tagged_and_per_window() -> None:
    clock, redis = FakeClock(), ScriptedRedis()
    limiter = make(clock, redis)
    await limiter.hit("ws-1", LIMIT)
    ((keys, args),) = redis.calls
    index = epoch_ms(clock) // 60_000
    assert keys == [f"shopmcp:rl:{{ws-1}}:{index}", f"shopmcp:rl:{{ws-1}}:{index - 1}"]
    elapsed = epoch_ms(clock) % 60_000
    assert args == [3, 60_000, elapsed, 120_000 - elapsed + 1_000]


async def test_decisions_come_from_the_script_counters() -> None:
    clock, redis = FakeClock(), ScriptedRedis()
    limiter = make(clock, redis)
    decisions = [await limiter.hit("ws", LIMIT) for _ in range(4)]
    assert [d.allowed for d in decisions] == [True, True, True, False]
    assert [d.remaining for d in decisions] == [2, 1, 0, 0]
    assert decisions[-1].retry_after > 0
    assert not limiter.degraded


async def test_unreachable_redis_degrades_to_the_fallback_which_still_limits(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock, redis = FakeClock(), ScriptedRedis()
    limiter = make(clock, redis, retry_interval=5.0, warn_interval=60.0)
    redis.error = RedisConnectionError("Error 111 connecting to redis://:hunter2@db:6379")
    with caplog.at_level(logging.WARNING):
        decisions = [await limiter.hit("ws", LIMIT) for _ in range(5)]
    assert [d.allowed for d in decisions] == [True, True, True, False, False]
    assert limiter.degraded
    # Only the first request went to Redis: the others did not wait for a timeout.
    assert len(redis.calls) == 1
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "ConnectionError" in warnings[0].getMessage()
    assert "hunter2" not in caplog.text and "redis://" not in caplog.text


async def test_after_the_retry_interval_one_probe_returns_to_redis() -> None:
    clock, redis = FakeClock(), ScriptedRedis()
    limiter = make(clock, redis, retry_interval=5.0)
    redis.error = RedisTimeoutError("timeout")
    await limiter.hit("ws", LIMIT)
    clock.advance(4.9)
    await limiter.hit("ws", LIMIT)
    assert len(redis.calls) == 1
    clock.advance(0.2)
    redis.error = None
    decision = await limiter.hit("ws", LIMIT)
    assert len(redis.calls) == 2
    assert decision.allowed and not limiter.degraded
    # Back on Redis: its counter holds the 2 admitted in process during the outage (added by
    # the probe before it ran the script) and the probe itself.
    assert sum(redis.counters.values()) == 3
    assert [c for c, _, _ in redis.settled] == ["incrby", "pexpire"]


async def test_a_failed_probe_stays_degraded_and_warns_at_most_once_per_interval(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock, redis = FakeClock(), ScriptedRedis()
    limiter = make(clock, redis, retry_interval=5.0, warn_interval=60.0)
    redis.error = RedisConnectionError("refused")
    with caplog.at_level(logging.WARNING):
        for _ in range(30):  # 30 probes, 6 s apart: 180 s of outage
            await limiter.hit("ws", LIMIT)
            clock.advance(6.0)
    # Each probe reached Redis once: the first ran the script, the others first tried to add
    # the requests admitted in process meanwhile, and failed there.
    assert len(redis.calls) + redis.pipelines == 30
    assert limiter.degraded
    assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 3


async def test_a_script_error_is_raised_not_hidden_as_an_outage() -> None:
    clock, redis = FakeClock(), ScriptedRedis()
    limiter = make(clock, redis)
    redis.error = ResponseError("ERR Error running script")
    with pytest.raises(ResponseError):
        await limiter.hit("ws", LIMIT)
    assert not limiter.degraded
    assert limiter.fallback_decisions == 0


async def test_while_one_request_probes_redis_the_others_stay_on_the_fallback() -> None:
    clock, redis = FakeClock(), ScriptedRedis()
    limiter = make(clock, redis, retry_interval=5.0)
    redis.error = RedisConnectionError("refused")
    await limiter.hit("ws", LIMIT)
    clock.advance(5.0)
    redis.error = None
    gate = asyncio.Event()

    async def slow(keys: Sequence[str], args: Sequence[Any]) -> list[int]:
        await gate.wait()  # Redis is slow to answer the probe
        return await redis(keys, args)

    limiter._script = slow  # type: ignore[assignment]
    probe = asyncio.ensure_future(limiter.hit("ws", LIMIT))
    await asyncio.sleep(0)
    others = [await limiter.hit("ws", LIMIT) for _ in range(2)]
    assert limiter.fallback_decisions == 3  # the outage hit and the two during the probe
    assert [d.allowed for d in others] == [True, True]
    gate.set()
    assert (await probe).allowed
    assert not limiter.degraded


async def test_an_outage_keeps_counting_from_what_redis_already_admitted() -> None:
    # The load scenario's defect: a fallback counting from zero admitted a second limit.
    clock, redis = FakeClock(), ScriptedRedis()
    limiter = make(clock, redis, retry_interval=5.0)
    assert [(await limiter.hit("ws", LIMIT)).allowed for _ in range(2)] == [True, True]
    redis.error = RedisTimeoutError("every pooled connection busy")
    during = [(await limiter.hit("ws", LIMIT)).allowed for _ in range(4)]
    assert during == [True, False, False, False]
    assert limiter.degraded
    # Another key Redis never saw starts from zero, as it would on Redis.
    assert [(await limiter.hit("other", LIMIT)).allowed for _ in range(4)] == [True] * 3 + [False]


async def test_the_window_where_redis_returns_counts_what_was_admitted_in_process() -> None:
    clock, redis = FakeClock(), ScriptedRedis()
    limiter = make(clock, redis, retry_interval=5.0)
    redis.error = RedisConnectionError("refused")
    assert [(await limiter.hit("ws", LIMIT)).allowed for _ in range(3)] == [True] * 3
    clock.advance(5.0)
    redis.error = None
    # Redis is back but its counter for this window is empty: without the settlement the
    # probe and two more would be admitted on top of the 3 already served.
    after = [await limiter.hit("ws", LIMIT) for _ in range(2)]
    assert [d.allowed for d in after] == [False, False]
    assert not limiter.degraded
    index = epoch_ms(clock) // 60_000
    assert redis.counters == {f"shopmcp:rl:{{ws}}:{index}": 3}


async def test_a_failed_settlement_keeps_the_debt_for_the_next_probe() -> None:
    clock, redis = FakeClock(), ScriptedRedis()
    limiter = make(clock, redis, retry_interval=5.0)
    redis.error = RedisConnectionError("refused")
    await limiter.hit("ws", LIMIT)
    clock.advance(5.0)
    await limiter.hit("ws", LIMIT)  # the probe fails again: still owed, now 2
    assert limiter.degraded and redis.counters == {}
    clock.advance(5.0)
    redis.error = None
    assert (await limiter.hit("ws", LIMIT)).allowed
    assert sum(redis.counters.values()) == 3


async def test_debts_of_windows_that_no_longer_weigh_are_dropped() -> None:
    clock, redis = FakeClock(), ScriptedRedis()
    limiter = make(clock, redis, retry_interval=5.0)
    redis.error = RedisConnectionError("refused")
    await limiter.hit("ws", LIMIT)
    clock.advance(180.0)  # three windows later
    redis.error = None
    await limiter.hit("ws", LIMIT)
    assert redis.settled == []
    assert sum(redis.counters.values()) == 1
