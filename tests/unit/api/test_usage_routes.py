"""The usage review: filters, keyset pagination on (created_at, id) with ties, per-tool counts
and latency percentiles, and the streamed CSV and JSON downloads."""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid

import pytest

from shopmcp_domain.errors import UsageStatus
from shopmcp_domain.ids import WorkspaceId, new_connection_id, new_usage_event_id
from shopmcp_domain.plans import billing_month
from shopmcp_domain.usage import MeterRecord, UsageEvent, percentile_cont
from shopmcp_entrypoints.http.api import usage as usage_routes
from tests.factories import NOW
from tests.unit.api.harness import Api

CONNECTION = new_connection_id()


async def _seed(api: Api, workspace: str) -> list[UsageEvent]:
    workspace_id = WorkspaceId(uuid.UUID(workspace))
    events = []
    for i in range(30):
        events.append(
            UsageEvent(
                id=new_usage_event_id(),
                workspace_id=workspace_id,
                key_prefix="aaaaaaaaaaaa" if i % 2 else "bbbbbbbbbbbb",
                tool="shopify_get_thing" if i % 3 else "shopify_update_thing",
                connection_id=CONNECTION if i % 5 else None,
                latency_ms=float(i + 1),
                status=UsageStatus.OK if i % 4 else UsageStatus.UPSTREAM_ERROR,
                error_class=None if i % 4 else "UpstreamError",
                # Pairs share a timestamp: pagination must break ties by id.
                created_at=NOW + dt.timedelta(minutes=i // 2),
            )
        )
    async with api.world.store.unit_of_work(workspace_id) as uow:
        for event in events:
            await uow.usage.record(event, MeterRecord.for_event(event))
    return events


def _newest_first(events: list[UsageEvent]) -> list[str]:
    return [str(e.id) for e in sorted(events, key=lambda e: (e.created_at, e.id), reverse=True)]


async def test_pages_walk_every_event_once_in_order(api: Api) -> None:
    token = await api.sign_in("a@example.com")
    workspace = await api.workspace(token)
    events = await _seed(api, workspace)
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": "7", **({"cursor": cursor} if cursor else {})}
        page = await api.call("GET", f"/api/v1/workspaces/{workspace}/usage", token, params=params)
        assert page.status_code == 200, page.text
        seen += [e["id"] for e in page.json()["events"]]
        cursor = page.json()["next_cursor"]
        if cursor is None:
            break
    assert seen == _newest_first(events)


async def test_filters_combine(api: Api) -> None:
    token = await api.sign_in("a@example.com")
    workspace = await api.workspace(token)
    events = await _seed(api, workspace)
    params = {
        "tool": "shopify_get_thing",
        "status": "ok",
        "connection": str(CONNECTION),
        "key_prefix": "aaaaaaaaaaaa",
        "since": (NOW + dt.timedelta(minutes=2)).isoformat(),
        "until": (NOW + dt.timedelta(minutes=12)).isoformat(),
    }
    page = await api.call("GET", f"/api/v1/workspaces/{workspace}/usage", token, params=params)
    expected = [
        e
        for e in events
        if e.tool == "shopify_get_thing"
        and e.status is UsageStatus.OK
        and e.connection_id == CONNECTION
        and e.key_prefix == "aaaaaaaaaaaa"
        and NOW + dt.timedelta(minutes=2) <= e.created_at < NOW + dt.timedelta(minutes=12)
    ]
    assert expected and [e["id"] for e in page.json()["events"]] == _newest_first(expected)
    bad = await api.call(
        "GET", f"/api/v1/workspaces/{workspace}/usage", token, params={"cursor": "garbage!"}
    )
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_request"


async def test_the_summary_counts_and_takes_percentiles(api: Api) -> None:
    token = await api.sign_in("a@example.com")
    workspace = await api.workspace(token)
    events = await _seed(api, workspace)
    summary = await api.call("GET", f"/api/v1/workspaces/{workspace}/usage/summary", token)
    by_tool = {t["tool"]: t for t in summary.json()["tools"]}
    reads = [e for e in events if e.tool == "shopify_get_thing"]
    assert by_tool["shopify_get_thing"]["calls"] == len(reads)
    assert by_tool["shopify_get_thing"]["errors"] == sum(1 for e in reads if not e.succeeded)
    latencies = [e.latency_ms for e in reads]
    assert by_tool["shopify_get_thing"]["p90_ms"] == percentile_cont(latencies, 0.9)
    assert percentile_cont([1.0, 2.0, 3.0, 4.0], 0.5) == 2.5


async def test_the_downloads_stream_every_matching_row(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Small pages, so the stream spans several transactions.
    monkeypatch.setattr(usage_routes, "EXPORT_PAGE", 7)
    token = await api.sign_in("a@example.com")
    workspace = await api.workspace(token)
    events = await _seed(api, workspace)
    path = f"/api/v1/workspaces/{workspace}/usage/export"
    as_csv = await api.call("GET", path, token, params={"format": "csv", "status": "ok"})
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert "attachment" in as_csv.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    # A direct call is a step of no playbook: both columns are there, empty.
    assert {r["playbook_id"] for r in rows} == {""} and {r["playbook_version"] for r in rows} == {
        ""
    }
    ok = [e for e in events if e.succeeded]
    assert [r["id"] for r in rows] == _newest_first(ok)
    as_json = await api.call("GET", path, token, params={"format": "json"})
    assert [e["id"] for e in as_json.json()] == _newest_first(events)


async def test_the_limits_show_the_plan_and_the_months_quota(api: Api) -> None:
    token = await api.sign_in("a@example.com")
    workspace = await api.workspace(token)
    workspace_id = WorkspaceId(uuid.UUID(workspace))
    month = billing_month(api.world.clock.now())
    api.world.quota.counts[(workspace_id, month)] = 2_990
    answer = await api.call("GET", f"/api/v1/workspaces/{workspace}/usage/limits", token)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["plan"] == "solo" and body["plan_title"] == "Solo"
    assert body["requests_per_minute"] == 300 and body["monthly_calls"] == 3_000
    assert (body["month"], body["used"], body["remaining"]) == (month, 2_990, 10)
    assert body["overage_billed"] is False and body["exhausted"] is False
    api.world.quota.counts[(workspace_id, month)] = 3_000
    body = (await api.call("GET", f"/api/v1/workspaces/{workspace}/usage/limits", token)).json()
    assert body["exhausted"] is True and body["remaining"] == 0


async def test_another_workspaces_limits_are_not_shown(api: Api) -> None:
    mine = await api.sign_in("a@example.com")
    theirs = await api.workspace(await api.sign_in("b@example.com"))
    answer = await api.call("GET", f"/api/v1/workspaces/{theirs}/usage/limits", mine)
    assert answer.status_code in (403, 404)
