"""Every tool of every platform module sends exactly ONE upstream request per call, and it is
the request its spec declares: the operation's method, its path template filled from the
validated input, and for GraphQL the pinned endpoint and the named operation document.

Each call goes through ``PlatformModule.call`` with a transport that records requests:
Shopify, Magento, Neto and Google against their sandbox apps (``httpx.ASGITransport``),
BigCommerce against its recorded fixtures (the contract harness's ``MockTransport``). Neto has
one endpoint for every tool: its declared operation is the action, sent as ``NETOAPI_ACTION``.
Google's operations are paths on one of several API hosts, which the sandbox serves under a
prefix per API; Xero's are paths under ``/api.xro/2.0`` on its sandbox; a fresh access token
means no token request either. A tool
missing from the tables below fails the test, so a new tool cannot skip this check. One tool
is the marked exception: ``magento_get_sales_summary`` sends its one declared operation a
bounded number of times (see ``MAGENTO_PAGED``).
"""

from __future__ import annotations

import json
import re
import string
from collections.abc import AsyncIterator, Mapping
from typing import Any
from urllib.parse import quote

import attrs
import httpx
import pytest

from shopmcp_adapters.memory import FakeLease
from shopmcp_adapters.upstreams.bigcommerce import PACKAGE as BIGCOMMERCE
from shopmcp_adapters.upstreams.google import PACKAGE as GOOGLE
from shopmcp_adapters.upstreams.google.endpoints import endpoint_of
from shopmcp_adapters.upstreams.host_guard import HostGuard
from shopmcp_adapters.upstreams.magento import PACKAGE as MAGENTO
from shopmcp_adapters.upstreams.neto import PACKAGE as NETO
from shopmcp_adapters.upstreams.shopify import PACKAGE as SHOPIFY
from shopmcp_adapters.upstreams.shopify import documents as shopify_docs
from shopmcp_adapters.upstreams.shopify.inputs.sales import SalesSummaryInput
from shopmcp_adapters.upstreams.xero import PACKAGE as XERO
from shopmcp_adapters.upstreams.xero.client import API_PREFIX as XERO_PREFIX
from shopmcp_domain.credentials import CredentialPayload
from shopmcp_domain.ports import ToolOutput
from shopmcp_domain.tools.spec import ToolSpec
from shopmcp_entrypoints.demo.sandboxes.magento import create_sandbox_app as magento_sandbox
from shopmcp_entrypoints.demo.sandboxes.neto import SANDBOX_USERNAME as NETO_USERNAME
from shopmcp_entrypoints.demo.sandboxes.neto import create_sandbox_app as neto_sandbox
from shopmcp_entrypoints.demo.sandboxes.shopify import DEFAULT_TOKEN as SHOPIFY_TOKEN
from shopmcp_entrypoints.demo.sandboxes.shopify import create_sandbox_app as shopify_sandbox
from tests.asgi import asgi_app
from tests.contract.bigcommerce.harness import STORE_HASH, make_upstream
from tests.contract.bigcommerce.test_surface import CALLS as BIGCOMMERCE_CALLS
from tests.contract.google.helpers import SANDBOX_CALLS as GOOGLE_CALLS
from tests.contract.google.helpers import sandbox as google_sandbox
from tests.contract.magento import helpers as magento
from tests.contract.neto import helpers as neto
from tests.contract.shopify import helpers as shopify
from tests.contract.xero.helpers import sandbox as xero_sandbox
from tests.contract.xero.helpers import sandbox_calls as xero_sandbox_calls
from tests.platforms import module_of
from tests.schemas import assert_matches_output_schema

MAGENTO_TOKEN = "sandbox-token-0123456789abcdef"
MAGENTO_HOST = "magento-sandbox.test"
NETO_KEY = "sandbox-neto-key-0123456789"
NETO_HOST = "neto-sandbox.test"

SHOPIFY_CALLS: dict[str, dict[str, Any]] = {
    "shopify_get_shop": {},
    "shopify_list_orders": {"first": 5},
    "shopify_get_order": {"order_id": 5500000000002},
    "shopify_list_order_refunds": {"order_id": 5500000000002},
    "shopify_list_products": {"first": 5, "search": "tee"},
    "shopify_get_product": {"product_id": 8000000000001},
    "shopify_get_inventory": {"sku": "BLA-TEE-M"},
    "shopify_list_customers": {"email": "jane@example.com"},
    "shopify_get_customer": {"customer_id": 7100000000001},
    "shopify_update_product": {"product_id": 8000000000001, "title": "Black Tee v2"},
    "shopify_set_inventory": {},  # ids read from the sandbox first, see _set_inventory_args
    "shopify_update_order": {"order_id": 5500000000001, "note": "Gift wrap"},
    "shopify_list_locations": {"include_inactive": True},
    "shopify_get_location": {"location_id": 60000000001},
    "shopify_list_fulfillment_orders": {"order_id": 5500000000007},
    "shopify_get_fulfillment_order": {"fulfillment_order_id": 6600000000007},
    "shopify_get_fulfillment": {"fulfillment_id": 4400000000002},
    "shopify_create_fulfillment": {
        "fulfillment_order_id": 6600000000001,
        "tracking_company": "DHL Express",
        "tracking_number": "JD014600006281230134",
    },
    "shopify_get_refund": {"refund_id": 900000000002},
    "shopify_suggest_refund": {
        "order_id": 5500000000003,
        "line_items": [{"line_item_id": 13000000000021, "quantity": 2}],
    },
    "shopify_create_refund": {
        "order_id": 5500000000003,
        "line_items": [{"line_item_id": 13000000000021, "quantity": 2}],
        "restock_type": "return",
        "transactions": [
            {
                "parent_transaction_id": 8800000000021,
                "gateway": "shopify_payments",
                "amount": "45.00",
            }
        ],
    },
    "shopify_cancel_order": {"order_id": 5500000000005, "reason": "customer", "restock": True},
    "shopify_list_abandoned_checkouts": {"recovery": "not_recovered"},
    "shopify_list_discounts": {"status": "active"},
    "shopify_get_discount": {"discount_id": "gid://shopify/DiscountCodeNode/1200000000001"},
    "shopify_create_discount_code": {
        "title": "VIP 10%",
        "code": "VIP10",
        "value_type": "percentage",
        "value": 10,
        "starts_at": "2026-10-01T00:00:00Z",
    },
    "shopify_list_collections": {"collection_type": "custom"},
    "shopify_get_collection": {"collection_id": 1300000000001},
    "shopify_add_products_to_collection": {
        "collection_id": 1300000000001,
        "source_id": 1400000000001,
        "product_ids": [8000000000003],
    },
    "shopify_remove_products_from_collection": {
        "collection_id": 1300000000001,
        "source_id": 1400000000001,
        "product_ids": [8000000000007],
    },
    "shopify_list_draft_orders": {"status": "open"},
    "shopify_get_draft_order": {"draft_order_id": 1100000000001},
    "shopify_create_draft_order": {"variants": [{"variant_id": 45000000000002, "quantity": 1}]},
    "shopify_get_product_metafields": {"product_id": 8000000000001},
    "shopify_get_order_metafields": {"order_id": 5500000000002},
    "shopify_get_customer_metafields": {"customer_id": 7100000000001},
    "shopify_add_customer_tags": {"customer_id": 7100000000002, "tags": ["vip"]},
    "shopify_remove_customer_tags": {"customer_id": 7100000000001, "tags": ["vip"]},
    "shopify_sales_summary": {"created_from": "2026-09-01", "created_to": "2026-09-30"},
}
# The one tool allowed more than one request: the sales summary reads a period's orders a
# page at a time (the same declared operation each time, never more than max_pages pages),
# because a total over a period cannot come from one bounded page. The sandbox's period fits
# one page; tests/contract/shopify/test_sales_summary.py holds it to its page bound.
PAGED_SHOPIFY_TOOLS = {"shopify_sales_summary"}
MAGENTO_CALLS: dict[str, dict[str, Any]] = {
    "magento_get_store": {},
    "magento_search_orders": {"status": "processing"},
    "magento_get_order": {"order_id": 7},
    "magento_search_products": {"name_contains": "duffle"},
    "magento_get_product": {"sku": "MH01"},
    "magento_list_product_children": {"sku": "MH01"},
    "magento_get_inventory": {"sku": "MH01-L-Black"},
    "magento_search_customers": {"email": "john.smith@example.com"},
    "magento_get_customer": {"customer_id": 1},
    "magento_get_customer_order_summary": {"customer_id": 1},
    "magento_list_credit_memos": {"order_id": 3},
    "magento_update_product": {"sku": "24-MB01", "price": 36.5},
    "magento_list_order_comments": {"order_id": 7},
    "magento_add_order_comment": {"order_id": 9, "comment": "Called the customer."},
    "magento_hold_order": {"order_id": 9},
    "magento_unhold_order": {"order_id": 9},  # held first, see _magento_prepare
    "magento_cancel_order": {"order_id": 9},
    "magento_get_sales_summary": {"created_from": "2026-01-01", "created_to": "2026-03-31"},
    "magento_list_invoices": {"order_id": 6},
    "magento_get_invoice": {"invoice_id": 6},
    "magento_create_invoice": {"order_id": 5},
    "magento_list_shipments": {"order_id": 6},
    "magento_get_shipment": {"shipment_id": 1},
    "magento_create_shipment": {
        "order_id": 4,
        "tracks": [{"carrier_code": "ups", "title": "UPS", "track_number": "1Z999AA1012"}],
    },
    "magento_add_shipment_track": {
        "shipment_id": 1,
        "order_id": 1,
        "carrier_code": "usps",
        "title": "USPS",
        "track_number": "9400111899223",
    },
    "magento_get_credit_memo": {"credit_memo_id": 1},
    "magento_create_credit_memo": {"order_id": 10, "items": [{"order_item_id": 118, "qty": 1}]},
    "magento_refund_invoice": {"invoice_id": 6, "refund_to": "original_payment"},
    "magento_list_categories": {"depth": 2},
    "magento_get_category": {"category_id": 4},
    "magento_list_category_products": {"category_id": 4},
    "magento_list_sources": {},
    "magento_get_source": {"source_code": "warehouse_east"},
    "magento_list_source_items": {"source_code": "warehouse_east"},
    "magento_set_source_item": {
        "sku": "24-MB01",
        "source_code": "warehouse_east",
        "quantity": 12,
        "in_stock": True,
    },
    "magento_list_customer_groups": {},
    "magento_get_customer_group": {"group_id": 4},
    "magento_list_cart_rules": {"active_only": True},
    "magento_get_cart_rule": {"rule_id": 1},
    "magento_create_cart_rule": {
        "name": "VIP 10% code",
        "discount_type": "percent",
        "discount_amount": 10,
        "customer_group_ids": [4],
        "website_scope": [1],
    },
    "magento_list_coupons": {"rule_id": 3},
    "magento_create_coupon": {"rule_id": 5, "code": "SPRING-15"},
    "magento_list_cms_pages": {},
    "magento_get_cms_page": {"page_id": 2},
    "magento_list_cms_blocks": {},
    "magento_get_cms_block": {"block_id": 2},
}
# The one tool that sends its operation more than once: the sales summary pages the orders
# search (oldest first) a bounded number of times, to total a date range. The sandbox's range
# fits one page; tests/contract/magento/test_sales_summary.py checks the bound.
MAGENTO_PAGED = {"magento_get_sales_summary"}
NETO_CALLS: dict[str, dict[str, Any]] = {
    "neto_list_orders": {"statuses": ["Dispatched"], "limit": 5},
    "neto_get_order": {"order_id": "N10234"},
    "neto_list_items": {"category_id": 13},
    "neto_get_item": {"sku": "TENT-2P-GRN"},
    "neto_get_stock": {"skus": ["TENT-2P-GRN", "MUG-TI-450"]},
    "neto_list_categories": {"parent_category_id": 10},
    "neto_list_customers": {"type": "Customer"},
    "neto_get_customer": {"username": "mia.nguyen"},
    "neto_list_rmas": {"order_id": "N10198"},
    "neto_list_payments": {"order_ids": ["N10234"]},
    "neto_list_warehouses": {},
    "neto_list_shipping_methods": {},
    "neto_list_vouchers": {"redeemed": False},
    "neto_update_item": {"sku": "MUG-TI-450", "default_price": 26.5},
}
XERO_CALLS = xero_sandbox_calls()
ALL_SPECS: list[ToolSpec] = [
    *SHOPIFY.specs,
    *BIGCOMMERCE.specs,
    *MAGENTO.specs,
    *NETO.specs,
    *XERO.specs,
    *GOOGLE.specs,
]


@attrs.define
class Recording(httpx.AsyncBaseTransport):
    """Passes every request to ``inner`` and keeps it (body read) for inspection."""

    inner: httpx.AsyncBaseTransport
    requests: list[httpx.Request] = attrs.Factory(list)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        self.requests.append(request)
        return await self.inner.handle_async_request(request)


def test_the_tables_cover_every_tool_of_every_module() -> None:
    covered = {
        **SHOPIFY_CALLS,
        **MAGENTO_CALLS,
        **BIGCOMMERCE_CALLS,
        **NETO_CALLS,
        **XERO_CALLS,
        **GOOGLE_CALLS,
    }
    assert set(covered) == {spec.name for spec in ALL_SPECS}


def _filled_path(spec: ToolSpec, arguments: Mapping[str, Any]) -> str:
    validated = spec.input_model.model_validate(dict(arguments))
    fields = {f for _, f, _, _ in string.Formatter().parse(spec.operation.path) if f}
    values = {f: quote(str(getattr(validated, f)), safe="") for f in fields}
    return spec.operation.path.format(**values)


def _assert_declared(spec: ToolSpec, request: httpx.Request, prefix: str, path: str) -> None:
    assert request.method == spec.operation.method.value
    raw_path = request.url.raw_path.split(b"?")[0].decode()
    assert re.fullmatch(prefix + re.escape(path), raw_path), (raw_path, spec.operation.key)


# --------------------------------------------------------------------------- Shopify


async def _shopify(name: str, arguments: dict[str, Any]) -> tuple[ToolOutput, list[httpx.Request]]:
    recording = Recording(httpx.ASGITransport(app=asgi_app(shopify_sandbox(SHOPIFY_TOKEN))))
    module = shopify.make_module(transport=recording)
    lease = FakeLease(CredentialPayload({"access_token": SHOPIFY_TOKEN}), rotation_allowed=False)
    if name == "shopify_set_inventory":
        arguments = await _set_inventory_args(module, lease)
        recording.requests.clear()
    out = await shopify.call(module, name, arguments, lease=lease)
    return out, recording.requests


async def _set_inventory_args(module: Any, lease: Any) -> dict[str, Any]:
    levels = await shopify.call(module, "shopify_get_inventory", {"sku": "BLA-TEE-M"}, lease=lease)
    variant = levels.structured["variants"][0]
    location = variant["levels"][0]
    return {
        "inventory_item_id": variant["inventory_item_id"],
        "location_id": location["location_id"],
        "expected_quantity": location["available"],
        "quantity": location["available"] + 1,
    }


@pytest.mark.parametrize("spec", SHOPIFY.specs, ids=lambda s: s.name)
async def test_each_shopify_tool_posts_its_one_graphql_operation(spec: ToolSpec) -> None:
    out, requests = await _shopify(spec.name, SHOPIFY_CALLS[spec.name])
    if spec.name in PAGED_SHOPIFY_TOOLS:
        max_pages = SalesSummaryInput.model_validate(SHOPIFY_CALLS[spec.name]).max_pages
        assert 1 <= len(requests) <= max_pages
        assert out.structured["pages_read"] == len(requests)
    else:
        assert len(requests) == 1, [f"{r.method} {r.url}" for r in requests]
    assert spec.operation.path == shopify_docs.GRAPHQL_PATH  # no placeholders to fill
    for request in requests:
        _assert_declared(spec, request, "", spec.operation.path)
        body = json.loads(request.content)
        assert shopify_docs.operation_name(body["query"]) == spec.operation.document
        assert body.get("operationName", spec.operation.document) == spec.operation.document
    assert_matches_output_schema(spec, out.structured)


# --------------------------------------------------------------------------- Magento


@pytest.mark.parametrize("spec", MAGENTO.specs, ids=lambda s: s.name)
async def test_each_magento_tool_sends_its_one_rest_request(spec: ToolSpec) -> None:
    recording = Recording(httpx.ASGITransport(app=asgi_app(magento_sandbox(MAGENTO_TOKEN))))
    http = magento.make_http(recording, guard=HostGuard(allowed_hosts=frozenset({MAGENTO_HOST})))
    harness = magento.Harness(
        upstream=magento.Upstream([]),
        module=module_of(MAGENTO, http),
        credentials={"access_token": MAGENTO_TOKEN},
        store_ref=f"https://{MAGENTO_HOST}",
    )
    arguments = MAGENTO_CALLS[spec.name]
    if spec.name == "magento_unhold_order":
        await harness.call("magento_hold_order", arguments)  # a hold to release
        recording.requests.clear()
    out = await harness.call(spec.name, arguments)
    if spec.name in MAGENTO_PAGED:
        assert recording.requests, spec.name
    else:
        assert len(recording.requests) == 1, [f"{r.method} {r.url}" for r in recording.requests]
    # Reads go to the default store view's /rest; the global-scope writes to /rest/all.
    for request in recording.requests:
        _assert_declared(spec, request, "/rest(/all)?", _filled_path(spec, arguments))
    assert_matches_output_schema(spec, out.structured)


# --------------------------------------------------------------------------- BigCommerce


@pytest.fixture
async def bigcommerce() -> AsyncIterator[Any]:
    upstream = make_upstream()
    yield upstream
    await upstream.client.aclose()


# The one explicit exception to "exactly one request": BigCommerce's REST API has no sales
# report, so the sales summary pages its one operation (GET /v2/orders), at most max_pages times
# (the input's bound, 4 by default); every page is that declared request.
BIGCOMMERCE_PAGED = {"bigcommerce_get_sales_summary"}


@pytest.mark.parametrize("spec", BIGCOMMERCE.specs, ids=lambda s: s.name)
async def test_each_bigcommerce_tool_sends_its_one_rest_request(
    bigcommerce: Any, spec: ToolSpec
) -> None:
    arguments, answer = BIGCOMMERCE_CALLS[spec.name]
    bigcommerce.serve(answer)  # the harness repeats its last answer: a second request is seen
    out = await bigcommerce.call(spec.name, arguments)
    requests = bigcommerce.requests
    if spec.name in BIGCOMMERCE_PAGED:
        assert 1 <= len(requests) <= arguments.get("max_pages", 4)
    else:
        assert len(requests) == 1, [f"{r.method} {r.url}" for r in requests]
    for request in requests:
        _assert_declared(
            spec, request, re.escape(f"/stores/{STORE_HASH}"), _filled_path(spec, arguments)
        )
    assert_matches_output_schema(spec, out.structured)


# --------------------------------------------------------------------------- Neto


@pytest.mark.parametrize("spec", NETO.specs, ids=lambda s: s.name)
async def test_each_neto_tool_posts_its_one_action(spec: ToolSpec) -> None:
    recording = Recording(httpx.ASGITransport(app=asgi_app(neto_sandbox(NETO_KEY))))
    http = neto.make_http(recording, guard=HostGuard(allowed_hosts=frozenset({NETO_HOST})))
    harness = neto.Harness(
        upstream=neto.Upstream([]),
        module=module_of(NETO, http),
        credentials={"username": NETO_USERNAME, "api_key": NETO_KEY},
        store_ref=f"https://{NETO_HOST}",
    )
    out = await harness.call(spec.name, NETO_CALLS[spec.name])
    assert len(recording.requests) == 1, [f"{r.method} {r.url}" for r in recording.requests]
    [request] = recording.requests
    _assert_declared(spec, request, "", spec.operation.path)
    assert request.headers["NETOAPI_ACTION"] == spec.operation.document
    assert_matches_output_schema(spec, out.structured)


# --------------------------------------------------------------------------- Google


@pytest.mark.parametrize("spec", GOOGLE.specs, ids=lambda s: s.name)
async def test_each_google_tool_sends_its_one_api_request(spec: ToolSpec) -> None:
    harness = google_sandbox()
    arguments = GOOGLE_CALLS[spec.name]
    out = await harness.call(spec.name, arguments)
    requests = harness.requests
    assert len(requests) == 1, [f"{r.method} {r.url}" for r in requests]
    [request] = requests
    api = endpoint_of(spec.operation).api.value
    _assert_declared(spec, request, re.escape(f"/{api}"), _filled_path(spec, arguments))
    assert_matches_output_schema(spec, out.structured)


# --------------------------------------------------------------------------- Xero


@pytest.mark.parametrize("spec", XERO.specs, ids=lambda s: s.name)
async def test_each_xero_tool_sends_its_one_api_request(spec: ToolSpec) -> None:
    harness = xero_sandbox()
    arguments = XERO_CALLS[spec.name]
    out = await harness.call(spec.name, arguments)
    requests = harness.requests
    assert len(requests) == 1, [f"{r.method} {r.url}" for r in requests]
    [request] = requests
    # Xero's placeholders are the spec's names ({InvoiceID}); the inputs' fields are snake_case.
    path = spec.operation.path
    for placeholder, field in (("{InvoiceID}", "invoice_id"), ("{ContactID}", "contact_id")):
        path = path.replace(placeholder, str(arguments.get(field)))
    _assert_declared(spec, request, re.escape(XERO_PREFIX), path)
    assert_matches_output_schema(spec, out.structured)
