"""Redis stopped mid-load and started again: the documented fallback."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Final

import redis.asyncio as redis_asyncio

from shopmcp_domain.plans import PlanTier
from shopmcp_entrypoints.demo.servers import LocalTls
from tests.resilience import checks, services
from tests.resilience.checks import final_checks, phase_outcomes
from tests.resilience.config import Config
from tests.resilience.load import Load, Outcome, outcomes
from tests.resilience.report import Report
from tests.resilience.standin import slug_for
from tests.resilience.world import Spec, Stack, StandIn, Tenant

# The Redis limiter retries Redis this long after a failure (RedisRateLimiter's default).
REDIS_RETRY_SECONDS: Final = 5.0


async def redis_counters(url: str, tenant: Tenant) -> dict[str, int]:
    client = redis_asyncio.Redis.from_url(url, socket_timeout=1)
    try:
        keys = [
            k async for k in client.scan_iter(match=f"shopmcp:rl:{{ws:{tenant.workspace_id}}}:*")
        ]
        values = [await client.get(k) for k in keys]
    finally:
        await client.aclose()
    return {k.decode(): int(v) for k, v in zip(keys, values, strict=True) if v is not None}


async def test_redis_stopped_mid_load(
    config: Config, report: Report, tls: LocalTls, standin: StandIn, work: Path
) -> None:
    """A private Redis is stopped under load and started again on the same port. While it is
    away the per-process fallback keeps serving and limiting (README: "If Redis is
    unreachable"); once it is back, the limiter returns to it within its retry interval."""
    up, down = config.phase(), config.phase(8.0)
    back = config.phase(REDIS_RETRY_SECONDS + 3.0)
    with report.scenario("redis_down", "private Redis stopped mid-load, then restarted") as sc:
        async with Stack.open(config, tls, standin, work) as stack:
            server = await services.start_redis(stack.logs)
            url = f"redis://127.0.0.1:{server.port}/0"
            try:
                specs = [Spec(slug_for("redis", 0), PlanTier.SOLO)]
                specs += [Spec(slug_for("redis", n)) for n in range(1, 4)]
                tenants = await stack.seed(specs)
                gateway = await stack.start_gateway("gateway", redis_url=url)
                load = Load([t.caller for t in tenants], [gateway.port], [0] * 20 + [1, 2, 3] * 4)
                await load.start()
                await asyncio.sleep(up)
                await server.stop()
                stopped = time.time()
                await asyncio.sleep(down)
                server = await services.start_redis(stack.logs, server.port, "redis-restarted")
                restarted = time.time()
                resumed = await _first_counter(url, tenants[1:], restarted + back)
                await asyncio.sleep(max(0.0, restarted + back - time.time()))
                await load.stop()
                counters = await redis_counters(url, tenants[0])
                gateway.child.check_alive()
                log = gateway.log_text()
                await final_checks(sc, stack, load, tenants)
            finally:
                await server.stop()

        calls = load.calls
        assert load.started_at is not None
        during = load.between(stopped, restarted)
        sc.measured.update(
            {
                "phases": {
                    "redis_up": phase_outcomes(load, load.started_at, stopped),
                    "redis_down": phase_outcomes(load, stopped, restarted),
                    "redis_back": phase_outcomes(load, restarted, time.time()),
                },
                "resumed_on_redis_after_s": resumed,
                "limited_workspace_counters_after": counters,
            }
        )
        checks.check_all_answered(sc, calls, name="served_throughout")
        limited = tenants[0]
        admitted_down = sum(1 for c in during if c.caller == 0 and c.outcome is Outcome.OK)
        refused_down = sum(1 for c in during if c.caller == 0 and c.outcome is Outcome.REFUSED)
        sc.check(
            "limited_while_redis_down",
            refused_down > 0 and admitted_down <= limited.limit,
            f"while Redis was down ({down:g}s): {admitted_down} admitted (limit "
            f"{limited.limit}), {refused_down} refused, for the free-plan workspace",
        )
        others_down = [c for c in during if c.caller != 0]
        sc.check(
            "others_served_while_redis_down",
            bool(others_down) and all(c.outcome is Outcome.OK for c in others_down),
            f"{len(others_down)} calls of the scale-plan workspaces while Redis was down: "
            f"{outcomes(others_down)}",
        )
        sc.check(
            "resumed_on_redis",
            resumed is not None
            and resumed <= REDIS_RETRY_SECONDS + 2.5
            and "leaving degraded mode" in log,
            f"counters back in Redis {resumed}s after its restart (it is retried every "
            f"{REDIS_RETRY_SECONDS:g}s); the gateway logged leaving degraded mode: "
            f"{'leaving degraded mode' in log}",
        )
        sc.check(
            "redis_counts_within_limit_after_return",
            bool(counters) and all(v <= limited.limit for v in counters.values()),
            f"the free-plan workspace's counters in the restarted Redis: {counters}",
        )


async def _first_counter(url: str, tenants: list[Tenant], deadline: float) -> float | None:
    """Seconds from now until a counter of any of these workspaces exists in Redis."""
    started = time.time()
    while time.time() < deadline:
        for tenant in tenants:
            try:
                if await redis_counters(url, tenant):
                    return round(time.time() - started, 2)
            except OSError:
                pass
        await asyncio.sleep(0.1)
    return None
