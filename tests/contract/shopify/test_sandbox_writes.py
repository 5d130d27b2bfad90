"""The write tools against the sandbox: each change shows in the reads that follow, and the
sandbox refuses what Shopify refuses (with user errors, which the tools report)."""

from __future__ import annotations

import pytest

from shopmcp_domain.errors import UpstreamError
from tests.contract.shopify.test_sandbox import run, sandbox

SYDNEY = "gid://shopify/Location/60000000001"


async def test_shipping_a_fulfilment_order_closes_it_and_records_tracking() -> None:
    module, _ = sandbox()
    before = await run(module, "shopify_list_fulfillment_orders", {"order_id": 5500000000001})
    [order] = before.structured["fulfillment_orders"]
    [line] = order["lines"]
    assert (order["status"], line["remaining_quantity"]) == ("OPEN", 2)

    part = await run(
        module,
        "shopify_create_fulfillment",
        {
            "fulfillment_order_id": order["id"],
            "items": [{"fulfillment_order_line_item_id": line["id"], "quantity": 1}],
        },
    )
    assert part.structured["total_quantity"] == 1
    half = await run(module, "shopify_get_fulfillment_order", {"fulfillment_order_id": order["id"]})
    assert (half.structured["status"], half.structured["lines"][0]["remaining_quantity"]) == (
        "IN_PROGRESS",
        1,
    )

    rest = await run(
        module,
        "shopify_create_fulfillment",
        {
            "fulfillment_order_id": order["id"],
            "tracking_company": "DHL Express",
            "tracking_number": "JD0001",
            "tracking_url": "https://dhl.example/track/JD0001",
        },
    )
    shipped = await run(
        module, "shopify_get_fulfillment", {"fulfillment_id": rest.structured["id"]}
    )
    assert shipped.structured["tracking"] == [
        {"company": "DHL Express", "number": "JD0001", "url": "https://dhl.example/track/JD0001"}
    ]
    after = await run(module, "shopify_get_order", {"order_id": 5500000000001})
    assert after.structured["fulfillment_status"] == "FULFILLED"
    assert len(after.structured["fulfillments"]) == 2
    closed = await run(
        module, "shopify_get_fulfillment_order", {"fulfillment_order_id": order["id"]}
    )
    assert closed.structured["status"] == "CLOSED"
    assert closed.structured["actions"] == []


async def test_shipping_more_than_is_left_is_refused() -> None:
    module, _ = sandbox()
    listed = await run(module, "shopify_list_fulfillment_orders", {"order_id": 5500000000007})
    [order] = listed.structured["fulfillment_orders"]
    [line] = order["lines"]
    with pytest.raises(UpstreamError) as caught:
        await run(
            module,
            "shopify_create_fulfillment",
            {
                "fulfillment_order_id": order["id"],
                "items": [{"fulfillment_order_line_item_id": line["id"], "quantity": 2}],
            },
        )
    assert "Invalid fulfillment order line item quantity requested" in caught.value.message


async def _available(module: object, sku: str) -> int:
    levels = await run(module, "shopify_get_inventory", {"sku": sku})
    [variant] = levels.structured["variants"]
    return int(next(lv["available"] for lv in variant["levels"] if lv["location_id"] == SYDNEY))


async def test_a_suggested_refund_made_returns_money_and_stock() -> None:
    module, _ = sandbox()
    lines = [{"line_item_id": 13000000000021, "quantity": 2}]
    suggestion = await run(
        module, "shopify_suggest_refund", {"order_id": 5500000000003, "line_items": lines}
    )
    [transaction] = suggestion.structured["transactions"]
    stock = await _available(module, "TRA-SOC-SM")

    refund = await run(
        module,
        "shopify_create_refund",
        {
            "order_id": 5500000000003,
            "line_items": lines,
            "restock_type": "return",
            "location_id": SYDNEY,
            "transactions": [
                {
                    "parent_transaction_id": transaction["parent_transaction_id"],
                    "gateway": transaction["gateway"],
                    "amount": transaction["amount"]["amount"],
                }
            ],
        },
    )
    assert refund.structured["total"] == {"amount": "45.00", "currency": "AUD"}
    assert await _available(module, "TRA-SOC-SM") == stock + 2
    order = await run(module, "shopify_get_order", {"order_id": 5500000000003})
    assert order.structured["financial_status"] == "PARTIALLY_REFUNDED"
    assert order.structured["refunded"] == {"amount": "45.00", "currency": "AUD"}
    assert order.structured["line_items"][0]["current_quantity"] == 4
    refunds = await run(module, "shopify_list_order_refunds", {"order_id": 5500000000003})
    assert [r["id"] for r in refunds.structured["refunds"]] == [refund.structured["id"]]


async def test_a_refund_without_transactions_moves_no_money() -> None:
    module, _ = sandbox()
    stock = await _available(module, "TRA-SOC-SM")
    refund = await run(
        module,
        "shopify_create_refund",
        {
            "order_id": 5500000000003,
            "line_items": [{"line_item_id": 13000000000021, "quantity": 1}],
        },
    )
    assert refund.structured["total"]["amount"] == "0.00"
    assert refund.structured["transactions"] == []
    assert await _available(module, "TRA-SOC-SM") == stock  # no_restock by default
    order = await run(module, "shopify_get_order", {"order_id": 5500000000003})
    assert order.structured["financial_status"] == "PAID"


async def test_refunding_more_than_was_bought_is_refused() -> None:
    module, _ = sandbox()
    with pytest.raises(UpstreamError) as caught:
        await run(
            module,
            "shopify_create_refund",
            {
                "order_id": 5500000000003,
                "line_items": [{"line_item_id": 13000000000021, "quantity": 7}],
            },
        )
    assert "cannot refund more items than were purchased" in caught.value.message


async def test_cancelling_an_order_puts_stock_back_once() -> None:
    module, _ = sandbox()
    stock = await _available(module, "BLA-TEE-M")
    await run(
        module,
        "shopify_cancel_order",
        {"order_id": 5500000000001, "reason": "customer", "restock": True, "refund_payment": True},
    )
    assert await _available(module, "BLA-TEE-M") == stock + 2
    cancelled = await run(module, "shopify_list_orders", {"status": "cancelled"})
    assert [o["name"] for o in cancelled.structured["orders"]] == ["#1001"]
    order = await run(module, "shopify_get_order", {"order_id": 5500000000001})
    assert order.structured["financial_status"] == "REFUNDED"
    with pytest.raises(UpstreamError) as caught:
        await run(
            module,
            "shopify_cancel_order",
            {"order_id": 5500000000001, "reason": "customer", "restock": True},
        )
    assert "already been cancelled" in caught.value.message
    assert await _available(module, "BLA-TEE-M") == stock + 2


async def test_a_new_discount_code_is_listed_and_its_code_is_taken() -> None:
    module, _ = sandbox()
    code = {
        "title": "VIP 10%",
        "code": "VIP10",
        "value_type": "fixed_amount",
        "value": "12.50",
        "starts_at": "2026-01-01T00:00:00+11:00",
        "minimum_subtotal": 80,
        "usage_limit": 50,
    }
    created = await run(module, "shopify_create_discount_code", code)
    assert created.structured["amount_off"] == {"amount": "12.50", "currency": "AUD"}
    assert created.structured["minimum_subtotal"] == {"amount": "80.00", "currency": "AUD"}
    listed = await run(module, "shopify_list_discounts", {"code": "VIP10"})
    assert [d["id"] for d in listed.structured["discounts"]] == [created.structured["id"]]
    with pytest.raises(UpstreamError) as caught:
        await run(module, "shopify_create_discount_code", {**code, "code": "vip10"})
    assert "Code must be unique" in caught.value.message


async def test_hand_picked_products_come_and_go() -> None:
    module, _ = sandbox()
    collection = await run(module, "shopify_get_collection", {"collection_id": 1300000000001})
    [source] = collection.structured["sources"]
    change = {"collection_id": 1300000000001, "source_id": source["id"]}
    await run(
        module, "shopify_add_products_to_collection", {**change, "product_ids": [8000000000003]}
    )
    await run(
        module,
        "shopify_remove_products_from_collection",
        {**change, "product_ids": [8000000000001]},
    )
    after = await run(module, "shopify_get_collection", {"collection_id": 1300000000001})
    assert [p["title"] for p in after.structured["products"]] == ["Canvas Tote", "Linen Shirt"]
    holding = await run(module, "shopify_list_collections", {"product_id": 8000000000003})
    assert [c["title"] for c in holding.structured["collections"]] == ["Summer Picks"]


async def test_a_product_in_a_collection_needs_its_own_source() -> None:
    module, _ = sandbox()
    with pytest.raises(UpstreamError) as caught:
        await run(
            module,
            "shopify_add_products_to_collection",
            {
                "collection_id": 1300000000001,
                "source_id": 1400000000002,  # the other collection's source
                "product_ids": [8000000000003],
            },
        )
    assert "Source does not exist" in caught.value.message


async def test_a_new_draft_order_is_listed_for_its_customer() -> None:
    module, _ = sandbox()
    created = await run(
        module,
        "shopify_create_draft_order",
        {
            "variants": [{"variant_id": 45000000000002, "quantity": 3}],
            "customer_id": 7100000000002,
            "tags": ["phone"],
        },
    )
    assert created.structured["total"] == {"amount": "119.85", "currency": "AUD"}
    mine = await run(module, "shopify_list_draft_orders", {"customer_id": 7100000000002})
    assert [d["id"] for d in mine.structured["draft_orders"]] == [created.structured["id"]]


async def test_customer_tags_are_added_and_removed() -> None:
    module, _ = sandbox()
    await run(
        module, "shopify_add_customer_tags", {"customer_id": 7100000000002, "tags": ["vip", "vip"]}
    )
    removed = await run(
        module, "shopify_remove_customer_tags", {"customer_id": 7100000000001, "tags": ["vip"]}
    )
    assert removed.structured["tags"] == []
    sam = await run(module, "shopify_get_customer", {"customer_id": 7100000000002})
    assert sam.structured["tags"] == ["vip"]
