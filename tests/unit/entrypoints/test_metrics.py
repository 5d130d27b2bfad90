"""``/metrics``: tool calls by platform, tool and outcome with their latencies, rate-limit
refusals, upstream errors by status, the meter outbox's depth and age, and the data-key cache;
no workspace, key or client-sent name in any label; served to loopback or to a scraper with the
token, and not at all when metrics are off."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx2
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr

from shopmcp_adapters.observability.metrics import PrometheusMetrics
from shopmcp_domain.errors import (
    UpstreamError,
    UpstreamUnavailable,
    UsageStatus,
)
from tests.factories import World
from tests.unit.entrypoints.harness import running_gateway


def _call(name: str) -> dict[str, Any]:
    return {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "tools/call",
        "params": {"name": name, "arguments": {"thing_id": 7}},
    }


LIST = {"jsonrpc": "2.0", "id": 2, "method": "tools/list", "params": {}}


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    out = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            out[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return out


async def test_metrics_count_calls_refusals_and_upstream_errors() -> None:
    world = World()
    workspace, issued = await world.tenant()
    path = f"/mcp/{issued.token}"
    async with running_gateway(world) as gateway:
        for _ in range(2):
            assert (await gateway.post(path, _call("shopify_get_thing"))).status_code == 200
        world.upstream.answer("shopify_get_thing", UpstreamError("shopify", 404, "Not Found"))
        await gateway.post(path, _call("shopify_get_thing"))
        world.upstream.answer("shopify_get_thing", UpstreamUnavailable("shopify", "timed out"))
        await gateway.post(path, _call("shopify_get_thing"))
        await gateway.post(path, _call("no_such_tool_from_the_client"))
        for _ in range(workspace.plan.rate_limit.limit):  # spend the rest of the minute's budget
            await world.limiter.hit(f"ws:{workspace.id}", workspace.plan.rate_limit)
        await gateway.post(path, _call("shopify_get_thing"))
        await gateway.post(path, LIST)
        await world.store.record(*_unsent(world, workspace.id))
        world.clock.advance(90)
        scraped = await gateway.http.get("/metrics")

    assert scraped.status_code == 200, scraped.text
    assert scraped.headers["content-type"].startswith("text/plain")
    found = _samples(scraped.text)

    def calls(status: str, tool: str = "shopify_get_thing", platform: str = "shopify") -> float:
        labels = (("platform", platform), ("status", status), ("tool", tool))
        return found.get(("shopmcp_tool_calls_total", labels), 0.0)

    assert calls("ok") == 2
    assert calls("upstream_error") == 1
    assert calls("upstream_unavailable") == 1
    assert calls("unknown_tool", tool="unknown", platform="unknown") == 1
    assert calls("rate_limited", tool="unknown", platform="unknown") == 1
    latency = (("platform", "shopify"), ("tool", "shopify_get_thing"))
    assert found[("shopmcp_tool_call_duration_seconds_count", latency)] == 4
    assert found[("shopmcp_rate_limit_refusals_total", (("method", "tools/call"),))] == 1
    assert found[("shopmcp_rate_limit_refusals_total", (("method", "other"),))] == 1
    upstream = "shopmcp_upstream_errors_total"
    assert found[(upstream, (("platform", "shopify"), ("status", "404")))] == 1
    assert found[(upstream, (("platform", "shopify"), ("status", "unavailable")))] == 1
    assert found[("shopmcp_meter_outbox_depth", ())] >= 1
    assert found[("shopmcp_meter_outbox_oldest_age_seconds", ())] >= 90
    for private in (str(workspace.id), issued.key.prefix, "no_such_tool_from_the_client"):
        assert private not in scraped.text


def _unsent(world: World, workspace_id: Any) -> Any:
    from shopmcp_domain.ids import new_usage_event_id
    from shopmcp_domain.usage import MeterRecord, UsageEvent

    event = UsageEvent(
        id=new_usage_event_id(),
        workspace_id=workspace_id,
        key_prefix="abcdefghijkl",
        tool="shopify_get_thing",
        connection_id=None,
        latency_ms=1.0,
        status=UsageStatus.OK,
        error_class=None,
        created_at=world.clock.now(),
    )
    return event, MeterRecord.for_event(event)


def test_the_data_key_cache_is_read_at_scrape_time() -> None:
    metrics = PrometheusMetrics()
    counts = [3, 1]
    metrics.watch_data_key_cache(lambda: (counts[0], counts[1]))
    counts[0] = 10
    found = _samples(metrics.render().decode())
    assert found[("shopmcp_data_key_cache_hits_total", ())] == 10
    assert found[("shopmcp_data_key_cache_misses_total", ())] == 1


def test_outbox_age_is_zero_when_nothing_is_owed() -> None:
    metrics = PrometheusMetrics()
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    metrics.set_outbox(0, None, now)
    found = _samples(metrics.render().decode())
    assert found[("shopmcp_meter_outbox_oldest_age_seconds", ())] == 0


async def test_a_scraper_needs_the_token_once_one_is_set() -> None:
    token = "scrape-token-0123456789abcdef"
    async with running_gateway(World(), metrics_token=SecretStr(token)) as gateway:
        bare = await gateway.http.get("/metrics")
        wrong = await gateway.http.get("/metrics", headers={"authorization": "Bearer nope"})
        right = await gateway.http.get("/metrics", headers={"authorization": f"Bearer {token}"})
    assert bare.status_code == 403 and wrong.status_code == 403
    assert right.status_code == 200 and "shopmcp_tool_calls" in right.text


async def test_without_a_token_only_loopback_clients_are_served() -> None:
    async with running_gateway(World()) as gateway:
        transport = httpx2.ASGITransport(app=gateway.http._transport.app, client=("203.0.113.9", 4))  # type: ignore[attr-defined]
        async with httpx2.AsyncClient(transport=transport, base_url="http://127.0.0.1") as remote:
            refused = await remote.get("/metrics")
        local = await gateway.http.get("/metrics")
    assert refused.status_code == 403
    assert local.status_code == 200


async def test_metrics_off_means_no_endpoint() -> None:
    async with running_gateway(World(), metrics_enabled=False) as gateway:
        response = await gateway.http.get("/metrics")
        called = await gateway.post(
            f"/mcp/{(await gateway.world.tenant())[1].token}", _call("shopify_get_thing")
        )
    assert response.status_code == 404
    assert called.status_code == 200
