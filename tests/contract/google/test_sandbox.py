"""The Google module against the sandbox, through the base-URL mapping the demo uses (every
API under its path prefix): deterministic answers, filters, paging, comparisons, refusals in
Google's envelope, and the token refresh at the sandbox's ``/token``."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest

from shopmcp_adapters.upstreams.google.inputs import analytics
from shopmcp_domain.errors import (
    ReauthorizationRequired,
    UpstreamError,
)
from shopmcp_entrypoints.demo.sandboxes.google import create_sandbox_app, refresh_token_for
from tests.asgi import asgi_app
from tests.contract.google.helpers import (
    NOW,
    SANDBOX_CALLS,
    SANDBOX_TOKEN,
    credentials,
    sandbox,
)

OCTOBER = {"start_date": "2026-10-01", "end_date": "2026-10-31"}


async def _report(**arguments: Any) -> dict[str, Any]:
    out = await sandbox().call(
        "google_analytics_report", {"property_id": 412345678, **OCTOBER, **arguments}
    )
    return dict(out.structured)


async def test_answers_are_deterministic() -> None:
    first = await sandbox().call(
        "google_analytics_report", SANDBOX_CALLS["google_analytics_report"]
    )
    second = await sandbox().call(
        "google_analytics_report", SANDBOX_CALLS["google_analytics_report"]
    )
    assert first.structured["rows"] == second.structured["rows"]
    assert first.structured["totals"] == second.structured["totals"]


async def test_rows_add_up_to_the_totals() -> None:
    report = await _report(
        metrics=["sessions", "ecommercePurchases"], dimensions=["deviceCategory"]
    )
    assert {r["dimensions"]["deviceCategory"] for r in report["rows"]} == {
        "mobile", "desktop", "tablet",
    }  # fmt: skip
    total = sum(r["metrics"]["sessions"] for r in report["rows"])
    # Each row is rounded on its own: the total may differ by the rounding of each.
    assert abs(total - report["totals"][0]["metrics"]["sessions"]) <= len(report["rows"])
    assert report["row_count"] == 3


async def test_a_filter_keeps_matching_rows_only() -> None:
    report = await _report(
        metrics=["sessions"],
        dimensions=["landingPage"],
        filters=[{"dimension": "landingPage", "match": "begins_with", "value": "/products/"}],
    )
    pages = [r["dimensions"]["landingPage"] for r in report["rows"]]
    assert pages and all(p.startswith("/products/") for p in pages)
    unfiltered = await _report(metrics=["sessions"], dimensions=["landingPage"])
    assert (
        report["totals"][0]["metrics"]["sessions"] < unfiltered["totals"][0]["metrics"]["sessions"]
    )


async def test_a_filter_on_a_dimension_not_shown_narrows_the_figures() -> None:
    everyone = await _report(metrics=["sessions"])
    mobile = await _report(
        metrics=["sessions"], filters=[{"dimension": "deviceCategory", "value": "mobile"}]
    )
    assert (
        0
        < mobile["totals"][0]["metrics"]["sessions"]
        < everyone["totals"][0]["metrics"]["sessions"]
    )


async def test_ordering_by_a_metric_and_paging_by_offset() -> None:
    page = await _report(
        metrics=["sessions", "purchaseRevenue"],
        dimensions=["landingPage"],
        order_by="purchaseRevenue",
        limit=4,
    )
    revenue = [r["metrics"]["purchaseRevenue"] for r in page["rows"]]
    assert revenue == sorted(revenue, reverse=True) and len(revenue) == 4
    assert page["row_count"] == 10 and page["next_offset"] == 4
    following = await _report(
        metrics=["sessions", "purchaseRevenue"],
        dimensions=["landingPage"],
        order_by="purchaseRevenue",
        limit=4,
        offset=8,
    )
    assert len(following["rows"]) == 2 and following["next_offset"] is None
    assert following["rows"][0]["metrics"]["purchaseRevenue"] <= revenue[-1]


async def test_dates_run_oldest_first_and_relative_dates_count_from_today() -> None:
    out = await sandbox().call(
        "google_analytics_report",
        {"property_id": 412345678, "metrics": ["sessions"], "dimensions": ["date"],
         "start_date": "6daysAgo", "end_date": "today"},
    )  # fmt: skip
    days = [r["dimensions"]["date"] for r in out.structured["rows"]]
    assert days == [f"202610{d:02d}" for d in range(28, 32)] + ["20261101", "20261102", "20261103"]


async def test_a_comparison_returns_both_periods() -> None:
    report = await _report(
        metrics=["sessions"],
        dimensions=["deviceCategory"],
        compare_start_date="2026-09-01",
        compare_end_date="2026-09-30",
    )
    assert report["dimensions"] == ["deviceCategory", "dateRange"]
    assert {r["dimensions"]["dateRange"] for r in report["rows"]} == {"current", "previous"}
    assert [t["dimensions"]["dateRange"] for t in report["totals"]] == ["current", "previous"]


async def test_item_reports_sell_items() -> None:
    report = await _report(
        metrics=["itemsPurchased", "itemRevenue"], dimensions=["itemName"], order_by="itemRevenue"
    )
    assert report["rows"][0]["dimensions"]["itemName"] == "Alpine 2-Person Tent"
    assert report["metric_types"]["itemRevenue"] == "TYPE_CURRENCY"


@pytest.mark.parametrize("dimension", list(analytics.Dimension))
async def test_the_sandbox_answers_every_enumerated_dimension(
    dimension: analytics.Dimension,
) -> None:
    items = dimension in analytics.ITEM_DIMENSIONS
    metric = "itemsViewed" if items else "sessions"
    report = await _report(metrics=[metric], dimensions=[dimension.value], start_date="2026-10-25")
    assert report["rows"], dimension


async def test_the_sandbox_answers_every_enumerated_metric() -> None:
    plain = [m.value for m in analytics.Metric if m not in analytics.ITEM_METRICS]
    for start in range(0, len(plain), 10):
        report = await _report(metrics=plain[start : start + 10])
        assert set(report["totals"][0]["metrics"]) == set(plain[start : start + 10])
    items = [m.value for m in analytics.ITEM_METRICS]
    report = await _report(metrics=items, dimensions=["itemId"])
    assert all(report["totals"][0]["metrics"][m] > 0 for m in items)


async def test_realtime_by_every_enumerated_dimension() -> None:
    for dimension in analytics.RealtimeDimension:
        out = await sandbox().call(
            "google_analytics_realtime",
            {"property_id": 412345678, "dimensions": [dimension.value], "minutes": 5},
        )
        assert out.structured["rows"], dimension
    minutes = await sandbox().call(
        "google_analytics_realtime",
        {"property_id": 412345678, "dimensions": ["minutesAgo"], "minutes": 3},
    )
    assert [r["dimensions"]["minutesAgo"] for r in minutes.structured["rows"]] == ["00", "01", "02"]


async def test_a_property_the_account_cannot_read_is_refused() -> None:
    with pytest.raises(UpstreamError) as caught:
        await sandbox().call(
            "google_analytics_report", {"property_id": 999, "metrics": ["sessions"]}
        )
    assert caught.value.status == 403
    assert "PERMISSION_DENIED" in caught.value.message


async def test_product_statuses_filter_and_page() -> None:
    h = sandbox()
    first = await h.call(
        "google_merchant_product_statuses", {"account_id": 5551234567, "page_size": 4}
    )
    assert len(first.structured["products"]) == 4
    token = first.structured["next_page_token"]
    assert token
    rest = await h.call(
        "google_merchant_product_statuses",
        {"account_id": 5551234567, "page_size": 250, "page_token": token},
    )
    ids = [p["product_id"] for p in first.structured["products"] + rest.structured["products"]]
    assert len(ids) == len(set(ids)) == 10
    assert rest.structured["next_page_token"] is None
    limited = await h.call(
        "google_merchant_product_statuses", {"account_id": 5551234567, "status": "limited"}
    )
    assert limited.structured["counts"] == {
        "disapproved": 0, "pending": 0, "limited": 3, "eligible": 0,
    }  # fmt: skip


async def test_a_merchant_account_the_user_cannot_see_is_refused() -> None:
    with pytest.raises(UpstreamError) as caught:
        await sandbox().call("google_list_merchant_account_issues", {"account_id": 123})
    assert caught.value.status == 403


async def test_an_unknown_product_is_not_found() -> None:
    with pytest.raises(UpstreamError) as caught:
        await sandbox().call(
            "google_get_merchant_product", {"account_id": 5551234567, "product_id": "en~AU~NOPE"}
        )
    assert caught.value.status == 404


async def test_search_analytics_pages_and_filters() -> None:
    h = sandbox()
    arguments = {
        "site_url": "sc-domain:acme-outdoors.example",
        "start_date": "2026-10-01",
        "end_date": "2026-10-28",
        "dimensions": ["query"],
    }
    everything = await h.call("google_search_console_analytics", {**arguments, "row_limit": 100})
    rows = everything.structured["rows"]
    assert len(rows) == 8 and everything.structured["next_start_row"] is None
    clicks = [r["clicks"] for r in rows]
    assert clicks == sorted(clicks, reverse=True)
    second = await h.call(
        "google_search_console_analytics", {**arguments, "row_limit": 3, "start_row": 3}
    )
    assert second.structured["rows"] == rows[3:6]
    assert second.structured["next_start_row"] == 6
    tents = await h.call(
        "google_search_console_analytics",
        {**arguments, "filters": [{"dimension": "query", "operator": "contains",
                                   "expression": "tent"}]},
    )  # fmt: skip
    assert {r["keys"]["query"] for r in tents.structured["rows"]} == {
        "2 person tent", "lightweight hiking tent", "how to choose a tent",
    }  # fmt: skip


async def test_search_analytics_has_no_final_data_for_the_last_days() -> None:
    arguments = {
        "site_url": "sc-domain:acme-outdoors.example",
        "start_date": "2026-11-01",
        "end_date": "2026-11-03",
        "dimensions": ["date"],
    }
    final = await sandbox().call("google_search_console_analytics", arguments)
    assert final.structured["rows"] == []
    fresh = await sandbox().call(
        "google_search_console_analytics", {**arguments, "include_fresh_data": True}
    )
    # Final data ends three days before today; "all" adds the two days before today.
    assert sorted(r["keys"]["date"] for r in fresh.structured["rows"]) == [
        "2026-11-01", "2026-11-02",
    ]  # fmt: skip


async def test_a_site_the_account_does_not_have_is_refused() -> None:
    with pytest.raises(UpstreamError) as caught:
        await sandbox().call(
            "google_search_console_analytics",
            {"site_url": "https://other.example/", "start_date": "2026-10-01",
             "end_date": "2026-10-02"},
        )  # fmt: skip
    assert caught.value.status == 403
    assert "sufficient permission for site" in caught.value.message


async def test_an_unknown_token_is_refused_in_google_s_envelope() -> None:
    unknown = credentials(
        access_token="ya29.unknown-0123456789", refresh_token=refresh_token_for(SANDBOX_TOKEN)
    )
    h = sandbox(payload=unknown)
    # The 401 refreshes once at the sandbox's /token, which issues a token it then accepts.
    out = await h.call("google_list_search_console_sites", {})
    assert out.structured["sites"]
    assert [r.url.path for r in h.requests] == [
        "/searchconsole/webmasters/v3/sites", "/token", "/searchconsole/webmasters/v3/sites",
    ]  # fmt: skip


async def test_an_expired_token_is_refreshed_at_the_sandbox() -> None:
    stale = credentials(
        access_token=SANDBOX_TOKEN,
        refresh_token=refresh_token_for(SANDBOX_TOKEN),
        expires_at=NOW - dt.timedelta(seconds=1),
    )
    h = sandbox(payload=stale)
    await h.call("google_list_merchant_accounts", {})
    assert [r.url.path for r in h.requests] == ["/token", "/merchantapi/accounts/v1/accounts"]
    assert h.lease.payload["access_token"].startswith("ya29.sandbox-")
    assert h.lease.refreshes == 1


async def test_a_refresh_token_the_sandbox_never_issued_needs_reauthorisation() -> None:
    stale = credentials(
        access_token=SANDBOX_TOKEN,
        refresh_token="1//not-this-sandbox-s",
        expires_at=NOW - dt.timedelta(seconds=1),
    )
    with pytest.raises(ReauthorizationRequired):
        await sandbox(payload=stale).call("google_list_merchant_accounts", {})


async def test_the_sandbox_checks_the_bearer_token_before_anything() -> None:
    app = create_sandbox_app(SANDBOX_TOKEN)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=asgi_app(app)), base_url="https://sandbox.test"
    ) as client:
        refused = await client.get("/searchconsole/webmasters/v3/sites")
        unknown = await client.get(
            "/nowhere/v1/x", headers={"Authorization": f"Bearer {SANDBOX_TOKEN}"}
        )
        refresh = await client.post(
            "/token",
            data={"grant_type": "refresh_token", "refresh_token": "x", "client_id": "someone"},
        )
    assert refused.status_code == 401
    assert refused.json()["error"]["status"] == "UNAUTHENTICATED"
    assert unknown.status_code == 404 and unknown.json()["error"]["status"] == "NOT_FOUND"
    assert refresh.status_code == 401 and refresh.json()["error"] == "invalid_client"


def test_the_sandbox_wants_a_real_token() -> None:
    with pytest.raises(ValueError, match="at least"):
        create_sandbox_app("short")
