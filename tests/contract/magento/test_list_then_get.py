"""Against the sandbox store: every list tool's text names its items by the identifier the
matching get tool takes. Each identifier is read from the list's text alone (a regular
expression, as a model reading the text would), and the get tool is called with it."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.contract.magento.helpers import sandbox_harness

# list tool, its arguments, the pattern of an identifier in its text, the get tool, its argument
PAIRS: list[tuple[str, dict[str, Any], str, str, str]] = [
    ("magento_search_orders", {}, r"\(id (\d+)\)", "magento_get_order", "order_id"),
    ("magento_list_invoices", {}, r"\bid (\d+) #", "magento_get_invoice", "invoice_id"),
    ("magento_list_shipments", {}, r"\bid (\d+) #", "magento_get_shipment", "shipment_id"),
    (
        "magento_list_credit_memos",
        {"order_id": 7},
        r"\bid (\d+) #",
        "magento_get_credit_memo",
        "credit_memo_id",
    ),
    ("magento_search_products", {}, r"(?:: |, )([A-Za-z0-9-]+) \(", "magento_get_product", "sku"),
    (
        "magento_list_product_children",
        {"sku": "MH01"},
        r"(?:: |, )([A-Za-z0-9-]+)",
        "magento_get_product",
        "sku",
    ),
    ("magento_list_categories", {}, r"\bid (\d+) ", "magento_get_category", "category_id"),
    (
        "magento_list_category_products",
        {"category_id": 3},
        r"(?:: |, )([A-Za-z0-9-]+)",
        "magento_get_product",
        "sku",
    ),
    ("magento_search_customers", {}, r"(?:: |, )(\d+) ", "magento_get_customer", "customer_id"),
    (
        "magento_list_customer_groups",
        {},
        r"\bid (\d+) ",
        "magento_get_customer_group",
        "group_id",
    ),
    ("magento_list_cart_rules", {}, r"\bid (\d+) '", "magento_get_cart_rule", "rule_id"),
    ("magento_list_coupons", {}, r"rule id (\d+)", "magento_get_cart_rule", "rule_id"),
    ("magento_list_cms_pages", {}, r"\bid (\d+) '", "magento_get_cms_page", "page_id"),
    ("magento_list_cms_blocks", {}, r"\bid (\d+) '", "magento_get_cms_block", "block_id"),
    ("magento_list_sources", {}, r"(?:: |, )([a-z_]+) \(", "magento_get_source", "source_code"),
    (
        "magento_list_source_items",
        {"source_code": "warehouse_east"},
        r"(?:: |, )([A-Za-z0-9-]+) \d",
        "magento_get_inventory",
        "sku",
    ),
]


def test_every_list_tool_is_paired_with_a_get_tool() -> None:
    from shopmcp_adapters.upstreams.magento import PACKAGE as MAGENTO

    lists = {s.name for s in MAGENTO.specs if "_list_" in s.name or "_search_" in s.name}
    # The comment history has no single-comment read.
    assert lists - {pair[0] for pair in PAIRS} == {"magento_list_order_comments"}


@pytest.mark.parametrize(("tool", "arguments", "pattern", "get", "field"), PAIRS)
async def test_an_identifier_read_from_the_list_text_gets_the_item(
    tool: str, arguments: dict[str, Any], pattern: str, get: str, field: str
) -> None:
    harness, _ = sandbox_harness()
    listed = await harness.call(tool, arguments)
    found = re.findall(pattern, listed.text)
    assert found, listed.text
    for raw in dict.fromkeys(found):  # each distinct identifier, in the text's order
        value: Any = int(raw) if raw.isdigit() and field != "sku" else raw
        got = await harness.call(get, {field: value})
        assert got.structured, (get, value)
