"""Contract cases of the locations and fulfilment tools: exact request, parsed output."""

from __future__ import annotations

import pytest

from shopmcp_adapters.upstreams.shopify import documents as docs
from tests.contract.shopify.helpers import Case, check_case

CASES: list[Case] = [
    (
        "shopify_list_locations",
        {"include_inactive": True, "first": 10},
        "list_locations.200.json",
        docs.LIST_LOCATIONS,
        {"first": 10, "after": None, "query": None, "includeInactive": True},
        {
            "locations": [
                {
                    "id": "gid://shopify/Location/60000000003",
                    "name": "Brisbane Pop-up",
                    "active": False,
                    "fulfills_online_orders": False,
                    "ships_inventory": False,
                    "city": "Brisbane",
                    "province": "Queensland",
                    "country": "Australia",
                },
                {
                    "id": "gid://shopify/Location/60000000002",
                    "name": "Melbourne Store",
                    "active": True,
                    "fulfills_online_orders": False,
                    "ships_inventory": True,
                    "city": "Melbourne",
                    "province": "Victoria",
                    "country": "Australia",
                },
                {
                    "id": "gid://shopify/Location/60000000001",
                    "name": "Sydney Warehouse",
                    "active": True,
                    "fulfills_online_orders": True,
                    "ships_inventory": True,
                    "city": "Sydney",
                    "province": "New South Wales",
                    "country": "Australia",
                },
            ],
            "page_info": {"has_next_page": False, "end_cursor": "aWR4OjEw"},
        },
        "3 locations",
    ),
    (
        "shopify_get_location",
        {"location_id": 60000000002},
        "get_location.200.json",
        docs.GET_LOCATION,
        {"id": "gid://shopify/Location/60000000002"},
        {
            "id": "gid://shopify/Location/60000000002",
            "name": "Melbourne Store",
            "active": True,
            "fulfills_online_orders": False,
            "ships_inventory": True,
            "has_active_inventory": True,
            "has_unfulfilled_orders": True,
            "created_at": "2025-07-28T09:00:00Z",
            "deactivated_at": None,
            "address1": "88 Chapel Street",
            "address2": None,
            "city": "Melbourne",
            "province": "Victoria",
            "zip": "3181",
            "country": "Australia",
            "country_code": "AU",
            "phone": None,
        },
        (
            "Melbourne Store (88 Chapel Street, Melbourne, Australia), active, id "
            "gid://shopify/Location/60000000002"
        ),
    ),
    (
        "shopify_list_fulfillment_orders",
        {"order_id": 5500000000007},
        "list_fulfillment_orders.200.json",
        docs.LIST_FULFILLMENT_ORDERS,
        {"id": "gid://shopify/Order/5500000000007", "after": None},
        {
            "order_id": "gid://shopify/Order/5500000000007",
            "order_name": "#1007",
            "fulfillment_status": "PARTIALLY_FULFILLED",
            "fulfillment_orders": [
                {
                    "id": "gid://shopify/FulfillmentOrder/6600000000007",
                    "status": "IN_PROGRESS",
                    "request_status": "UNSUBMITTED",
                    "fulfill_at": "2026-09-19T15:00:00Z",
                    "updated_at": "2026-09-20T15:00:00Z",
                    "location_id": "gid://shopify/Location/60000000001",
                    "location_name": "Sydney Warehouse",
                    "delivery_method": "SHIPPING",
                    "actions": ["CREATE_FULFILLMENT", "HOLD", "MOVE"],
                    "holds": [],
                    "lines": [
                        {
                            "id": "gid://shopify/FulfillmentOrderLineItem/16000000000061",
                            "sku": "CAN-TOT",
                            "product_title": "Canvas Tote",
                            "variant_title": "One size",
                            "total_quantity": 3,
                            "remaining_quantity": 1,
                            "line_item_id": "gid://shopify/LineItem/13000000000061",
                        }
                    ],
                }
            ],
            "page_info": {"has_next_page": False, "end_cursor": "aWR4OjU="},
        },
        "Order #1007 (PARTIALLY_FULFILLED): 1 fulfilment order",
    ),
    (
        "shopify_get_fulfillment_order",
        {"fulfillment_order_id": "gid://shopify/FulfillmentOrder/6600000000001"},
        "get_fulfillment_order.200.json",
        docs.GET_FULFILLMENT_ORDER,
        {"id": "gid://shopify/FulfillmentOrder/6600000000001"},
        {
            "id": "gid://shopify/FulfillmentOrder/6600000000001",
            "status": "OPEN",
            "request_status": "UNSUBMITTED",
            "fulfill_at": "2026-09-01T09:00:00Z",
            "updated_at": "2026-09-02T09:00:00Z",
            "location_id": "gid://shopify/Location/60000000001",
            "location_name": "Sydney Warehouse",
            "delivery_method": "SHIPPING",
            "actions": ["CREATE_FULFILLMENT", "HOLD", "MOVE"],
            "holds": [],
            "lines": [
                {
                    "id": "gid://shopify/FulfillmentOrderLineItem/16000000000001",
                    "sku": "BLA-TEE-M",
                    "product_title": "Black Tee",
                    "variant_title": "M",
                    "total_quantity": 2,
                    "remaining_quantity": 2,
                    "line_item_id": "gid://shopify/LineItem/13000000000001",
                }
            ],
            "order_id": "gid://shopify/Order/5500000000001",
            "order_name": "#1001",
        },
        "Order #1001",
    ),
    (
        "shopify_get_fulfillment",
        {"fulfillment_id": 4400000000002},
        "get_fulfillment.200.json",
        docs.GET_FULFILLMENT,
        {"id": "gid://shopify/Fulfillment/4400000000002"},
        {
            "id": "gid://shopify/Fulfillment/4400000000002",
            "name": "#1002.1",
            "status": "SUCCESS",
            "display_status": "DELIVERED",
            "created_at": "2026-09-05T10:00:00Z",
            "updated_at": "2026-09-07T10:00:00Z",
            "in_transit_at": "2026-09-05T14:00:00Z",
            "estimated_delivery_at": "2026-09-07T10:00:00Z",
            "delivered_at": "2026-09-07T10:00:00Z",
            "total_quantity": 2,
            "order_id": "gid://shopify/Order/5500000000002",
            "order_name": "#1002",
            "location_id": "gid://shopify/Location/60000000002",
            "location_name": "Melbourne Store",
            "tracking": [
                {
                    "company": "Australia Post",
                    "number": "AP100000001AU",
                    "url": "https://auspost.com.au/mypost/track/details/AP100000001AU",
                }
            ],
            "lines": [
                {
                    "id": "gid://shopify/FulfillmentLineItem/17000000000011",
                    "quantity": 1,
                    "line_item_id": "gid://shopify/LineItem/13000000000011",
                    "title": "Black Tee",
                    "sku": "BLA-TEE-M",
                },
                {
                    "id": "gid://shopify/FulfillmentLineItem/17000000000012",
                    "quantity": 1,
                    "line_item_id": "gid://shopify/LineItem/13000000000012",
                    "title": "Canvas Tote",
                    "sku": "CAN-TOT",
                },
            ],
        },
        (
            "fulfilment gid://shopify/Fulfillment/4400000000002 of order #1002: DELIVERED, 2 "
            "items, tracking Australia Post AP100000001AU "
            "https://auspost.com.au/mypost/track/details/AP100000001AU"
        ),
    ),
    (
        "shopify_create_fulfillment",
        {
            "fulfillment_order_id": 6600000000001,
            "tracking_company": "DHL Express",
            "tracking_number": "JD014600006281230134",
            "tracking_url": "https://dhl.example/track/JD014600006281230134",
            "notify_customer": True,
        },
        "create_fulfillment.200.json",
        docs.CREATE_FULFILLMENT,
        {
            "fulfillment": {
                "lineItemsByFulfillmentOrder": [
                    {"fulfillmentOrderId": "gid://shopify/FulfillmentOrder/6600000000001"}
                ],
                "notifyCustomer": True,
                "trackingInfo": {
                    "company": "DHL Express",
                    "number": "JD014600006281230134",
                    "url": "https://dhl.example/track/JD014600006281230134",
                },
            }
        },
        {
            "id": "gid://shopify/Fulfillment/4500000000001",
            "name": "#1001.1",
            "status": "SUCCESS",
            "display_status": "FULFILLED",
            "created_at": "2026-10-05T10:00:00Z",
            "updated_at": "2026-10-05T10:00:00Z",
            "in_transit_at": None,
            "estimated_delivery_at": None,
            "delivered_at": None,
            "total_quantity": 2,
            "order_id": "gid://shopify/Order/5500000000001",
            "order_name": "#1001",
            "location_id": "gid://shopify/Location/60000000001",
            "location_name": "Sydney Warehouse",
            "tracking": [
                {
                    "company": "DHL Express",
                    "number": "JD014600006281230134",
                    "url": "https://dhl.example/track/JD014600006281230134",
                }
            ],
            "lines": [
                {
                    "id": "gid://shopify/FulfillmentLineItem/17100000000001",
                    "quantity": 2,
                    "line_item_id": "gid://shopify/LineItem/13000000000001",
                    "title": "Black Tee",
                    "sku": "BLA-TEE-M",
                }
            ],
        },
        (
            "Shipped: fulfilment gid://shopify/Fulfillment/4500000000001 of order #1001: "
            "FULFILLED, 2 items, tracking DHL Express JD014600006281230134 "
            "https://dhl.example/track/JD014600006281230134"
        ),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case[0] for case in CASES])
async def test_tool_request_and_parse(case: Case) -> None:
    await check_case(*case)
