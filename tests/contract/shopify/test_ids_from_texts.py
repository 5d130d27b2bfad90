"""A model reads ids in a tool's text and calls the matching get tool with them: for every list
tool, the first id of the right kind in its text alone (found with a regex, not read from the
structured output) is accepted by the get tool, against the sandbox."""

from __future__ import annotations

import re
from typing import Any

import pytest

from shopmcp_adapters.upstreams.shopify import PACKAGE as SHOPIFY
from tests.contract.shopify.test_sandbox import run, sandbox

# list tool, its arguments, the id kind its text names, the get tool and its id argument
CHAINS: list[tuple[str, dict[str, Any], str, str, str]] = [
    ("shopify_list_orders", {}, "Order", "shopify_get_order", "order_id"),
    ("shopify_list_orders", {}, "Order", "shopify_get_order_metafields", "order_id"),
    ("shopify_list_products", {}, "Product", "shopify_get_product", "product_id"),
    ("shopify_list_products", {}, "Product", "shopify_get_product_metafields", "product_id"),
    ("shopify_list_customers", {}, "Customer", "shopify_get_customer", "customer_id"),
    ("shopify_list_customers", {}, "Customer", "shopify_get_customer_metafields", "customer_id"),
    (
        "shopify_list_order_refunds",
        {"order_id": 5500000000002},
        "Refund",
        "shopify_get_refund",
        "refund_id",
    ),
    ("shopify_list_locations", {}, "Location", "shopify_get_location", "location_id"),
    (
        "shopify_list_fulfillment_orders",
        {"order_id": 5500000000007},
        "FulfillmentOrder",
        "shopify_get_fulfillment_order",
        "fulfillment_order_id",
    ),
    ("shopify_list_discounts", {}, "Discount\\w*Node", "shopify_get_discount", "discount_id"),
    ("shopify_list_collections", {}, "Collection", "shopify_get_collection", "collection_id"),
    ("shopify_list_draft_orders", {}, "DraftOrder", "shopify_get_draft_order", "draft_order_id"),
    (
        "shopify_list_abandoned_checkouts",
        {},
        "Customer",
        "shopify_get_customer",
        "customer_id",
    ),
    # Not lists, but their texts lead on to the next call in the same way.
    (
        "shopify_get_order",
        {"order_id": 5500000000002},
        "Fulfillment",
        "shopify_get_fulfillment",
        "fulfillment_id",
    ),
    (
        "shopify_get_inventory",
        {"sku": "BLA-TEE-M"},
        "Location",
        "shopify_get_location",
        "location_id",
    ),
    (
        "shopify_sales_summary",
        {"created_from": "2026-09-01", "created_to": "2026-09-30"},
        "Product",
        "shopify_get_product",
        "product_id",
    ),
]


def test_every_list_tool_has_a_chain() -> None:
    lists = {s.name for s in SHOPIFY.specs if s.name.startswith("shopify_list_")}
    assert lists == {chain[0] for chain in CHAINS if chain[0].startswith("shopify_list_")}


@pytest.mark.parametrize(
    ("source", "arguments", "kind", "target", "field"),
    CHAINS,
    ids=[f"{c[0]}->{c[3]}" for c in CHAINS],
)
async def test_an_id_read_in_the_text_opens_the_get_tool(
    source: str, arguments: dict[str, Any], kind: str, target: str, field: str
) -> None:
    module, _ = sandbox()
    listed = await run(module, source, arguments)
    match = re.search(rf"gid://shopify/{kind}/[0-9]+", listed.text)
    assert match is not None, listed.text
    got = await run(module, target, {field: match.group(0)})
    # The get tool answered for exactly that object (a metafield read names its owner).
    assert match.group(0) in (got.structured.get("id"), got.structured.get("owner_id"))
