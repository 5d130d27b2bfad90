"""The attack surface of every platform module, audited in one place.

Every registered tool maps to exactly one upstream operation (and one handler); no tool takes
a free-form URL, path, query document, method or header; strings are bounded; path templates
are filled only from validated input fields; read tools are read-only and writes whitelisted.
"""

from __future__ import annotations

import re
import string
from typing import Any

import httpx
import pytest

from shopmcp_adapters.memory import FakeClock
from shopmcp_adapters.upstreams.bigcommerce import PACKAGE as BIGCOMMERCE
from shopmcp_adapters.upstreams.google import PACKAGE as GOOGLE
from shopmcp_adapters.upstreams.http import UpstreamHttp
from shopmcp_adapters.upstreams.magento import PACKAGE as MAGENTO
from shopmcp_adapters.upstreams.module import PlatformModule
from shopmcp_adapters.upstreams.neto import PACKAGE as NETO
from shopmcp_adapters.upstreams.shopify import PACKAGE as SHOPIFY
from shopmcp_domain.keys import Access
from shopmcp_domain.tools.registry import ToolRegistry
from shopmcp_domain.tools.spec import HttpMethod, ToolSpec
from tests.platforms import module_of

ESCAPE_HATCH_FIELDS = {
    "url", "uri", "href", "path", "endpoint", "host", "base_url", "method", "verb",
    "document", "graphql", "mutation", "operation", "headers", "header", "body", "raw",
    "request", "command", "shell",
}  # fmt: skip
ESCAPE_HATCH_TOOLS = re.compile(r"(call_rest|graphql|raw|request|shell|exec|proxy|fetch_url)")

# What a merchant asks a chat about (issue 5): every platform must cover each area.
REQUIRED_READS = {
    "shopify": {
        "shopify_get_shop", "shopify_list_orders", "shopify_get_order", "shopify_list_products",
        "shopify_get_product", "shopify_get_inventory", "shopify_list_customers",
        "shopify_get_customer", "shopify_list_order_refunds",
        "shopify_list_locations", "shopify_get_location", "shopify_list_fulfillment_orders",
        "shopify_get_fulfillment_order", "shopify_get_fulfillment", "shopify_get_refund",
        "shopify_suggest_refund", "shopify_list_discounts", "shopify_get_discount",
        "shopify_list_collections", "shopify_get_collection", "shopify_list_draft_orders",
        "shopify_get_draft_order", "shopify_list_abandoned_checkouts",
        "shopify_get_product_metafields", "shopify_get_order_metafields",
        "shopify_get_customer_metafields", "shopify_sales_summary",
    },
    "bigcommerce": {
        "bigcommerce_get_store", "bigcommerce_list_orders", "bigcommerce_get_order",
        "bigcommerce_list_products", "bigcommerce_get_product", "bigcommerce_get_inventory",
        "bigcommerce_list_customers", "bigcommerce_get_customer", "bigcommerce_list_order_refunds",
        "bigcommerce_list_order_products", "bigcommerce_list_order_shipping_addresses",
        "bigcommerce_list_order_shipments", "bigcommerce_list_order_statuses",
        "bigcommerce_get_customer_order_summary", "bigcommerce_get_sales_summary",
        "bigcommerce_list_categories", "bigcommerce_get_category", "bigcommerce_list_brands",
        "bigcommerce_get_brand", "bigcommerce_list_locations",
        "bigcommerce_get_location_inventory", "bigcommerce_list_customer_groups",
        "bigcommerce_get_customer_group", "bigcommerce_get_abandoned_cart", "bigcommerce_get_cart",
        "bigcommerce_list_coupons", "bigcommerce_get_coupon", "bigcommerce_list_promotions",
        "bigcommerce_get_promotion", "bigcommerce_list_promotion_codes",
    },
    "magento": {
        "magento_get_store", "magento_search_orders", "magento_get_order",
        "magento_search_products", "magento_get_product", "magento_get_inventory",
        "magento_search_customers", "magento_get_customer", "magento_list_credit_memos",
        "magento_get_customer_order_summary",
        "magento_list_invoices", "magento_get_invoice", "magento_list_shipments",
        "magento_get_shipment", "magento_get_credit_memo", "magento_list_order_comments",
        "magento_list_categories", "magento_get_category", "magento_list_category_products",
        "magento_list_cart_rules", "magento_get_cart_rule", "magento_list_coupons",
        "magento_list_customer_groups", "magento_get_customer_group", "magento_list_cms_pages",
        "magento_get_cms_page", "magento_list_cms_blocks", "magento_get_cms_block",
        "magento_list_sources", "magento_get_source", "magento_list_source_items",
        "magento_get_sales_summary",
    },
    "google": {
        "google_list_analytics_properties", "google_analytics_report",
        "google_analytics_realtime", "google_list_merchant_accounts",
        "google_merchant_product_statuses", "google_get_merchant_product",
        "google_list_merchant_account_issues", "google_list_search_console_sites",
        "google_search_console_analytics",
    },
    "neto": {
        "neto_list_orders", "neto_get_order", "neto_list_items", "neto_get_item",
        "neto_get_stock", "neto_list_customers", "neto_get_customer", "neto_list_rmas",
        "neto_list_payments", "neto_list_categories", "neto_list_warehouses",
        "neto_list_shipping_methods", "neto_list_vouchers",
    },
}  # fmt: skip
REQUIRED_WRITES = {
    "shopify_update_product": {"title", "description", "status", "tags", "vendor", "product_type"},
    "shopify_set_inventory": {"quantity"},
    "shopify_update_order": {"note", "tags"},
    "shopify_cancel_order": {"reason", "restock", "refund_payment", "notify_customer"},
    "shopify_create_fulfillment": {
        "items", "tracking_company", "tracking_number", "tracking_url", "notify_customer",
    },
    "shopify_create_refund": {
        "line_items", "restock_type", "location_id", "refund_shipping", "transactions",
    },
    "shopify_create_discount_code": {
        "title", "code", "value_type", "value", "starts_at", "ends_at", "usage_limit",
        "once_per_customer", "minimum_subtotal", "customer_ids",
    },
    "shopify_add_products_to_collection": {"product_ids"},
    "shopify_remove_products_from_collection": {"product_ids"},
    "shopify_create_draft_order": {"variants", "customer_id", "note", "tags"},
    "shopify_add_customer_tags": {"tags"},
    "shopify_remove_customer_tags": {"tags"},
    "bigcommerce_update_product": {
        "name", "price", "sale_price", "inventory_level", "is_visible", "description",
    },
    "bigcommerce_create_shipment": {
        "order_address_id", "items", "tracking_number", "shipping_provider", "tracking_carrier",
    },
    "bigcommerce_update_order_status": {"status_id"},
    "bigcommerce_quote_refund": {"items"},
    "bigcommerce_create_refund": {"items", "payments"},
    "bigcommerce_set_inventory": {"items", "reason"},
    "bigcommerce_adjust_inventory": {"items", "reason"},
    "bigcommerce_create_coupon": {"name", "code", "discount_type", "amount", "min_purchase"},
    "bigcommerce_create_promotion": {
        "name", "redemption_type", "percent_off", "amount_off", "customer_group_ids",
    },
    "bigcommerce_create_promotion_code": {"code", "max_uses"},
    "magento_update_product": {
        "name", "price", "special_price", "status", "visibility", "description",
        "short_description", "weight", "qty", "is_in_stock",
    },
    "neto_update_item": {"default_price", "promotion_price", "rrp", "quantity"},
    "magento_create_invoice": {"items", "capture_online", "notify_customer", "comment"},
    "magento_create_shipment": {"items", "tracks", "source_code", "notify_customer", "comment"},
    "magento_add_shipment_track": {"carrier_code", "title", "track_number"},
    "magento_create_credit_memo": {
        "items", "shipping_amount", "adjustment_refund", "adjustment_fee",
        "return_to_stock_item_ids", "notify_customer", "comment",
    },
    "magento_refund_invoice": {"items", "refund_to", "shipping_amount", "return_to_stock_item_ids"},
    "magento_add_order_comment": {"comment", "notify_customer", "visible_on_storefront"},
    "magento_hold_order": set(),
    "magento_unhold_order": set(),
    "magento_cancel_order": set(),
    "magento_create_cart_rule": {
        "name", "discount_type", "discount_amount", "customer_group_ids", "website_scope",
        "requires_coupon", "from_date", "to_date",
    },
    "magento_create_coupon": {"code", "usage_limit", "usage_per_customer"},
    "magento_set_source_item": {"quantity", "in_stock"},
}  # fmt: skip


def _modules() -> list[PlatformModule[Any]]:
    client = httpx.AsyncClient(transport=httpx.MockTransport(lambda r: httpx.Response(599)))
    return [
        module_of(SHOPIFY, UpstreamHttp("shopify", client), clock=FakeClock()),
        module_of(BIGCOMMERCE, UpstreamHttp("bigcommerce", client)),
        module_of(MAGENTO, UpstreamHttp("magento", client)),
        module_of(NETO, UpstreamHttp("neto", client)),
        module_of(GOOGLE, UpstreamHttp("google", client), clock=FakeClock()),
    ]


MODULES = _modules()
SPECS: list[ToolSpec] = [spec for module in MODULES for spec in module.specs]


def test_the_registry_accepts_every_module_so_names_are_unique() -> None:
    registry = ToolRegistry(SPECS)
    assert len(registry) == len(SPECS)
    assert all(isinstance(s.operation.key, str) for s in registry.values())


def test_every_module_has_exactly_one_handler_per_spec() -> None:
    for module in MODULES:
        names = [s.name for s in module.specs]
        assert len(names) == len(set(names))
        assert all(s.platform is module.platform for s in module.specs)


@pytest.mark.parametrize("platform", sorted(REQUIRED_READS))
def test_each_platform_covers_what_merchants_ask_about(platform: str) -> None:
    names = {s.name for s in SPECS if s.platform.value == platform and s.access is Access.READ}
    assert REQUIRED_READS[platform] <= names


@pytest.mark.parametrize(("name", "fields"), sorted(REQUIRED_WRITES.items()))
def test_write_tools_accept_their_whitelist(name: str, fields: set[str]) -> None:
    spec = next(s for s in SPECS if s.name == name)
    assert spec.access is Access.WRITE
    assert spec.whitelist is not None
    assert fields <= spec.whitelist.writable
    assert not spec.annotations.read_only_hint


def _string_schemas(
    schema: dict[str, Any], defs: dict[str, Any]
) -> list[tuple[str, dict[str, Any]]]:
    """Every string-typed leaf (following $ref, anyOf and arrays) with its property path."""
    out: list[tuple[str, dict[str, Any]]] = []

    def walk(node: dict[str, Any], where: str) -> None:
        if "$ref" in node:
            walk(defs[node["$ref"].split("/")[-1]], where)
            return
        for key in ("anyOf", "oneOf", "allOf"):
            options = node.get(key, [])
            # A Decimal is advertised as number-or-string; its string form is parsed and
            # bounded by max_digits, so it is not free text.
            numeric = any(o.get("type") == "number" for o in options)
            for option in options:
                if not (numeric and option.get("type") == "string"):
                    walk(option, where)
        if node.get("type") == "string":
            out.append((where, node))
        if node.get("type") == "array" and "items" in node:
            walk(node["items"], f"{where}[]")
        for prop, sub in node.get("properties", {}).items():
            walk(sub, f"{where}.{prop}")
        extra = node.get("additionalProperties")
        if isinstance(extra, dict):
            walk(extra, f"{where}.*")

    walk(schema, "")
    return out


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_no_tool_takes_a_free_form_url_path_document_or_method(spec: ToolSpec) -> None:
    assert not ESCAPE_HATCH_TOOLS.search(spec.name)
    schema = spec.input_schema()
    assert schema.get("additionalProperties") is False
    fields = set(schema.get("properties", {}))
    assert not fields & ESCAPE_HATCH_FIELDS, f"{spec.name} takes {fields & ESCAPE_HATCH_FIELDS}"
    for where, node in _string_schemas(schema, schema.get("$defs", {})):
        bounded = any(k in node for k in ("maxLength", "enum", "const", "format", "pattern"))
        assert bounded, f"{spec.name}{where} is an unbounded string"


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_path_templates_are_filled_only_from_validated_fields(spec: ToolSpec) -> None:
    placeholders = {f for _, f, _, _ in string.Formatter().parse(spec.operation.path) if f}
    assert placeholders <= set(spec.input_model.model_fields)
    for field in placeholders:
        annotation = spec.input_model.model_fields[field]
        assert annotation.is_required(), f"{spec.name}: path field {field} must be required"


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_access_matches_verb_and_annotations(spec: ToolSpec) -> None:
    if spec.access is Access.READ:
        assert spec.annotations.read_only_hint
        assert not spec.annotations.destructive_hint
        assert spec.whitelist is None
        # GraphQL reads POST one fixed query document; REST reads GET.
        assert spec.operation.method is HttpMethod.GET or spec.operation.document is not None
    else:
        assert spec.whitelist is not None
        assert spec.whitelist.accepted == set(spec.input_model.model_fields)
