"""The BigCommerce module against the demo's sandbox store: every tool answers from the sample
data through the module's base_url, each list text names ids a model can pass straight to the
matching get tool, writes change what later reads see, and the sandbox refuses what BigCommerce
refuses (a wrong token or store, an unknown route, an unemulated filter)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from shopmcp_adapters.upstreams.bigcommerce import PACKAGE as BIGCOMMERCE
from shopmcp_domain.errors import UpstreamError
from shopmcp_domain.tools.spec import ToolSpec
from shopmcp_entrypoints.demo.sandboxes.bigcommerce import create_sandbox_app
from shopmcp_entrypoints.demo.sandboxes.bigcommerce_data import (
    ABANDONED_CART,
    ABANDONED_TOKEN,
    STORE_HASH,
)
from tests.asgi import asgi_app
from tests.contract.bigcommerce.sandbox import SANDBOX_TOKEN, Sandbox, make_sandbox
from tests.schemas import assert_matches_output_schema

# One valid call per tool against the sandbox's sample data.
SANDBOX_CALLS: dict[str, dict[str, Any]] = {
    "bigcommerce_get_store": {},
    "bigcommerce_list_orders": {"status_id": 11},
    "bigcommerce_get_order": {"order_id": 3003},
    "bigcommerce_list_order_products": {"order_id": 3003},
    "bigcommerce_list_order_shipping_addresses": {"order_id": 3003},
    "bigcommerce_list_order_shipments": {"order_id": 3001},
    "bigcommerce_list_order_statuses": {},
    "bigcommerce_create_shipment": {
        "order_id": 3003,
        "order_address_id": 83,
        "items": [{"order_product_id": 904, "quantity": 2}],
    },
    "bigcommerce_update_order_status": {"order_id": 3009, "status_id": 11},
    "bigcommerce_list_order_refunds": {"order_id": 3004},
    "bigcommerce_quote_refund": {
        "order_id": 3001,
        "items": [{"item_type": "PRODUCT", "item_id": 901, "quantity": 1}],
    },
    "bigcommerce_create_refund": {
        "order_id": 3001,
        "items": [{"item_type": "PRODUCT", "item_id": 901, "quantity": 1}],
        "payments": [{"provider_id": "stripev3", "amount": 24, "offline": False}],
    },
    "bigcommerce_get_sales_summary": {
        "created_from": "2026-03-01T00:00:00Z",
        "created_to": "2026-03-31T23:59:59Z",
    },
    "bigcommerce_list_products": {"category_id": 21},
    "bigcommerce_get_product": {"product_id": 101},
    "bigcommerce_update_product": {"product_id": 101, "price": 25},
    "bigcommerce_list_categories": {"parent_id": 20},
    "bigcommerce_get_category": {"category_id": 21},
    "bigcommerce_list_brands": {},
    "bigcommerce_get_brand": {"brand_id": 5},
    "bigcommerce_get_inventory": {"skus": ["SEN-100-TIN"]},
    "bigcommerce_list_locations": {},
    "bigcommerce_get_location_inventory": {"location_id": 2},
    "bigcommerce_set_inventory": {"items": [{"location_id": 1, "variant_id": 203, "quantity": 20}]},
    "bigcommerce_adjust_inventory": {
        "items": [{"location_id": 1, "variant_id": 201, "quantity": -5}]
    },
    "bigcommerce_list_customers": {"customer_group_id": 2},
    "bigcommerce_get_customer": {"customer_id": 57},
    "bigcommerce_get_customer_order_summary": {"customer_id": 57},
    "bigcommerce_list_customer_groups": {},
    "bigcommerce_get_customer_group": {"customer_group_id": 2},
    "bigcommerce_get_abandoned_cart": {"token": ABANDONED_TOKEN},
    "bigcommerce_get_cart": {"cart_id": ABANDONED_CART},
    "bigcommerce_list_coupons": {},
    "bigcommerce_get_coupon": {"coupon_id": 4},
    "bigcommerce_create_coupon": {
        "name": "VIP fifteen",
        "code": "VIP15",
        "discount_type": "percentage_discount",
        "amount": 15,
    },
    "bigcommerce_list_promotions": {},
    "bigcommerce_get_promotion": {"promotion_id": 12},
    "bigcommerce_create_promotion": {
        "name": "VIP 15%",
        "redemption_type": "COUPON",
        "percent_off": 15,
        "customer_group_ids": [2],
    },
    "bigcommerce_list_promotion_codes": {"promotion_id": 12},
    "bigcommerce_create_promotion_code": {"promotion_id": 12, "code": "OVER60-VIP"},
}


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    sandbox = make_sandbox()
    yield sandbox
    await sandbox.client.aclose()


def test_every_tool_has_a_sandbox_call() -> None:
    assert set(SANDBOX_CALLS) == {spec.name for spec in BIGCOMMERCE.specs}


@pytest.mark.parametrize("spec", BIGCOMMERCE.specs, ids=lambda s: s.name)
async def test_every_tool_answers_from_the_sandbox(sandbox: Sandbox, spec: ToolSpec) -> None:
    out = await sandbox.call(spec.name, SANDBOX_CALLS[spec.name])
    assert_matches_output_schema(spec, out.structured)
    assert out.text
    # The module reached the sandbox through its base_url, at the store's path, once.
    [request] = sandbox.requests
    assert (request.url.scheme, request.url.host) == ("https", "bigcommerce-sandbox.test")
    assert request.url.path.startswith(f"/stores/{STORE_HASH}/v")
    assert request.method == spec.operation.method.value


# A list tool, the get tool that takes what its text names, the argument, and the pattern that
# finds it in the text.
ID = r"#(\d+)"
CHAINS = [
    ("bigcommerce_list_orders", {}, "bigcommerce_get_order", "order_id", ID),
    ("bigcommerce_list_products", {}, "bigcommerce_get_product", "product_id", ID),
    ("bigcommerce_list_customers", {}, "bigcommerce_get_customer", "customer_id", ID),
    ("bigcommerce_list_categories", {}, "bigcommerce_get_category", "category_id", ID),
    ("bigcommerce_list_brands", {}, "bigcommerce_get_brand", "brand_id", ID),
    ("bigcommerce_list_customer_groups", {}, "bigcommerce_get_customer_group",
     "customer_group_id", ID),
    ("bigcommerce_list_coupons", {}, "bigcommerce_get_coupon", "coupon_id", ID),
    ("bigcommerce_list_promotions", {}, "bigcommerce_get_promotion", "promotion_id", ID),
    ("bigcommerce_list_locations", {}, "bigcommerce_get_location_inventory", "location_id", ID),
    ("bigcommerce_list_order_products", {"order_id": 3003}, "bigcommerce_get_product",
     "product_id", r"product #(\d+)"),
    ("bigcommerce_get_inventory", {"product_ids": [104]}, "bigcommerce_get_product",
     "product_id", r"product #(\d+)"),
    ("bigcommerce_get_abandoned_cart", {"token": ABANDONED_TOKEN}, "bigcommerce_get_cart",
     "cart_id", r"cart ([0-9a-f-]{36})"),
    ("bigcommerce_get_customer", {"customer_id": 57}, "bigcommerce_get_customer_order_summary",
     "customer_id", ID),
]  # fmt: skip


@pytest.mark.parametrize(("listing", "arguments", "getter", "field", "pattern"), CHAINS)
async def test_an_id_read_from_a_list_text_opens_the_item(
    sandbox: Sandbox, listing: str, arguments: dict[str, Any], getter: str, field: str, pattern: str
) -> None:
    listed = await sandbox.call(listing, arguments)
    found = re.findall(pattern, listed.text)
    assert found, listed.text
    for value in found[:3]:  # the first few the text names, each opened
        item = await sandbox.call(getter, {field: int(value) if value.isdigit() else value})
        assert value in item.text, (value, item.text)


async def test_a_status_id_read_from_the_statuses_text_filters_the_orders(
    sandbox: Sandbox,
) -> None:
    statuses = await sandbox.call("bigcommerce_list_order_statuses")
    [status_id] = re.findall(r"(\d+) Awaiting Fulfillment", statuses.text)
    orders = await sandbox.call("bigcommerce_list_orders", {"status_id": int(status_id)})
    listed = orders.structured["orders"]
    assert [o["id"] for o in listed] == [3008, 3006, 3003]
    assert {o["status_id"] for o in listed} == {int(status_id)}


def test_every_list_tool_is_in_a_chain() -> None:
    lists = {s.name for s in BIGCOMMERCE.specs if "_list_" in s.name}
    # Each list's items can be opened by the tool its chain names; the shipping addresses,
    # shipments, refunds and promotion codes of an order or promotion are read in full by
    # their list and used by the writes (tested below).
    assert lists - {c[0] for c in CHAINS} - {"bigcommerce_list_order_statuses"} == {
        "bigcommerce_list_order_shipping_addresses",
        "bigcommerce_list_order_shipments",
        "bigcommerce_list_order_refunds",
        "bigcommerce_list_promotion_codes",
    }


async def test_a_shipment_uses_the_ids_the_texts_print_and_ships_the_order(
    sandbox: Sandbox,
) -> None:
    addresses = await sandbox.call("bigcommerce_list_order_shipping_addresses", {"order_id": 3003})
    [address_id] = re.findall(r"address #(\d+)", addresses.text)
    lines = await sandbox.call("bigcommerce_list_order_products", {"order_id": 3003})
    items = [
        {"order_product_id": int(line_id), "quantity": int(quantity)}
        for line_id, quantity in re.findall(r"line item #(\d+): (\d+) x", lines.text)
    ]
    first = await sandbox.call(
        "bigcommerce_create_shipment",
        {"order_id": 3003, "order_address_id": int(address_id), "items": items[:1],
         "tracking_number": "AP123", "shipping_provider": "auspost"},
    )  # fmt: skip
    assert "created shipment #" in first.text
    order = await sandbox.call("bigcommerce_get_order", {"order_id": 3003})
    assert order.structured["order"]["status"] == "Partially Shipped"
    await sandbox.call(
        "bigcommerce_create_shipment",
        {"order_id": 3003, "order_address_id": int(address_id), "items": items[1:]},
    )
    order = await sandbox.call("bigcommerce_get_order", {"order_id": 3003})
    assert (order.structured["order"]["status"], order.structured["order"]["items_shipped"]) == (
        "Shipped",
        3,
    )
    shipments = await sandbox.call("bigcommerce_list_order_shipments", {"order_id": 3003})
    assert len(shipments.structured["shipments"]) == 2
    # Nothing is left to ship: BigCommerce refuses, and nothing changes.
    with pytest.raises(UpstreamError) as caught:
        await sandbox.call(
            "bigcommerce_create_shipment",
            {"order_id": 3003, "order_address_id": int(address_id), "items": items[:1]},
        )
    assert caught.value.status == 400


async def test_a_quoted_refund_refunds_the_order(sandbox: Sandbox) -> None:
    items = [{"item_type": "PRODUCT", "item_id": 901, "quantity": 2}]
    quote = await sandbox.call("bigcommerce_quote_refund", {"order_id": 3001, "items": items})
    total = quote.structured["quote"]["total_refund_amount"]
    assert total == "48.0"
    await sandbox.call(
        "bigcommerce_create_refund",
        {
            "order_id": 3001,
            "items": items,
            "payments": [{"provider_id": "storecredit", "amount": total, "offline": False}],
        },
    )
    refunds = await sandbox.call("bigcommerce_list_order_refunds", {"order_id": 3001})
    assert refunds.text.startswith("Order #3001: 1 refund totalling 48.00")
    order = (await sandbox.call("bigcommerce_get_order", {"order_id": 3001})).structured["order"]
    assert (order["status"], order["refunded_amount"]) == ("Partially Refunded", "48.0000")
    # The same two tins again: nothing of them is left to refund.
    with pytest.raises(UpstreamError) as caught:
        await sandbox.call("bigcommerce_quote_refund", {"order_id": 3001, "items": items})
    assert caught.value.status == 422


async def test_a_refund_must_be_paid_as_quoted(sandbox: Sandbox) -> None:
    with pytest.raises(UpstreamError) as caught:
        await sandbox.call(
            "bigcommerce_create_refund",
            {
                "order_id": 3001,
                "items": [{"item_type": "PRODUCT", "item_id": 901, "quantity": 1}],
                "payments": [{"provider_id": "stripev3", "amount": 99, "offline": False}],
            },
        )
    assert caught.value.status == 422
    refunds = await sandbox.call("bigcommerce_list_order_refunds", {"order_id": 3001})
    assert refunds.structured["refunds"] == []


async def test_order_status_changes_are_seen_by_reads(sandbox: Sandbox) -> None:
    await sandbox.call("bigcommerce_update_order_status", {"order_id": 3009, "status_id": 11})
    listed = await sandbox.call("bigcommerce_list_orders", {"status_id": 11})
    assert "#3009 Awaiting Fulfillment" in listed.text


async def test_stock_adjustments_move_the_levels_reads_report(sandbox: Sandbox) -> None:
    def hobart(out: Any) -> int:
        [item] = out.structured["items"]
        return int(
            next(loc for loc in item["locations"] if loc["location_id"] == 1)[
                "total_inventory_onhand"
            ]
        )

    before = hobart(await sandbox.call("bigcommerce_get_inventory", {"variant_ids": [201]}))
    await sandbox.call(
        "bigcommerce_adjust_inventory",
        {"items": [{"location_id": 1, "variant_id": 201, "quantity": -5}], "reason": "Damaged"},
    )
    assert hobart(await sandbox.call("bigcommerce_get_inventory", {"variant_ids": [201]})) == (
        before - 5
    )
    await sandbox.call(
        "bigcommerce_set_inventory",
        {"items": [{"location_id": 1, "variant_id": 201, "quantity": 7}]},
    )
    assert hobart(await sandbox.call("bigcommerce_get_inventory", {"variant_ids": [201]})) == 7
    product = await sandbox.call("bigcommerce_get_product", {"product_id": 101})
    assert product.structured["product"]["variants"][0]["inventory_level"] == 7 + 6
    with pytest.raises(UpstreamError) as caught:  # below zero: refused, nothing applied
        await sandbox.call(
            "bigcommerce_adjust_inventory",
            {"items": [{"location_id": 1, "variant_id": 201, "quantity": -8}]},
        )
    assert caught.value.status == 422
    assert hobart(await sandbox.call("bigcommerce_get_inventory", {"variant_ids": [201]})) == 7


async def test_a_new_coupon_is_listed_and_its_code_is_unique(sandbox: Sandbox) -> None:
    created = await sandbox.call(
        "bigcommerce_create_coupon", SANDBOX_CALLS["bigcommerce_create_coupon"]
    )
    [coupon_id] = re.findall(r"coupon #(\d+)", created.text)
    coupon = await sandbox.call("bigcommerce_get_coupon", {"coupon_id": int(coupon_id)})
    assert coupon.structured["coupon"]["code"] == "VIP15"
    with pytest.raises(UpstreamError) as caught:
        await sandbox.call("bigcommerce_create_coupon", SANDBOX_CALLS["bigcommerce_create_coupon"])
    assert caught.value.status == 409


async def test_a_vip_code_promotion_end_to_end(sandbox: Sandbox) -> None:
    groups = await sandbox.call("bigcommerce_list_customer_groups", {"name": "VIP"})
    [vip] = re.findall(r"#(\d+) VIP", groups.text)
    created = await sandbox.call(
        "bigcommerce_create_promotion",
        {"name": "VIP 10%", "redemption_type": "COUPON", "percent_off": 10,
         "customer_group_ids": [int(vip)]},
    )  # fmt: skip
    [promotion_id] = re.findall(r"promotion_id (\d+)", created.text)
    await sandbox.call(
        "bigcommerce_create_promotion_code", {"promotion_id": int(promotion_id), "code": "VIP10"}
    )
    codes = await sandbox.call(
        "bigcommerce_list_promotion_codes", {"promotion_id": int(promotion_id)}
    )
    assert [c["code"] for c in codes.structured["codes"]] == ["VIP10"]
    promotion = await sandbox.call("bigcommerce_get_promotion", {"promotion_id": int(promotion_id)})
    assert promotion.structured["promotion"]["customer_group_ids"] == [2]
    assert promotion.structured["promotion"]["rules"] == ["10% off the cart value"]


async def test_promotion_codes_page_by_cursor(sandbox: Sandbox) -> None:
    first = await sandbox.call("bigcommerce_list_promotion_codes", {"promotion_id": 12, "limit": 1})
    assert [c["code"] for c in first.structured["codes"]] == ["OVER60"]
    cursor = first.structured["next_cursor"]
    assert cursor and f"after={cursor}" in first.text
    second = await sandbox.call(
        "bigcommerce_list_promotion_codes", {"promotion_id": 12, "limit": 1, "after": cursor}
    )
    assert [c["code"] for c in second.structured["codes"]] == ["OVER60-STAFF"]
    assert second.structured["next_cursor"] is None


async def test_product_updates_are_seen_by_reads(sandbox: Sandbox) -> None:
    await sandbox.call("bigcommerce_update_product", {"product_id": 102, "name": "Genmaicha 100g"})
    listed = await sandbox.call("bigcommerce_list_products", {"keyword": "genmaicha"})
    assert "#102 Genmaicha 100g" in listed.text


async def test_the_sales_summary_of_the_sample_month(sandbox: Sandbox) -> None:
    out = await sandbox.call(
        "bigcommerce_get_sales_summary", SANDBOX_CALLS["bigcommerce_get_sales_summary"]
    )
    summary = out.structured
    assert (summary["orders_read"], summary["orders_counted"], summary["partial"]) == (10, 8, False)
    assert [(t["currency_code"], t["orders"]) for t in summary["by_currency"]] == [
        ("AUD", 7),
        ("NZD", 1),
    ]
    aud = summary["by_currency"][0]
    assert (aud["refunded"], aud["discounts"]) == ("18.0000", "25.0000")


async def test_a_wrong_token_or_store_is_refused(sandbox: Sandbox) -> None:
    sandbox.token = "not-the-sandbox-token"
    with pytest.raises(UpstreamError) as caught:
        await sandbox.call("bigcommerce_get_store")
    assert caught.value.status == 401
    sandbox.token = SANDBOX_TOKEN
    sandbox.store_hash = "otherstore"
    with pytest.raises(UpstreamError) as caught:
        await sandbox.call("bigcommerce_get_store")
    assert caught.value.status == 404


async def test_unknown_records_are_404s_in_each_generations_shape(sandbox: Sandbox) -> None:
    with pytest.raises(UpstreamError) as v2:
        await sandbox.call("bigcommerce_get_order", {"order_id": 9999})
    assert (v2.value.status, v2.value.upstream_message) == (
        404,
        "The requested resource was not found.",
    )
    with pytest.raises(UpstreamError) as v3:
        await sandbox.call("bigcommerce_get_brand", {"brand_id": 9999})
    assert (v3.value.status, v3.value.upstream_message) == (
        404,
        "The requested brand was not found.",
    )
    with pytest.raises(UpstreamError):
        await sandbox.call(
            "bigcommerce_get_cart", {"cart_id": "00000000-0000-4000-8000-000000000000"}
        )


async def _raw(method: str, path: str, token: str = SANDBOX_TOKEN) -> httpx.Response:
    transport = httpx.ASGITransport(app=asgi_app(create_sandbox_app(SANDBOX_TOKEN)))
    async with httpx.AsyncClient(transport=transport, base_url="https://sandbox.test") as client:
        return await client.request(method, path, headers={"X-Auth-Token": token})


async def test_the_sandbox_answers_in_bigcommerces_shapes() -> None:
    empty = await _raw("GET", f"/stores/{STORE_HASH}/v2/orders?status_id=8")
    assert (empty.status_code, empty.content) == (204, b"")
    assert empty.headers["X-Rate-Limit-Requests-Quota"] == "150"
    missing = await _raw("GET", f"/stores/{STORE_HASH}/v2/nothing-here")
    assert missing.status_code == 404 and isinstance(missing.json(), list)
    missing = await _raw("GET", f"/stores/{STORE_HASH}/v3/nothing-here")
    assert missing.status_code == 404 and missing.json()["status"] == 404
    unknown_filter = await _raw("GET", f"/stores/{STORE_HASH}/v3/catalog/products?colour=red")
    assert unknown_filter.status_code == 400
    assert unknown_filter.json()["errors"] == {"colour": ""}
    refused = await _raw("GET", f"/stores/{STORE_HASH}/v2/store", token="x")
    assert refused.status_code == 401
    assert refused.json()["title"].startswith("Unauthorized")


def test_the_sandbox_needs_a_real_token() -> None:
    with pytest.raises(ValueError, match="at least 16"):
        create_sandbox_app("short")
