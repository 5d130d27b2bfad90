"""Each Google tool against its recorded fixture on Google's own hosts: the exact request it
sends (method, URL, query, JSON body, bearer token) and what it makes of the answer (the
structured output and the ids its text names)."""

from __future__ import annotations

import json
from typing import Any

import httpx

from tests.contract.google.helpers import ACCESS_TOKEN, SPECS, response, scripted
from tests.schemas import assert_matches_output_schema


def _only(requests: list[httpx.Request]) -> httpx.Request:
    assert len(requests) == 1, [f"{r.method} {r.url}" for r in requests]
    request = requests[0]
    assert request.headers["Authorization"] == f"Bearer {ACCESS_TOKEN}"
    return request


def _body(request: httpx.Request) -> Any:
    return json.loads(request.content)


async def test_list_properties_reads_account_summaries() -> None:
    h = scripted([response("analyticsadmin.accountSummaries.list.200.json")])
    out = await h.call("google_list_analytics_properties", {"page_size": 20})
    request = _only(h.requests)
    assert request.method == "GET"
    assert str(request.url) == (
        "https://analyticsadmin.googleapis.com/v1beta/accountSummaries?pageSize=20"
    )
    accounts = out.structured["accounts"]
    assert [a["account_id"] for a in accounts] == [100200300, 100200301]
    assert [p["property_id"] for p in accounts[0]["properties"]] == [412345678, 412345679]
    assert out.structured["next_page_token"] == "AEJxG0k3Zm9vYmFy"
    assert "property 412345678 'Acme Outdoors - Online store'" in out.text
    assert "page_token=AEJxG0k3Zm9vYmFy" in out.text
    assert_matches_output_schema(SPECS["google_list_analytics_properties"], out.structured)


async def test_the_next_page_token_is_passed_back() -> None:
    h = scripted([response("analyticsadmin.accountSummaries.list.200.json")])
    await h.call("google_list_analytics_properties", {"page_token": "AEJxG0k3Zm9vYmFy"})
    assert _only(h.requests).url.params["pageToken"] == "AEJxG0k3Zm9vYmFy"


async def test_report_sends_one_run_report_built_from_the_input() -> None:
    h = scripted([response("analyticsdata.runReport.200.json")])
    out = await h.call(
        "google_analytics_report",
        {
            "property_id": 412345678,
            "metrics": ["sessions", "purchaseRevenue", "engagementRate"],
            "dimensions": ["sessionDefaultChannelGroup"],
            "start_date": "2026-10-01",
            "end_date": "2026-10-31",
            "filters": [
                {"dimension": "deviceCategory", "value": "Mobile"},
                {"dimension": "landingPage", "match": "begins_with", "value": "/products/"},
            ],
            "order_by": "purchaseRevenue",
            "limit": 3,
            "offset": 0,
        },
    )
    request = _only(h.requests)
    assert request.method == "POST"
    assert str(request.url) == (
        "https://analyticsdata.googleapis.com/v1beta/properties/412345678:runReport"
    )
    assert _body(request) == {
        "dateRanges": [{"startDate": "2026-10-01", "endDate": "2026-10-31"}],
        "dimensions": [{"name": "sessionDefaultChannelGroup"}],
        "metrics": [{"name": "sessions"}, {"name": "purchaseRevenue"}, {"name": "engagementRate"}],
        "orderBys": [{"metric": {"metricName": "purchaseRevenue"}, "desc": True}],
        "limit": "3",
        "offset": "0",
        "metricAggregations": ["TOTAL"],
        "keepEmptyRows": False,
        "returnPropertyQuota": True,
        "dimensionFilter": {
            "andGroup": {
                "expressions": [
                    {
                        "filter": {
                            "fieldName": "deviceCategory",
                            "stringFilter": {
                                "matchType": "EXACT",
                                "value": "mobile",
                                "caseSensitive": False,
                            },
                        }
                    },
                    {
                        "filter": {
                            "fieldName": "landingPage",
                            "stringFilter": {
                                "matchType": "BEGINS_WITH",
                                "value": "/products/",
                                "caseSensitive": False,
                            },
                        }
                    },
                ]
            }
        },
    }
    report = out.structured
    assert report["rows"][0] == {
        "dimensions": {"sessionDefaultChannelGroup": "Organic Search"},
        "metrics": {"sessions": 21230, "purchaseRevenue": 63531.89, "engagementRate": 0.6091},
    }
    assert report["totals"][0]["metrics"]["sessions"] == 62442
    assert report["row_count"] == 8
    assert report["next_offset"] == 3
    assert report["metadata"]["currency_code"] == "AUD"
    assert report["metadata"]["subject_to_thresholding"] is True
    assert report["quota"]["tokens_per_hour"] == {"consumed": 14, "remaining": 39911}
    assert "rows 1-3 here" in out.text
    assert "Organic Search: sessions 21,230, purchaseRevenue 63,531.89, engagementRate 60.9%" in (
        out.text
    )
    assert "next page with offset=3" in out.text
    assert "39,911 tokens left this hour" in out.text and "this report used 14" in out.text
    assert "thresholding" in out.text
    assert_matches_output_schema(SPECS["google_analytics_report"], report)


async def test_report_defaults_to_the_last_28_days_sorted_by_date() -> None:
    h = scripted([response("analyticsdata.runReport.200.json")])
    await h.call(
        "google_analytics_report",
        {"property_id": 412345678, "metrics": ["sessions"], "dimensions": ["country", "date"]},
    )
    body = _body(_only(h.requests))
    assert body["dateRanges"] == [{"startDate": "28daysAgo", "endDate": "yesterday"}]
    assert body["orderBys"] == [{"dimension": {"dimensionName": "date"}, "desc": False}]
    assert "dimensionFilter" not in body


async def test_a_comparison_names_both_periods_and_reads_their_rows() -> None:
    h = scripted([response("analyticsdata.runReport.compare.200.json")])
    out = await h.call(
        "google_analytics_report",
        {
            "property_id": 412345678,
            "metrics": ["ecommercePurchases", "averagePurchaseRevenue"],
            "dimensions": ["deviceCategory"],
            "start_date": "7daysAgo",
            "end_date": "yesterday",
            "compare_start_date": "14daysAgo",
            "compare_end_date": "8daysAgo",
        },
    )
    body = _body(_only(h.requests))
    assert body["dateRanges"] == [
        {"startDate": "7daysAgo", "endDate": "yesterday", "name": "current"},
        {"startDate": "14daysAgo", "endDate": "8daysAgo", "name": "previous"},
    ]
    report = out.structured
    assert report["dimensions"] == ["deviceCategory", "dateRange"]
    assert report["date_ranges"] == ["7daysAgo..yesterday", "14daysAgo..8daysAgo"]
    assert [t["dimensions"]["dateRange"] for t in report["totals"]] == ["current", "previous"]
    assert "Totals (previous): ecommercePurchases 141, averagePurchaseRevenue 145.10" in out.text
    assert "desktop | current: ecommercePurchases 61" in out.text


async def test_realtime_asks_for_the_last_minutes() -> None:
    h = scripted([response("analyticsdata.runRealtimeReport.200.json")])
    out = await h.call(
        "google_analytics_realtime",
        {
            "property_id": 412345678,
            "dimensions": ["country"],
            "minutes": 5,
            "filters": [{"dimension": "deviceCategory", "value": "desktop"}],
        },
    )
    request = _only(h.requests)
    assert str(request.url) == (
        "https://analyticsdata.googleapis.com/v1beta/properties/412345678:runRealtimeReport"
    )
    assert _body(request) == {
        "dimensions": [{"name": "country"}],
        "metrics": [{"name": "activeUsers"}],
        "minuteRanges": [{"name": "last_5_minutes", "startMinutesAgo": 4, "endMinutesAgo": 0}],
        "orderBys": [{"metric": {"metricName": "activeUsers"}, "desc": True}],
        "limit": "50",
        "metricAggregations": ["TOTAL"],
        "returnPropertyQuota": True,
        "dimensionFilter": {
            "filter": {
                "fieldName": "deviceCategory",
                "stringFilter": {"matchType": "EXACT", "value": "desktop", "caseSensitive": False},
            }
        },
    }
    assert out.structured["totals"][0]["metrics"] == {"activeUsers": 43}
    assert "Australia: activeUsers 37" in out.text
    assert_matches_output_schema(SPECS["google_analytics_realtime"], out.structured)


async def test_merchant_accounts() -> None:
    h = scripted([response("merchantapi.accounts.list.200.json")])
    out = await h.call("google_list_merchant_accounts", {})
    request = _only(h.requests)
    assert str(request.url) == "https://merchantapi.googleapis.com/accounts/v1/accounts?pageSize=50"
    assert out.structured["accounts"][0] == {
        "account_id": 5551234567,
        "account_name": "Acme Outdoors AU",
        "time_zone": "Australia/Sydney",
        "language_code": "en",
        "test_account": False,
    }
    assert "account 5551234599 'Acme sandbox' (Pacific/Auckland) [test account]" in out.text
    assert out.structured["next_page_token"] is None
    assert_matches_output_schema(SPECS["google_list_merchant_accounts"], out.structured)


async def test_product_statuses_query_product_view_with_constants_only() -> None:
    h = scripted([response("merchantapi.reports.search.product_view.200.json")])
    out = await h.call(
        "google_merchant_product_statuses",
        {"account_id": 5551234567, "status": "disapproved", "page_size": 4, "page_token": "abc"},
    )
    request = _only(h.requests)
    assert str(request.url) == (
        "https://merchantapi.googleapis.com/reports/v1/accounts/5551234567/reports:search"
    )
    assert _body(request) == {
        "query": "SELECT id, offer_id, title, aggregated_reporting_context_status, item_issues "
        "FROM product_view WHERE aggregated_reporting_context_status = "
        "'NOT_ELIGIBLE_OR_DISAPPROVED'",
        "pageSize": 4,
        "pageToken": "abc",
    }
    statuses = out.structured
    assert [p["product_id"] for p in statuses["products"]] == [
        "en~AU~SHOE-TR-42", "en~AU~JKT-DOWN-M", "en~AU~TENT-4P", "en~AU~TENT-2P",
    ]  # fmt: skip
    assert statuses["counts"] == {"disapproved": 1, "pending": 1, "limited": 1, "eligible": 1}
    assert statuses["products"][0]["issues"] == [
        {
            "code": "image_link_broken",
            "attribute": "image_link",
            "severity": "disapproved",
            "resolution": "merchant_action",
        }
    ]
    assert statuses["products"][3]["issues"] == []
    assert "en~AU~SHOE-TR-42 'Trail Runner Shoes' disapproved: image_link_broken" in out.text
    assert "page_token=CiAKGjBpNDd2Nmp2Zml2cXRwYjBpOXA" in out.text
    assert_matches_output_schema(SPECS["google_merchant_product_statuses"], statuses)


async def test_product_statuses_without_a_status_has_no_where_clause() -> None:
    h = scripted([response("merchantapi.reports.search.product_view.200.json")])
    await h.call("google_merchant_product_statuses", {"account_id": 5551234567})
    assert _body(_only(h.requests)) == {
        "query": "SELECT id, offer_id, title, aggregated_reporting_context_status, item_issues "
        "FROM product_view",
        "pageSize": 50,
    }


async def test_get_product_sends_the_encoded_name() -> None:
    h = scripted([response("merchantapi.products.get.200.json")])
    out = await h.call(
        "google_get_merchant_product", {"account_id": 5551234567, "product_id": "en~AU~SHOE-TR-42"}
    )
    request = _only(h.requests)
    assert request.method == "GET"
    # The unpadded base64url form Google recommends for every product id.
    assert request.url.raw_path == (
        b"/products/v1/accounts/5551234567/products/ZW5-QVV-U0hPRS1UUi00Mg"
    )
    product = out.structured
    assert product["product_id"] == "en~AU~SHOE-TR-42"
    assert product["price"] == {"amount": "189.00", "currency": "AUD"}
    assert product["availability"] == "out_of_stock"
    assert product["destinations"][1] == {
        "reporting_context": "free_listings",
        "approved_countries": ["NZ"],
        "pending_countries": [],
        "disapproved_countries": ["AU"],
    }
    assert product["issues"][0]["description"] == "Invalid image [image_link]"
    assert "free_listings: approved in NZ; disapproved in AU" in out.text
    assert_matches_output_schema(SPECS["google_get_merchant_product"], product)


async def test_an_offer_id_with_a_slash_stays_one_path_segment() -> None:
    h = scripted([response("merchantapi.products.get.200.json")])
    await h.call(
        "google_get_merchant_product",
        {"account_id": 5551234567, "product_id": "en~AU~CHAIR/LITE-2"},
    )
    path = _only(h.requests).url.raw_path.decode()
    assert path == "/products/v1/accounts/5551234567/products/ZW5-QVV-Q0hBSVIvTElURS0y"


async def test_account_issues() -> None:
    h = scripted([response("merchantapi.accounts.issues.list.200.json")])
    out = await h.call(
        "google_list_merchant_account_issues", {"account_id": 5551234567, "language_code": "de"}
    )
    request = _only(h.requests)
    assert request.url.path == "/accounts/v1/accounts/5551234567/issues"
    assert dict(request.url.params) == {"pageSize": "50", "languageCode": "de"}
    issues = out.structured["issues"]
    assert [i["issue_id"] for i in issues] == ["return-policy-missing", "phone-verification"]
    assert issues[0]["impacted_destinations"][0]["impacts"] == [
        {"region_code": "AU", "severity": "error"}
    ]
    assert "error: Add a return policy (affects AU)" in out.text
    assert_matches_output_schema(SPECS["google_list_merchant_account_issues"], out.structured)


async def test_search_console_sites() -> None:
    h = scripted([response("searchconsole.sites.list.200.json")])
    out = await h.call("google_list_search_console_sites", {})
    assert str(_only(h.requests).url) == "https://searchconsole.googleapis.com/webmasters/v3/sites"
    assert [s["site_url"] for s in out.structured["sites"]] == [
        "sc-domain:acme-outdoors.example",
        "https://journal.acme-outdoors.example/",
    ]
    assert "sc-domain:acme-outdoors.example (siteOwner)" in out.text


async def test_search_analytics_sends_the_site_as_one_encoded_segment() -> None:
    h = scripted([response("searchconsole.searchanalytics.query.200.json")])
    out = await h.call(
        "google_search_console_analytics",
        {
            "site_url": "https://journal.acme-outdoors.example",
            "start_date": "2026-10-01",
            "end_date": "2026-10-28",
            "dimensions": ["query", "device"],
            "filters": [
                {"dimension": "query", "operator": "contains", "expression": "tent"},
                {"dimension": "country", "expression": "AUS"},
            ],
            "row_limit": 2,
        },
    )
    request = _only(h.requests)
    assert request.url.host == "searchconsole.googleapis.com"
    assert request.url.raw_path == (
        b"/webmasters/v3/sites/https%3A%2F%2Fjournal.acme-outdoors.example%2F/searchAnalytics/query"
    )
    assert _body(request) == {
        "startDate": "2026-10-01",
        "endDate": "2026-10-28",
        "dimensions": ["query", "device"],
        "type": "web",
        "aggregationType": "auto",
        "dataState": "final",
        "rowLimit": 2,
        "startRow": 0,
        "dimensionFilterGroups": [
            {
                "groupType": "and",
                "filters": [
                    {"dimension": "query", "operator": "contains", "expression": "tent"},
                    {"dimension": "country", "operator": "equals", "expression": "aus"},
                ],
            }
        ],
    }
    result = out.structured
    assert result["site_url"] == "https://journal.acme-outdoors.example/"
    assert result["rows"][0] == {
        "keys": {"query": "acme outdoors", "device": "MOBILE"},
        "clicks": 412,
        "impressions": 1093,
        "ctr": 0.3769441903019213,
        "position": 1.16,
    }
    assert result["next_start_row"] == 2
    assert "acme outdoors | MOBILE: 412 clicks, 1,093 impressions, CTR 37.7%" in out.text
    assert "start_row=2" in out.text
    assert_matches_output_schema(SPECS["google_search_console_analytics"], result)


async def test_a_domain_property_is_encoded_too() -> None:
    h = scripted([response("searchconsole.searchanalytics.query.200.json")])
    await h.call(
        "google_search_console_analytics",
        {
            "site_url": "sc-domain:Acme-Outdoors.example",
            "start_date": "2026-10-01",
            "end_date": "2026-10-01",
            "dimensions": ["query", "device"],
            "include_fresh_data": True,
        },
    )
    request = _only(h.requests)
    assert request.url.raw_path == (
        b"/webmasters/v3/sites/sc-domain%3Aacme-outdoors.example/searchAnalytics/query"
    )
    assert _body(request)["dataState"] == "all"
