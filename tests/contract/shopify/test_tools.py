"""One contract test per Shopify tool: the exact request built and the parsed output."""

from __future__ import annotations

from typing import Any

import pytest

from shopmcp_adapters.upstreams.shopify import documents as docs
from tests.contract.shopify import (
    test_tools_customers,
    test_tools_fulfilment,
    test_tools_merchandise,
    test_tools_sales,
)
from tests.contract.shopify.helpers import (
    A_UUID,
    Case,
    Upstream,
    assert_graphql_request,
    aud,
    call,
    check_case,
    make_module,
    respond,
)

CASES: list[Case] = [
    (
        "shopify_get_shop",
        {},
        "get_shop.200.json",
        docs.GET_SHOP,
        {},
        {
            "id": "gid://shopify/Shop/60000000001",
            "name": "Acme Outfitters",
            "email": "owner@acme.example",
            "contact_email": "hello@acme.example",
            "myshopify_domain": "acme-test.myshopify.com",
            "primary_domain": "shop.acme.example",
            "currency": "AUD",
            "timezone": "Australia/Sydney",
            "plan": "Basic",
            "country": "Australia",
        },
        "Acme Outfitters (acme-test.myshopify.com), AUD, plan Basic",
    ),
    (
        "shopify_list_orders",
        {
            "status": "open",
            "financial_status": "paid",
            "fulfillment_status": "unfulfilled",
            "created_from": "2026-09-01",
            "created_to": "2026-09-30",
            "customer_id": 7100000000001,
            "first": 2,
            "after": "eyJsYXN0X2lkIjo1NTAwMDAwMDAwMDAwfQ==",
        },
        "list_orders.200.json",
        docs.LIST_ORDERS,
        {
            "first": 2,
            "after": "eyJsYXN0X2lkIjo1NTAwMDAwMDAwMDAwfQ==",
            "query": "status:open financial_status:paid fulfillment_status:unfulfilled "
            "created_at:>='2026-09-01T00:00:00Z' created_at:<'2026-10-01T00:00:00Z' "
            "customer_id:7100000000001",
        },
        {
            "orders": [
                {
                    "id": "gid://shopify/Order/5500000000001",
                    "name": "#1001",
                    "created_at": "2026-10-01T03:14:15Z",
                    "cancelled_at": None,
                    "closed": False,
                    "financial_status": "PAID",
                    "fulfillment_status": "UNFULFILLED",
                    "total": aud("129.95"),
                    "customer_id": "gid://shopify/Customer/7100000000001",
                    "customer_name": "Jane Citizen",
                    "item_count": 2,
                },
                {
                    "id": "gid://shopify/Order/5500000000002",
                    "name": "#1002",
                    "created_at": "2026-09-30T22:01:00Z",
                    "cancelled_at": None,
                    "closed": True,
                    "financial_status": "PARTIALLY_REFUNDED",
                    "fulfillment_status": "FULFILLED",
                    "total": aud("54.90"),
                    "customer_id": None,
                    "customer_name": None,
                    "item_count": 1,
                },
            ],
            "page_info": {
                "has_next_page": True,
                "end_cursor": (
                    "eyJsYXN0X2lkIjo1NTAwMDAwMDAwMDAyLCJsYXN0X3ZhbHVlIjoiMjAyNi0wOS0zMCJ9"
                ),
            },
        },
        "2 orders (more available)\n"
        "#1001 2026-10-01 PAID/UNFULFILLED 129.95 AUD, id gid://shopify/Order/5500000000001\n"
        "#1002 2026-09-30 PARTIALLY_REFUNDED/FULFILLED 54.90 AUD, id "
        "gid://shopify/Order/5500000000002\n"
        "next page: after=eyJsYXN0X2lkIjo1NTAwMDAwMDAwMDAyLCJsYXN0X3ZhbHVlIjoiMjAyNi0wOS0zMCJ9",
    ),
    (
        "shopify_get_order",
        {"order_id": "gid://shopify/Order/5500000000002"},
        "get_order.200.json",
        docs.GET_ORDER,
        {"id": "gid://shopify/Order/5500000000002"},
        {
            "id": "gid://shopify/Order/5500000000002",
            "name": "#1002",
            "created_at": "2026-09-30T22:01:00Z",
            "processed_at": "2026-09-30T22:01:00Z",
            "cancelled_at": None,
            "cancel_reason": None,
            "closed": True,
            "note": "Leave at the side door",
            "tags": ["gift", "vip"],
            "financial_status": "PARTIALLY_REFUNDED",
            "fulfillment_status": "FULFILLED",
            "subtotal": aud("79.90"),
            "shipping": aud("10.00"),
            "tax": aud("8.17"),
            "total": aud("54.90"),
            "refunded": aud("35.00"),
            "customer_id": "gid://shopify/Customer/7100000000002",
            "customer_name": "Sam Lee",
            "line_items": [
                {
                    "id": "gid://shopify/LineItem/13000000000002",
                    "title": "Black Tee",
                    "sku": "TEE-BLK-M",
                    "quantity": 1,
                    "current_quantity": 1,
                    "unit_price": aud("39.95"),
                    "variant_id": "gid://shopify/ProductVariant/45000000000001",
                },
                {
                    "id": "gid://shopify/LineItem/13000000000003",
                    "title": "Canvas Tote",
                    "sku": None,
                    "quantity": 1,
                    "current_quantity": 0,
                    "unit_price": aud("39.95"),
                    "variant_id": None,
                },
            ],
            "fulfillments": [
                {
                    "id": "gid://shopify/Fulfillment/4400000000001",
                    "status": "SUCCESS",
                    "created_at": "2026-10-01T05:00:00Z",
                    "tracking": [
                        {
                            "company": "Australia Post",
                            "number": "AP123456789AU",
                            "url": "https://auspost.com.au/mypost/track/#/details/AP123456789AU",
                        }
                    ],
                }
            ],
            "refunds": [
                {
                    "id": "gid://shopify/Refund/900000000002",
                    "created_at": "2026-10-04T01:00:00Z",
                    "note": "Tote arrived torn",
                    "total": aud("35.00"),
                }
            ],
        },
        "Order #1002: PARTIALLY_REFUNDED/FULFILLED, total 54.90 AUD, 2 line items, 1 "
        "fulfillment, 1 refund\n"
        "- 1 x Black Tee (TEE-BLK-M) at 39.95 AUD, line item "
        "gid://shopify/LineItem/13000000000002\n"
        "- 1 x Canvas Tote (no SKU) at 39.95 AUD, line item "
        "gid://shopify/LineItem/13000000000003\n"
        "- fulfillment gid://shopify/Fulfillment/4400000000001 SUCCESS, Australia Post "
        "AP123456789AU\n"
        "- refund gid://shopify/Refund/900000000002 35.00 AUD",
    ),
    (
        "shopify_list_order_refunds",
        {"order_id": "5500000000002"},
        "list_order_refunds.200.json",
        docs.LIST_ORDER_REFUNDS,
        {"id": "gid://shopify/Order/5500000000002"},
        {
            "order_id": "gid://shopify/Order/5500000000002",
            "order_name": "#1002",
            "total_refunded": aud("35.00"),
            "refunds": [
                {
                    "id": "gid://shopify/Refund/900000000002",
                    "created_at": "2026-10-04T01:00:00Z",
                    "note": "Tote arrived torn",
                    "total": aud("35.00"),
                    "lines": [
                        {
                            "line_item_id": "gid://shopify/LineItem/13000000000003",
                            "title": "Canvas Tote",
                            "sku": None,
                            "quantity": 1,
                            "restock_type": "NO_RESTOCK",
                            "subtotal": aud("35.00"),
                        }
                    ],
                }
            ],
        },
        "Order #1002: 1 refund, 35.00 AUD refunded in total\n"
        "- refund gid://shopify/Refund/900000000002 2026-10-04 35.00 AUD",
    ),
    (
        "shopify_list_products",
        {
            "search": "black tee",
            "status": "active",
            "vendor": "Acme",
            "product_type": "T-Shirts",
            "tag": "summer",
            "sku": "TEE-BLK-M",
            "first": 10,
        },
        "list_products.200.json",
        docs.LIST_PRODUCTS,
        {
            "first": 10,
            "after": None,
            "query": '"black tee" status:ACTIVE vendor:"Acme" product_type:"T-Shirts" '
            'tag:"summer" sku:"TEE-BLK-M"',
        },
        {
            "products": [
                {
                    "id": "gid://shopify/Product/8000000000001",
                    "title": "Black Tee",
                    "handle": "black-tee",
                    "status": "ACTIVE",
                    "vendor": "Acme",
                    "product_type": "T-Shirts",
                    "tags": ["cotton", "summer"],
                    "total_inventory": 37,
                    "variant_count": 3,
                    "updated_at": "2026-09-12T08:00:00Z",
                    "skus": ["TEE-BLK-S", "TEE-BLK-M", None],
                }
            ],
            "page_info": {
                "has_next_page": False,
                "end_cursor": "eyJsYXN0X2lkIjo4MDAwMDAwMDAwMDAxfQ==",
            },
        },
        "1 product\n"
        "Black Tee [ACTIVE] stock 37, SKU TEE-BLK-S, TEE-BLK-M, id "
        "gid://shopify/Product/8000000000001",
    ),
    (
        "shopify_get_product",
        {"product_id": 8000000000001},
        "get_product.200.json",
        docs.GET_PRODUCT,
        {"id": "gid://shopify/Product/8000000000001"},
        {
            "id": "gid://shopify/Product/8000000000001",
            "title": "Black Tee",
            "handle": "black-tee",
            "status": "ACTIVE",
            "vendor": "Acme",
            "product_type": "T-Shirts",
            "tags": ["cotton", "summer"],
            "description_html": "<p>Heavyweight organic cotton.</p>",
            "created_at": "2025-03-01T00:00:00Z",
            "updated_at": "2026-09-12T08:00:00Z",
            "total_inventory": 37,
            "variants": [
                {
                    "id": "gid://shopify/ProductVariant/45000000000001",
                    "title": "M",
                    "sku": "TEE-BLK-M",
                    "price": "39.95",
                    "compare_at_price": None,
                    "inventory_quantity": 37,
                    "inventory_item_id": "gid://shopify/InventoryItem/47000000000001",
                    "tracked": True,
                },
                {
                    "id": "gid://shopify/ProductVariant/45000000000002",
                    "title": "L",
                    "sku": "TEE-BLK-L",
                    "price": "39.95",
                    "compare_at_price": "49.95",
                    "inventory_quantity": 0,
                    "inventory_item_id": "gid://shopify/InventoryItem/47000000000002",
                    "tracked": True,
                },
            ],
        },
        "Black Tee [ACTIVE] by Acme: 2 variants, stock 37\n"
        "- M (TEE-BLK-M) 39.95, stock 37, variant gid://shopify/ProductVariant/45000000000001\n"
        "- L (TEE-BLK-L) 39.95, stock 0, variant gid://shopify/ProductVariant/45000000000002",
    ),
    (
        "shopify_get_inventory",
        {"sku": "TEE-BLK-M"},
        "get_inventory.200.json",
        docs.GET_INVENTORY,
        {"first": 20, "query": 'sku:"TEE-BLK-M"'},
        {
            "variants": [
                {
                    "variant_id": "gid://shopify/ProductVariant/45000000000001",
                    "variant_title": "M",
                    "sku": "TEE-BLK-M",
                    "product_id": "gid://shopify/Product/8000000000001",
                    "product_title": "Black Tee",
                    "inventory_item_id": "gid://shopify/InventoryItem/47000000000001",
                    "tracked": True,
                    "levels": [
                        {
                            "location_id": "gid://shopify/Location/60000000001",
                            "location_name": "Sydney Warehouse",
                            "available": 37,
                            "on_hand": 40,
                            "committed": 3,
                            "incoming": 0,
                        },
                        {
                            "location_id": "gid://shopify/Location/60000000002",
                            "location_name": "Melbourne Store",
                            "available": 4,
                            "on_hand": 4,
                            "committed": 0,
                            "incoming": 12,
                        },
                    ],
                }
            ]
        },
        "1 variant\nBlack Tee / M (TEE-BLK-M): Sydney Warehouse 37 available "
        "(location gid://shopify/Location/60000000001), Melbourne Store 4 available "
        "(location gid://shopify/Location/60000000002); "
        "inventory item gid://shopify/InventoryItem/47000000000001",
    ),
    (
        "shopify_list_customers",
        {"search": "Jane", "email": "jane@example.com", "first": 5},
        "list_customers.200.json",
        docs.LIST_CUSTOMERS,
        {"first": 5, "after": None, "query": '"Jane" email:"jane@example.com"'},
        {
            "customers": [
                {
                    "id": "gid://shopify/Customer/7100000000001",
                    "name": "Jane Citizen",
                    "email": "jane@example.com",
                    "phone": None,
                    "state": "ENABLED",
                    "tags": ["vip"],
                    "created_at": "2025-02-11T22:10:00Z",
                    "number_of_orders": 3,
                    "amount_spent": {"amount": "389.85", "currency": "AUD"},
                }
            ],
            "page_info": {"has_next_page": False, "end_cursor": None},
        },
        "1 customer\n"
        "Jane Citizen: 3 orders, spent 389.85 AUD, tags vip, id "
        "gid://shopify/Customer/7100000000001",
    ),
    (
        "shopify_get_customer",
        {"customer_id": "gid://shopify/Customer/7100000000001"},
        "get_customer.200.json",
        docs.GET_CUSTOMER,
        {"id": "gid://shopify/Customer/7100000000001"},
        {
            "id": "gid://shopify/Customer/7100000000001",
            "name": "Jane Citizen",
            "first_name": "Jane",
            "last_name": "Citizen",
            "email": "jane@example.com",
            "phone": "+61400000001",
            "state": "ENABLED",
            "tags": ["vip"],
            "note": None,
            "created_at": "2025-02-11T22:10:00Z",
            "number_of_orders": 3,
            "amount_spent": aud("389.85"),
            "city": "Sydney",
            "country": "Australia",
            "last_order_name": "#1001",
            "recent_orders": [
                {
                    "id": "gid://shopify/Order/5500000000001",
                    "name": "#1001",
                    "created_at": "2026-10-01T03:14:15Z",
                    "financial_status": "PAID",
                    "fulfillment_status": "UNFULFILLED",
                    "total": aud("129.95"),
                }
            ],
        },
        "Jane Citizen: 3 orders, spent 389.85 AUD, last order #1001\n"
        "- #1001 2026-10-01 129.95 AUD, id gid://shopify/Order/5500000000001",
    ),
    (
        "shopify_update_product",
        {
            "product_id": "8000000000001",
            "title": "Black Tee (Organic)",
            "description": "<p>Now organic.</p>",
            "status": "draft",
            "tags": ["organic", "summer"],
        },
        "update_product.200.json",
        docs.UPDATE_PRODUCT,
        {
            "product": {
                "id": "gid://shopify/Product/8000000000001",
                "title": "Black Tee (Organic)",
                "descriptionHtml": "<p>Now organic.</p>",
                "tags": ["organic", "summer"],
                "status": "DRAFT",
            }
        },
        {
            "id": "gid://shopify/Product/8000000000001",
            "title": "Black Tee (Organic)",
            "handle": "black-tee",
            "status": "DRAFT",
            "vendor": "Acme",
            "product_type": "T-Shirts",
            "tags": ["organic", "summer"],
            "description_html": "<p>Now organic.</p>",
            "updated_at": "2026-10-05T10:00:00Z",
        },
        "Updated product Black Tee (Organic) [DRAFT]",
    ),
    (
        "shopify_set_inventory",
        {
            "inventory_item_id": "gid://shopify/InventoryItem/47000000000001",
            "location_id": 60000000001,
            "expected_quantity": 37,
            "quantity": 30,
        },
        "set_inventory.200.json",
        docs.SET_INVENTORY,
        {
            "input": {
                "name": "available",
                "reason": "correction",
                "quantities": [
                    {
                        "inventoryItemId": "gid://shopify/InventoryItem/47000000000001",
                        "locationId": "gid://shopify/Location/60000000001",
                        "quantity": 30,
                        "changeFromQuantity": 37,
                    }
                ],
            },
            "idempotencyKey": A_UUID,
        },
        {
            "reason": "correction",
            "changes": [
                {
                    "name": "available",
                    "delta": -7,
                    "quantity_after": None,
                    "location_id": "gid://shopify/Location/60000000001",
                    "location_name": "Sydney Warehouse",
                    "inventory_item_id": "gid://shopify/InventoryItem/47000000000001",
                    "sku": "TEE-BLK-M",
                },
                {
                    "name": "on_hand",
                    "delta": -7,
                    "quantity_after": None,
                    "location_id": "gid://shopify/Location/60000000001",
                    "location_name": "Sydney Warehouse",
                    "inventory_item_id": "gid://shopify/InventoryItem/47000000000001",
                    "sku": "TEE-BLK-M",
                },
            ],
        },
        "TEE-BLK-M at Sydney Warehouse: available -7; TEE-BLK-M at Sydney Warehouse: on_hand -7",
    ),
    (
        "shopify_update_order",
        {
            "order_id": 5500000000001,
            "note": "Customer asked for express",
            "tags": ["express", "gift"],
        },
        "update_order.200.json",
        docs.UPDATE_ORDER,
        {
            "input": {
                "id": "gid://shopify/Order/5500000000001",
                "note": "Customer asked for express",
                "tags": ["express", "gift"],
            }
        },
        {
            "id": "gid://shopify/Order/5500000000001",
            "name": "#1001",
            "note": "Customer asked for express",
            "tags": ["express", "gift"],
            "updated_at": "2026-10-05T10:00:00Z",
        },
        "Updated order #1001",
    ),
]


# Every tool's case: these and those of the resource modules next to this one.
ALL_CASES: list[Case] = [
    *CASES,
    *test_tools_fulfilment.CASES,
    *test_tools_sales.CASES,
    *test_tools_merchandise.CASES,
    *test_tools_customers.CASES,
]


def test_every_tool_has_a_contract_case() -> None:
    from shopmcp_adapters.upstreams.shopify import PACKAGE as SHOPIFY

    assert sorted(case[0] for case in ALL_CASES) == sorted(spec.name for spec in SHOPIFY.specs)


@pytest.mark.parametrize("case", CASES, ids=[case[0] for case in CASES])
async def test_tool_request_and_parse(case: Case) -> None:
    await check_case(*case)


async def test_update_product_sends_only_the_fields_given() -> None:
    upstream = Upstream([respond("update_product.200.json")])
    await call(
        make_module(upstream),
        "shopify_update_product",
        {"product_id": 8000000000001, "vendor": "", "product_type": "Tees"},
    )
    assert_graphql_request(
        upstream.requests[0],
        docs.UPDATE_PRODUCT,
        {
            "product": {
                "id": "gid://shopify/Product/8000000000001",
                "vendor": "",
                "productType": "Tees",
            }
        },
    )


@pytest.mark.parametrize(
    ("arguments", "query"),
    [
        ({"product_id": "8000000000001"}, "product_id:8000000000001"),
        ({"variant_id": "gid://shopify/ProductVariant/45000000000001"}, "id:45000000000001"),
    ],
)
async def test_inventory_by_product_or_variant(arguments: dict[str, Any], query: str) -> None:
    upstream = Upstream([respond("get_inventory.200.json")])
    await call(make_module(upstream), "shopify_get_inventory", arguments)
    assert_graphql_request(upstream.requests[0], docs.GET_INVENTORY, {"first": 20, "query": query})


async def test_list_without_filters_sends_a_null_query() -> None:
    upstream = Upstream([respond("list_orders.200.json")])
    await call(make_module(upstream), "shopify_list_orders", {})
    assert_graphql_request(
        upstream.requests[0], docs.LIST_ORDERS, {"first": 20, "after": None, "query": None}
    )
