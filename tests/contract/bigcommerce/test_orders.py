"""The order tools added for fulfilment and refunds, and the sales summary: the exact request
each builds from validated input, and how the recorded response is parsed."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from shopmcp_domain.errors import (
    InvalidArguments,
    UpstreamResponseInvalid,
)
from tests.contract.bigcommerce.harness import Upstream, assert_request, fixture

SHIPMENT = {"order_id": 3021, "order_address_id": 88}
PRODUCT_ITEM = {"item_type": "PRODUCT", "item_id": 901, "quantity": 2}


async def test_list_order_statuses_names_every_id_and_the_stores_label(upstream: Upstream) -> None:
    upstream.serve("list_order_statuses.200")
    out = await upstream.call("bigcommerce_list_order_statuses")
    assert_request(upstream.only_request, "GET", "/v2/order_statuses")
    statuses = out.structured["statuses"]
    assert [s["id"] for s in statuses] == list(range(15))
    assert statuses[11] == {
        "id": 11,
        "name": "Awaiting Fulfillment",
        "system_label": "Awaiting Fulfillment",
        "custom_label": "Ready to pack",
        "system_description": (
            "Customer has completed the checkout process and payment has been confirmed."
        ),
    }
    # All fifteen, not the first ten: a model picks the status id from this text.
    assert out.text.startswith("15 order statuses: 0 Incomplete; 1 Pending; 2 Shipped;")
    assert "9 Awaiting Shipment (shown as Packed)" in out.text
    assert out.text.endswith("13 Disputed; 14 Partially Refunded.")


async def test_list_order_shipping_addresses(upstream: Upstream) -> None:
    upstream.serve("list_order_shipping_addresses.200")
    out = await upstream.call("bigcommerce_list_order_shipping_addresses", {"order_id": 3021})
    assert_request(upstream.only_request, "GET", "/v2/orders/3021/shipping_addresses")
    assert out.structured == {
        "order_id": 3021,
        "addresses": [
            {
                "id": 88,
                "order_id": 3021,
                "first_name": "Noor",
                "last_name": "Haddad",
                "company": None,
                "street_1": "4 Ridge Rd",
                "street_2": None,
                "city": "Hobart",
                "state": "Tasmania",
                "zip": "7000",
                "country": "Australia",
                "country_iso2": "AU",
                "shipping_method": "Parcel Post",
                "items_total": 3,
                "items_shipped": 1,
                "cost_inc_tax": "12.6800",
            }
        ],
    }
    assert out.text == (
        "Order #3021: 1 shipping address: address #88: Hobart, AU by Parcel Post "
        "(1 of 3 items shipped)"
    )


async def test_create_shipment_sends_only_what_was_given(upstream: Upstream) -> None:
    upstream.serve("create_shipment.201")
    out = await upstream.call(
        "bigcommerce_create_shipment",
        {**SHIPMENT, "items": [{"order_product_id": 901, "quantity": 2}]},
    )
    assert_request(
        upstream.only_request,
        "POST",
        "/v2/orders/3021/shipments",
        body={"order_address_id": 88, "items": [{"order_product_id": 901, "quantity": 2}]},
    )
    assert out.structured["shipment"] == {
        "id": 42,
        "order_id": 3021,
        "date_created": "2026-11-04T02:10:00Z",
        "tracking_number": "AP7712340001",
        "shipping_provider": "auspost",
        "shipping_method": "Parcel Post",
        "tracking_link": "https://auspost.com.au/mypost/track/#/details/AP7712340001",
        "items": [{"order_product_id": 901, "product_id": 112, "quantity": 2}],
    }
    assert out.text == "Order #3021: created shipment #42: auspost AP7712340001 (2 items)."


async def test_create_shipment_with_every_field(upstream: Upstream) -> None:
    upstream.serve("create_shipment.201")
    await upstream.call(
        "bigcommerce_create_shipment",
        {
            **SHIPMENT,
            "items": [
                {"order_product_id": 901, "quantity": 2},
                {"order_product_id": 902, "quantity": 1},
            ],
            "tracking_number": " AP7712340001 ",
            "shipping_provider": "auspost",
            "tracking_carrier": "australia-post",
            "shipping_method": "Parcel Post",
            "tracking_link": "https://auspost.com.au/track/AP7712340001",
            "comments": "Left with neighbour",
        },
    )
    assert json.loads(upstream.only_request.content) == {
        "order_address_id": 88,
        "items": [
            {"order_product_id": 901, "quantity": 2},
            {"order_product_id": 902, "quantity": 1},
        ],
        "tracking_number": "AP7712340001",
        "shipping_provider": "auspost",
        "tracking_carrier": "australia-post",
        "shipping_method": "Parcel Post",
        "tracking_link": "https://auspost.com.au/track/AP7712340001",
        "comments": "Left with neighbour",
    }


@pytest.mark.parametrize(
    "changes",
    [
        {"items": []},
        {"items": [{"order_product_id": 901, "quantity": 1}] * 2},  # one line twice
        {"items": [{"order_product_id": 901, "quantity": 0}]},
        {"tracking_link": "http://carrier.example/track/1"},  # not https
        {"tracking_link": "javascript:alert(1)"},
        {"shipping_provider": "pigeon"},
        {"tracking_carrier": "DHL Express"},  # not a slug
        {"tracking_number": "A\nB"},
        {"order_address_id": 0},
    ],
)
async def test_create_shipment_refuses_bad_input_before_any_request(
    upstream: Upstream, changes: dict[str, Any]
) -> None:
    arguments = {**SHIPMENT, "items": [{"order_product_id": 901, "quantity": 1}], **changes}
    with pytest.raises(InvalidArguments):
        await upstream.call("bigcommerce_create_shipment", arguments)
    assert upstream.requests == []


async def test_update_order_status(upstream: Upstream) -> None:
    upstream.serve("update_order_status.200")
    out = await upstream.call("bigcommerce_update_order_status", {"order_id": 3021, "status_id": 2})
    assert_request(upstream.only_request, "PUT", "/v2/orders/3021", body={"status_id": 2})
    order = out.structured["order"]
    assert (order["id"], order["status_id"], order["status"]) == (3021, 2, "Shipped")
    assert out.text == "Order #3021 is now Shipped (status 2)."


@pytest.mark.parametrize("status_id", [0, 15, -1, "Shipped"])
async def test_update_order_status_takes_only_documented_status_ids(
    upstream: Upstream, status_id: Any
) -> None:
    with pytest.raises(InvalidArguments):
        await upstream.call(
            "bigcommerce_update_order_status", {"order_id": 3021, "status_id": status_id}
        )
    assert upstream.requests == []


async def test_quote_refund(upstream: Upstream) -> None:
    upstream.serve("quote_refund.201")
    out = await upstream.call(
        "bigcommerce_quote_refund",
        {
            "order_id": 3021,
            "items": [
                {**PRODUCT_ITEM, "reason": "Arrived damaged"},
                {"item_type": "SHIPPING", "item_id": 88, "amount": "12.68"},
            ],
        },
    )
    assert_request(
        upstream.only_request,
        "POST",
        "/v3/orders/3021/payment_actions/refund_quotes",
        body={
            "items": [
                {
                    "item_type": "PRODUCT",
                    "item_id": 901,
                    "quantity": 2,
                    "reason": "Arrived damaged",
                },
                {"item_type": "SHIPPING", "item_id": 88, "amount": 12.68},
            ]
        },
    )
    quote = out.structured["quote"]
    assert quote["total_refund_amount"] == "48"
    assert [[o["provider_id"] for o in method] for method in quote["refund_methods"]] == [
        ["stripev3"],
        ["storecredit"],
        ["custom"],
    ]
    assert quote["refund_methods"][2][0]["offline"] is True
    assert out.text == (
        "Order #3021: refund of 48.00 possible, 3 refund methods: Stripe (stripev3) 48.00; "
        "Store Credit (storecredit) 48.00; Custom (custom, offline) 48.00"
    )


@pytest.mark.parametrize(
    "items",
    [
        [],
        [{"item_type": "PRODUCT", "item_id": 901}],  # no quantity
        [{"item_type": "PRODUCT", "item_id": 901, "amount": 5}],  # a product refunds by quantity
        [{"item_type": "SHIPPING", "item_id": 88, "amount": 0}],
        [{"item_type": "SHIPPING", "item_id": 88, "quantity": 1}],  # shipping refunds an amount
        [{"item_type": "TAX", "item_id": 1, "amount": 1}],
        [PRODUCT_ITEM, PRODUCT_ITEM],
    ],
)
async def test_refund_items_are_validated(upstream: Upstream, items: list[Any]) -> None:
    with pytest.raises(InvalidArguments):
        await upstream.call("bigcommerce_quote_refund", {"order_id": 3021, "items": items})
    assert upstream.requests == []


async def test_create_refund(upstream: Upstream) -> None:
    upstream.serve("create_refund.201")
    out = await upstream.call(
        "bigcommerce_create_refund",
        {
            "order_id": 3021,
            "items": [PRODUCT_ITEM],
            "payments": [{"provider_id": "stripev3", "amount": "48.00", "offline": False}],
        },
    )
    assert_request(
        upstream.only_request,
        "POST",
        "/v3/orders/3021/payment_actions/refunds",
        body={
            "items": [{"item_type": "PRODUCT", "item_id": 901, "quantity": 2}],
            "payments": [{"provider_id": "stripev3", "amount": 48, "offline": False}],
        },
    )
    refund = out.structured["refund"]
    assert (refund["id"], refund["order_id"], refund["total_amount"]) == (9, 3021, "48")
    assert refund["payments"] == [
        {"provider_id": "stripev3", "amount": "48", "offline": False, "is_declined": False}
    ]
    assert out.text == "Order #3021: created refund #9 48.00 (Arrived damaged)."


async def test_create_refund_needs_a_payment(upstream: Upstream) -> None:
    with pytest.raises(InvalidArguments):
        await upstream.call(
            "bigcommerce_create_refund", {"order_id": 3021, "items": [PRODUCT_ITEM], "payments": []}
        )
    assert upstream.requests == []


# --------------------------------------------------------------------------- sales summary

PERIOD = {"created_from": "2026-11-09T00:00:00+11:00", "created_to": "2026-11-15T23:59:59+11:00"}


def _page_query(page: int) -> dict[str, str]:
    return {
        "min_date_created": "2026-11-09T00:00:00+11:00",
        "max_date_created": "2026-11-15T23:59:59+11:00",
        "sort": "date_created:asc",
        "page": str(page),
        "limit": "250",
    }


async def test_sales_summary_of_one_page(upstream: Upstream) -> None:
    upstream.serve("sales_summary.page.200")
    out = await upstream.call("bigcommerce_get_sales_summary", PERIOD)
    assert_request(upstream.only_request, "GET", "/v2/orders", _page_query(1))
    assert out.structured == {
        "created_from": "2026-11-09T00:00:00+11:00",
        "created_to": "2026-11-15T23:59:59+11:00",
        "orders_read": 5,
        "orders_counted": 4,
        "excluded_statuses": ["Cancelled", "Declined", "Incomplete", "Pending"],
        "by_currency": [
            {
                "currency_code": "AUD",
                "orders": 3,
                "items": 7,
                "gross": "245.5000",
                "discounts": "10.0000",
                "refunded": "20.0000",
                "net": "225.5000",
                "average_order_value": "81.83",
            },
            {
                "currency_code": "NZD",
                "orders": 1,
                "items": 1,
                "gross": "39.0000",
                "discounts": "0.0000",
                "refunded": "0.0000",
                "net": "39.0000",
                "average_order_value": "39.00",
            },
        ],
        "by_status": [
            {"status_id": 2, "name": "Shipped", "count": 1},
            {"status_id": 5, "name": "Cancelled", "count": 1},
            {"status_id": 10, "name": "Completed", "count": 1},
            {"status_id": 11, "name": "Awaiting Fulfillment", "count": 1},
            {"status_id": 14, "name": "Partially Refunded", "count": 1},
        ],
        "pages_read": 1,
        "partial": False,
        "covered_to": None,
    }
    assert out.text == (
        "Sales 2026-11-09 to 2026-11-15: 3 orders, 245.50 AUD gross, 20.00 refunded, "
        "225.50 net, average 81.83, 7 items; 1 order, 39.00 NZD gross, 0.00 refunded, "
        "39.00 net, average 39.00, 1 item (1 incomplete, pending, cancelled or declined "
        "not counted)."
    )


def _full_page(first_id: int, day: int) -> httpx.Response:
    order = fixture("sales_summary.page.200")["body"][0]
    orders = [
        {
            **order,
            "id": first_id + i,
            "date_created": f"Tue, {day:02d} Nov 2026 10:00:00 +0000",
            "total_inc_tax": "10.0000",
            "refunded_amount": "0.0000",
            "discount_amount": "0.0000",
            "items_total": 1,
        }
        for i in range(250)
    ]
    return httpx.Response(200, json=orders)


async def test_sales_summary_pages_until_a_short_page(upstream: Upstream) -> None:
    short = httpx.Response(200, json=fixture("sales_summary.page.200")["body"][:2])
    upstream.queue = [_full_page(5000, 10), short]
    out = await upstream.call("bigcommerce_get_sales_summary", PERIOD)
    assert [dict(r.url.params) for r in upstream.requests] == [_page_query(1), _page_query(2)]
    assert all(r.method == "GET" and r.url.path.endswith("/v2/orders") for r in upstream.requests)
    assert (out.structured["orders_read"], out.structured["pages_read"]) == (252, 2)
    assert out.structured["partial"] is False
    aud = out.structured["by_currency"][0]
    assert (aud["orders"], aud["gross"]) == (252, "2665.5000")  # 250 x 10 + 120 + 45.50


async def test_sales_summary_says_when_the_page_bound_cuts_it_short(upstream: Upstream) -> None:
    upstream.queue = [_full_page(5000, 10), _full_page(6000, 11), httpx.Response(200, json=[])]
    out = await upstream.call("bigcommerce_get_sales_summary", {**PERIOD, "max_pages": 2})
    assert len(upstream.requests) == 2  # the bound, not the third page
    assert out.structured["partial"] is True
    assert out.structured["orders_read"] == 500
    assert out.structured["covered_to"] == "2026-11-11T10:00:00Z"
    assert out.text.endswith(
        "PARTIAL: read the first 500 orders (2 pages), up to 2026-11-11T10:00:00+00:00; the "
        "period holds more. Narrow the period or raise max_pages."
    )


async def test_sales_summary_of_an_empty_period(upstream: Upstream) -> None:
    upstream.serve("v2_list.204")
    out = await upstream.call("bigcommerce_get_sales_summary", PERIOD)
    assert len(upstream.requests) == 1
    assert out.structured["by_currency"] == []
    assert (out.structured["orders_read"], out.structured["partial"]) == (0, False)
    assert out.text == "Sales 2026-11-09 to 2026-11-15: no sales."


@pytest.mark.parametrize(
    "arguments",
    [
        {"created_from": "2026-11-09T00:00:00Z"},  # no end
        {**PERIOD, "max_pages": 9},
        {**PERIOD, "max_pages": 0},
        {"created_from": "2026-11-15T00:00:00Z", "created_to": "2026-11-09T00:00:00Z"},
        {"created_from": "2026-11-09", "created_to": "2026-11-15"},  # no time zone
    ],
)
async def test_sales_summary_input_is_bounded(
    upstream: Upstream, arguments: dict[str, Any]
) -> None:
    with pytest.raises(InvalidArguments):
        await upstream.call("bigcommerce_get_sales_summary", arguments)
    assert upstream.requests == []


async def test_a_page_of_the_wrong_shape_fails_the_summary(upstream: Upstream) -> None:
    upstream.queue = [httpx.Response(200, json={"orders": []})]
    with pytest.raises(UpstreamResponseInvalid):
        await upstream.call("bigcommerce_get_sales_summary", PERIOD)
