"""Contract tests of the invoice, shipment and credit-memo tools: the exact request each sends
(searchCriteria, paths, creation bodies built from the whitelisted input only) and how Magento's
answer is read (fixtures in tests/contract/fixtures/magento, admin-schema 2.4.9 shapes)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from shopmcp_domain.errors import UpstreamResponseInvalid
from tests.contract.magento.helpers import assert_get, criteria, harness, response

ALL_SCOPE = "https://shop.example.com/rest/all"


def sent(request: httpx.Request) -> Any:
    return json.loads(request.content)


# --------------------------------------------------------------------------- invoices

INVOICE_11 = {
    "entity_id": 11,
    "increment_id": "000000011",
    "order_id": 42,
    "state": "paid",
    "created_at": "2026-03-02 15:00:00",
    "grand_total": 153.0,
    "subtotal": 138.0,
    "shipping_amount": 15.0,
    "tax_amount": 0.0,
    "currency": "USD",
    "total_qty": 3.0,
    "items": [
        {
            "order_item_id": 101,
            "sku": "MH01-M-Black",
            "name": "Chaz Kangeroo Hoodie",
            "qty": 2.0,
            "price": 52.0,
            "row_total": 104.0,
        },
        {
            "order_item_id": 102,
            "sku": "MH01-M-Black",
            "name": "Chaz Kangeroo Hoodie-M-Black",
            "qty": 2.0,
            "price": 0.0,
            "row_total": 0.0,
        },
        {
            "order_item_id": 103,
            "sku": "24-MB01",
            "name": "Joust Duffle Bag",
            "qty": 1.0,
            "price": 34.0,
            "row_total": 34.0,
        },
    ],
}


async def test_list_invoices_of_an_order_in_a_state() -> None:
    h = harness([response("invoices_search.200.json")])
    out = await h.call(
        "magento_list_invoices",
        {"order_id": 42, "state": "open", "created_from": "2026-02-01", "page_size": 5},
    )
    [request] = h.requests
    assert_get(
        request,
        "/rest/V1/invoices",
        criteria(
            [
                [("order_id", "42", "eq")],
                [("state", "1", "eq")],
                [("created_at", "2026-02-01 00:00:00", "gteq")],
            ],
            page_size=5,
            sort=[("created_at", "DESC")],
        ),
    )
    s = out.structured
    assert s["invoices"][0] == INVOICE_11
    assert [(i["entity_id"], i["state"]) for i in s["invoices"]] == [(11, "paid"), (9, "open")]
    assert s["paging"] == {"total_count": 2, "page": 1, "page_size": 5}
    assert out.text == (
        "2 invoice(s) match; page 1 shows 2: id 11 #000000011 order 42 paid 153.00 USD, "
        "id 9 #000000009 order 40 open 45.00 USD"
    )


async def test_get_invoice_with_its_comments() -> None:
    h = harness([response("invoice_get.200.json")])
    out = await h.call("magento_get_invoice", {"invoice_id": 11})
    [request] = h.requests
    assert_get(request, "/rest/V1/invoices/11", [])
    assert out.structured == {
        "invoice": INVOICE_11,
        "comments": [
            {
                "comment": "Paid by bank transfer.",
                "created_at": "2026-03-02 15:00:00",
                "is_customer_notified": True,
                "is_visible_on_front": True,
            }
        ],
    }
    assert out.text == (
        "Invoice id 11 #000000011 order 42 paid 153.00 USD, 3 line(s), 1 comment(s)."
    )


async def test_create_invoice_sends_only_what_was_given() -> None:
    h = harness([response("invoice_create.200.json")])
    out = await h.call("magento_create_invoice", {"order_id": 42})
    [request] = h.requests
    assert (request.method, str(request.url)) == ("POST", f"{ALL_SCOPE}/V1/order/42/invoice")
    # No items: everything left to invoice. No capture: recorded without a gateway call.
    assert sent(request) == {"capture": False, "notify": False}
    assert out.structured == {
        "document": "invoice",
        "document_id": 12,
        "order_id": 42,
        "invoice_id": None,
    }
    assert out.text == "Invoice id 12 created for order 42."


async def test_create_a_partial_invoice_captured_online_with_a_mailed_comment() -> None:
    h = harness([response("invoice_create.200.json")])
    out = await h.call(
        "magento_create_invoice",
        {
            "order_id": 42,
            "items": [{"order_item_id": 101, "qty": 1}, {"order_item_id": 103, "qty": 1}],
            "capture_online": True,
            "notify_customer": True,
            "comment": "Thank you for your order.",
            "comment_visible_on_storefront": True,
        },
    )
    assert sent(h.requests[0]) == {
        "capture": True,
        "notify": True,
        "items": [{"order_item_id": 101, "qty": 1.0}, {"order_item_id": 103, "qty": 1.0}],
        "appendComment": True,
        "comment": {"comment": "Thank you for your order.", "is_visible_on_front": 1},
    }
    assert out.text == "Invoice id 12 created for order 42 (payment captured online)."


async def test_a_created_id_sent_as_a_string_of_digits_is_read() -> None:
    h = harness([httpx.Response(200, json="12")])
    out = await h.call("magento_create_invoice", {"order_id": 42})
    assert out.structured["document_id"] == 12


@pytest.mark.parametrize("answer", ["", "12a", 0, -3, True, None, {"id": 12}])
async def test_a_created_id_that_is_no_id_is_invalid(answer: object) -> None:
    h = harness([httpx.Response(200, json=answer)])
    with pytest.raises(UpstreamResponseInvalid):
        await h.call("magento_create_invoice", {"order_id": 42})


# --------------------------------------------------------------------------- shipments

SHIPMENT_7 = {
    "entity_id": 7,
    "increment_id": "000000007",
    "order_id": 42,
    "created_at": "2026-03-03 11:00:00",
    "total_qty": 2.0,
    "source_code": "warehouse_east",
    "items": [
        {
            "order_item_id": 101,
            "sku": "MH01-M-Black",
            "name": "Chaz Kangeroo Hoodie",
            "qty": 2.0,
            "price": 52.0,
            "row_total": None,
        }
    ],
    "tracks": [
        {
            "entity_id": 3,
            "carrier_code": "ups",
            "title": "United Parcel Service",
            "track_number": "1Z999AA10123456784",
            "created_at": "2026-03-03 11:00:00",
        }
    ],
}


async def test_list_shipments_of_an_order() -> None:
    h = harness([response("shipments_search.200.json")])
    out = await h.call("magento_list_shipments", {"order_id": 42, "created_to": "2026-03-31"})
    [request] = h.requests
    assert_get(
        request,
        "/rest/V1/shipments",
        criteria(
            [[("order_id", "42", "eq")], [("created_at", "2026-03-31 23:59:59", "lteq")]],
            page_size=20,
            sort=[("created_at", "DESC")],
        ),
    )
    assert out.structured["shipments"] == [SHIPMENT_7]
    assert out.text == (
        "1 shipment(s) match; page 1 shows 1: id 7 #000000007 order 42 2 item(s) "
        "tracking ups 1Z999AA10123456784"
    )


async def test_get_shipment() -> None:
    h = harness([response("shipment_get.200.json")])
    out = await h.call("magento_get_shipment", {"shipment_id": 7})
    assert_get(h.requests[0], "/rest/V1/shipment/7", [])
    assert out.structured["shipment"] == SHIPMENT_7
    assert out.structured["comments"][0]["comment"] == "Left at the front desk."
    assert out.text.endswith("tracking ups 1Z999AA10123456784, 1 comment(s).")


async def test_create_shipment_with_tracking_from_a_source() -> None:
    h = harness([response("shipment_create.200.json")])
    out = await h.call(
        "magento_create_shipment",
        {
            "order_id": 42,
            "items": [{"order_item_id": 103, "qty": 1}],
            "tracks": [
                {"carrier_code": "ups", "title": "UPS", "track_number": "1Z999AA10123456784"},
                {"carrier_code": "custom", "title": "Local courier", "track_number": "LC-42/1"},
            ],
            "source_code": "warehouse_east",
            "notify_customer": True,
        },
    )
    [request] = h.requests
    assert (request.method, str(request.url)) == ("POST", f"{ALL_SCOPE}/V1/order/42/ship")
    assert sent(request) == {
        "notify": True,
        "items": [{"order_item_id": 103, "qty": 1.0}],
        "tracks": [
            {"track_number": "1Z999AA10123456784", "title": "UPS", "carrier_code": "ups"},
            {"track_number": "LC-42/1", "title": "Local courier", "carrier_code": "custom"},
        ],
        "arguments": {"extension_attributes": {"source_code": "warehouse_east"}},
    }
    assert out.structured["document_id"] == 7
    assert out.text == "Shipment id 7 created for order 42 with 2 tracking number(s)."


async def test_add_a_tracking_number_to_a_shipment() -> None:
    h = harness([response("shipment_track.200.json")])
    out = await h.call(
        "magento_add_shipment_track",
        {
            "shipment_id": 7,
            "order_id": 42,
            "carrier_code": "fedex",
            "title": "Federal Express",
            "track_number": "7489 2212 0011",
        },
    )
    [request] = h.requests
    assert (request.method, str(request.url)) == ("POST", f"{ALL_SCOPE}/V1/shipment/track")
    assert sent(request) == {
        "entity": {
            "order_id": 42,
            "parent_id": 7,
            "track_number": "7489 2212 0011",
            "title": "Federal Express",
            "carrier_code": "fedex",
            "weight": 0,
            "qty": 0,
            "description": "",
        }
    }
    assert out.structured == {
        "track_id": 4,
        "shipment_id": 7,
        "order_id": 42,
        "carrier_code": "fedex",
        "title": "Federal Express",
        "track_number": "7489 2212 0011",
    }
    assert out.text == "Tracking fedex 7489 2212 0011 added to shipment 7 (track id 4)."


# --------------------------------------------------------------------------- credit memos


async def test_get_credit_memo() -> None:
    h = harness([response("creditmemo_get.200.json")])
    out = await h.call("magento_get_credit_memo", {"credit_memo_id": 5})
    assert_get(h.requests[0], "/rest/V1/creditmemo/5", [])
    memo = out.structured["credit_memo"]
    assert (memo["entity_id"], memo["order_id"], memo["grand_total"]) == (5, 42, 57.0)
    assert [i["sku"] for i in memo["items"]] == ["MH01-M-Black"]
    assert out.structured["comments"][0]["comment"] == "Returned: wrong size."
    assert out.text == (
        "Credit memo id 5 #000000005 57.00 USD for order 42, 1 line(s), 1 comment(s)."
    )


async def test_create_credit_memo_refunds_offline_with_only_the_given_amounts() -> None:
    h = harness([response("order_refund.200.json")])
    out = await h.call("magento_create_credit_memo", {"order_id": 42})
    [request] = h.requests
    assert (request.method, str(request.url)) == ("POST", f"{ALL_SCOPE}/V1/order/42/refund")
    assert sent(request) == {"notify": False}
    assert out.structured == {
        "document": "credit_memo",
        "document_id": 6,
        "order_id": 42,
        "invoice_id": None,
    }
    assert out.text == "Credit memo id 6 created for order 42 (refunded offline)."


async def test_create_a_partial_credit_memo_with_adjustments_and_return_to_stock() -> None:
    h = harness([response("order_refund.200.json")])
    await h.call(
        "magento_create_credit_memo",
        {
            "order_id": 42,
            "items": [{"order_item_id": 101, "qty": 1}],
            "shipping_amount": 0,
            "adjustment_refund": 2.5,
            "adjustment_fee": 5,
            "return_to_stock_item_ids": [101],
            "comment": "Returned: wrong size.",
        },
    )
    assert sent(h.requests[0]) == {
        "notify": False,
        "items": [{"order_item_id": 101, "qty": 1.0}],
        # Kept on the credit memo; not e-mailed, since the customer is not notified.
        "appendComment": False,
        "comment": {"comment": "Returned: wrong size.", "is_visible_on_front": 0},
        "arguments": {
            "shipping_amount": 0.0,
            "adjustment_positive": 2.5,
            "adjustment_negative": 5.0,
            "extension_attributes": {"return_to_stock_items": [101]},
        },
    }


@pytest.mark.parametrize(
    ("refund_to", "online", "where"),
    [("original_payment", True, "to the original payment"), ("offline", False, "offline")],
)
async def test_refund_invoice_chooses_the_gateway_or_offline(
    refund_to: str, online: bool, where: str
) -> None:
    h = harness([response("invoice_refund.200.json")])
    out = await h.call("magento_refund_invoice", {"invoice_id": 11, "refund_to": refund_to})
    [request] = h.requests
    assert (request.method, str(request.url)) == ("POST", f"{ALL_SCOPE}/V1/invoice/11/refund")
    assert sent(request) == {"isOnline": online, "notify": False}
    assert out.structured == {
        "document": "credit_memo",
        "document_id": 6,
        "order_id": None,
        "invoice_id": 11,
    }
    assert out.text == f"Credit memo id 6 created for invoice 11 (refunded {where})."


def test_no_refund_tool_offers_store_credit() -> None:
    from shopmcp_adapters.upstreams.magento import PACKAGE as MAGENTO

    for name in ("magento_create_credit_memo", "magento_refund_invoice"):
        spec = MAGENTO.tools.spec(name)
        schema = json.dumps(spec.input_schema())
        assert "store_credit" not in schema and "customer_balance" not in schema
        # ... and says so, rather than leaving the merchant to guess.
        assert "cannot refund to store credit" in spec.description
