"""The BigCommerce attack surface: every tool maps to exactly one upstream operation (and sends
exactly that request), no tool takes a free-form URL, path, query, document or method, and the
recorded fixtures follow the official specs (checked when ../shared/fixtures is present)."""

from __future__ import annotations

import json
import re
import typing
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from shopmcp_adapters.upstreams.bigcommerce import PACKAGE as BIGCOMMERCE
from shopmcp_domain.connections import Connection
from shopmcp_domain.errors import ToolNotAllowed
from shopmcp_domain.ids import new_connection_id, new_credential_id, new_workspace_id
from shopmcp_domain.keys import ALL_ACCESS, Access
from shopmcp_domain.platforms import Platform
from shopmcp_domain.tools.policy import tool_policy
from shopmcp_domain.tools.registry import ToolRegistry
from shopmcp_domain.tools.spec import HttpMethod, ToolSpec
from tests.contract.bigcommerce.harness import FIXTURES, STORE_HASH, Upstream
from tests.factories import NOW, OPERATOR_LOCKED, make_workspace
from tests.schemas import assert_matches_output_schema

SPECS = BIGCOMMERCE.specs

# One valid call per tool, with the fixture that answers it.
CALLS: dict[str, tuple[dict[str, Any], str]] = {
    "bigcommerce_get_store": ({}, "get_store.200"),
    "bigcommerce_list_orders": ({"customer_id": 5}, "list_orders.200"),
    "bigcommerce_get_order": ({"order_id": 5}, "get_order.200"),
    "bigcommerce_list_order_products": ({"order_id": 5}, "list_order_products.200"),
    "bigcommerce_list_order_shipping_addresses": (
        {"order_id": 3021},
        "list_order_shipping_addresses.200",
    ),
    "bigcommerce_list_order_shipments": ({"order_id": 5}, "list_order_shipments.200"),
    "bigcommerce_list_order_statuses": ({}, "list_order_statuses.200"),
    "bigcommerce_create_shipment": (
        {
            "order_id": 3021,
            "order_address_id": 88,
            "items": [{"order_product_id": 901, "quantity": 2}],
        },
        "create_shipment.201",
    ),
    "bigcommerce_update_order_status": (
        {"order_id": 3021, "status_id": 2},
        "update_order_status.200",
    ),
    "bigcommerce_list_order_refunds": ({"order_id": 5}, "list_order_refunds.200"),
    "bigcommerce_quote_refund": (
        {"order_id": 3021, "items": [{"item_type": "PRODUCT", "item_id": 901, "quantity": 2}]},
        "quote_refund.201",
    ),
    "bigcommerce_create_refund": (
        {
            "order_id": 3021,
            "items": [{"item_type": "PRODUCT", "item_id": 901, "quantity": 2}],
            "payments": [{"provider_id": "stripev3", "amount": "48", "offline": False}],
        },
        "create_refund.201",
    ),
    "bigcommerce_get_sales_summary": (
        {"created_from": "2026-11-09T00:00:00Z", "created_to": "2026-11-15T23:59:59Z"},
        "sales_summary.page.200",
    ),
    "bigcommerce_list_products": ({"keyword": "tea"}, "list_products.200"),
    "bigcommerce_get_product": ({"product_id": 5}, "get_product.200"),
    "bigcommerce_update_product": ({"product_id": 5, "name": "N"}, "update_product.200"),
    "bigcommerce_list_categories": ({"parent_id": 20}, "list_categories.200"),
    "bigcommerce_get_category": ({"category_id": 23}, "get_category.200"),
    "bigcommerce_list_brands": ({}, "list_brands.200"),
    "bigcommerce_get_brand": ({"brand_id": 5}, "get_brand.200"),
    "bigcommerce_get_inventory": ({"skus": ["A"]}, "get_inventory.200"),
    "bigcommerce_list_locations": ({}, "list_locations.200"),
    "bigcommerce_get_location_inventory": ({"location_id": 1}, "get_location_inventory.200"),
    "bigcommerce_set_inventory": (
        {"items": [{"location_id": 1, "variant_id": 240, "quantity": 12}]},
        "set_inventory.200",
    ),
    "bigcommerce_adjust_inventory": (
        {"items": [{"location_id": 1, "variant_id": 240, "quantity": -2}]},
        "adjust_inventory.200",
    ),
    "bigcommerce_list_customers": ({"name": "Ann"}, "list_customers.200"),
    "bigcommerce_get_customer": ({"customer_id": 57}, "get_customer.200"),
    "bigcommerce_get_customer_order_summary": (
        {"customer_id": 5},
        "get_customer_order_summary.200",
    ),
    "bigcommerce_list_customer_groups": ({}, "list_customer_groups.200"),
    "bigcommerce_get_customer_group": ({"customer_group_id": 2}, "get_customer_group.200"),
    "bigcommerce_get_abandoned_cart": (
        {"token": "1eed6d2d979776ff18e695ceeb10ea61"},
        "get_abandoned_cart.200",
    ),
    "bigcommerce_get_cart": ({"cart_id": "4f6a2c1e-8b3d-4e7f-9a0b-1c2d3e4f5a6b"}, "get_cart.200"),
    "bigcommerce_list_coupons": ({}, "list_coupons.200"),
    "bigcommerce_get_coupon": ({"coupon_id": 3}, "get_coupon.200"),
    "bigcommerce_create_coupon": (
        {
            "name": "VIP fifteen",
            "code": "VIP15",
            "discount_type": "percentage_discount",
            "amount": 15,
        },
        "create_coupon.201",
    ),
    "bigcommerce_list_promotions": ({}, "list_promotions.200"),
    "bigcommerce_get_promotion": ({"promotion_id": 12}, "get_promotion.200"),
    "bigcommerce_create_promotion": (
        {"name": "VIP 15% code", "redemption_type": "COUPON", "percent_off": 15},
        "create_promotion.201",
    ),
    "bigcommerce_list_promotion_codes": ({"promotion_id": 12}, "list_promotion_codes.200"),
    "bigcommerce_create_promotion_code": (
        {"promotion_id": 13, "code": "VIP15"},
        "create_promotion_code.201",
    ),
}
FREE_FORM_NAMES = {"url", "uri", "path", "endpoint", "method", "verb", "query", "document"}
FREE_FORM_NAMES |= {"graphql", "headers", "body", "params", "host", "fields", "filter"}


def test_every_tool_has_one_operation_and_only_the_documented_reads_share_one() -> None:
    registry = ToolRegistry(SPECS)  # refuses duplicate names
    assert set(registry) == set(CALLS)
    by_key: dict[str, set[str]] = {}
    for spec in SPECS:
        by_key.setdefault(spec.operation.key, set()).add(spec.name)
    shared = {key: names for key, names in by_key.items() if len(names) > 1}
    # Neither v3 customers, the category trees nor v2 coupons have a single-item GET: each get
    # is the collection with a fixed id filter. The sales summary pages the orders list.
    assert shared == {
        "GET /v3/customers": {"bigcommerce_list_customers", "bigcommerce_get_customer"},
        "GET /v3/catalog/trees/categories": {
            "bigcommerce_list_categories",
            "bigcommerce_get_category",
        },
        "GET /v2/coupons": {"bigcommerce_list_coupons", "bigcommerce_get_coupon"},
        "GET /v2/orders": {"bigcommerce_list_orders", "bigcommerce_get_sales_summary"},
    }


# Every write tool's MCP hints, stated here independently of the rows. destructive: the tool
# overwrites or removes something, or moves money (MCP: false means "only additive updates");
# idempotent: the same call again has no further effect.
WRITE_HINTS: dict[str, tuple[bool, bool]] = {
    # name: (destructive, idempotent)
    "bigcommerce_update_product": (True, True),  # overwrites prices and texts
    "bigcommerce_create_shipment": (False, False),  # adds a shipment; again adds another
    "bigcommerce_update_order_status": (True, True),  # replaces the status (cancel included)
    "bigcommerce_quote_refund": (False, True),  # a POST that stores nothing
    "bigcommerce_create_refund": (True, False),  # moves money; again refunds again
    "bigcommerce_set_inventory": (True, True),  # replaces quantities
    "bigcommerce_adjust_inventory": (True, False),  # changes quantities, every time
    "bigcommerce_create_coupon": (False, True),  # adds; name and code are unique
    "bigcommerce_create_promotion": (False, False),  # adds; names need not be unique
    "bigcommerce_create_promotion_code": (False, True),  # adds; codes are unique
}
WRITE_METHODS = {
    "bigcommerce_update_product": HttpMethod.PUT,
    "bigcommerce_create_shipment": HttpMethod.POST,
    "bigcommerce_update_order_status": HttpMethod.PUT,
    "bigcommerce_quote_refund": HttpMethod.POST,
    "bigcommerce_create_refund": HttpMethod.POST,
    "bigcommerce_set_inventory": HttpMethod.PUT,
    "bigcommerce_adjust_inventory": HttpMethod.POST,
    "bigcommerce_create_coupon": HttpMethod.POST,
    "bigcommerce_create_promotion": HttpMethod.POST,
    "bigcommerce_create_promotion_code": HttpMethod.POST,
}


def test_reads_are_annotated_read_only() -> None:
    reads = [spec for spec in SPECS if spec.access is Access.READ]
    assert len(reads) >= 20
    for spec in reads:
        assert spec.operation.method is HttpMethod.GET
        assert spec.annotations.read_only_hint and not spec.annotations.destructive_hint
        assert spec.annotations.idempotent_hint and spec.annotations.open_world_hint


def test_every_write_tool_states_its_hints_truthfully() -> None:
    writes = {spec.name: spec for spec in SPECS if spec.access is Access.WRITE}
    assert set(writes) == set(WRITE_HINTS)
    assert len(writes) >= 8
    for name, (destructive, idempotent) in WRITE_HINTS.items():
        spec = writes[name]
        assert spec.operation.method is WRITE_METHODS[name], name
        hints = spec.annotations
        assert not hints.read_only_hint, name
        assert hints.open_world_hint, name  # they all reach a third-party store
        assert (hints.destructive_hint, hints.idempotent_hint) == (destructive, idempotent), name


def test_the_product_write_keeps_its_whitelist() -> None:
    spec = BIGCOMMERCE.tools.spec("bigcommerce_update_product")
    assert spec.whitelist is not None
    assert spec.whitelist.writable == {
        "name",
        "price",
        "sale_price",
        "inventory_level",
        "is_visible",
        "description",
    }
    assert spec.whitelist.locators == {"product_id"}


def _leaf_types(annotation: Any) -> list[Any]:
    args = typing.get_args(annotation)
    if not args:
        return [annotation]
    out = []
    for arg in args:
        out += _leaf_types(arg)
    return out


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_no_tool_accepts_free_form_requests(spec: ToolSpec) -> None:
    model: type[BaseModel] = spec.input_model
    assert model.model_config.get("extra") == "forbid"
    for name, field in model.model_fields.items():
        assert name.lower() not in FREE_FORM_NAMES, name
        for leaf in _leaf_types(field.annotation):
            assert leaf is not Any and leaf is not dict and leaf is not object, (name, leaf)
            assert typing.get_origin(leaf) is not dict, name
    placeholders = set(re.findall(r"\{([a-z_]+)\}", spec.operation.path))
    assert placeholders <= set(model.model_fields)
    for placeholder in placeholders:
        # An int, or a string held to one of the two token shapes the client's path check
        # accepts (a cart UUID, an abandoned-cart token): never free text.
        field = model.model_fields[placeholder]
        if _leaf_types(field.annotation) != [int]:
            assert _leaf_types(field.annotation) == [str], placeholder
            assert _string_pattern(field) in TOKEN_PATTERNS, placeholder


TOKEN_PATTERNS = {
    r"^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$",
    r"^[0-9A-Fa-f]{32}$",
}


def _string_pattern(field: Any) -> str | None:
    return next((m.pattern for m in field.metadata if getattr(m, "pattern", None)), None)


def _template_regex(spec: ToolSpec) -> re.Pattern[str]:
    pattern = re.escape(spec.operation.path)
    pattern = re.sub(r"\\\{[a-z_]+\\\}", r"([1-9][0-9]*|[0-9a-f-]{32,36})", pattern)
    return re.compile(f"/stores/{STORE_HASH}{pattern}")


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
async def test_each_tool_sends_exactly_its_operation(upstream: Upstream, spec: ToolSpec) -> None:
    arguments, answer = CALLS[spec.name]
    upstream.serve(answer)
    out = await upstream.call(spec.name, arguments)
    request = upstream.only_request
    assert request.method == spec.operation.method.value
    assert _template_regex(spec).fullmatch(request.url.path), request.url.path
    # What leaves the gateway validates against the advertised output schema.
    assert_matches_output_schema(spec, out.structured)
    assert out.text and len(out.text) < 1000


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
async def test_each_output_matches_its_advertised_schema(
    upstream: Upstream, spec: ToolSpec
) -> None:
    # Outputs read nested upstream values through validation aliases; what they serialise is
    # checked against the schema clients see (field names, closed objects, required keys).
    arguments, answer = CALLS[spec.name]
    upstream.serve(answer)
    out = await upstream.call(spec.name, arguments)
    assert_matches_output_schema(spec, out.structured)


def test_every_fixture_names_its_operation_and_spec() -> None:
    files = sorted(FIXTURES.glob("*.json"))
    assert len(files) >= 20
    for file in files:
        source = json.loads(file.read_text())["_source"]
        assert source.get("operation") and source.get("spec") and source.get("kind"), file.name


SHARED = Path(__file__).resolve().parents[4] / "shared" / "fixtures" / "bigcommerce"
SPEC_CHECKS = [
    ("list_orders.200", "orders.v2.oas2.yml", "/orders", "get", "200"),
    ("get_order.200", "orders.v2.oas2.yml", "/orders/{order_id}", "get", "200"),
    ("list_order_products.200", "orders.v2.oas2.yml", "/orders/{order_id}/products", "get", "200"),
    (
        "list_order_shipments.200",
        "orders.v2.oas2.yml",
        "/orders/{order_id}/shipments",
        "get",
        "200",
    ),
    ("get_customer_order_summary.200", "orders.v2.oas2.yml", "/orders/count", "get", "200"),
    (
        "list_order_refunds.200",
        "orders.v3.yml",
        "/orders/{order_id}/payment_actions/refunds",
        "get",
        "200",
    ),
    ("list_products.200", "products_catalog.v3.yml", "/catalog/products", "get", "200"),
    ("get_product.200", "products_catalog.v3.yml", "/catalog/products/{product_id}", "get", "200"),
    ("v3.404", "products_catalog.v3.yml", "/catalog/products/{product_id}", "get", "404"),
    (
        "update_product.200",
        "products_catalog.v3.yml",
        "/catalog/products/{product_id}",
        "put",
        "200",
    ),
    ("get_inventory.200", "inventory.v3.yml", "/inventory/items", "get", "200"),
    ("list_customers.200", "customers.v3.yml", "/customers", "get", "200"),
    ("get_customer.200", "customers.v3.yml", "/customers", "get", "200"),
    ("get_customer.200.empty", "customers.v3.yml", "/customers", "get", "200"),
    ("v3.422", "customers.v3.yml", "/customers", "get", "422"),
    ("list_order_statuses.200", "orders.v2.oas2.yml", "/order_statuses", "get", "200"),
    (
        "list_order_shipping_addresses.200",
        "orders.v2.oas2.yml",
        "/orders/{order_id}/shipping_addresses",
        "get",
        "200",
    ),
    ("create_shipment.201", "orders.v2.oas2.yml", "/orders/{order_id}/shipments", "post", "201"),
    ("update_order_status.200", "orders.v2.oas2.yml", "/orders/{order_id}", "put", "200"),
    ("sales_summary.page.200", "orders.v2.oas2.yml", "/orders", "get", "200"),
    (
        "quote_refund.201",
        "orders.v3.yml",
        "/orders/{order_id}/payment_actions/refund_quotes",
        "post",
        "201",
    ),
    (
        "create_refund.201",
        "orders.v3.yml",
        "/orders/{order_id}/payment_actions/refunds",
        "post",
        "201",
    ),
    (
        "get_location_inventory.200",
        "inventory.v3.yml",
        "/inventory/locations/{location_id}/items",
        "get",
        "200",
    ),
    ("set_inventory.200", "inventory.v3.yml", "/inventory/adjustments/absolute", "put", "200"),
    ("adjust_inventory.200", "inventory.v3.yml", "/inventory/adjustments/relative", "post", "200"),
]


@pytest.mark.parametrize(("name", "spec_file", "path", "method", "status"), SPEC_CHECKS)
def test_fixture_matches_the_official_schema(
    name: str, spec_file: str, path: str, method: str, status: str
) -> None:
    if not SHARED.is_dir():
        pytest.skip(f"official specs not present at {SHARED}")
    yaml = pytest.importorskip("yaml")
    validator = pytest.importorskip("openapi_schema_validator")
    document = yaml.safe_load((SHARED / spec_file).read_text())

    def resolve(node: Any) -> Any:
        while isinstance(node, dict) and "$ref" in node:
            target = document
            for part in node["$ref"].lstrip("#/").split("/"):
                target = target[part]
            node = target
        return node

    declared = resolve(document["paths"][path][method]["responses"][status])
    schema = dict(declared["content"]["application/json"]["schema"])
    schema["components"] = document["components"]
    body = json.loads((FIXTURES / f"{name}.json").read_text())["body"]
    errors = [e.message for e in validator.OAS30Validator(schema).iter_errors(body)]
    assert errors == []


def test_the_write_tools_are_listed_only_once_writes_are_enabled() -> None:
    registry = ToolRegistry(SPECS)
    reads = {s.name for s in SPECS if s.access is Access.READ}
    connection = Connection(
        id=new_connection_id(),
        workspace_id=new_workspace_id(),
        platform=Platform.BIGCOMMERCE,
        store_ref=STORE_HASH,
        credential_id=new_credential_id(),
        created_at=NOW,
    )
    read_only = tool_policy(
        registry, make_workspace(), [connection], ALL_ACCESS, writes_locked=OPERATOR_LOCKED
    )
    assert read_only.names == reads
    for name in WRITE_HINTS:
        with pytest.raises(ToolNotAllowed, match="not enabled"):
            read_only.authorise(name)
    enabled = make_workspace(write_enabled=frozenset({Platform.BIGCOMMERCE}))
    writable = tool_policy(
        registry, enabled, [connection], ALL_ACCESS, writes_locked=OPERATOR_LOCKED
    )
    assert writable.names == reads | set(WRITE_HINTS)
