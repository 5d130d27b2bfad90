"""The Google tools' inputs refuse, before any request exists, what Google would refuse or
what should never reach a URL, a report filter or a query: names outside the enumerations,
dates out of order or out of range, filter values that do not look like their dimension's,
ids and site URLs that are not what Google names them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from shopmcp_adapters.upstreams.google.inputs.analytics import RealtimeInput, ReportInput
from shopmcp_adapters.upstreams.google.inputs.merchant import (
    AccountIssuesInput,
    GetProductInput,
    ProductStatusesInput,
    decode_product_id,
    encode_product_id,
)
from shopmcp_adapters.upstreams.google.inputs.search_console import SearchAnalyticsInput

REPORT: dict[str, Any] = {"property_id": 412345678, "metrics": ["sessions"]}
SEARCH: dict[str, Any] = {
    "site_url": "sc-domain:acme.example",
    "start_date": "2026-10-01",
    "end_date": "2026-10-31",
}


def _refused(model: type[BaseModel], arguments: dict[str, Any], reason: str) -> None:
    with pytest.raises(ValidationError, match=reason):
        model.model_validate(arguments)


# --------------------------------------------------------------------------- GA4 reports


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("2026-10-01", "2026-10-31"),
        ("7daysAgo", "yesterday"),
        ("30daysAgo", "today"),
        ("2026-10-01", "today"),
        ("0daysAgo", "today"),
    ],
)
def test_ga4_date_forms_are_accepted(start: str, end: str) -> None:
    args = ReportInput.model_validate({**REPORT, "start_date": start, "end_date": end})
    assert (args.start_date, args.end_date) == (start, end)


@pytest.mark.parametrize(
    ("start", "end", "reason"),
    [
        ("2026-10-31", "2026-10-01", "after the end"),
        ("3daysAgo", "7daysAgo", "after the end"),
        ("today", "yesterday", "after the end"),
        ("2026-02-30", "2026-03-01", "not a calendar day"),
        ("2015-08-01", "2015-08-20", "no data before"),
        ("2020-01-01", "2026-01-01", "at most 1096 days"),
        ("lastweek", "today", "String should match"),
        ("7 daysAgo", "today", "String should match"),
        ("-3daysAgo", "today", "String should match"),
    ],
)
def test_ga4_dates_out_of_order_or_range_are_refused(start: str, end: str, reason: str) -> None:
    _refused(ReportInput, {**REPORT, "start_date": start, "end_date": end}, reason)


def test_a_relative_end_gets_a_day_of_slack_for_the_property_s_zone() -> None:
    tomorrow = (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)).isoformat()
    ReportInput.model_validate({**REPORT, "start_date": tomorrow, "end_date": "today"})
    later = (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=3)).isoformat()
    _refused(ReportInput, {**REPORT, "start_date": later, "end_date": "today"}, "after the end")


def test_a_comparison_needs_both_ends() -> None:
    _refused(ReportInput, {**REPORT, "compare_start_date": "14daysAgo"}, "give both")
    _refused(
        ReportInput,
        {**REPORT, "compare_start_date": "1daysAgo", "compare_end_date": "9daysAgo"},
        "comparison period",
    )


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"metrics": []}, "at least 1"),
        ({"metrics": ["sessions", "sessions"]}, "repeated"),
        ({"metrics": ["revenue"]}, "Input should be"),
        ({"metrics": ["conversions"]}, "Input should be"),
        ({"metrics": ["sessions"] * 11}, "at most 10"),
        ({"dimensions": ["date", "country", "city", "region", "browser", "language"]}, "at most 5"),
        ({"dimensions": ["customEvent:size"]}, "Input should be"),
        ({"order_by": "totalUsers"}, "one of the requested metrics"),
        ({"limit": 1001}, "less than or equal to 1000"),
        ({"limit": 0}, "greater than or equal to 1"),
        ({"offset": -1}, "greater than or equal to 0"),
        ({"offset": 1_000_001}, "less than or equal"),
        ({"property_id": 0}, "greater than or equal to 1"),
        ({"property_id": "properties/1"}, "valid integer"),
        ({"url": "https://evil.example"}, "Extra inputs"),
    ],
)
def test_report_inputs_outside_the_enumerations_and_bounds_are_refused(
    changes: dict[str, Any], reason: str
) -> None:
    _refused(ReportInput, {**REPORT, **changes}, reason)


def test_item_dimensions_take_only_item_metrics() -> None:
    _refused(ReportInput, {**REPORT, "dimensions": ["itemName"]}, "take only item metrics")
    _refused(
        ReportInput,
        {**REPORT, "filters": [{"dimension": "itemBrand", "value": "Acme"}]},
        "take only item metrics",
    )
    ReportInput.model_validate(
        {**REPORT, "metrics": ["itemsPurchased", "itemRevenue"], "dimensions": ["itemName"]}
    )


@pytest.mark.parametrize(
    ("dimension", "match", "value", "kept"),
    [
        ("sessionDefaultChannelGroup", "exact", "organic search", "Organic Search"),
        ("deviceCategory", "exact", "SMART TV", "smart tv"),
        ("dayOfWeekName", "exact", "monday", "Monday"),
        ("landingPage", "begins_with", "/products/", "/products/"),
        ("landingPage", "exact", "(not set)", "(not set)"),
        ("date", "exact", "20261031", "20261031"),
        ("country", "exact", "Côte d\u2019Ivoire", "Côte d\u2019Ivoire"),
        ("countryId", "exact", "AU", "AU"),
        ("sessionSourceMedium", "contains", "google / cpc", "google / cpc"),
        ("eventName", "exact", "add_to_cart", "add_to_cart"),
        ("itemName", "contains", "Tent", "Tent"),
    ],
)
def test_filter_values_in_their_dimension_s_form_are_accepted(
    dimension: str, match: str, value: str, kept: str
) -> None:
    metrics = ["itemRevenue"] if dimension.startswith("item") else ["sessions"]
    args = ReportInput.model_validate(
        {**REPORT, "metrics": metrics,
         "filters": [{"dimension": dimension, "match": match, "value": value}]}
    )  # fmt: skip
    assert args.filters[0].value == kept


@pytest.mark.parametrize(
    ("dimension", "match", "value", "reason"),
    [
        ("sessionDefaultChannelGroup", "exact", "Organic", "must be one of"),
        ("sessionDefaultChannelGroup", "contains", "Organic", "takes match exact"),
        ("deviceCategory", "begins_with", "mob", "takes match exact"),
        ("landingPage", "exact", "products/tent", "a path starting with /"),
        ("landingPage", "exact", "/a b", "a path starting with /"),
        ("date", "exact", "2026-10-31", "YYYYMMDD"),
        ("date", "exact", "20261332", "not a calendar day"),
        ("countryId", "exact", "Australia", "alpha-2"),
        ("country", "exact", "Australia\n", "country"),
        ("sessionSource", "exact", "google\x00", "control characters"),
        ("sessionSource", "exact", " google", "surrounding blanks"),
        ("eventName", "exact", "add to cart", "event name"),
        ("pageTitle", "exact", "x" * 201, "at most 200"),
        ("yearMonth", "exact", "2026-10", "YYYYMM"),
    ],
)
def test_filter_values_that_do_not_fit_their_dimension_are_refused(
    dimension: str, match: str, value: str, reason: str
) -> None:
    _refused(
        ReportInput,
        {**REPORT, "filters": [{"dimension": dimension, "match": match, "value": value}]},
        reason,
    )


def test_at_most_three_filters() -> None:
    one = {"dimension": "country", "value": "Australia"}
    _refused(ReportInput, {**REPORT, "filters": [one] * 4}, "at most 3")


def test_realtime_bounds() -> None:
    assert RealtimeInput.model_validate({"property_id": 1}).metrics == ["activeUsers"]
    _refused(RealtimeInput, {"property_id": 1, "minutes": 31}, "less than or equal to 30")
    _refused(RealtimeInput, {"property_id": 1, "minutes": 0}, "greater than or equal to 1")
    _refused(RealtimeInput, {"property_id": 1, "metrics": ["sessions"]}, "Input should be")
    _refused(RealtimeInput, {"property_id": 1, "dimensions": ["landingPage"]}, "Input should be")
    _refused(
        RealtimeInput,
        {"property_id": 1, "filters": [{"dimension": "platform", "value": "Windows"}]},
        "must be one of",
    )
    _refused(RealtimeInput, {"property_id": 1, "order_by": "eventCount"}, "requested metrics")


# --------------------------------------------------------------------------- Merchant Center


@pytest.mark.parametrize(
    "plain",
    ["en~AU~TENT-2P", "en~AU~CHAIR/LITE-2", "local~en~US~sku123", "pt-BR~BR~SKU~1", "en~AU~100%"],
)
def test_product_ids_travel_encoded_whichever_form_is_given(plain: str) -> None:
    encoded = encode_product_id(plain)
    assert "=" not in encoded and "/" not in encoded and "~" not in encoded
    for given in (plain, encoded):
        args = GetProductInput.model_validate({"account_id": 1, "product_id": given})
        assert args.product_id == encoded
    assert decode_product_id(encoded) == plain


@pytest.mark.parametrize(
    "given",
    [
        "en~AU",  # no offer id
        "english~AU~X",  # not a language code
        "en~A U~X",  # not a feed label
        "en~AU~" + "x" * 51,  # offer ids are at most 50 characters
        "en~AU~a\nb",
        "../../accounts",  # neither form
        encode_product_id("not a product id"),
        "ZW5-QVV",  # decodes to an incomplete id
    ],
)
def test_other_product_ids_are_refused(given: str) -> None:
    _refused(GetProductInput, {"account_id": 1, "product_id": given}, "product id")


@pytest.mark.parametrize(
    ("model", "changes", "reason"),
    [
        (ProductStatusesInput, {"status": "approved"}, "Input should be"),
        (ProductStatusesInput, {"page_size": 251}, "less than or equal to 250"),
        (ProductStatusesInput, {"page_token": "a b"}, "String should match"),
        (ProductStatusesInput, {"page_token": "x" * 2049}, "at most 2048"),
        (ProductStatusesInput, {"account_id": -5}, "greater than or equal to 1"),
        (AccountIssuesInput, {"language_code": "english"}, "String should match"),
        (AccountIssuesInput, {"language_code": "en_US"}, "String should match"),
        (AccountIssuesInput, {"page_size": 101}, "less than or equal to 100"),
    ],
)
def test_merchant_inputs_are_bounded(
    model: type[BaseModel], changes: dict[str, Any], reason: str
) -> None:
    _refused(model, {"account_id": 5551234567, **changes}, reason)


# --------------------------------------------------------------------------- Search Console


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("sc-domain:Acme.example", "sc-domain:acme.example"),
        ("sc-domain:shop.xn--80ak6aa92e.com", "sc-domain:shop.xn--80ak6aa92e.com"),
        ("https://www.acme.example/", "https://www.acme.example/"),
        ("https://WWW.acme.example", "https://www.acme.example/"),
        ("https://acme.example/blog", "https://acme.example/blog/"),
        ("https://acme.example:8443/a/b/", "https://acme.example:8443/a/b/"),
        ("http://legacy.acme.example/", "http://legacy.acme.example/"),
    ],
)
def test_site_urls_in_search_console_s_forms_are_accepted(given: str, kept: str) -> None:
    assert SearchAnalyticsInput.model_validate({**SEARCH, "site_url": given}).site_url == kept


@pytest.mark.parametrize(
    "given",
    [
        "acme.example",
        "www.acme.example",
        "ftp://acme.example/",
        "https://user:pw@acme.example/",
        "https://acme.example/?q=1",
        "https://acme.example/#top",
        "https://acme .example/",
        "https://localhost/",
        "https://127.0.0.1/",
        "sc-domain:localhost",
        "sc-domain:-acme.example",
        "sc-domain:acme.example/path",
        "https://acme.example/a b/",
        "https://acme.example/%zz/",
    ],
)
def test_other_site_urls_are_refused(given: str) -> None:
    _refused(SearchAnalyticsInput, {**SEARCH, "site_url": given}, "a site is|String should")


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"start_date": "2026-11-01"}, "after end_date"),
        ({"start_date": "2025-01-01"}, "at most 486 days"),
        ({"start_date": "7daysAgo"}, "valid date"),
        ({"dimensions": ["query", "query"]}, "repeated"),
        ({"dimensions": ["searchAppearance"]}, "Input should be"),
        ({"row_limit": 1001}, "less than or equal to 1000"),
        ({"start_row": 100_001}, "less than or equal"),
        ({"search_type": "shopping"}, "Input should be"),
    ],
)
def test_search_analytics_bounds(changes: dict[str, Any], reason: str) -> None:
    _refused(SearchAnalyticsInput, {**SEARCH, **changes}, reason)


@pytest.mark.parametrize(
    ("spec", "kept"),
    [
        ({"dimension": "country", "expression": "AUS"}, "aus"),
        ({"dimension": "device", "operator": "notEquals", "expression": "mobile"}, "MOBILE"),
        ({"dimension": "page", "expression": "https://acme.example/products/a"},
         "https://acme.example/products/a"),
        ({"dimension": "page", "operator": "contains", "expression": "/products/"}, "/products/"),
        ({"dimension": "query", "operator": "notContains", "expression": "free"}, "free"),
    ],
)  # fmt: skip
def test_search_filters_in_their_dimension_s_form(spec: dict[str, str], kept: str) -> None:
    args = SearchAnalyticsInput.model_validate({**SEARCH, "filters": [spec]})
    assert args.filters[0].expression == kept


@pytest.mark.parametrize(
    ("spec", "reason"),
    [
        ({"dimension": "country", "expression": "au"}, "alpha-3"),
        ({"dimension": "country", "operator": "contains", "expression": "aus"}, "equals"),
        ({"dimension": "device", "expression": "PHONE"}, "must be one of"),
        ({"dimension": "device", "operator": "contains", "expression": "MOB"}, "equals"),
        ({"dimension": "page", "expression": "/products/a"}, "full page URL"),
        ({"dimension": "page", "operator": "contains", "expression": "a b"}, "without spaces"),
        ({"dimension": "query", "expression": "buy\ttent"}, "control characters"),
        ({"dimension": "date", "expression": "2026-10-01"}, "start_date and end_date"),
        ({"dimension": "query", "operator": "includingRegex", "expression": ".*"},
         "Input should be"),
    ],
)  # fmt: skip
def test_search_filters_that_do_not_fit_are_refused(spec: dict[str, str], reason: str) -> None:
    _refused(SearchAnalyticsInput, {**SEARCH, "filters": [spec]}, reason)
