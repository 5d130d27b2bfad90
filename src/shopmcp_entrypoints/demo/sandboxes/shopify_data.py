"""The Shopify sandbox's sample store: a small Australian apparel shop (products with sized
variants stocked at two locations, customers, orders with fulfilments and refunds), built the
same way every time so tests and the demo see the same store."""

from __future__ import annotations

import datetime as dt
from typing import Any

from shopmcp_entrypoints.demo.sandboxes.shopify_extras import extra_samples
from shopmcp_entrypoints.demo.sandboxes.shopify_values import CURRENCY, gid, iso, money

_TRACKING = "https://auspost.com.au/mypost/track/details/"
_T0 = dt.datetime(2026, 9, 1, 9, 0, tzinfo=dt.UTC)


_PRODUCTS = [
    # title, vendor, type, tags, price, sizes, status
    ("Black Tee", "Acme", "T-Shirts", ["cotton", "summer"], 39.95, ["S", "M", "L"], "ACTIVE"),
    ("White Tee", "Acme", "T-Shirts", ["cotton"], 39.95, ["S", "M", "L"], "ACTIVE"),
    ("Canvas Tote", "Acme", "Bags", ["canvas"], 29.00, ["One size"], "ACTIVE"),
    ("Merino Beanie", "Southern Wool", "Hats", ["wool", "winter"], 45.00, ["One size"], "ACTIVE"),
    ("Rain Shell", "Coastline", "Jackets", ["waterproof"], 189.00, ["M", "L"], "ACTIVE"),
    ("Trail Socks", "Southern Wool", "Socks", ["wool"], 22.50, ["S/M", "L/XL"], "ACTIVE"),
    ("Linen Shirt", "Coastline", "Shirts", ["linen", "summer"], 89.00, ["M", "L"], "DRAFT"),
    ("Gift Card Sleeve", "Acme", "Accessories", [], 5.00, ["One size"], "ARCHIVED"),
]
_LOCATIONS = [(60000000001, "Sydney Warehouse"), (60000000002, "Melbourne Store")]
# name, address1, city, province, zip, whether it ships online orders
_ADDRESSES = [
    ("1 Dock Road", "Sydney", "New South Wales", "2000", True),
    ("88 Chapel Street", "Melbourne", "Victoria", "3181", False),
]
# A closed pop-up: listed only when inactive locations are asked for; it holds no stock.
_CLOSED_LOCATION = 60000000003
_CUSTOMERS = [
    ("Jane", "Citizen", "jane@example.com", "Sydney", ["vip"]),
    ("Sam", "Lee", "sam.lee@example.com", "Melbourne", []),
    ("Priya", "Nair", "priya@example.com", "Brisbane", ["wholesale"]),
    ("Tom", "Walker", "tom.walker@example.com", "Perth", []),
    ("Mia", "Rossi", "mia.rossi@example.com", "Adelaide", ["vip"]),
    ("Lachlan", "Brown", "lachlan@example.com", "Hobart", []),
]
# customer index, [(product index, variant index, quantity)], financial, fulfilment, refunded
_ORDERS: list[tuple[int, list[tuple[int, int, int]], str, str, float]] = [
    (0, [(0, 1, 2)], "PAID", "UNFULFILLED", 0.0),
    (1, [(0, 1, 1), (2, 0, 1)], "PARTIALLY_REFUNDED", "FULFILLED", 29.00),
    (2, [(5, 0, 6), (5, 1, 6)], "PAID", "FULFILLED", 0.0),
    (0, [(4, 0, 1)], "PAID", "FULFILLED", 0.0),
    (3, [(3, 0, 1)], "PENDING", "UNFULFILLED", 0.0),
    (4, [(1, 2, 2), (3, 0, 1)], "REFUNDED", "FULFILLED", 124.90),
    (5, [(2, 0, 3)], "PAID", "PARTIALLY_FULFILLED", 0.0),
    (0, [(6, 0, 1)], "AUTHORIZED", "UNFULFILLED", 0.0),
    (1, [(5, 1, 2)], "PAID", "FULFILLED", 0.0),
    (4, [(0, 0, 1), (1, 0, 1)], "PAID", "UNFULFILLED", 0.0),
]


def _shipped(lines: list[dict[str, Any]], fulfilment: str) -> list[int]:
    """How many of each line were shipped: all of a fulfilled order, all but one of the first
    line of a partly fulfilled one, none otherwise."""
    if fulfilment == "FULFILLED":
        return [line["quantity"] for line in lines]
    if fulfilment == "PARTIALLY_FULFILLED":
        return [max(lines[0]["quantity"] - 1, 1)] + [0] * (len(lines) - 1)
    return [0] * len(lines)


def _fulfillment(
    o: int,
    created: dt.datetime,
    location: dict[str, Any],
    lines: list[dict[str, Any]],
    shipped: list[int],
    *,
    delivered: bool,
) -> dict[str, Any]:
    number = f"AP{100000000 + o}AU"
    return {
        "id": gid("Fulfillment", 4400000000001 + o),
        "name": f"#{1001 + o}.1",
        "status": "SUCCESS",
        "displayStatus": "DELIVERED" if delivered else "IN_TRANSIT",
        "createdAt": iso(created + dt.timedelta(days=1)),
        "updatedAt": iso(created + dt.timedelta(days=3 if delivered else 1)),
        "inTransitAt": iso(created + dt.timedelta(days=1, hours=4)),
        "estimatedDeliveryAt": iso(created + dt.timedelta(days=3)),
        "deliveredAt": iso(created + dt.timedelta(days=3)) if delivered else None,
        "totalQuantity": sum(shipped),
        "location": {"id": location["id"], "name": location["name"]},
        "trackingInfo": [
            {"company": "Australia Post", "number": number, "url": _TRACKING + number}
        ],
        "lines": [
            {
                "id": gid("FulfillmentLineItem", 17000000000001 + o * 10 + n),
                "quantity": quantity,
                "lineItemId": line["id"],
            }
            for n, (line, quantity) in enumerate(zip(lines, shipped, strict=True))
            if quantity
        ],
    }


def _fulfillment_order(
    o: int,
    created: dt.datetime,
    location: dict[str, Any],
    lines: list[dict[str, Any]],
    shipped: list[int],
) -> dict[str, Any]:
    remaining = [line["quantity"] - done for line, done in zip(lines, shipped, strict=True)]
    status = "CLOSED" if not any(remaining) else "IN_PROGRESS" if any(shipped) else "OPEN"
    return {
        "id": gid("FulfillmentOrder", 6600000000001 + o),
        "status": status,
        "requestStatus": "UNSUBMITTED",
        "fulfillAt": iso(created),
        "updatedAt": iso(created + dt.timedelta(days=1)),
        "location": {"id": location["id"], "name": location["name"]},
        "deliveryMethod": {"methodType": "SHIPPING"},
        "holds": [],
        "lines": [
            {
                "id": gid("FulfillmentOrderLineItem", 16000000000001 + o * 10 + n),
                "lineItemId": line["id"],
                "sku": line["sku"],
                "productTitle": line["title"],
                "variantTitle": line["variantTitle"],
                "totalQuantity": line["quantity"],
                "remainingQuantity": left,
            }
            for n, (line, left) in enumerate(zip(lines, remaining, strict=True))
        ],
    }


def _location(
    lid: int, name: str, street: str, city: str, province: str, postcode: str, online: bool
) -> dict[str, Any]:
    return {
        "id": gid("Location", lid),
        "name": name,
        "isActive": True,
        "fulfillsOnlineOrders": online,
        "shipsInventory": True,
        "hasActiveInventory": True,
        "createdAt": iso(_T0 - dt.timedelta(days=400)),
        "deactivatedAt": None,
        "address": {
            "address1": street,
            "address2": None,
            "city": city,
            "province": province,
            "zip": postcode,
            "country": "Australia",
            "countryCode": "AU",
            "phone": None,
        },
    }


def sample_data() -> dict[str, Any]:
    """Fresh, deterministic sample state (each app gets its own copy)."""
    products: list[dict[str, Any]] = []
    levels: dict[tuple[str, str], dict[str, int]] = {}
    for p, (title, vendor, kind, tags, price, sizes, status) in enumerate(_PRODUCTS):
        pid = 8000000000001 + p
        variants = []
        for v, size in enumerate(sizes):
            vid = 45000000000001 + p * 10 + v
            item = gid("InventoryItem", 47000000000001 + p * 10 + v)
            sku = "-".join(w[:3].upper() for w in title.split()) + (
                "" if size == "One size" else "-" + size.replace("/", "")
            )
            variants.append(
                {
                    "id": gid("ProductVariant", vid),
                    "title": size,
                    "sku": sku,
                    "price": f"{price:.2f}",
                    "compareAtPrice": f"{price * 1.25:.2f}" if p == 4 else None,
                    "inventoryItem": {"id": item, "tracked": True},
                }
            )
            for n, (lid, _) in enumerate(_LOCATIONS):
                on_hand = (7 * p + 5 * v + 11 * n) % 40
                committed = (p + v) % 3 if on_hand else 0
                levels[(item, gid("Location", lid))] = {
                    "on_hand": on_hand,
                    "committed": committed,
                    "available": on_hand - committed,
                    "incoming": 12 if (p + n) % 4 == 0 else 0,
                }
        products.append(
            {
                "id": gid("Product", pid),
                "title": title,
                "handle": title.lower().replace(" ", "-"),
                "status": status,
                "vendor": vendor,
                "productType": kind,
                "tags": list(tags),
                "descriptionHtml": f"<p>{title} by {vendor}.</p>",
                "createdAt": iso(_T0 - dt.timedelta(days=200 - p)),
                "updatedAt": iso(_T0 - dt.timedelta(days=10 - p)),
                "variants": variants,
            }
        )
    customers = [
        {
            "id": gid("Customer", 7100000000001 + c),
            "firstName": first,
            "lastName": last,
            "displayName": f"{first} {last}",
            "defaultEmailAddress": {"emailAddress": email},
            "defaultPhoneNumber": {"phoneNumber": f"+6140000000{c}"},
            "state": "ENABLED",
            "tags": list(tags),
            "note": None,
            "createdAt": iso(_T0 - dt.timedelta(days=300 - 20 * c)),
            "defaultAddress": {"city": city, "province": None, "country": "Australia"},
        }
        for c, (first, last, email, city, tags) in enumerate(_CUSTOMERS)
    ]
    locations = [
        _location(lid, name, *address)
        for (lid, name), address in zip(_LOCATIONS, _ADDRESSES, strict=True)
    ]
    closed = _location(
        _CLOSED_LOCATION,
        "Brisbane Pop-up",
        "5 Stanley Street",
        "Brisbane",
        "Queensland",
        "4101",
        False,
    )
    closed.update(isActive=False, shipsInventory=False, hasActiveInventory=False)
    closed["deactivatedAt"] = iso(_T0 - dt.timedelta(days=30))
    locations.append(closed)
    orders = []
    for o, (c, lines, financial, fulfilment, refunded) in enumerate(_ORDERS):
        created = _T0 + dt.timedelta(days=3 * o, hours=o)
        line_items = []
        subtotal = 0.0
        for n, (p, v, quantity) in enumerate(lines):
            variant = products[p]["variants"][v]
            price = float(variant["price"])
            subtotal += price * quantity
            line_items.append(
                {
                    "id": gid("LineItem", 13000000000001 + o * 10 + n),
                    "title": products[p]["title"],
                    "sku": variant["sku"],
                    "quantity": quantity,
                    "currentQuantity": 0 if financial == "REFUNDED" else quantity,
                    "originalUnitPriceSet": money(price),
                    "variant": {"id": variant["id"]},
                    "variantTitle": variant["title"],
                }
            )
        shipping = 0.0 if subtotal >= 100 else 10.0
        total = subtotal + shipping
        location = locations[o % 2]
        shipped = _shipped(line_items, fulfilment)
        fulfillments = []
        if any(shipped):
            fulfillments.append(
                _fulfillment(o, created, location, line_items, shipped, delivered=o % 3 != 0)
            )
        transactions: list[dict[str, Any]] = []
        if financial != "PENDING":
            transactions.append(
                {
                    "id": gid("OrderTransaction", 8800000000001 + o * 10),
                    "kind": "AUTHORIZATION" if financial == "AUTHORIZED" else "SALE",
                    "status": "SUCCESS",
                    "gateway": "shopify_payments",
                    "amountSet": money(total),
                    "processedAt": iso(created),
                }
            )
        refunds = []
        if refunded:
            first_line = line_items[-1]
            refund_transaction = {
                "id": gid("OrderTransaction", 8800000000002 + o * 10),
                "kind": "REFUND",
                "status": "SUCCESS",
                "gateway": "shopify_payments",
                "amountSet": money(refunded),
                "processedAt": iso(created + dt.timedelta(days=4)),
            }
            transactions.append(refund_transaction)
            refunds.append(
                {
                    "id": gid("Refund", 900000000001 + o),
                    "createdAt": iso(created + dt.timedelta(days=4)),
                    "note": "Customer return",
                    "totalRefundedSet": money(refunded),
                    "refundLineItems": [
                        {
                            "quantity": first_line["quantity"],
                            "restockType": "RETURN",
                            "lineItem": {
                                "id": first_line["id"],
                                "title": first_line["title"],
                                "sku": first_line["sku"],
                            },
                            "subtotalSet": money(refunded),
                        }
                    ],
                    "transactions": [refund_transaction],
                }
            )
        orders.append(
            {
                "id": gid("Order", 5500000000001 + o),
                "name": f"#{1001 + o}",
                "createdAt": iso(created),
                "processedAt": iso(created),
                "updatedAt": iso(created + dt.timedelta(days=1)),
                "cancelledAt": None,
                "cancelReason": None,
                "closed": fulfilment == "FULFILLED",
                "note": None,
                "tags": [],
                "displayFinancialStatus": financial,
                "displayFulfillmentStatus": fulfilment,
                "subtotalPriceSet": money(subtotal),
                "totalShippingPriceSet": money(shipping),
                "totalTaxSet": money(total / 11),
                "currentTotalPriceSet": money(total - refunded),
                "totalRefundedSet": money(refunded),
                "customerIndex": c,
                "lineItems": line_items,
                "fulfillments": fulfillments,
                "fulfillmentOrders": [
                    _fulfillment_order(o, created, location, line_items, shipped)
                ],
                "transactions": transactions,
                "refunds": refunds,
            }
        )
    shop = {
        "id": gid("Shop", 60000000001),
        "name": "Acme Outfitters (sandbox)",
        "email": "owner@acme.example",
        "contactEmail": "hello@acme.example",
        "myshopifyDomain": "acme-sandbox.myshopify.com",
        "currencyCode": CURRENCY,
        "ianaTimezone": "Australia/Sydney",
        "primaryDomain": {
            "host": "acme-sandbox.myshopify.com",
            "url": "https://acme-sandbox.myshopify.com",
        },
        "plan": {
            "publicDisplayName": "Development",
            "partnerDevelopment": True,
            "shopifyPlus": False,
        },
        "shopAddress": {
            "city": "Sydney",
            "province": "New South Wales",
            "country": "Australia",
            "countryCodeV2": "AU",
        },
    }
    return {
        **extra_samples(products, customers, orders),
        "shop": shop,
        "products": products,
        "levels": levels,
        "locations": locations,
        "customers": customers,
        "orders": orders,
    }
