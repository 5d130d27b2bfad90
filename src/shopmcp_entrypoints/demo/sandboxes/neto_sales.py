"""The Neto sandbox's sales: customers (and a prospect), orders in several statuses with their
payments, two returns (one refunded) and gift and reward vouchers, in the JSON shapes of the Neto
API documentation pages (every value a string). Built afresh, identically, for each store.
"""

from __future__ import annotations

from shopmcp_entrypoints.demo.sandboxes.neto_data import JSON, utc


def _address(
    prefix: str,
    first: str,
    last: str,
    street: str,
    city: str,
    state: str,
    post: str,
    company: str = "",
    phone: str = "",
) -> JSON:
    return {
        f"{prefix}FirstName": first,
        f"{prefix}LastName": last,
        f"{prefix}Company": company,
        f"{prefix}StreetLine1": street,
        f"{prefix}StreetLine2": "",
        f"{prefix}City": city,
        f"{prefix}State": state,
        f"{prefix}PostCode": post,
        f"{prefix}Country": "AU",
        f"{prefix}Phone": phone,
        f"{prefix}Fax": "",
    }


_PEOPLE = {
    "mia.nguyen": ("Mia", "Nguyen", "12 Wattle Street", "FITZROY", "VIC", "3065", "Nguyen Design"),
    "liam.oconnor": ("Liam", "O'Connor", "4 Banksia Avenue", "NEWTOWN", "NSW", "2042", ""),
    "ava.wright": ("Ava", "Wright", "88 Jacaranda Road", "PADDINGTON", "QLD", "4064", ""),
    "noah.kaur": ("Noah", "Kaur", "3/19 Acacia Lane", "FREMANTLE", "WA", "6160", "Kaur Outdoors"),
    "zoe.smith": ("Zoe", "Smith", "7 Gum Tree Court", "HOBART", "TAS", "7000", ""),
}


def _customers() -> list[JSON]:
    def customer(
        cid: int,
        username: str,
        kind: str,
        group: str,
        added: str,
        balance: str = "0.00",
        credit: str = "0.00",
        active: bool = True,
    ) -> JSON:
        first, last, street, city, state, post, company = _PEOPLE[username]
        return {
            "ID": str(cid),
            "Username": username,
            "Type": kind,
            "EmailAddress": f"{username}@example.com",
            "Active": "True" if active else "False",
            "UserGroup": group,
            "BillingAddress": _address(
                "Bill", first, last, street, city, state, post, company, f"04{cid:02d} 000 000"
            ),
            "ShippingAddress": _address("Ship", first, last, street, city, state, post),
            "NewsletterSubscriber": "True" if cid % 2 else "False",
            "OnCreditHold": "False",
            "CreditLimit": credit,
            "AccountBalance": balance,
            "AvailableCredit": f"{float(credit) - float(balance):.2f}",
            "SalesChannel": "Website",
            "DefaultOrderType": "sales",
            "DateAdded": added,
            "DateAddedUTC": utc(added),
            "DateUpdated": "2026-03-02 09:15:02",
            "DateUpdatedUTC": utc("2026-03-02 09:15:02"),
        }

    return [
        customer(
            41,
            "mia.nguyen",
            "Customer",
            "Retail",
            "2025-11-03 10:22:00",
            balance="120.50",
            credit="500.00",
        ),
        customer(42, "liam.oconnor", "Customer", "Retail", "2025-12-01 08:05:00"),
        customer(
            43,
            "ava.wright",
            "Customer",
            "Wholesale",
            "2026-01-09 14:40:00",
            balance="1250.00",
            credit="5000.00",
        ),
        customer(44, "noah.kaur", "Customer", "Wholesale", "2026-02-17 12:00:00"),
        customer(45, "zoe.smith", "Prospect", "", "2026-03-05 19:30:00", active=False),
    ]


def _line(
    order: str,
    n: int,
    sku: str,
    name: str,
    qty: int,
    price: str,
    warehouse: int,
    shipped: int = 0,
    tracking: str = "",
) -> JSON:
    return {
        "OrderLineID": f"{order}-{n}",
        "SKU": sku,
        "ProductName": name,
        "Quantity": str(qty),
        "UnitPrice": price,
        "Tax": f"{float(price) * qty / 11:.2f}",
        "ProductDiscount": "0.00",
        "WarehouseID": str(warehouse),
        "WarehouseName": {1: "Melbourne", 2: "Sydney", 3: "Brisbane"}[warehouse],
        "QuantityShipped": str(shipped),
        "BackorderQuantity": "0",
        "ShippingMethod": "Express Post",
        "ShippingTracking": tracking,
        "ShippingCarrierName": "Australia Post" if tracking else "",
    }


def _order(
    order: str,
    status: str,
    username: str,
    placed: str,
    lines: list[JSON],
    shipping: str,
    paid: str | None,
    payment_type: str = "PayPal",
) -> JSON:
    first, last, street, city, state, post, company = _PEOPLE.get(
        username, ("Sam", "Guest", "1 Market Street", "MELBOURNE", "VIC", "3000", "")
    )
    subtotal = sum(float(line["UnitPrice"]) * int(line["Quantity"]) for line in lines)
    total = subtotal + float(shipping)
    payments = (
        []
        if paid is None
        else [
            {
                "Id": str(5500 + int(order[1:]) % 100),
                "Amount": f"{total:.2f}",
                "PaymentType": payment_type,
                "DatePaid": paid,
            }
        ]
    )
    return {
        "OrderID": order,
        "ID": order[1:],
        "OrderStatus": status,
        "OrderType": "sales",
        "CompleteStatus": "Approved" if paid else "Incomplete",
        "Username": username if username in _PEOPLE else "",
        "Email": f"{username}@example.com",
        "GrandTotal": f"{total:.2f}",
        "ProductSubtotal": f"{subtotal:.2f}",
        "ShippingTotal": shipping,
        "ShippingDiscount": "0.00",
        "OrderTax": f"{total / 11:.2f}",
        "SurchargeTotal": "0.00",
        "TaxInclusive": "True",
        "CouponCode": "",
        "CouponDiscount": "0.00",
        "SalesChannel": "Website",
        "ShippingOption": "Express Post" if float(shipping) > 10 else "Standard Shipping",
        "DeliveryInstruction": "",
        "PurchaseOrderNumber": "",
        "DatePlaced": placed,
        "DateUpdated": placed,
        "DatePaid": paid or "0000-00-00 00:00:00",
        "DateInvoiced": placed[:10] if paid else "",
        "DateRequired": "0000-00-00 00:00:00",
        "DateCompleted": placed if status == "Dispatched" else "",
        **_address("Ship", first, last, street, city, state, post),
        **_address("Bill", first, last, street, city, state, post, company),
        "OrderLine": lines,
        "OrderPayment": payments,
    }


def _orders() -> list[JSON]:
    tent, mug, bag = "Ridge 2P Tent [Green]", "Titanium Mug 450ml", "Alpine Down Bag -10C"
    return [
        _order(
            "N10198",
            "Dispatched",
            "mia.nguyen",
            "2026-02-14 10:02:00",
            [_line("N10198", 0, "MUG-TI-450", mug, 2, "24.95", 2, 2, "AP100000198AU")],
            "9.95",
            "2026-02-14 10:02:30",
        ),
        _order(
            "N10201",
            "Dispatched",
            "liam.oconnor",
            "2026-02-18 19:45:10",
            [_line("N10201", 0, "BAG-DOWN-M10", bag, 1, "349.00", 1, 1, "AP100000201AU")],
            "15.00",
            "2026-02-18 19:46:00",
            "Credit Card",
        ),
        _order(
            "N10215",
            "Cancelled",
            "ava.wright",
            "2026-02-22 08:00:00",
            [_line("N10215", 0, "STOVE-CAN-1", "Canister Stove", 10, "79.95", 3)],
            "0.00",
            None,
        ),
        _order(
            "N10223",
            "On Hold",
            "ava.wright",
            "2026-02-27 13:13:13",
            [_line("N10223", 0, "TENT-2P-ORG", "Ridge 2P Tent [Orange]", 4, "159.95", 3)],
            "25.00",
            None,
        ),
        _order(
            "N10231",
            "Dispatched",
            "guest.buyer",
            "2026-03-01 17:40:03",
            [_line("N10231", 0, "MUG-TI-450", mug, 1, "24.95", 2, 1, "AP100000231AU")],
            "9.95",
            "2026-03-01 17:41:00",
            "Credit Card",
        ),
        _order(
            "N10234",
            "Pick",
            "mia.nguyen",
            "2026-03-02 09:14:55",
            [
                _line("N10234", 0, "TENT-2P-GRN", tent, 1, "149.95", 1),
                _line("N10234", 1, "MUG-TI-450", mug, 1, "24.95", 2, 1, "AP123456789AU"),
            ],
            "15.00",
            "2026-03-02 09:15:02",
        ),
        _order(
            "N10240",
            "New",
            "noah.kaur",
            "2026-03-04 07:30:00",
            [_line("N10240", 0, "BAG-DOWN-M10", bag, 2, "349.00", 1)],
            "15.00",
            "2026-03-04 07:31:10",
            "Credit Card",
        ),
        _order(
            "N10242",
            "New Backorder",
            "liam.oconnor",
            "2026-03-05 21:05:00",
            [_line("N10242", 0, "STOVE-CAN-1", "Canister Stove", 1, "79.95", 1)],
            "9.95",
            "2026-03-05 21:05:40",
        ),
    ]


def _payments(orders: list[JSON]) -> list[JSON]:
    methods = {"PayPal": "6", "Credit Card": "2"}
    return [
        {
            "ID": payment["Id"],
            "PaymentID": payment["Id"],
            "OrderID": order["OrderID"],
            "AmountPaid": payment["Amount"],
            "CurrencyCode": "AUD",
            "DatePaid": payment["DatePaid"],
            "DatePaidLocal": payment["DatePaid"],
            "DatePaidUTC": utc(payment["DatePaid"]),
            "PaymentMethod": methods[payment["PaymentType"]],
            "PaymentMethodName": payment["PaymentType"],
            # Never selected by any tool; here so the sandbox would show them if asked.
            "CardHolder": "M NGUYEN" if payment["PaymentType"] == "Credit Card" else "",
            "PaymentNotes": "",
        }
        for order in orders
        for payment in order["OrderPayment"]
    ]


def _rmas() -> list[JSON]:
    return [
        {
            "RmaID": "7",
            "OrderID": "N10198",
            "InvoiceNumber": "N10198",
            "CustomerUsername": "mia.nguyen",
            "StaffUsername": "warehouse",
            "RmaStatus": "Closed",
            "CurrencyCode": "AUD",
            "RefundSubtotal": "24.95",
            "ShippingRefundAmount": "0.00",
            "RefundTotal": "24.95",
            "RefundedTotal": "24.95",
            "DateIssued": "2026-02-20 13:00:00",
            "DateUpdated": "2026-02-21 09:30:00",
            "DateApproved": "2026-02-21 09:30:00",
            "RmaLines": [
                {
                    "RmaLine": [
                        {
                            "RmaLineID": "7-0",
                            "SKU": ["MUG-TI-450"],
                            "Quantity": ["1"],
                            "ProductName": "Titanium Mug 450ml",
                            "RefundSubtotal": ["24.95"],
                            "ReturnReason": "Damaged in transit",
                            "ResolutionOutcome": "Refund",
                            "ItemStatus": "Received",
                        }
                    ]
                }
            ],
            "Refunds": [
                {
                    "Refund": [
                        {
                            "RefundID": "3",
                            "RefundAmount": "24.95",
                            "PaymentMethodName": "PayPal",
                            "DateRefunded": "2026-02-21 09:31:00",
                            "RefundStatus": "Completed",
                        }
                    ]
                }
            ],
        },
        {
            "RmaID": "8",
            "OrderID": "N10201",
            "InvoiceNumber": "N10201",
            "CustomerUsername": "liam.oconnor",
            "StaffUsername": "",
            "RmaStatus": "Open",
            "CurrencyCode": "AUD",
            "RefundSubtotal": "349.00",
            "ShippingRefundAmount": "15.00",
            "RefundTotal": "364.00",
            "RefundedTotal": "0.00",
            "DateIssued": "2026-03-03 16:20:00",
            "DateUpdated": "2026-03-03 16:20:00",
            "DateApproved": "",
            "RmaLines": [
                {
                    "RmaLine": [
                        {
                            "RmaLineID": "8-0",
                            "SKU": ["BAG-DOWN-M10"],
                            "Quantity": ["1"],
                            "ProductName": "Alpine Down Bag -10C",
                            "RefundSubtotal": ["349.00"],
                            "ReturnReason": "Too small",
                            "ResolutionOutcome": "Pending",
                            "ItemStatus": "Awaiting return",
                        }
                    ]
                }
            ],
            "Refunds": [],
        },
    ]


def _vouchers() -> list[JSON]:
    def voucher(
        vid: int,
        program: int,
        kind: str,
        code: str,
        owner: str,
        order: str,
        added: str,
        balance: str,
        redeemed: bool,
    ) -> JSON:
        return {
            "VoucherID": str(vid),
            "VoucherProgramID": str(program),
            "VoucherTitle": "Gift Voucher $50" if kind == "Gift" else "Loyalty Reward $10",
            "VoucherCode": code,
            "SecretKey": f"SK-{vid}-sandbox",  # never selected by any tool
            "IsRedeemed": "True" if redeemed else "False",
            "ProgramType": kind,
            "Owner": owner,
            "Email": f"{owner}@example.com",
            "CreatedFromOrderID": order,
            "DateAdded": added,
            "DateUpdated": added,
            "Balance": balance,
        }

    return [
        voucher(
            301,
            2,
            "Gift",
            "GV-7KQ2-PL9M",
            "mia.nguyen",
            "N10102",
            "2025-12-20 16:45:00",
            "25.05",
            False,
        ),
        voucher(
            302,
            2,
            "Gift",
            "GV-3HX8-QQ1Z",
            "liam.oconnor",
            "N10150",
            "2026-01-02 09:00:00",
            "0.00",
            True,
        ),
        voucher(
            310, 5, "Reward", "RW-41-0001", "ava.wright", "", "2026-02-01 00:00:00", "10.00", False
        ),
    ]


def sales() -> dict[str, list[JSON]]:
    orders = _orders()
    return {
        "Order": orders,
        "Customer": _customers(),
        "Rma": _rmas(),
        "Payment": _payments(orders),
        "Voucher": _vouchers(),
    }
