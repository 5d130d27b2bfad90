"""The sandbox store's writes change its state, as Magento's do: what a write tool creates or
changes is what the read tools then show, and Magento's refusals come back as its errors."""

from __future__ import annotations

import pytest

from shopmcp_domain.errors import UpstreamError
from tests.contract.magento.helpers import Harness, sandbox_harness


def store() -> Harness:
    return sandbox_harness()[0]


async def test_invoicing_an_order_makes_it_processing_and_paid() -> None:
    h = store()
    created = await h.call("magento_create_invoice", {"order_id": 5})
    invoice_id = created.structured["document_id"]
    listed = await h.call("magento_list_invoices", {"order_id": 5})
    assert [i["entity_id"] for i in listed.structured["invoices"]] == [invoice_id]
    order = (await h.call("magento_get_order", {"order_id": 5})).structured["order"]
    assert order["status"] == "processing"
    with pytest.raises(UpstreamError, match="does not allow an invoice"):
        await h.call("magento_create_invoice", {"order_id": 5})  # nothing left to invoice


async def test_shipping_everything_completes_an_invoiced_order() -> None:
    h = store()
    tracks = [{"carrier_code": "usps", "title": "USPS", "track_number": "9400111899223"}]
    created = await h.call("magento_create_shipment", {"order_id": 4, "tracks": tracks})
    shipment = (
        await h.call("magento_get_shipment", {"shipment_id": created.structured["document_id"]})
    ).structured["shipment"]
    assert [t["track_number"] for t in shipment["tracks"]] == ["9400111899223"]
    assert sorted(i["sku"] for i in shipment["items"]) == ["24-MB04", "24-UG06"]
    order = (await h.call("magento_get_order", {"order_id": 4})).structured
    assert (order["order"]["status"], order["fulfilment_status"]) == ("complete", "shipped")

    await h.call(
        "magento_add_shipment_track",
        {
            "shipment_id": shipment["entity_id"],
            "order_id": 4,
            "carrier_code": "ups",
            "title": "UPS",
            "track_number": "1Z999",
        },
    )
    again = await h.call("magento_get_shipment", {"shipment_id": shipment["entity_id"]})
    assert len(again.structured["shipment"]["tracks"]) == 2


async def test_a_refund_returns_stock_and_closes_a_fully_refunded_order() -> None:
    h = store()
    before = (await h.call("magento_get_inventory", {"sku": "24-WB04"})).structured
    created = await h.call(
        "magento_create_credit_memo",
        {
            "order_id": 10,
            "items": [{"order_item_id": 118, "qty": 1}],
            "shipping_amount": 0,
            "return_to_stock_item_ids": [118],
        },
    )
    memo = (
        await h.call(
            "magento_get_credit_memo", {"credit_memo_id": created.structured["document_id"]}
        )
    ).structured["credit_memo"]
    assert (memo["order_id"], memo["grand_total"]) == (10, 45.0)
    after = (await h.call("magento_get_inventory", {"sku": "24-WB04"})).structured
    assert after["total_quantity"] == before["total_quantity"] + 1
    # The rest of the order refunded: nothing left, the order is closed.
    await h.call("magento_create_credit_memo", {"order_id": 10})
    order = (await h.call("magento_get_order", {"order_id": 10})).structured["order"]
    assert order["status"] == "closed"
    with pytest.raises(UpstreamError, match="does not allow a creditmemo"):
        await h.call("magento_create_credit_memo", {"order_id": 10})


async def test_an_online_refund_needs_an_invoice_paid_through_a_gateway() -> None:
    h = store()
    with pytest.raises(UpstreamError, match="paid offline"):
        await h.call("magento_refund_invoice", {"invoice_id": 4, "refund_to": "original_payment"})
    offline = await h.call("magento_refund_invoice", {"invoice_id": 4, "refund_to": "offline"})
    online = await h.call(
        "magento_refund_invoice", {"invoice_id": 6, "refund_to": "original_payment"}
    )
    assert offline.structured["document_id"] != online.structured["document_id"]


async def test_hold_release_and_cancel_follow_magentos_rules() -> None:
    h = store()
    await h.call("magento_hold_order", {"order_id": 9})
    held = (await h.call("magento_get_order", {"order_id": 9})).structured["order"]
    assert held["status"] == "holded"
    with pytest.raises(UpstreamError, match="A hold action is not available"):
        await h.call("magento_hold_order", {"order_id": 9})
    with pytest.raises(UpstreamError, match="does not allow an invoice"):
        await h.call("magento_create_invoice", {"order_id": 9})
    await h.call("magento_unhold_order", {"order_id": 9})
    released = (await h.call("magento_get_order", {"order_id": 9})).structured["order"]
    assert released["status"] == "pending"
    with pytest.raises(UpstreamError, match="cannot remove the hold"):
        await h.call("magento_unhold_order", {"order_id": 9})

    first = await h.call("magento_cancel_order", {"order_id": 9})
    second = await h.call("magento_cancel_order", {"order_id": 9})
    assert (first.structured["applied"], second.structured["applied"]) == (True, False)
    cancelled = (await h.call("magento_get_order", {"order_id": 9})).structured["order"]
    assert cancelled["status"] == "canceled"
    # A complete order is not cancelled either.
    complete = await h.call("magento_cancel_order", {"order_id": 1})
    assert complete.structured["applied"] is False


async def test_a_comment_is_added_to_the_history() -> None:
    h = store()
    await h.call("magento_add_order_comment", {"order_id": 7, "comment": "Re-sent the invoice."})
    comments = (await h.call("magento_list_order_comments", {"order_id": 7})).structured
    assert comments["total_count"] == 2
    assert comments["comments"][0]["comment"] == "Re-sent the invoice."


async def test_a_rule_and_its_coupon_are_created_and_a_code_is_unique() -> None:
    h = store()
    rule = await h.call(
        "magento_create_cart_rule",
        {
            "name": "VIP 10% code",
            "discount_type": "percent",
            "discount_amount": 10,
            "customer_group_ids": [4],
            "website_scope": [1],
        },
    )
    rule_id = rule.structured["rule_id"]
    got = (await h.call("magento_get_cart_rule", {"rule_id": rule_id})).structured
    assert (got["name"], got["coupon_type"], got["customer_group_ids"]) == (
        "VIP 10% code",
        "specific",
        [4],
    )
    await h.call("magento_create_coupon", {"rule_id": rule_id, "code": "VIP10"})
    coupons = (await h.call("magento_list_coupons", {"rule_id": rule_id})).structured
    assert [c["code"] for c in coupons["coupons"]] == ["VIP10"]
    # The same call again changes nothing: the code exists.
    with pytest.raises(UpstreamError, match="same code already exists"):
        await h.call("magento_create_coupon", {"rule_id": rule_id, "code": "VIP10"})
    with pytest.raises(UpstreamError, match="does not allow coupons"):
        await h.call("magento_create_coupon", {"rule_id": 2, "code": "NOPE1"})


async def test_setting_a_sources_quantity_shows_in_the_stock() -> None:
    h = store()
    await h.call(
        "magento_set_source_item",
        {"sku": "24-UG06", "source_code": "warehouse_east", "quantity": 0, "in_stock": False},
    )
    rows = (
        await h.call(
            "magento_list_source_items", {"source_code": "warehouse_east", "in_stock": False}
        )
    ).structured["items"]
    assert {
        "sku": "24-UG06",
        "source_code": "warehouse_east",
        "quantity": 0.0,
        "in_stock": False,
    } in rows
    stock = (await h.call("magento_get_inventory", {"sku": "24-UG06"})).structured
    assert stock["total_quantity"] == 250.0


async def test_the_sales_summary_of_the_sample_store() -> None:
    out = await store().call(
        "magento_get_sales_summary", {"created_from": "2026-01-01", "created_to": "2026-03-31"}
    )
    s = out.structured
    # Ten orders, one of them canceled and left out.
    assert (s["order_count"], s["orders_counted"], s["complete"]) == (9, 9, True)
    assert {row["status"]: row["orders"] for row in s["by_status"]} == {
        "complete": 3,
        "closed": 1,
        "processing": 3,
        "pending": 2,
    }
    assert s["top_products"][0]["sku"] == "24-UG06"
