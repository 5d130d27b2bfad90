"""Contract cases of the discount, collection and draft order tools: exact request, parsed
output."""

from __future__ import annotations

import pytest

from shopmcp_adapters.upstreams.shopify import documents as docs
from tests.contract.shopify.helpers import A_UUID, Case, aud, check_case

CASES: list[Case] = [
    (
        "shopify_list_discounts",
        {},
        "list_discounts.200.json",
        docs.LIST_DISCOUNTS,
        {"first": 20, "after": None, "query": None},
        {
            "discounts": [
                {
                    "id": "gid://shopify/DiscountCodeNode/1200000000004",
                    "type": "DiscountCodeApp",
                    "method": "code",
                    "title": "Loyalty app codes",
                    "status": "ACTIVE",
                    "summary": None,
                    "starts_at": "2026-08-22T09:00:00Z",
                    "ends_at": None,
                    "usage_count": 3,
                    "usage_limit": None,
                    "once_per_customer": True,
                    "code": "LOYAL-7Q2X",
                },
                {
                    "id": "gid://shopify/DiscountAutomaticNode/1200000000003",
                    "type": "DiscountAutomaticBasic",
                    "method": "automatic",
                    "title": "Winter wool 15%",
                    "status": "SCHEDULED",
                    "summary": "15% off entire order",
                    "starts_at": "2026-10-31T09:00:00Z",
                    "ends_at": None,
                    "usage_count": 0,
                    "usage_limit": None,
                    "once_per_customer": None,
                    "code": None,
                },
                {
                    "id": "gid://shopify/DiscountCodeNode/1200000000002",
                    "type": "DiscountCodeBasic",
                    "method": "code",
                    "title": "Spring $5 off",
                    "status": "EXPIRED",
                    "summary": "$5.00 off entire order • Minimum purchase of $50.00",
                    "starts_at": "2026-04-04T09:00:00Z",
                    "ends_at": "2026-06-03T09:00:00Z",
                    "usage_count": 57,
                    "usage_limit": 200,
                    "once_per_customer": False,
                    "code": "SPRING5",
                },
                {
                    "id": "gid://shopify/DiscountCodeNode/1200000000001",
                    "type": "DiscountCodeBasic",
                    "method": "code",
                    "title": "Welcome 10%",
                    "status": "ACTIVE",
                    "summary": "10% off entire order",
                    "starts_at": "2026-07-03T09:00:00Z",
                    "ends_at": None,
                    "usage_count": 14,
                    "usage_limit": None,
                    "once_per_customer": True,
                    "code": "WELCOME10",
                },
            ],
            "page_info": {"has_next_page": False, "end_cursor": "aWR4OjIw"},
        },
        "4 discounts",
    ),
    (
        "shopify_get_discount",
        {"discount_id": "gid://shopify/DiscountCodeNode/1200000000002"},
        "get_discount.200.json",
        docs.GET_DISCOUNT,
        {"id": "gid://shopify/DiscountCodeNode/1200000000002"},
        {
            "id": "gid://shopify/DiscountCodeNode/1200000000002",
            "type": "DiscountCodeBasic",
            "method": "code",
            "title": "Spring $5 off",
            "status": "EXPIRED",
            "summary": "$5.00 off entire order • Minimum purchase of $50.00",
            "starts_at": "2026-04-04T09:00:00Z",
            "ends_at": "2026-06-03T09:00:00Z",
            "usage_count": 57,
            "usage_limit": 200,
            "once_per_customer": False,
            "codes": ["SPRING5"],
            "code_count": 1,
            "percent_off": None,
            "amount_off": aud("5.00"),
            "minimum_subtotal": aud("50.00"),
            "minimum_quantity": None,
        },
        (
            "discount Spring $5 off [EXPIRED] code SPRING5: 5.00 AUD off, from "
            "2026-04-04T09:00:00Z until 2026-06-03T09:00:00Z, used 57 of 200, id "
            "gid://shopify/DiscountCodeNode/1200000000002"
        ),
    ),
    (
        "shopify_create_discount_code",
        {
            "title": "VIP 10%",
            "code": "VIP10",
            "value_type": "percentage",
            "value": 10,
            "starts_at": "2026-10-01T00:00:00Z",
            "ends_at": "2027-01-01T00:00:00+11:00",
            "usage_limit": 100,
            "once_per_customer": True,
            "customer_ids": [7100000000001],
        },
        "create_discount_code.200.json",
        docs.CREATE_DISCOUNT_CODE,
        {
            "basicCodeDiscount": {
                "title": "VIP 10%",
                "code": "VIP10",
                "startsAt": "2026-10-01T00:00:00Z",
                "endsAt": "2026-12-31T13:00:00Z",
                "customerGets": {"value": {"percentage": 0.1}, "items": {"all": True}},
                "context": {"customers": {"add": ["gid://shopify/Customer/7100000000001"]}},
                "appliesOncePerCustomer": True,
                "usageLimit": 100,
            }
        },
        {
            "id": "gid://shopify/DiscountCodeNode/1210000000001",
            "type": "DiscountCodeBasic",
            "method": "code",
            "title": "VIP 10%",
            "status": "ACTIVE",
            "summary": "10% off entire order",
            "starts_at": "2026-10-01T00:00:00Z",
            "ends_at": "2026-12-31T13:00:00Z",
            "usage_count": 0,
            "usage_limit": 100,
            "once_per_customer": True,
            "codes": ["VIP10"],
            "code_count": 1,
            "percent_off": 10.0,
            "amount_off": None,
            "minimum_subtotal": None,
            "minimum_quantity": None,
        },
        (
            "Created discount VIP 10% [ACTIVE] code VIP10: 10% off, from "
            "2026-10-01T00:00:00Z until 2026-12-31T13:00:00Z, used 0 of 100, id "
            "gid://shopify/DiscountCodeNode/1210000000001"
        ),
    ),
    (
        "shopify_list_collections",
        {},
        "list_collections.200.json",
        docs.LIST_COLLECTIONS,
        {"first": 20, "after": None, "query": None},
        {
            "collections": [
                {
                    "id": "gid://shopify/Collection/1300000000001",
                    "title": "Summer Picks",
                    "handle": "summer-picks",
                    "updated_at": "2026-08-27T09:00:00Z",
                    "product_count": 2,
                    "sources": [
                        {
                            "kind": "CollectionConditionsSource",
                            "id": "gid://shopify/CollectionConditionsSource/1400000000001",
                            "title": "Hand-picked",
                        }
                    ],
                },
                {
                    "id": "gid://shopify/Collection/1300000000002",
                    "title": "Wool",
                    "handle": "wool",
                    "updated_at": "2026-08-12T09:00:00Z",
                    "product_count": 2,
                    "sources": [
                        {
                            "kind": "CollectionConditionsSource",
                            "id": "gid://shopify/CollectionConditionsSource/1400000000002",
                            "title": "Tagged wool",
                        }
                    ],
                },
            ],
            "page_info": {"has_next_page": False, "end_cursor": "aWR4OjIw"},
        },
        "2 collections",
    ),
    (
        "shopify_get_collection",
        {"collection_id": 1300000000001},
        "get_collection.200.json",
        docs.GET_COLLECTION,
        {"id": "gid://shopify/Collection/1300000000001", "first": 20, "after": None},
        {
            "id": "gid://shopify/Collection/1300000000001",
            "title": "Summer Picks",
            "handle": "summer-picks",
            "updated_at": "2026-08-27T09:00:00Z",
            "sort_order": "MANUAL",
            "product_count": 2,
            "sources": [
                {
                    "kind": "CollectionConditionsSource",
                    "id": "gid://shopify/CollectionConditionsSource/1400000000001",
                    "title": "Hand-picked",
                }
            ],
            "products": [
                {
                    "id": "gid://shopify/Product/8000000000001",
                    "title": "Black Tee",
                    "status": "ACTIVE",
                    "total_inventory": 57,
                },
                {
                    "id": "gid://shopify/Product/8000000000007",
                    "title": "Linen Shirt",
                    "status": "DRAFT",
                    "total_inventory": 38,
                },
            ],
            "page_info": {"has_next_page": False, "end_cursor": "aWR4OjIw"},
        },
        (
            "Summer Picks: 2 products, id gid://shopify/Collection/1300000000001, sources: "
            "CollectionConditionsSource 'Hand-picked' "
            "gid://shopify/CollectionConditionsSource/1400000000001"
        ),
    ),
    (
        "shopify_add_products_to_collection",
        {
            "collection_id": 1300000000001,
            "source_id": 1400000000001,
            "product_ids": [8000000000003],
        },
        "add_products_to_collection.200.json",
        docs.ADD_PRODUCTS_TO_COLLECTION,
        {
            "collection": {
                "id": "gid://shopify/Collection/1300000000001",
                "sourcesToUpdate": [
                    {
                        "condition": {
                            "id": "gid://shopify/CollectionConditionsSource/1400000000001",
                            "inclusion": {
                                "selectionsToAdd": [
                                    {"productId": "gid://shopify/Product/8000000000003"}
                                ]
                            },
                        }
                    }
                ],
            }
        },
        {
            "collection_id": "gid://shopify/Collection/1300000000001",
            "title": "Summer Picks",
            "product_count": 3,
            "job_id": None,
            "job_done": None,
        },
        "Added 1 product: Summer Picks gid://shopify/Collection/1300000000001",
    ),
    (
        "shopify_remove_products_from_collection",
        {
            "collection_id": 1300000000001,
            "source_id": 1400000000001,
            "product_ids": [8000000000007],
        },
        "remove_products_from_collection.200.json",
        docs.REMOVE_PRODUCTS_FROM_COLLECTION,
        {
            "collection": {
                "id": "gid://shopify/Collection/1300000000001",
                "sourcesToUpdate": [
                    {
                        "condition": {
                            "id": "gid://shopify/CollectionConditionsSource/1400000000001",
                            "inclusion": {
                                "selectionsToRemove": [
                                    {"productId": "gid://shopify/Product/8000000000007"}
                                ]
                            },
                        }
                    }
                ],
            }
        },
        {
            "collection_id": "gid://shopify/Collection/1300000000001",
            "title": "Summer Picks",
            "product_count": 1,
            "job_id": None,
            "job_done": None,
        },
        "Removed 1 product: Summer Picks gid://shopify/Collection/1300000000001",
    ),
    (
        "shopify_list_draft_orders",
        {},
        "list_draft_orders.200.json",
        docs.LIST_DRAFT_ORDERS,
        {"first": 20, "after": None, "query": None},
        {
            "draft_orders": [
                {
                    "id": "gid://shopify/DraftOrder/1100000000001",
                    "name": "#D1",
                    "status": "OPEN",
                    "created_at": "2026-09-26T09:00:00Z",
                    "updated_at": "2026-09-27T09:00:00Z",
                    "item_count": 16,
                    "total": aud("450.00"),
                    "customer_id": "gid://shopify/Customer/7100000000003",
                    "customer_name": "Priya Nair",
                    "order_id": None,
                    "order_name": None,
                },
                {
                    "id": "gid://shopify/DraftOrder/1100000000002",
                    "name": "#D2",
                    "status": "COMPLETED",
                    "created_at": "2026-09-09T09:00:00Z",
                    "updated_at": "2026-09-10T09:00:00Z",
                    "item_count": 1,
                    "total": aud("189.00"),
                    "customer_id": "gid://shopify/Customer/7100000000001",
                    "customer_name": "Jane Citizen",
                    "order_id": "gid://shopify/Order/5500000000004",
                    "order_name": "#1004",
                },
            ],
            "page_info": {"has_next_page": False, "end_cursor": "aWR4OjIw"},
        },
        "2 draft orders",
    ),
    (
        "shopify_get_draft_order",
        {"draft_order_id": 1100000000001},
        "get_draft_order.200.json",
        docs.GET_DRAFT_ORDER,
        {"id": "gid://shopify/DraftOrder/1100000000001"},
        {
            "id": "gid://shopify/DraftOrder/1100000000001",
            "name": "#D1",
            "status": "OPEN",
            "created_at": "2026-09-26T09:00:00Z",
            "updated_at": "2026-09-27T09:00:00Z",
            "completed_at": None,
            "note": "Wholesale quote",
            "tags": ["wholesale"],
            "customer_id": "gid://shopify/Customer/7100000000003",
            "customer_name": "Priya Nair",
            "order_id": None,
            "order_name": None,
            "subtotal": aud("450.00"),
            "tax": aud("40.91"),
            "shipping": aud("0.00"),
            "total": aud("450.00"),
            "lines": [
                {
                    "id": "gid://shopify/DraftOrderLineItem/110000000000100",
                    "title": "Trail Socks",
                    "sku": "TRA-SOC-SM",
                    "quantity": 12,
                    "variant_id": "gid://shopify/ProductVariant/45000000000051",
                    "unit_price": aud("22.50"),
                    "total": aud("270.00"),
                },
                {
                    "id": "gid://shopify/DraftOrderLineItem/110000000000101",
                    "title": "Merino Beanie",
                    "sku": "MER-BEA",
                    "quantity": 4,
                    "variant_id": "gid://shopify/ProductVariant/45000000000031",
                    "unit_price": aud("45.00"),
                    "total": aud("180.00"),
                },
            ],
        },
        (
            "draft order #D1 (OPEN), total 450.00 AUD, for Priya Nair, id "
            "gid://shopify/DraftOrder/1100000000001"
        ),
    ),
    (
        "shopify_create_draft_order",
        {
            "variants": [{"variant_id": 45000000000002, "quantity": 2}],
            "customer_id": 7100000000002,
            "note": "Phone order",
            "tags": ["phone"],
        },
        "create_draft_order.200.json",
        docs.CREATE_DRAFT_ORDER,
        {
            "input": {
                "lineItems": [
                    {
                        "variantId": "gid://shopify/ProductVariant/45000000000002",
                        "quantity": 2,
                        "uuid": A_UUID,
                    }
                ],
                "purchasingEntity": {"customerId": "gid://shopify/Customer/7100000000002"},
                "useCustomerDefaultAddress": True,
                "note": "Phone order",
                "tags": ["phone"],
            }
        },
        {
            "id": "gid://shopify/DraftOrder/1110000000001",
            "name": "#D3",
            "status": "OPEN",
            "created_at": "2026-10-05T10:00:00Z",
            "updated_at": "2026-10-05T10:00:00Z",
            "completed_at": None,
            "note": "Phone order",
            "tags": ["phone"],
            "customer_id": "gid://shopify/Customer/7100000000002",
            "customer_name": "Sam Lee",
            "order_id": None,
            "order_name": None,
            "subtotal": aud("79.90"),
            "tax": aud("7.26"),
            "shipping": aud("0.00"),
            "total": aud("79.90"),
            "lines": [
                {
                    "id": "gid://shopify/DraftOrderLineItem/111000000000100",
                    "title": "Black Tee",
                    "sku": "BLA-TEE-M",
                    "quantity": 2,
                    "variant_id": "gid://shopify/ProductVariant/45000000000002",
                    "unit_price": aud("39.95"),
                    "total": aud("79.90"),
                }
            ],
        },
        (
            "Created draft order #D3 (OPEN), total 79.90 AUD, for Sam Lee, id "
            "gid://shopify/DraftOrder/1110000000001"
        ),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case[0] for case in CASES])
async def test_tool_request_and_parse(case: Case) -> None:
    await check_case(*case)
