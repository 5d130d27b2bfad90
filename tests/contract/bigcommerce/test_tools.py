"""One test per BigCommerce tool: the exact request it builds from validated input, and how the
recorded response (tests/contract/fixtures/bigcommerce) is parsed into its output."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from shopmcp_domain.errors import (
    UpstreamError,
    UpstreamResponseInvalid,
)
from tests.contract.bigcommerce.harness import Upstream, assert_request


async def test_get_store(upstream: Upstream) -> None:
    upstream.serve("get_store.200")
    out = await upstream.call("bigcommerce_get_store")
    assert_request(upstream.only_request, "GET", "/v2/store")
    assert out.structured == {
        "id": "k7p2x9q4mz",
        "name": "Harbour Tea Co.",
        "domain": "harbour-tea.example",
        "secure_url": "https://harbour-tea.example",
        "status": "live",
        "country_code": "AU",
        "currency": "AUD",
        "language": "en",
        "timezone": "Australia/Sydney",
        "plan_name": "Plus",
        "plan_is_trial": False,
        "weight_units": "kg",
        "dimension_units": "Centimeters",
    }
    assert out.text == "Harbour Tea Co. (harbour-tea.example), currency AUD, plan Plus."


async def test_list_orders_defaults(upstream: Upstream) -> None:
    upstream.serve("list_orders.200")
    out = await upstream.call("bigcommerce_list_orders")
    assert_request(
        upstream.only_request,
        "GET",
        "/v2/orders",
        {"page": "1", "limit": "20", "sort": "date_created:desc"},
    )
    orders = out.structured["orders"]
    assert [o["id"] for o in orders] == [3021, 3019]
    assert orders[0] == {
        "id": 3021,
        "status_id": 11,
        "status": "Awaiting Fulfillment",
        "customer_id": 57,
        "date_created": "2026-11-02T09:15:00Z",
        "date_modified": "2026-11-02T09:15:00Z",
        "total_inc_tax": "84.5000",
        "currency_code": "AUD",
        "items_total": 3,
        "payment_status": "captured",
        "refunded_amount": "0.0000",
        "billing_name": "Noor Haddad",
        "billing_email": "noor@example.com",
    }
    assert orders[1]["refunded_amount"] == "5.0000"
    assert out.structured["has_more"] is False
    assert out.text.startswith(
        "2 orders on page 1: #3021 Awaiting Fulfillment 84.50 AUD (2026-11-02)"
    )


async def test_list_orders_with_every_filter(upstream: Upstream) -> None:
    upstream.serve("list_orders.200")
    await upstream.call(
        "bigcommerce_list_orders",
        {
            "status_id": 11,
            "customer_id": 57,
            "created_from": "2026-10-01T00:00:00+10:00",
            "created_to": "2026-11-01T00:00:00Z",
            "sort": "id:asc",
            "page": 3,
            "limit": 2,
        },
    )
    assert_request(
        upstream.only_request,
        "GET",
        "/v2/orders",
        {
            "status_id": "11",
            "customer_id": "57",
            "min_date_created": "2026-10-01T00:00:00+10:00",
            "max_date_created": "2026-11-01T00:00:00+00:00",
            "sort": "id:asc",
            "page": "3",
            "limit": "2",
        },
    )


async def test_list_orders_204_is_an_empty_page(upstream: Upstream) -> None:
    upstream.serve("v2_list.204")
    out = await upstream.call("bigcommerce_list_orders", {"page": 9})
    assert len(upstream.requests) == 1
    assert out.structured == {"orders": [], "page": 9, "limit": 20, "has_more": False}
    assert out.text == "0 orders on page 9."


async def test_get_order(upstream: Upstream) -> None:
    upstream.serve("get_order.200")
    out = await upstream.call("bigcommerce_get_order", {"order_id": 3021})
    assert_request(upstream.only_request, "GET", "/v2/orders/3021")
    order = out.structured["order"]
    assert order["id"] == 3021
    assert order["status"] == "Awaiting Fulfillment"
    assert order["total_inc_tax"] == "84.5000"
    assert order["subtotal_inc_tax"] == "76.8200"
    assert order["shipping_cost_inc_tax"] == "12.6800"
    assert order["discount_amount"] == "5.0000"
    assert order["date_shipped"] is None  # "" upstream
    assert order["customer_message"] == "Please leave at the door"
    assert order["billing_address"]["city"] == "Hobart"
    assert order["billing_address"]["street_2"] is None
    assert "products" not in order  # link objects are not passed through
    assert out.text == "Order #3021: Awaiting Fulfillment, 84.50 AUD, 3 items, placed 2026-11-02."


async def test_list_order_products(upstream: Upstream) -> None:
    upstream.serve("list_order_products.200")
    out = await upstream.call("bigcommerce_list_order_products", {"order_id": 3021, "limit": 10})
    assert_request(
        upstream.only_request, "GET", "/v2/orders/3021/products", {"page": "1", "limit": "10"}
    )
    products = out.structured["products"]
    assert products[1] == {
        "id": 902,
        "product_id": 118,
        "variant_id": 255,
        "name": "Cast Iron Teapot",
        "sku": "POT-CI-01",
        "quantity": 1,
        "price_inc_tax": "36.5000",
        "total_inc_tax": "36.5000",
        "quantity_shipped": 1,
        "quantity_refunded": 0,
        "refund_amount": "0.0000",
    }
    # Each line names its line item id (what shipments and refunds take), SKU and product.
    assert out.text == (
        "Order #3021: 2 line items: line item #901: 2 x Sencha Loose Leaf 100g "
        "(SKU TEA-SEN-100, product #112); line item #902: 1 x Cast Iron Teapot "
        "(SKU POT-CI-01, product #118)"
    )


async def test_list_order_shipments(upstream: Upstream) -> None:
    upstream.serve("list_order_shipments.200")
    out = await upstream.call("bigcommerce_list_order_shipments", {"order_id": 3021})
    assert_request(
        upstream.only_request, "GET", "/v2/orders/3021/shipments", {"page": "1", "limit": "50"}
    )
    assert out.structured["shipments"] == [
        {
            "id": 41,
            "order_id": 3021,
            "date_created": "2026-11-03T01:20:00Z",
            "tracking_number": "AP7712345678",
            "shipping_provider": "auspost",
            "shipping_method": "Parcel Post",
            "tracking_link": "https://auspost.com.au/mypost/track/#/details/AP7712345678",
            "items": [{"order_product_id": 902, "product_id": 118, "quantity": 1}],
        }
    ]
    assert out.text == "Order #3021: 1 shipment: shipment #41: auspost AP7712345678 (1 item)"


async def test_list_order_shipments_none_yet(upstream: Upstream) -> None:
    upstream.serve("v2_list.204")
    out = await upstream.call("bigcommerce_list_order_shipments", {"order_id": 3021})
    assert out.structured["shipments"] == []
    assert out.text == "Order #3021: 0 shipments."


async def test_list_order_refunds(upstream: Upstream) -> None:
    upstream.serve("list_order_refunds.200")
    out = await upstream.call("bigcommerce_list_order_refunds", {"order_id": 3019})
    assert_request(upstream.only_request, "GET", "/v3/orders/3019/payment_actions/refunds")
    assert out.structured == {
        "order_id": 3019,
        "refunds": [
            {
                "id": 7,
                "order_id": 3019,
                "created": "2026-10-31T04:12:09Z",
                "reason": "Damaged in transit",
                "total_amount": "5",
                "total_tax": "0",
                "items": [
                    {
                        "item_type": "PRODUCT",
                        "item_id": 880,
                        "quantity": 1,
                        "requested_amount": "5",
                        "reason": "Dented tin",
                    }
                ],
                "payments": [
                    {
                        "provider_id": "stripev3",
                        "amount": "5",
                        "offline": False,
                        "is_declined": False,
                    }
                ],
            }
        ],
        "total_refunded": "5",
    }
    assert out.text == ("Order #3019: 1 refund totalling 5.00: refund #7 5.00 (Damaged in transit)")


async def test_list_products_defaults(upstream: Upstream) -> None:
    upstream.serve("list_products.200")
    out = await upstream.call("bigcommerce_list_products")
    assert_request(
        upstream.only_request, "GET", "/v3/catalog/products", {"page": "1", "limit": "20"}
    )
    assert out.structured["pagination"] == {"total": 2, "current_page": 1, "total_pages": 1}
    assert out.structured["products"][1] == {
        "id": 113,
        "name": "Genmaicha Loose Leaf 100g",
        "type": "physical",
        "sku": "TEA-GEN-100",
        "price": "21.5",
        "sale_price": "18.95",
        "inventory_level": 0,
        "inventory_tracking": "variant",
        "is_visible": True,
        "availability": "available",
        "date_modified": "2026-09-12T11:30:00Z",
        "url": "/genmaicha-loose-leaf-100g/",
    }
    assert out.text.startswith("2 products of 2: #112 Sencha Loose Leaf 100g 24.00")


async def test_list_products_filters(upstream: Upstream) -> None:
    upstream.serve("list_products.200")
    await upstream.call(
        "bigcommerce_list_products",
        {"keyword": "green tea", "sku": "TEA-SEN-100", "is_visible": False, "page": 2, "limit": 5},
    )
    assert_request(
        upstream.only_request,
        "GET",
        "/v3/catalog/products",
        {
            "keyword": "green tea",
            "sku": "TEA-SEN-100",
            "is_visible": "false",
            "page": "2",
            "limit": "5",
        },
    )


async def test_list_products_without_pagination_lists_the_page(upstream: Upstream) -> None:
    product = {"id": 5, "name": "Tin", "price": 3, "custom_url": {"url": "/tin/"}}
    upstream.queue = [httpx.Response(200, json={"data": [product], "meta": {}})]
    out = await upstream.call("bigcommerce_list_products")
    assert out.structured["pagination"] == {
        "total": None,
        "current_page": None,
        "total_pages": None,
    }
    assert [(p["id"], p["url"], p["price"]) for p in out.structured["products"]] == [
        (5, "/tin/", "3")
    ]
    assert out.text == "1 product: #5 Tin 3.00"


@pytest.mark.parametrize(
    "body",
    [
        [{"data": {"id": 5, "name": "Tin"}}],  # an array where v3 answers an object
        {"data": {"id": 5, "name": "Tin"}, "meta": {}},  # one product where a page is due
        {"meta": {"pagination": {"total": 0}}},  # no data at all
    ],
)
async def test_list_products_refuses_a_body_that_is_not_a_page(
    upstream: Upstream, body: Any
) -> None:
    upstream.queue = [httpx.Response(200, json=body)]
    with pytest.raises(UpstreamResponseInvalid) as caught:
        await upstream.call("bigcommerce_list_products")
    assert caught.value.message == (
        "bigcommerce is unavailable: the response did not have the documented shape"
    )


async def test_get_product_with_variants(upstream: Upstream) -> None:
    upstream.serve("get_product.200")
    out = await upstream.call("bigcommerce_get_product", {"product_id": 112})
    assert_request(
        upstream.only_request, "GET", "/v3/catalog/products/112", {"include": "variants"}
    )
    product = out.structured["product"]
    assert product["description"] == "<p>Grown on the slopes.</p>"
    assert product["description_truncated"] is False
    assert product["variants"] == [
        {
            "id": 240,
            "sku": "TEA-SEN-100-TIN",
            "price": "24",
            "sale_price": None,
            "inventory_level": 90,
            "purchasing_disabled": False,
            "option_values": [{"option_display_name": "Packaging", "label": "Tin"}],
        },
        {
            "id": 241,
            "sku": "TEA-SEN-100-REFILL",
            "price": "19.5",
            "sale_price": None,
            "inventory_level": 40,
            "purchasing_disabled": False,
            "option_values": [{"option_display_name": "Packaging", "label": "Refill pouch"}],
        },
    ]
    assert out.text == (
        "Product #112 Sencha Loose Leaf 100g: price 24.00, SKU TEA-SEN-100, inventory 130, "
        "2 variants: variant #240 SKU TEA-SEN-100-TIN 24.00, 90 in stock; "
        "variant #241 SKU TEA-SEN-100-REFILL 19.50, 40 in stock"
    )


async def test_get_inventory_by_sku(upstream: Upstream) -> None:
    upstream.serve("get_inventory.200")
    out = await upstream.call(
        "bigcommerce_get_inventory", {"skus": ["TEA-SEN-100-TIN", "TEA-SEN-100-REFILL"]}
    )
    assert_request(
        upstream.only_request,
        "GET",
        "/v3/inventory/items",
        {"sku:in": "TEA-SEN-100-TIN,TEA-SEN-100-REFILL", "page": "1", "limit": "50"},
    )
    assert out.structured["items"] == [
        {
            "sku": "TEA-SEN-100-TIN",
            "variant_id": 240,
            "product_id": 112,
            "locations": [
                {
                    "location_id": 1,
                    "location_code": "HOBART",
                    "location_name": "Hobart warehouse",
                    "available_to_sell": 84,
                    "total_inventory_onhand": 90,
                    "is_in_stock": True,
                },
                {
                    "location_id": 2,
                    "location_code": "SYD-SHOP",
                    "location_name": "Sydney shop",
                    "available_to_sell": 0,
                    "total_inventory_onhand": 0,
                    "is_in_stock": False,
                },
            ],
        }
    ]
    assert out.text == (
        "1 inventory item: TEA-SEN-100-TIN (variant #240, product #112): "
        "84 available in 2 locations"
    )


async def test_get_inventory_by_variant_and_product_ids(upstream: Upstream) -> None:
    upstream.serve("get_inventory.200")
    await upstream.call("bigcommerce_get_inventory", {"variant_ids": [240, 241], "limit": 5})
    await upstream.call("bigcommerce_get_inventory", {"product_ids": [112]})
    by_variant, by_product = upstream.requests
    assert_request(
        by_variant,
        "GET",
        "/v3/inventory/items",
        {"variant_id:in": "240,241", "page": "1", "limit": "5"},
    )
    assert_request(
        by_product,
        "GET",
        "/v3/inventory/items",
        {"product_id:in": "112", "page": "1", "limit": "50"},
    )


async def test_list_customers(upstream: Upstream) -> None:
    upstream.serve("list_customers.200")
    out = await upstream.call(
        "bigcommerce_list_customers", {"email": "noor@example.com", "name": "Haddad"}
    )
    assert_request(
        upstream.only_request,
        "GET",
        "/v3/customers",
        {"email:in": "noor@example.com", "name:like": "Haddad", "page": "1", "limit": "20"},
    )
    assert out.structured["customers"] == [
        {
            "id": 57,
            "email": "noor@example.com",
            "first_name": "Noor",
            "last_name": "Haddad",
            "company": None,
            "phone": "0400 111 222",
            "customer_group_id": 0,
            "date_created": "2025-04-02T10:00:00Z",
            "date_modified": "2025-04-02T10:00:00Z",
        }
    ]
    assert out.text == "1 customer: #57 Noor Haddad <noor@example.com>"


async def test_get_customer_reads_the_v3_collection_filtered_to_one_id(upstream: Upstream) -> None:
    upstream.serve("get_customer.200")
    out = await upstream.call("bigcommerce_get_customer", {"customer_id": 57})
    assert_request(
        upstream.only_request,
        "GET",
        "/v3/customers",
        {"id:in": "57", "include": "addresses,storecredit"},
    )
    customer = out.structured["customer"]
    assert customer["email"] == "noor@example.com"
    assert customer["company"] is None  # blank upstream text is absent, not ""
    assert customer["date_created"] == "2025-04-02T10:00:00Z"
    assert customer["store_credit"] == "5.0"
    assert customer["notes"] == "Prefers tins over pouches"
    assert customer["accepts_product_review_abandoned_cart_emails"] is True
    assert customer["address_count"] == 1
    assert customer["addresses"] == [
        {
            "id": 12,
            "first_name": "Noor",
            "last_name": "Haddad",
            "company": None,
            "address1": "14 Harbour Street",
            "address2": "Unit 3",
            "city": "Sydney",
            "state_or_province": "New South Wales",
            "postal_code": "2000",
            "country_code": "AU",
            "phone": "0400 111 222",
            "address_type": "residential",
        }
    ]
    assert out.text == "Customer #57 Noor Haddad <noor@example.com>, since 2025-04-02."


async def test_get_customer_with_no_match_is_a_clear_404(upstream: Upstream) -> None:
    upstream.serve("get_customer.200.empty")
    with pytest.raises(UpstreamError) as caught:
        await upstream.call("bigcommerce_get_customer", {"customer_id": 58})
    assert not isinstance(caught.value, UpstreamResponseInvalid)
    assert (caught.value.status, caught.value.upstream_message) == (404, "no customer with id 58")
    assert len(upstream.requests) == 1


@pytest.mark.parametrize(
    "data",
    [
        # BigCommerce ignoring the filter (or a proxy answering the unfiltered list) must not
        # hand the model somebody else's record.
        [{"id": 99, "email": "other@example.com"}],
        [{"id": 57, "email": "a@example.com"}, {"id": 58, "email": "b@example.com"}],
        [{"id": 57, "email": "a@example.com", "store_credit_amounts": [{"amount": "lots"}]}],
        {"id": 57, "email": "a@example.com"},
    ],
)
async def test_get_customer_refuses_an_answer_that_is_not_that_one_customer(
    upstream: Upstream, data: Any
) -> None:
    upstream.queue = [httpx.Response(200, json={"data": data, "meta": {}})]
    with pytest.raises(UpstreamResponseInvalid) as caught:
        await upstream.call("bigcommerce_get_customer", {"customer_id": 57})
    assert "example.com" not in str(caught.value)


async def test_get_customer_order_summary(upstream: Upstream) -> None:
    upstream.serve("get_customer_order_summary.200")
    out = await upstream.call("bigcommerce_get_customer_order_summary", {"customer_id": 57})
    assert_request(upstream.only_request, "GET", "/v2/orders/count", {"customer_id": "57"})
    assert out.structured == {
        "customer_id": 57,
        "total_orders": 6,
        "by_status": [
            {"status_id": 11, "name": "Awaiting Fulfillment", "count": 1},
            {"status_id": 10, "name": "Completed", "count": 4},
            {"status_id": 14, "name": "Partially Refunded", "count": 1},
        ],
    }
    assert out.text == (
        "Customer #57 has 6 orders: 1 Awaiting Fulfillment, 4 Completed, 1 Partially Refunded."
    )


async def test_customer_order_summary_without_a_total_adds_up_the_statuses(
    upstream: Upstream,
) -> None:
    statuses = [
        {"id": 10, "name": "Completed", "custom_label": "Done", "count": 2},
        {"id": 11, "name": "Awaiting Fulfillment", "custom_label": "", "count": 1},
        {"id": 5, "name": "Cancelled", "custom_label": "Cancelled", "count": 0},
    ]
    upstream.queue = [httpx.Response(200, json={"statuses": statuses})]
    out = await upstream.call("bigcommerce_get_customer_order_summary", {"customer_id": 57})
    assert out.structured == {
        "customer_id": 57,
        "total_orders": 3,
        "by_status": [
            {"status_id": 10, "name": "Done", "count": 2},
            {"status_id": 11, "name": "Awaiting Fulfillment", "count": 1},
        ],
    }
    assert out.text == "Customer #57 has 3 orders: 2 Done, 1 Awaiting Fulfillment."


async def test_update_product_sends_only_the_given_fields(upstream: Upstream) -> None:
    upstream.serve("update_product.200")
    out = await upstream.call(
        "bigcommerce_update_product",
        {"product_id": 112, "name": "Sencha Loose Leaf 100g (Spring)", "price": "26.50"},
    )
    assert_request(
        upstream.only_request,
        "PUT",
        "/v3/catalog/products/112",
        body={"name": "Sencha Loose Leaf 100g (Spring)", "price": 26.5},
    )
    assert out.structured["updated_fields"] == ["name", "price"]
    assert out.structured["product"]["price"] == "26.5"
    assert out.text == "Updated product #112 Sencha Loose Leaf 100g (Spring): name, price."


async def test_update_product_every_writable_field(upstream: Upstream) -> None:
    upstream.serve("update_product.200")
    await upstream.call(
        "bigcommerce_update_product",
        {
            "product_id": 112,
            "name": "Sencha",
            "price": 26.5,
            "sale_price": "0",
            "inventory_level": 0,
            "is_visible": False,
            "description": "<p>New season.</p>",
        },
    )
    assert_request(
        upstream.only_request,
        "PUT",
        "/v3/catalog/products/112",
        body={
            "name": "Sencha",
            "price": 26.5,
            "sale_price": 0.0,
            "inventory_level": 0,
            "is_visible": False,
            "description": "<p>New season.</p>",
        },
    )
