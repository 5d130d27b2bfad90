"""One contract test per Neto tool: the exact request (action header, Filter, OutputSelector)
and how the recorded answer is parsed (fixtures in tests/contract/fixtures/neto, each naming
the action and the documentation page it follows)."""

from __future__ import annotations

from shopmcp_adapters.upstreams.neto import selectors
from tests.contract.neto.helpers import harness, response, sent

MIA_BILLING = {
    "name": "Mia Nguyen",
    "company": "Nguyen Design",
    "street": ["12 Wattle Street"],
    "city": "FITZROY",
    "state": "VIC",
    "postcode": "3065",
    "country": "AU",
    "phone": "03 9000 0000",
}
MIA_SHIPPING = {
    "name": "Mia Nguyen",
    "company": None,
    "street": ["12 Wattle Street", "Level 3"],
    "city": "FITZROY",
    "state": "VIC",
    "postcode": "3065",
    "country": "AU",
    "phone": "0400 000 123",
}
N10234 = {
    "order_id": "N10234",
    "status": "Pick",
    "order_type": "sales",
    "complete_status": "Approved",
    "username": "mia.nguyen",
    "email": "mia.nguyen@example.com",
    "grand_total": 189.9,
    "sales_channel": "Website",
    "shipping_option": "Express Post",
    "placed_at": "2026-03-02T09:14:55",
    "updated_at": "2026-03-02T11:01:12",
    "paid_at": "2026-03-02T09:15:02",
}


# --------------------------------------------------------------------------- orders


async def test_list_orders() -> None:
    h = harness([response("getorder.list.200.json")])
    out = await h.call(
        "neto_list_orders",
        {
            "statuses": ["Pick", "Dispatched"],
            "payment_status": "FullyPaid",
            "username": "mia.nguyen",
            "sku": "TENT-2P-GRN",
            "placed_from": "2026-03-01",
            "placed_to": "2026-03-31",
            "page": 1,
            "limit": 2,
        },
    )
    [request] = h.requests
    assert sent(request, "GetOrder") == {
        "Filter": {
            "OrderStatus": ["Pick", "Dispatched"],
            "PaymentStatus": ["FullyPaid"],
            "Username": ["mia.nguyen"],
            "SKU": ["TENT-2P-GRN"],
            "DatePlacedFrom": "2026-03-01 00:00:00",
            "DatePlacedTo": "2026-03-31 23:59:59",
            "Page": 1,
            "Limit": 2,
            "OutputSelector": list(selectors.ORDER_SUMMARY),
        }
    }
    assert out.structured["orders"][0] == N10234
    guest = out.structured["orders"][1]
    assert (guest["order_id"], guest["username"], guest["paid_at"]) == ("N10231", None, None)
    assert out.structured["paging"] == {"page": 1, "limit": 2, "count": 2, "may_have_more": True}
    assert out.text == (
        "2 order(s) on page 1; more may follow on the next page: "
        "N10234 Pick 189.90 (mia.nguyen), N10231 Dispatched 54.00 (guest)."
    )


async def test_list_orders_without_filters_sends_only_paging_and_selectors() -> None:
    h = harness([response("getorder.list.200.json")])
    out = await h.call("neto_list_orders", {})
    assert sent(h.requests[0], "GetOrder") == {
        "Filter": {"Page": 0, "Limit": 20, "OutputSelector": list(selectors.ORDER_SUMMARY)}
    }
    assert out.structured["paging"]["may_have_more"] is False


async def test_get_order() -> None:
    h = harness([response("getorder.detail.200.json")])
    out = await h.call("neto_get_order", {"order_id": "N10234"})
    assert sent(h.requests[0], "GetOrder") == {
        "Filter": {"OrderID": ["N10234"], "OutputSelector": list(selectors.ORDER_DETAIL)}
    }
    s = out.structured
    assert s["order"] == N10234
    assert {k: s[k] for k in ("product_subtotal", "shipping_total", "tax_total")} == {
        "product_subtotal": 174.9,
        "shipping_total": 15.0,
        "tax_total": 17.26,
    }
    assert (s["tax_inclusive"], s["coupon_code"], s["coupon_discount"]) == (True, "AUTUMN10", 10.0)
    assert s["purchase_order_number"] is None  # "" is no value
    assert (s["invoiced_at"], s["required_at"], s["completed_at"]) == ("2026-03-02", None, None)
    assert s["ship_to"] == MIA_SHIPPING
    assert s["bill_to"] == {**MIA_BILLING, "phone": None}
    assert s["lines"] == [
        {
            "line_id": "N10234-0",
            "sku": "TENT-2P-GRN",
            "name": "Ridge 2P Tent [Green]",
            "quantity": 1,
            "unit_price": 149.95,
            "tax": 13.63,
            "discount": 10.0,
            "quantity_shipped": 0,
            "backorder_quantity": 0,
            "warehouse_id": 1,
            "warehouse_name": "Melbourne",
            "shipping_method": "Express Post",
            "carrier": None,
            "tracking_number": None,
        },
        {
            "line_id": "N10234-1",
            "sku": "MUG-TI-450",
            "name": "Titanium Mug 450ml",
            "quantity": 1,
            "unit_price": 24.95,
            "tax": 2.27,
            "discount": 0.0,
            "quantity_shipped": 1,
            "backorder_quantity": 0,
            "warehouse_id": 2,
            "warehouse_name": "Sydney",
            "shipping_method": "Express Post",
            "carrier": "Australia Post",
            "tracking_number": "AP123456789AU",
        },
    ]
    assert s["payments"] == [
        {
            "payment_id": "5561",
            "amount": 189.9,
            "payment_type": "PayPal",
            "paid_at": "2026-03-02T09:15:02",
        }
    ]
    assert out.text == (
        "Order N10234 (Pick), total 189.90, 2 line(s): TENT-2P-GRN x1, MUG-TI-450 x1; "
        "customer mia.nguyen."
    )


# --------------------------------------------------------------------------- items


async def test_list_items() -> None:
    h = harness([response("getitem.list.200.json")])
    out = await h.call(
        "neto_list_items",
        {
            "skus": ["MUG-TI-450", "TENT-2P-GRN"],
            "brand": "Summit Gear",
            "name": "Ridge 2P Tent [Green]",
            "category_id": 13,
            "is_active": True,
            "updated_from": "2026-02-01",
            "order_by": "DateUpdated",
            "direction": "DESC",
            "limit": 50,
        },
    )
    assert sent(h.requests[0], "GetItem") == {
        "Filter": {
            "SKU": ["MUG-TI-450", "TENT-2P-GRN"],
            "Name": ["Ridge 2P Tent [Green]"],
            "Brand": ["Summit Gear"],
            "CategoryID": ["13"],
            "IsActive": ["True"],
            "DateUpdatedFrom": "2026-02-01 00:00:00",
            "OrderBy": "DateUpdated",
            "OrderDirection": "DESC",
            "Page": 0,
            "Limit": 50,
            "OutputSelector": list(selectors.ITEM_SUMMARY),
        }
    }
    assert out.structured["items"][1] == {
        "sku": "TENT-2P-GRN",
        "item_id": 102,
        "name": "Ridge 2P Tent [Green]",
        "parent_sku": "TENT-2P",
        "brand": "Summit Gear",
        "is_active": True,
        "approved": True,
        "default_price": 159.95,
        "promotion_price": 149.95,
        "rrp": 199.0,
        "available_quantity": 4,
        "updated_at": "2026-02-28T23:00:00Z",  # the UTC variant, marked as UTC
    }
    assert out.structured["items"][0]["promotion_price"] is None
    assert out.text == (
        "2 product(s) on page 0: MUG-TI-450 (Titanium Mug 450ml) 24.95, "
        "TENT-2P-GRN (Ridge 2P Tent [Green]) 159.95."
    )


async def test_list_items_defaults_order_by_name() -> None:
    h = harness([response("getitem.list.200.json")])
    await h.call("neto_list_items", {})
    assert sent(h.requests[0], "GetItem")["Filter"] == {
        "OrderBy": "Name",
        "OrderDirection": "ASC",
        "Page": 0,
        "Limit": 20,
        "OutputSelector": list(selectors.ITEM_SUMMARY),
    }


async def test_get_item() -> None:
    h = harness([response("getitem.detail.200.json")])
    out = await h.call("neto_get_item", {"sku": "TENT-2P-GRN"})
    assert sent(h.requests[0], "GetItem") == {
        "Filter": {"SKU": ["TENT-2P-GRN"], "OutputSelector": list(selectors.ITEM_DETAIL)}
    }
    s = out.structured
    assert s["item"]["sku"] == "TENT-2P-GRN"
    assert s["item"]["available_quantity"] == 4
    assert {k: v for k, v in s.items() if k != "item"} == {
        "model": "Ridge 2P",
        "type": None,
        "cost_price": 71.2,
        "promotion_starts_at": "2026-03-01T00:00:00Z",
        "promotion_ends_at": None,  # 0000-00-00 00:00:00 is "never"
        "short_description": "Two-person, three-season hiking tent.",
        "url": "ridge-2p-tent-green",
        "categories": [
            {"category_id": 13, "name": "Tents"},
            {"category_id": 21, "name": "Autumn Sale"},
        ],
        "warehouse_stock": [
            {"warehouse_id": 1, "quantity": 3},
            {"warehouse_id": 2, "quantity": 2},
        ],
        "committed_quantity": 1,
        "added_at": "2025-09-14T02:00:00Z",
    }
    assert out.text == (
        "TENT-2P-GRN: Ridge 2P Tent [Green], price 159.95, 5 on hand in 2 warehouse(s), "
        "4 available."
    )


async def test_get_stock() -> None:
    h = harness([response("getitem.stock.200.json")])
    out = await h.call("neto_get_stock", {"skus": ["MUG-TI-450", "TENT-2P-GRN", "GONE-1"]})
    assert sent(h.requests[0], "GetItem") == {
        "Filter": {
            "SKU": ["MUG-TI-450", "TENT-2P-GRN", "GONE-1"],
            "Page": 0,
            "Limit": 3,
            "OutputSelector": list(selectors.ITEM_STOCK),
        }
    }
    assert out.structured == {
        "items": [
            {
                "sku": "MUG-TI-450",
                "name": "Titanium Mug 450ml",
                "is_active": True,
                "available_quantity": 57,
                "committed_quantity": 0,
                "warehouses": [{"warehouse_id": 2, "quantity": 57}],
                "on_hand_total": 57,
            },
            {
                "sku": "TENT-2P-GRN",
                "name": "Ridge 2P Tent [Green]",
                "is_active": True,
                "available_quantity": 4,
                "committed_quantity": 1,
                "warehouses": [
                    {"warehouse_id": 1, "quantity": 3},
                    {"warehouse_id": 2, "quantity": 2},
                ],
                "on_hand_total": 5,
            },
        ],
        "missing_skus": ["GONE-1"],
    }
    assert out.text == (
        "MUG-TI-450 57 on hand (warehouse 2: 57); TENT-2P-GRN 5 on hand (warehouse 1: 3, "
        "warehouse 2: 2); unknown SKU(s): GONE-1."
    )


async def test_list_categories() -> None:
    h = harness([response("getcategory.200.json")])
    out = await h.call("neto_list_categories", {"parent_category_id": 10, "active": False})
    assert sent(h.requests[0], "GetCategory") == {
        "Filter": {
            "ParentCategoryID": ["10"],
            "Active": "False",
            "Page": 0,
            "Limit": 20,
            "OutputSelector": list(selectors.CATEGORY),
        }
    }
    assert out.structured["categories"] == [
        {
            "category_id": 13,
            "name": "Tents",
            "parent_category_id": 10,
            "active": True,
            "on_menu": True,
            "sort_order": 1,
            "updated_at": "2026-01-05T10:00:00",
        },
        {
            "category_id": 14,
            "name": "Sleeping Bags",
            "parent_category_id": 10,
            "active": False,
            "on_menu": False,
            "sort_order": 2,
            "updated_at": None,
        },
    ]
    assert out.text == "2 category(ies) on page 0: 13 Tents, 14 Sleeping Bags."
