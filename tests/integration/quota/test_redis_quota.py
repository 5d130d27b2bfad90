"""The Redis quota counter: the QuotaCounter port suite, and exact refusals across two OS
processes sharing one Redis."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any

import pytest
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

from shopmcp_adapters.quota import RedisQuotaCounter
from shopmcp_domain.ids import WorkspaceId, new_workspace_id
from shopmcp_domain.limit_ports import QuotaCounter
from tests.integration.quota.race import allowed_across_processes
from tests.integration.services import REDIS_HOST, REDIS_PORT, require
from tests.ports.quota import MONTH, SUITE

Check = Callable[[QuotaCounter, Callable[[], Coroutine[Any, Any, WorkspaceId]]], Any]


@pytest.fixture
async def namespace() -> AsyncIterator[str]:
    require("Redis", REDIS_HOST, REDIS_PORT)
    namespace = f"test:{uuid.uuid4().hex}:quota"
    yield namespace
    client = Redis(host=REDIS_HOST, port=REDIS_PORT)
    keys = [key async for key in client.scan_iter(match=f"{namespace}:*", count=1000)]
    if keys:
        await client.delete(*keys)
    await client.aclose()


@pytest.mark.parametrize("check", SUITE, ids=lambda c: c.__name__)
async def test_the_redis_counter_keeps_the_port(check: Check, namespace: str) -> None:
    client = Redis(host=REDIS_HOST, port=REDIS_PORT)
    try:

        async def new() -> WorkspaceId:
            return new_workspace_id()

        await check(RedisQuotaCounter(client, namespace=namespace), new)
    finally:
        await client.aclose()


async def test_a_months_key_expires_after_the_review_needs_it(namespace: str) -> None:
    client = Redis(host=REDIS_HOST, port=REDIS_PORT)
    try:
        counter = RedisQuotaCounter(client, namespace=namespace)
        ws = new_workspace_id()
        await counter.count(ws, MONTH, 5, overage=False)
        ttl = await client.ttl(counter.key(ws, MONTH))
        assert 60 * 24 * 3600 < ttl <= 70 * 24 * 3600
    finally:
        await client.aclose()


async def test_two_os_processes_are_refused_exactly_past_the_quota(namespace: str) -> None:
    """Two gateway processes, 150 concurrent calls each, quota 100: exactly 100 allowed."""
    url = f"redis://{REDIS_HOST}:{REDIS_PORT}/0"
    ws = new_workspace_id()
    allowed = await allowed_across_processes("redis", url, namespace, str(ws), 150, 100)
    assert sum(allowed) == 100
    client = Redis(host=REDIS_HOST, port=REDIS_PORT)
    try:
        assert await RedisQuotaCounter(client, namespace=namespace).used(ws, MONTH) == 100
    finally:
        await client.aclose()


async def test_an_outage_counts_in_process_from_the_last_count_and_catches_up(
    namespace: str,
) -> None:
    client = Redis(host=REDIS_HOST, port=REDIS_PORT)
    try:
        counter = RedisQuotaCounter(client, namespace=namespace, retry_interval=0.0)
        ws = new_workspace_id()
        for _ in range(2):
            await counter.count(ws, MONTH, 3, overage=False)
        script = counter._script

        async def unreachable(*_: object, **__: object) -> object:
            raise RedisConnectionError("connection refused")

        counter._script = unreachable  # type: ignore[assignment]
        during = [await counter.count(ws, MONTH, 3, overage=False) for _ in range(2)]
        # From Redis's last count (2): one more allowed, then refused; the gateway keeps going.
        assert [(d.allowed, d.used) for d in during] == [(True, 3), (False, 3)]
        assert counter.fallback_decisions == 2

        counter._script = script
        after = await counter.count(ws, MONTH, 3, overage=False)
        # The call counted in process was added to Redis before this one was decided.
        assert (after.allowed, after.used) == (False, 3)
        assert await counter.used(ws, MONTH) == 3
    finally:
        await client.aclose()


async def test_a_closed_port_degrades_to_counting_in_process() -> None:
    counter = RedisQuotaCounter.from_url("redis://127.0.0.1:1/0", namespace="unreachable")
    try:
        ws = new_workspace_id()
        decisions = [await counter.count(ws, MONTH, 2, overage=False) for _ in range(3)]
        assert [d.allowed for d in decisions] == [True, True, False]
        assert counter.fallback_decisions == 3
    finally:
        await counter.aclose()


async def test_concurrent_calls_after_an_outage_add_its_count_to_redis_once(
    namespace: str,
) -> None:
    # The resilience load scenario found it: calls arriving together when Redis answers again
    # each flushed the same pending count (added twice, then a KeyError as an internal error).
    client = Redis(host=REDIS_HOST, port=REDIS_PORT)
    try:
        counter = RedisQuotaCounter(client, namespace=namespace, retry_interval=0.0)
        workspaces = [new_workspace_id() for _ in range(3)]
        script = counter._script

        async def unreachable(*_: object, **__: object) -> object:
            raise RedisConnectionError("connection refused")

        counter._script = unreachable  # type: ignore[assignment]
        for ws in workspaces:
            for _ in range(4):
                await counter.count(ws, MONTH, 100, overage=False)
        counter._script = script
        decisions = await asyncio.gather(
            *(counter.count(ws, MONTH, 100, overage=False) for ws in workspaces for _ in range(5))
        )
        assert all(d.allowed for d in decisions)
        assert [await counter.used(ws, MONTH) for ws in workspaces] == [4 + 5] * 3
    finally:
        await client.aclose()
