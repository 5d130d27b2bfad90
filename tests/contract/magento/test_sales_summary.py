"""magento_get_sales_summary: the one tool that sends its operation more than once. It pages the
orders search oldest first, at most SUMMARY_PAGES pages of SUMMARY_PAGE_SIZE, stops once it has
every order, and says when the range held more than it read (fixtures in
tests/contract/fixtures/magento, admin-schema 2.4.9 shapes)."""

from __future__ import annotations

from typing import Any

import httpx

from shopmcp_adapters.upstreams.magento.tools.reports import SUMMARY_PAGE_SIZE, SUMMARY_PAGES
from tests.contract.magento.helpers import assert_get, body, criteria, harness, response

RANGE = {"created_from": "2026-03-01", "created_to": "2026-03-31"}
FILTERS = [
    [("created_at", "2026-03-01 00:00:00", "gteq")],
    [("created_at", "2026-03-31 23:59:59", "lteq")],
    [("state", "canceled", "neq")],
]
SORT = [("created_at", "ASC"), ("entity_id", "ASC")]


async def test_one_page_is_summed_per_currency_status_and_product() -> None:
    h = harness([response("orders_search.200.json")])
    # The fixture says 5 orders match but holds 2: an upstream that ends early.
    out = await h.call("magento_get_sales_summary", {**RANGE, "top_products": 2})
    [request] = h.requests
    assert_get(request, "/rest/V1/orders", criteria(FILTERS, page_size=100, sort=SORT))
    assert out.structured == {
        "created_from": "2026-03-01",
        "created_to": "2026-03-31",
        "include_canceled": False,
        "order_count": 5,
        "orders_counted": 2,
        "complete": False,
        "totals": [
            {
                "currency": "USD",
                "orders": 2,
                "gross_sales": 203.0,
                "refunded": 57.0,
                "net_sales": 146.0,
                "average_order_value": 101.5,
            }
        ],
        "by_status": [{"status": "pending", "orders": 1}, {"status": "processing", "orders": 1}],
        # The configurable's child line (102) is not counted beside its parent (101).
        "top_products": [
            {
                "sku": "MH01-M-Black",
                "name": "Chaz Kangeroo Hoodie",
                "quantity": 2.0,
                "revenue": 104.0,
                "currency": "USD",
                "orders": 1,
            },
            {
                "sku": "24-WB04",
                "name": "Overnight Duffle",
                "quantity": 1.0,
                "revenue": 45.0,
                "currency": "USD",
                "orders": 1,
            },
        ],
    }
    assert out.text.startswith("PARTIAL: counted the oldest 2 of 5 orders")


def _page(first_id: int, count: int, total: int) -> dict[str, Any]:
    template = body("orders_search.200.json")
    order = template["items"][1]  # #42: 153.00 USD, two top-level lines
    items = [{**order, "entity_id": first_id + n} for n in range(count)]
    return {**template, "items": items, "total_count": total}


async def test_pages_are_read_until_every_order_is_counted() -> None:
    total = SUMMARY_PAGE_SIZE + 30
    h = harness(
        [
            httpx.Response(200, json=_page(1, SUMMARY_PAGE_SIZE, total)),
            httpx.Response(200, json=_page(1 + SUMMARY_PAGE_SIZE, 30, total)),
        ]
    )
    out = await h.call("magento_get_sales_summary", {**RANGE, "include_canceled": True})
    assert [r.url.params["searchCriteria[currentPage]"] for r in h.requests] == ["1", "2"]
    # With canceled orders included there is no state filter.
    assert_get(h.requests[1], "/rest/V1/orders", criteria(FILTERS[:2], 100, 2, SORT))
    s = out.structured
    assert (s["order_count"], s["orders_counted"], s["complete"]) == (total, total, True)
    assert s["totals"][0]["gross_sales"] == 153.0 * total
    assert not out.text.startswith("PARTIAL")


async def test_a_range_larger_than_the_bound_is_summarised_partially_and_says_so() -> None:
    total = SUMMARY_PAGES * SUMMARY_PAGE_SIZE + 250
    pages = [
        httpx.Response(200, json=_page(1 + n * SUMMARY_PAGE_SIZE, SUMMARY_PAGE_SIZE, total))
        for n in range(SUMMARY_PAGES)
    ]
    h = harness(pages)  # a further request would find no answer and fail the test
    out = await h.call("magento_get_sales_summary", RANGE)
    assert len(h.requests) == SUMMARY_PAGES
    s = out.structured
    counted = SUMMARY_PAGES * SUMMARY_PAGE_SIZE
    assert (s["orders_counted"], s["order_count"], s["complete"]) == (counted, total, False)
    assert out.text.startswith(
        f"PARTIAL: counted the oldest {counted} of {total} orders (narrow the dates"
    )


async def test_a_page_answered_again_is_not_counted_twice() -> None:
    # Past the last page Magento answers the last page again [UPSTREAMS.md, unverified]: orders
    # are counted by id, so an upstream that miscounts cannot double the figures.
    same = _page(1, SUMMARY_PAGE_SIZE, 3 * SUMMARY_PAGE_SIZE)
    h = harness([httpx.Response(200, json=same) for _ in range(SUMMARY_PAGES)])
    out = await h.call("magento_get_sales_summary", RANGE)
    assert len(h.requests) == SUMMARY_PAGES
    s = out.structured
    assert (s["orders_counted"], s["complete"]) == (SUMMARY_PAGE_SIZE, False)
    assert s["totals"][0]["gross_sales"] == 153.0 * SUMMARY_PAGE_SIZE


async def test_an_upstream_that_ignores_the_page_size_is_cut_to_the_page() -> None:
    h = harness([httpx.Response(200, json=_page(1, SUMMARY_PAGE_SIZE + 50, SUMMARY_PAGE_SIZE))])
    out = await h.call("magento_get_sales_summary", RANGE)
    assert out.structured["orders_counted"] == SUMMARY_PAGE_SIZE
    assert len(h.requests) == 1


async def test_no_orders() -> None:
    h = harness(
        [
            httpx.Response(
                200, json={**body("orders_search.200.json"), "items": [], "total_count": 0}
            )
        ]
    )
    out = await h.call("magento_get_sales_summary", RANGE)
    assert out.structured["complete"] is True
    assert out.structured["totals"] == [] and out.structured["top_products"] == []
    assert out.text == "No orders from 2026-03-01 to 2026-03-31."
