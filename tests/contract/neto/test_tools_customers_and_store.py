"""One contract test per Neto tool, continued: customers, returns, payments, the store's set-up
(warehouses, shipping methods, vouchers) and the write; see ``test_tools.py``."""

from __future__ import annotations

from shopmcp_adapters.upstreams.neto import selectors
from tests.contract.neto.helpers import harness, response, sent
from tests.contract.neto.test_tools import MIA_BILLING, MIA_SHIPPING

# --------------------------------------------------------------------------- customers


async def test_list_customers() -> None:
    h = harness([response("getcustomer.list.200.json")])
    out = await h.call(
        "neto_list_customers",
        {
            "email": "mia.nguyen@example.com",
            "type": "Customer",
            "active": True,
            "added_from": "2025-01-01",
            "added_to": "2025-12-31",
        },
    )
    assert sent(h.requests[0], "GetCustomer") == {
        "Filter": {
            "Email": ["mia.nguyen@example.com"],
            "Type": ["Customer"],
            "Active": ["True"],
            "DateAddedFrom": "2025-01-01 00:00:00",
            "DateAddedTo": "2025-12-31 23:59:59",
            "Page": 0,
            "Limit": 20,
            "OutputSelector": list(selectors.CUSTOMER_SUMMARY),
        }
    }
    assert out.structured["customers"] == [
        {
            "customer_id": 41,
            "username": "mia.nguyen",
            "email": "mia.nguyen@example.com",
            "type": "Customer",
            "active": True,
            "user_group": "Retail",
            "name": "Mia Nguyen",
            "company": "Nguyen Design",
            "added_at": "2025-11-02T23:22:00Z",
        },
        {
            "customer_id": 42,
            "username": "tom.b",
            "email": "tom.b@example.com",
            "type": "Prospect",
            "active": False,
            "user_group": None,
            "name": "Tom",
            "company": None,
            "added_at": "2026-01-14T21:00:00Z",
        },
    ]
    assert out.text == (
        "2 customer(s) on page 0: mia.nguyen (id 41) Mia Nguyen <mia.nguyen@example.com>, "
        "tom.b (id 42) Tom <tom.b@example.com>."
    )


async def test_get_customer_by_username() -> None:
    h = harness([response("getcustomer.detail.200.json")])
    out = await h.call("neto_get_customer", {"username": "mia.nguyen"})
    assert sent(h.requests[0], "GetCustomer") == {
        "Filter": {"Username": ["mia.nguyen"], "OutputSelector": list(selectors.CUSTOMER_DETAIL)}
    }
    s = out.structured
    assert s["customer"]["customer_id"] == 41
    assert s["billing_address"] == MIA_BILLING
    assert s["shipping_address"] == MIA_SHIPPING
    assert {k: s[k] for k in ("credit_limit", "account_balance", "available_credit")} == {
        "credit_limit": 500.0,
        "account_balance": 120.5,
        "available_credit": 379.5,
    }
    assert (s["newsletter_subscriber"], s["on_credit_hold"]) == (True, False)
    assert s["updated_at"] == "2026-03-01T22:15:02Z"
    assert out.text == (
        "Customer mia.nguyen (id 41) Mia Nguyen <mia.nguyen@example.com>, Customer, balance 120.50."
    )


async def test_get_customer_by_id() -> None:
    h = harness([response("getcustomer.detail.200.json")])
    out = await h.call("neto_get_customer", {"customer_id": 41})
    assert sent(h.requests[0], "GetCustomer")["Filter"] == {
        "ID": ["41"],
        "OutputSelector": list(selectors.CUSTOMER_DETAIL),
    }
    assert out.structured["customer"]["username"] == "mia.nguyen"


# --------------------------------------------------------------------------- returns, payments


async def test_list_rmas() -> None:
    h = harness([response("getrma.200.json")])
    out = await h.call(
        "neto_list_rmas",
        {"order_id": "N10198", "status": "Open", "issued_from": "2026-02-01", "rma_id": 7},
    )
    assert sent(h.requests[0], "GetRma") == {
        "Filter": {
            "OrderID": ["N10198"],
            "RmaID": ["7"],
            "RmaStatus": ["Open"],
            "DateIssuedFrom": "2026-02-01 00:00:00",
            "Page": 0,
            "Limit": 20,
            "OutputSelector": list(selectors.RMA),
        }
    }
    assert out.structured["rmas"] == [
        {
            "rma_id": 7,
            "order_id": "N10198",
            "invoice_number": "N10198",
            "customer_username": "mia.nguyen",
            "status": "Open",
            "currency": "AUD",
            "refund_subtotal": 24.95,
            "shipping_refund": 0.0,
            "refund_total": 24.95,
            "refunded_total": 24.95,
            "issued_at": "2026-02-20T13:00:00",
            "updated_at": "2026-02-21T09:30:00",
            "approved_at": "2026-02-21T09:30:00",
            "lines": [
                {
                    "line_id": "7-0",
                    "sku": "MUG-TI-450",
                    "name": "Titanium Mug 450ml",
                    "quantity": 1,
                    "refund_subtotal": 24.95,
                    "return_reason": "Damaged in transit",
                    "resolution": "Refund",
                    "item_status": "Received",
                }
            ],
            "refunds": [
                {
                    "refund_id": 3,
                    "amount": 24.95,
                    "method": "PayPal",
                    "status": "Completed",
                    "refunded_at": "2026-02-21T09:31:00",
                }
            ],
        }
    ]
    assert out.text == "1 RMA(s) on page 0: RMA 7 for order N10198 Open, refund 24.95."


async def test_list_payments() -> None:
    h = harness([response("getpayment.200.json")])
    out = await h.call(
        "neto_list_payments",
        {"order_ids": ["N10234", "N10231"], "paid_from": "2026-03-01", "paid_to": "2026-03-02"},
    )
    assert sent(h.requests[0], "GetPayment") == {
        "Filter": {
            "OrderID": ["N10234", "N10231"],
            "DatePaidFrom": "2026-03-01 00:00:00",
            "DatePaidTo": "2026-03-02 23:59:59",
            "Page": 0,
            "Limit": 20,
            "OutputSelector": list(selectors.PAYMENT),
        }
    }
    assert out.structured["payments"] == [
        {
            "payment_id": 5561,
            "order_id": "N10234",
            "amount": 189.9,
            "currency": "AUD",
            "method": "PayPal",
            "method_id": "6",
            "paid_at": "2026-03-01T22:15:02Z",
        },
        {
            "payment_id": 5560,
            "order_id": "N10231",
            "amount": 54.0,
            "currency": "AUD",
            "method": "Credit Card",
            "method_id": "2",
            "paid_at": "2026-03-01T17:41:00",  # no UTC variant sent: store time, no offset
        },
    ]
    assert out.text == (
        "2 payment(s) on page 0: 5561 for order N10234 189.90 AUD by PayPal, "
        "5560 for order N10231 54.00 AUD by Credit Card."
    )


# --------------------------------------------------------------------------- store set-up


async def test_list_warehouses() -> None:
    h = harness([response("getwarehouse.200.json")])
    out = await h.call("neto_list_warehouses", {"limit": 10})
    assert sent(h.requests[0], "GetWarehouse") == {
        "Filter": {"Page": 0, "Limit": 10, "OutputSelector": list(selectors.WAREHOUSE)}
    }
    assert out.structured["warehouses"][0] == {
        "warehouse_id": 1,
        "name": "Melbourne",
        "reference": "MEL",
        "is_primary": True,
        "is_active": True,
        "city": "Port Melbourne",
        "state": "VIC",
        "postcode": "3207",
        "country": "AU",
    }
    assert out.text == "2 warehouse(s) on page 0: 1 Melbourne (primary), 2 Sydney."


async def test_list_shipping_methods() -> None:
    h = harness([response("getshippingmethods.200.json")])
    out = await h.call("neto_list_shipping_methods", {})
    assert sent(h.requests[0], "GetShippingMethods") == {}
    assert out.structured["shipping_methods"][2] == {
        "method_id": 7,
        "name": "Click & Collect",
        "description": "Melbourne warehouse",
        "status": "Inactive",
        "visible_to_customers": False,
        "visible_to_staff": True,
        "visible_on_ebay": False,
    }
    assert out.structured["shipping_methods"][1]["description"] is None
    assert out.text == (
        "3 shipping method(s): 1 Standard Shipping (Active), 4 Express Post (Active), "
        "7 Click & Collect (Inactive)."
    )


async def test_list_vouchers() -> None:
    h = harness([response("getvoucher.200.json")])
    out = await h.call(
        "neto_list_vouchers",
        {"owner": "mia.nguyen", "redeemed": False, "program_type": "Gift", "code": "GV-7KQ2-PL9M"},
    )
    assert sent(h.requests[0], "GetVoucher") == {
        "Filter": {
            "VoucherCode": ["GV-7KQ2-PL9M"],
            "Owner": ["mia.nguyen"],
            "ProgramType": ["Gift"],
            "IsRedeemed": "False",
            "OutputSelector": list(selectors.VOUCHER),
        }
    }
    assert out.structured == {
        "vouchers": [
            {
                "voucher_id": 301,
                "program_id": 2,
                "title": "Gift Voucher $50",
                "code": "GV-7KQ2-PL9M",
                "program_type": "Gift",
                "redeemed": False,
                "balance": 25.05,
                "owner": "mia.nguyen",
                "created_from_order_id": "N10102",
                "added_at": "2025-12-20T16:45:00",
            }
        ],
        "truncated": False,
    }
    assert out.text == "1 voucher(s): 301 GV-7KQ2-PL9M balance 25.05."


# --------------------------------------------------------------------------- the write


async def test_update_item() -> None:
    h = harness([response("updateitem.200.json")])
    out = await h.call(
        "neto_update_item",
        {
            "sku": "TENT-2P-GRN",
            "default_price": "154.950",
            "rrp": 199,
            "warehouse_id": 1,
            "quantity": 8,
        },
    )
    assert sent(h.requests[0], "UpdateItem") == {
        "Item": [
            {
                "SKU": "TENT-2P-GRN",
                "DefaultPrice": "154.95",
                "RRP": "199",
                "WarehouseQuantity": {"WarehouseID": "1", "Quantity": "8", "Action": "set"},
            }
        ]
    }
    assert out.structured == {
        "sku": "TENT-2P-GRN",
        "updated_fields": ["default_price", "rrp", "quantity"],
    }
    assert out.text == "Updated TENT-2P-GRN: default_price, rrp, quantity."
