"""Contract cases of the metafield and customer tag tools: exact request, parsed output."""

from __future__ import annotations

import pytest

from shopmcp_adapters.upstreams.shopify import documents as docs
from tests.contract.shopify.helpers import Case, check_case

CASES: list[Case] = [
    (
        "shopify_get_product_metafields",
        {"product_id": 8000000000001},
        "get_product_metafields.200.json",
        docs.GET_PRODUCT_METAFIELDS,
        {
            "id": "gid://shopify/Product/8000000000001",
            "first": 20,
            "after": None,
            "namespace": None,
        },
        {
            "owner_id": "gid://shopify/Product/8000000000001",
            "owner_name": "Black Tee",
            "metafields": [
                {
                    "id": "gid://shopify/Metafield/1600000000001",
                    "namespace": "custom",
                    "key": "material",
                    "type": "single_line_text_field",
                    "value": "100% organic cotton",
                    "value_truncated": False,
                    "updated_at": "2026-09-01T09:00:00Z",
                },
                {
                    "id": "gid://shopify/Metafield/1600000000002",
                    "namespace": "custom",
                    "key": "care",
                    "type": "json",
                    "value": '{"wash": "cold", "dry": "line"}',
                    "value_truncated": False,
                    "updated_at": "2026-09-01T09:00:00Z",
                },
            ],
            "page_info": {"has_next_page": False, "end_cursor": "aWR4OjIw"},
        },
        "Black Tee (gid://shopify/Product/8000000000001): 2 metafields",
    ),
    (
        "shopify_get_order_metafields",
        {"order_id": 5500000000002},
        "get_order_metafields.200.json",
        docs.GET_ORDER_METAFIELDS,
        {"id": "gid://shopify/Order/5500000000002", "first": 20, "after": None, "namespace": None},
        {
            "owner_id": "gid://shopify/Order/5500000000002",
            "owner_name": "#1002",
            "metafields": [
                {
                    "id": "gid://shopify/Metafield/1600000000011",
                    "namespace": "custom",
                    "key": "gift_message",
                    "type": "multi_line_text_field",
                    "value": "Happy birthday!",
                    "value_truncated": False,
                    "updated_at": "2026-09-01T09:00:00Z",
                }
            ],
            "page_info": {"has_next_page": False, "end_cursor": "aWR4OjIw"},
        },
        "#1002 (gid://shopify/Order/5500000000002): 1 metafields",
    ),
    (
        "shopify_get_customer_metafields",
        {"customer_id": 7100000000001, "namespace": "loyalty"},
        "get_customer_metafields.200.json",
        docs.GET_CUSTOMER_METAFIELDS,
        {
            "id": "gid://shopify/Customer/7100000000001",
            "first": 20,
            "after": None,
            "namespace": "loyalty",
        },
        {
            "owner_id": "gid://shopify/Customer/7100000000001",
            "owner_name": "Jane Citizen",
            "metafields": [
                {
                    "id": "gid://shopify/Metafield/1600000000021",
                    "namespace": "loyalty",
                    "key": "tier",
                    "type": "single_line_text_field",
                    "value": "gold",
                    "value_truncated": False,
                    "updated_at": "2026-09-01T09:00:00Z",
                }
            ],
            "page_info": {"has_next_page": False, "end_cursor": "aWR4OjIw"},
        },
        "Jane Citizen (gid://shopify/Customer/7100000000001): 1 metafields",
    ),
    (
        "shopify_add_customer_tags",
        {"customer_id": 7100000000002, "tags": ["vip", "newsletter"]},
        "add_customer_tags.200.json",
        docs.ADD_CUSTOMER_TAGS,
        {"id": "gid://shopify/Customer/7100000000002", "tags": ["vip", "newsletter"]},
        {
            "customer_id": "gid://shopify/Customer/7100000000002",
            "name": "Sam Lee",
            "tags": ["vip", "newsletter"],
        },
        "Sam Lee (gid://shopify/Customer/7100000000002) now has tags: vip, newsletter",
    ),
    (
        "shopify_remove_customer_tags",
        {"customer_id": 7100000000001, "tags": ["vip"]},
        "remove_customer_tags.200.json",
        docs.REMOVE_CUSTOMER_TAGS,
        {"id": "gid://shopify/Customer/7100000000001", "tags": ["vip"]},
        {"customer_id": "gid://shopify/Customer/7100000000001", "name": "Jane Citizen", "tags": []},
        "Jane Citizen (gid://shopify/Customer/7100000000001) now has tags: none",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case[0] for case in CASES])
async def test_tool_request_and_parse(case: Case) -> None:
    await check_case(*case)
