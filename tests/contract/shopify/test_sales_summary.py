"""The sales summary pages its one operation within its bound and says when it stopped early;
its figures leave out cancelled and test orders and are computed in decimal."""

from __future__ import annotations

import copy
from typing import Any

import httpx
import pytest
from pydantic import ValidationError

from shopmcp_adapters.upstreams.shopify import documents as docs
from shopmcp_adapters.upstreams.shopify.inputs.sales import SalesSummaryInput
from tests.contract.shopify.helpers import Upstream, call, fixture, make_module, respond

PERIOD = {"created_from": "2026-09-01", "created_to": "2026-09-30"}
QUERY = "created_at:>='2026-09-01T00:00:00Z' created_at:<'2026-10-01T00:00:00Z'"
PAGE_ONE = "sales_summary.page1.200.json"  # four orders, and more after them


async def test_it_stops_at_max_pages_and_says_the_summary_is_partial() -> None:
    upstream = Upstream([respond(PAGE_ONE)])  # every page says there is another
    cursor = fixture(PAGE_ONE)["body"]["data"]["orders"]["pageInfo"]["endCursor"]

    out = await call(make_module(upstream), "shopify_sales_summary", {**PERIOD, "max_pages": 3})

    bodies = upstream.bodies()
    assert [b["query"] for b in bodies] == [docs.SALES_ORDERS] * 3
    assert [b["variables"] for b in bodies] == [
        {"first": 20, "after": None, "query": QUERY},
        {"first": 20, "after": cursor, "query": QUERY},
        {"first": 20, "after": cursor, "query": QUERY},
    ]
    summary = out.structured
    assert (summary["pages_read"], summary["orders_read"], summary["partial"]) == (3, 12, True)
    assert summary["covered_until"] == "2026-09-10T12:00:00Z"
    assert "PARTIAL: read 12 orders in 3 pages, created up to 2026-09-10T12:00:00Z" in out.text
    assert "more max_pages (up to 10, now 3)" in out.text


async def test_it_reads_on_until_the_last_page() -> None:
    upstream = Upstream([respond(PAGE_ONE), respond("sales_summary.200.json")])

    out = await call(make_module(upstream), "shopify_sales_summary", PERIOD)

    assert len(upstream.requests) == 2
    assert out.structured["partial"] is False
    assert out.structured["covered_until"] is None
    assert out.structured["pages_read"] == 2
    assert "PARTIAL" not in out.text


async def test_figures_leave_out_cancelled_and_test_orders() -> None:
    # The fixture's #1005 is cancelled, #1008 a test order, #1003 has unread lines.
    out = await call(
        make_module(Upstream([respond("sales_summary.200.json")])),
        "shopify_sales_summary",
        {**PERIOD, "top": 2},
    )
    summary = out.structured
    assert summary["order_count"] == 8
    assert summary["excluded_orders"] == 2
    assert summary["total_sales"] == {"amount": "840.75", "currency": "AUD"}
    # 840.75 / 8 = 105.09375, rounded to the shop's cents.
    assert summary["average_order_value"] == {"amount": "105.09", "currency": "AUD"}
    assert [p["title"] for p in summary["top_products"]] == ["Trail Socks", "Rain Shell"]
    assert summary["orders_with_unread_lines"] == 1
    assert "1 order had more lines than were read" in out.text


async def test_an_empty_period_has_no_figures() -> None:
    empty = copy.deepcopy(fixture("sales_summary.200.json")["body"])
    empty["data"]["orders"]["nodes"] = []
    out = await call(
        make_module(Upstream([httpx.Response(200, json=empty)])), "shopify_sales_summary", PERIOD
    )
    assert out.structured["order_count"] == 0
    assert out.structured["total_sales"] is None
    assert out.structured["average_order_value"] is None
    assert out.structured["top_products"] == []
    assert out.text == "Sales 2026-09-01 to 2026-09-30: 0 orders, no sales"


@pytest.mark.parametrize(
    "arguments",
    [
        {**PERIOD, "max_pages": 11},
        {**PERIOD, "max_pages": 0},
        {"created_from": "2026-09-30", "created_to": "2026-09-01"},
        {"created_from": "2026-09-01"},
        {**PERIOD, "top": 21},
    ],
)
def test_the_bounds_are_refused(arguments: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        SalesSummaryInput.model_validate(arguments)
