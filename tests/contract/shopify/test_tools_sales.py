"""Contract cases of the refund, cancel, abandoned checkout and sales summary tools: exact
request, parsed output."""

from __future__ import annotations

import pytest

from shopmcp_adapters.upstreams.shopify import documents as docs
from tests.contract.shopify.helpers import A_UUID, Case, aud, check_case

CASES: list[Case] = [
    (
        "shopify_get_refund",
        {"refund_id": 900000000002},
        "get_refund.200.json",
        docs.GET_REFUND,
        {"id": "gid://shopify/Refund/900000000002"},
        {
            "id": "gid://shopify/Refund/900000000002",
            "created_at": "2026-09-08T10:00:00Z",
            "note": "Customer return",
            "order_id": "gid://shopify/Order/5500000000002",
            "order_name": "#1002",
            "total": aud("29.00"),
            "lines": [
                {
                    "line_item_id": "gid://shopify/LineItem/13000000000012",
                    "title": "Canvas Tote",
                    "sku": "CAN-TOT",
                    "quantity": 1,
                    "restock_type": "RETURN",
                    "subtotal": aud("29.00"),
                }
            ],
            "transactions": [
                {
                    "id": "gid://shopify/OrderTransaction/8800000000012",
                    "kind": "REFUND",
                    "status": "SUCCESS",
                    "gateway": "shopify_payments",
                    "amount": aud("29.00"),
                    "processed_at": "2026-09-08T10:00:00Z",
                }
            ],
        },
        "refund gid://shopify/Refund/900000000002 of order #1002: 29.00 AUD",
    ),
    (
        "shopify_suggest_refund",
        {
            "order_id": 5500000000003,
            "line_items": [{"line_item_id": 13000000000021, "quantity": 2}],
        },
        "suggest_refund.200.json",
        docs.SUGGEST_REFUND,
        {
            "id": "gid://shopify/Order/5500000000003",
            "refundLineItems": [
                {"lineItemId": "gid://shopify/LineItem/13000000000021", "quantity": 2}
            ],
            "refundShipping": False,
        },
        {
            "order_id": "gid://shopify/Order/5500000000003",
            "order_name": "#1003",
            "amount": aud("45.00"),
            "subtotal": aud("45.00"),
            "tax": aud("4.09"),
            "maximum_refundable": aud("270.00"),
            "shipping": aud("0.00"),
            "lines": [
                {
                    "line_item_id": "gid://shopify/LineItem/13000000000021",
                    "title": "Trail Socks",
                    "sku": "TRA-SOC-SM",
                    "quantity": 2,
                    "restock_type": "NO_RESTOCK",
                    "subtotal": aud("45.00"),
                }
            ],
            "transactions": [
                {
                    "parent_transaction_id": "gid://shopify/OrderTransaction/8800000000021",
                    "gateway": "shopify_payments",
                    "kind": "SUGGESTED_REFUND",
                    "amount": aud("45.00"),
                }
            ],
        },
        (
            "Refunding order #1003 would return 45.00 AUD (subtotal 45.00 AUD, tax 4.09 AUD, "
            "shipping 0.00 AUD; at most 270.00 AUD)"
        ),
    ),
    (
        "shopify_create_refund",
        {
            "order_id": 5500000000003,
            "line_items": [{"line_item_id": 13000000000021, "quantity": 2}],
            "restock_type": "return",
            "location_id": 60000000001,
            "transactions": [
                {
                    "parent_transaction_id": 8800000000021,
                    "gateway": "shopify_payments",
                    "amount": "45.00",
                }
            ],
            "note": "Wrong size",
            "notify_customer": True,
        },
        "create_refund.200.json",
        docs.CREATE_REFUND,
        {
            "input": {
                "orderId": "gid://shopify/Order/5500000000003",
                "refundLineItems": [
                    {
                        "lineItemId": "gid://shopify/LineItem/13000000000021",
                        "quantity": 2,
                        "restockType": "RETURN",
                        "locationId": "gid://shopify/Location/60000000001",
                    }
                ],
                "notify": True,
                "transactions": [
                    {
                        "orderId": "gid://shopify/Order/5500000000003",
                        "parentId": "gid://shopify/OrderTransaction/8800000000021",
                        "gateway": "shopify_payments",
                        "kind": "REFUND",
                        "amount": "45.00",
                    }
                ],
                "note": "Wrong size",
            },
            "idempotencyKey": A_UUID,
        },
        {
            "id": "gid://shopify/Refund/910000000001",
            "created_at": "2026-10-05T10:00:00Z",
            "note": "Wrong size",
            "order_id": "gid://shopify/Order/5500000000003",
            "order_name": "#1003",
            "total": aud("45.00"),
            "lines": [
                {
                    "line_item_id": "gid://shopify/LineItem/13000000000021",
                    "title": "Trail Socks",
                    "sku": "TRA-SOC-SM",
                    "quantity": 2,
                    "restock_type": "RETURN",
                    "subtotal": aud("45.00"),
                }
            ],
            "transactions": [
                {
                    "id": "gid://shopify/OrderTransaction/8900000000001",
                    "kind": "REFUND",
                    "status": "SUCCESS",
                    "gateway": "shopify_payments",
                    "amount": aud("45.00"),
                    "processed_at": "2026-10-05T10:00:00Z",
                }
            ],
        },
        "Refunded: refund gid://shopify/Refund/910000000001 of order #1003: 45.00 AUD",
    ),
    (
        "shopify_cancel_order",
        {"order_id": 5500000000005, "reason": "customer", "restock": True},
        "cancel_order.200.json",
        docs.CANCEL_ORDER,
        {
            "orderId": "gid://shopify/Order/5500000000005",
            "reason": "CUSTOMER",
            "restock": True,
            "refundMethod": None,
            "notifyCustomer": False,
            "staffNote": None,
        },
        {
            "order_id": "gid://shopify/Order/5500000000005",
            "job_id": "gid://shopify/Job/1700000000001",
            "job_done": True,
        },
        "Cancelled order gid://shopify/Order/5500000000005",
    ),
    (
        "shopify_list_abandoned_checkouts",
        {},
        "list_abandoned_checkouts.200.json",
        docs.LIST_ABANDONED_CHECKOUTS,
        {"first": 20, "after": None, "query": None},
        {
            "checkouts": [
                {
                    "id": "gid://shopify/AbandonedCheckout/1500000000003",
                    "name": "#1500000000003",
                    "created_at": "2026-09-11T09:00:00Z",
                    "updated_at": "2026-09-11T10:00:00Z",
                    "completed_at": None,
                    "total": aud("45.00"),
                    "customer_id": None,
                    "customer_name": None,
                    "items": [
                        {
                            "title": "Merino Beanie",
                            "sku": "MER-BEA",
                            "quantity": 1,
                            "variant_id": "gid://shopify/ProductVariant/45000000000031",
                        }
                    ],
                },
                {
                    "id": "gid://shopify/AbandonedCheckout/1500000000002",
                    "name": "#1500000000002",
                    "created_at": "2026-09-07T09:00:00Z",
                    "updated_at": "2026-09-07T10:00:00Z",
                    "completed_at": "2026-09-08T09:00:00Z",
                    "total": aud("108.90"),
                    "customer_id": "gid://shopify/Customer/7100000000002",
                    "customer_name": "Sam Lee",
                    "items": [
                        {
                            "title": "Black Tee",
                            "sku": "BLA-TEE-S",
                            "quantity": 2,
                            "variant_id": "gid://shopify/ProductVariant/45000000000001",
                        },
                        {
                            "title": "Canvas Tote",
                            "sku": "CAN-TOT",
                            "quantity": 1,
                            "variant_id": "gid://shopify/ProductVariant/45000000000021",
                        },
                    ],
                },
                {
                    "id": "gid://shopify/AbandonedCheckout/1500000000001",
                    "name": "#1500000000001",
                    "created_at": "2026-09-03T09:00:00Z",
                    "updated_at": "2026-09-03T10:00:00Z",
                    "completed_at": None,
                    "total": aud("189.00"),
                    "customer_id": "gid://shopify/Customer/7100000000004",
                    "customer_name": "Tom Walker",
                    "items": [
                        {
                            "title": "Rain Shell",
                            "sku": "RAI-SHE-L",
                            "quantity": 1,
                            "variant_id": "gid://shopify/ProductVariant/45000000000042",
                        }
                    ],
                },
            ],
            "page_info": {"has_next_page": False, "end_cursor": "aWR4OjIw"},
        },
        "3 abandoned checkouts",
    ),
    (
        "shopify_sales_summary",
        {"created_from": "2026-09-01", "created_to": "2026-09-30"},
        "sales_summary.200.json",
        docs.SALES_ORDERS,
        {
            "first": 20,
            "after": None,
            "query": "created_at:>='2026-09-01T00:00:00Z' created_at:<'2026-10-01T00:00:00Z'",
        },
        {
            "created_from": "2026-09-01",
            "created_to": "2026-09-30",
            "currency": "AUD",
            "order_count": 8,
            "total_sales": aud("840.75"),
            "average_order_value": aud("105.09"),
            "excluded_orders": 2,
            "top_products": [
                {
                    "product_id": "gid://shopify/Product/8000000000006",
                    "title": "Trail Socks",
                    "sku": None,
                    "units": 14,
                    "sales": aud("315.00"),
                },
                {
                    "product_id": "gid://shopify/Product/8000000000005",
                    "title": "Rain Shell",
                    "sku": "RAI-SHE-M",
                    "units": 1,
                    "sales": aud("189.00"),
                },
                {
                    "product_id": "gid://shopify/Product/8000000000001",
                    "title": "Black Tee",
                    "sku": None,
                    "units": 4,
                    "sales": aud("159.80"),
                },
                {
                    "product_id": "gid://shopify/Product/8000000000003",
                    "title": "Canvas Tote",
                    "sku": "CAN-TOT",
                    "units": 4,
                    "sales": aud("116.00"),
                },
                {
                    "product_id": "gid://shopify/Product/8000000000002",
                    "title": "White Tee",
                    "sku": "WHI-TEE-S",
                    "units": 1,
                    "sales": aud("39.95"),
                },
            ],
            "orders_read": 10,
            "pages_read": 1,
            "partial": False,
            "covered_until": None,
            "orders_with_unread_lines": 1,
        },
        (
            "Sales 2026-09-01 to 2026-09-30: 8 orders, 840.75 AUD in total, average 105.09 "
            "AUD (2 cancelled or test orders left out)"
        ),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case[0] for case in CASES])
async def test_tool_request_and_parse(case: Case) -> None:
    await check_case(*case)
