"""One pass down the request path: each HTTP request asks the key directory once and the rate
limiter once, and a refused tools/call is still answered as a tool error and audited once."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import AsyncIterator
from typing import Any

import attrs
import pytest

from shopmcp_adapters.memory import InMemoryRateLimiter
from shopmcp_domain.errors import UsageStatus
from shopmcp_domain.keys import NO_SUCH_PREFIX
from shopmcp_domain.limit_ports import RateLimitDecision
from shopmcp_domain.plans import PlanTier, RateLimit, billing_month
from shopmcp_domain.ports import (
    ToolOutput,
    UpstreamCall,
)
from tests.factories import World
from tests.unit.entrypoints.harness import Gateway, running_gateway

SOLO_LIMIT = PlanTier.SOLO.rate_limit.limit

INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-11-25",
        "capabilities": {},
        "clientInfo": {"name": "test", "version": "1"},
    },
}
LIST = {"jsonrpc": "2.0", "id": 2, "method": "tools/list"}
CALL = {
    "jsonrpc": "2.0",
    "id": 3,
    "method": "tools/call",
    "params": {"name": "shopify_get_thing", "arguments": {"thing_id": 1}},
}
REQUESTS = {"initialize": INITIALIZE, "tools/list": LIST, "tools/call": CALL}


@attrs.define
class CountingLimiter:
    """The in-memory limiter, counting every hit; ``down`` makes it fail like a lost Redis."""

    inner: InMemoryRateLimiter
    hits: int = 0
    down: bool = False

    async def hit(self, key: str, limit: RateLimit) -> RateLimitDecision:
        self.hits += 1
        if self.down:
            raise ConnectionError("redis://:hunter2@cache unreachable")
        return await self.inner.hit(key, limit)


@attrs.define
class Counted:
    gateway: Gateway
    limiter: CountingLimiter
    lookups: list[str]


@pytest.fixture
async def counted(world: World) -> AsyncIterator[Counted]:
    limiter = CountingLimiter(world.limiter)
    world.limiter = limiter  # type: ignore[assignment]
    world.upstream.answer("shopify_get_thing", _thing)
    lookups: list[str] = []
    real_find = world.store.load

    async def counting_find(prefix: str) -> Any:
        lookups.append(prefix)
        return await real_find(prefix)

    world.store.load = counting_find  # type: ignore[method-assign]
    async with running_gateway(world) as gateway:
        yield Counted(gateway, limiter, lookups)


def _thing(call: UpstreamCall) -> ToolOutput:
    return ToolOutput({"thing_id": 1, "title": "T"}, "ok")


async def _audit(gateway: Gateway, workspace_id: Any) -> tuple[list[Any], list[Any]]:
    """The workspace's usage rows and every meter-outbox row."""
    async with gateway.world.store.unit_of_work(workspace_id) as uow:
        usage = list(await uow.usage.recent(1000))
    return usage, list(await gateway.world.store.claim(1000))


@pytest.mark.parametrize("method", sorted(REQUESTS))
async def test_each_request_asks_the_key_directory_once_and_the_limiter_once(
    counted: Counted, method: str
) -> None:
    _, issued = await counted.gateway.world.tenant()
    for n in range(1, 4):
        response = await counted.gateway.post(f"/mcp/{issued.token}", REQUESTS[method])
        assert response.status_code == 200
        assert "error" not in response.json()
        assert counted.limiter.hits == n
        assert counted.lookups == [issued.key.prefix] * n
        assert response.headers["ratelimit-remaining"] == str(SOLO_LIMIT - n)


@pytest.mark.parametrize(
    "token", ["", "not-a-token", "smcp_" + "a" * 12 + "_" + "B" * 43, "smcp_%00_x"]
)
async def test_a_refused_token_costs_one_lookup_and_never_reaches_the_limiter(
    counted: Counted, token: str
) -> None:
    await counted.gateway.world.tenant()
    response = await counted.gateway.post(f"/mcp/{token}" if token else "/mcp", CALL)
    assert response.status_code == 401
    assert len(counted.lookups) == 1
    assert counted.limiter.hits == 0


async def test_a_malformed_token_looks_up_a_prefix_no_key_can_have(counted: Counted) -> None:
    await counted.gateway.world.tenant()
    await counted.gateway.post("/mcp/not-a-token", LIST)
    assert counted.lookups == [NO_SUCH_PREFIX]


async def _refuse(counted: Counted, refusal: str) -> Any:
    """A fresh workspace whose next request ``refusal`` refuses; returns (workspace, token)."""
    world = counted.gateway.world
    workspace, issued = await world.tenant()
    if refusal == "rate_limited":
        for _ in range(SOLO_LIMIT):
            await world.limiter.hit(f"ws:{workspace.id}", workspace.plan.rate_limit)
    elif refusal == "workspace_inactive":
        async with world.store.unit_of_work(workspace.id) as uow:
            await uow.workspaces.update(workspace.mark_pending_deletion())
    elif refusal == "quota_exhausted":
        month = billing_month(world.clock.now())
        world.quota.counts[(workspace.id, month)] = workspace.plan.plan.monthly_calls
    elif refusal == "quota_unavailable":
        world.quota.fail_next = ConnectionError("the counter's store is down")
    else:
        counted.limiter.down = True
    counted.limiter.hits = 0
    return workspace, issued.token


CALL_REFUSALS = {
    # refusal: (usage status, the tool error's text starts with, limiter hits)
    "rate_limited": (UsageStatus.RATE_LIMITED, "rate limit of 300 requests per 60s reached", 1),
    "workspace_inactive": (
        UsageStatus.WORKSPACE_INACTIVE,
        "this workspace is pending deletion and serves no tools",
        0,
    ),
    "limiter_unavailable": (
        UsageStatus.INTERNAL_ERROR,
        "internal error: the call failed inside the gateway and was recorded",
        1,
    ),
    # Past the month's quota (no overage on Solo): not retryable, and it says why and until when.
    "quota_exhausted": (
        UsageStatus.QUOTA_EXHAUSTED,
        "the Solo plan's 3,000 tool calls this month are used up; calls resume at ",
        1,
    ),
    # The counter could not answer: refused like a limiter that cannot (fail closed).
    "quota_unavailable": (
        UsageStatus.INTERNAL_ERROR,
        "internal error: the call failed inside the gateway and was recorded",
        1,
    ),
}


@pytest.mark.parametrize("refusal", sorted(CALL_REFUSALS))
async def test_a_refused_tools_call_is_a_tool_error_with_one_usage_row_and_one_meter_row(
    counted: Counted, refusal: str
) -> None:
    status, text, hits = CALL_REFUSALS[refusal]
    workspace, token = await _refuse(counted, refusal)
    response = await counted.gateway.post(f"/mcp/{token}", CALL)
    assert response.status_code == 200
    result = response.json()["result"]
    assert result["isError"] is True
    assert result["content"][0]["text"].startswith(text)
    assert "hunter2" not in response.text
    assert counted.limiter.hits == hits
    assert ("retry-after" in response.headers) is (refusal == "rate_limited")
    if refusal == "quota_exhausted":
        assert "Retrying sooner will not help" in result["content"][0]["text"]
    assert counted.gateway.world.upstream.calls == []
    usage, meter = await _audit(counted.gateway, workspace.id)
    (event,) = usage
    assert event.status is status
    ((record),) = meter
    assert record.record.usage_event_id == event.id


NON_CALL_REFUSALS = {
    # refusal: (HTTP status, JSON-RPC code, message starts with)
    "rate_limited": (429, -32029, "rate limit of 300 requests reached; retry after "),
    "workspace_inactive": (403, -32003, "this workspace is pending deletion and serves no tools"),
    "limiter_unavailable": (503, -32000, "rate limiter unavailable, try again shortly"),
}


@pytest.mark.parametrize("method", ["initialize", "tools/list"])
@pytest.mark.parametrize("refusal", sorted(NON_CALL_REFUSALS))
async def test_other_refused_requests_are_answered_in_the_http_layer_unaudited(
    counted: Counted, refusal: str, method: str
) -> None:
    http_status, code, message = NON_CALL_REFUSALS[refusal]
    workspace, token = await _refuse(counted, refusal)
    response = await counted.gateway.post(f"/mcp/{token}", REQUESTS[method])
    assert response.status_code == http_status
    error = response.json()["error"]
    assert (error["code"], response.json()["id"]) == (code, REQUESTS[method]["id"])
    assert error["message"].startswith(message)
    assert counted.limiter.hits == (0 if refusal == "workspace_inactive" else 1)
    assert await _audit(counted.gateway, workspace.id) == ([], [])


def test_the_container_does_not_import_the_http_layer() -> None:
    # In a fresh interpreter: the app imports the container, so the reverse would be a loop.
    probe = (
        "import sys, shopmcp_entrypoints.container; "
        "print(sorted(m for m in sys.modules if m.startswith('shopmcp_entrypoints.http')))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == "[]"


@pytest.mark.parametrize("method", sorted(REQUESTS))
async def test_a_store_that_cannot_load_the_scope_is_a_json_rpc_503(
    world: World, method: str
) -> None:
    _, issued = await world.tenant()

    async def store_down(prefix: str) -> Any:
        raise ConnectionResetError("postgresql://shopmcp:hunter2@db went away")

    world.store.load = store_down  # type: ignore[method-assign]
    async with running_gateway(world) as gateway:
        response = await gateway.post(f"/mcp/{issued.token}", REQUESTS[method])
    assert response.status_code == 503
    assert response.headers["retry-after"] == "1"
    error = response.json()["error"]
    assert error["message"].startswith("the gateway could not load this workspace")
    assert "hunter2" not in response.text


@pytest.mark.parametrize("method", ["initialize", "tools/list"])
async def test_only_tools_call_meets_the_monthly_quota(counted: Counted, method: str) -> None:
    _, token = await _refuse(counted, "quota_exhausted")
    response = await counted.gateway.post(f"/mcp/{token}", REQUESTS[method])
    assert response.status_code == 200
    assert "error" not in response.json()
