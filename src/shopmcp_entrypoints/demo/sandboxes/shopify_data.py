"""The Shopify sandbox's sample store: a small Australian apparel shop (products with sized
variants stocked at two locations, customers, orders with fulfilments and refunds), built the
same way every time so tests and the demo see the same store."""

from __future__ import annotations

import datetime as dt
from typing import Any

CURRENCY = "AUD"
_TRACKING = "https://auspost.com.au/mypost/track/details/"
_T0 = dt.datetime(2026, 9, 1, 9, 0, tzinfo=dt.UTC)


def iso(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _gid(kind: str, number: int) -> str:
    return f"gid://shopify/{kind}/{number}"


def _money(amount: float) -> dict[str, Any]:
    return {"shopMoney": {"amount": f"{amount:.2f}", "currencyCode": CURRENCY}}


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


def sample_data() -> dict[str, Any]:
    """Fresh, deterministic sample state (each app gets its own copy)."""
    products: list[dict[str, Any]] = []
    levels: dict[tuple[str, str], dict[str, int]] = {}
    for p, (title, vendor, kind, tags, price, sizes, status) in enumerate(_PRODUCTS):
        pid = 8000000000001 + p
        variants = []
        for v, size in enumerate(sizes):
            vid = 45000000000001 + p * 10 + v
            item = _gid("InventoryItem", 47000000000001 + p * 10 + v)
            sku = "-".join(w[:3].upper() for w in title.split()) + (
                "" if size == "One size" else "-" + size.replace("/", "")
            )
            variants.append(
                {
                    "id": _gid("ProductVariant", vid),
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
                levels[(item, _gid("Location", lid))] = {
                    "on_hand": on_hand,
                    "committed": committed,
                    "available": on_hand - committed,
                    "incoming": 12 if (p + n) % 4 == 0 else 0,
                }
        products.append(
            {
                "id": _gid("Product", pid),
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
            "id": _gid("Customer", 7100000000001 + c),
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
                    "id": _gid("LineItem", 13000000000001 + o * 10 + n),
                    "title": products[p]["title"],
                    "sku": variant["sku"],
                    "quantity": quantity,
                    "currentQuantity": 0 if financial == "REFUNDED" else quantity,
                    "originalUnitPriceSet": _money(price),
                    "variant": {"id": variant["id"]},
                }
            )
        shipping = 0.0 if subtotal >= 100 else 10.0
        total = subtotal + shipping
        fulfillments = []
        if fulfilment in ("FULFILLED", "PARTIALLY_FULFILLED"):
            fulfillments.append(
                {
                    "id": _gid("Fulfillment", 4400000000001 + o),
                    "status": "SUCCESS",
                    "createdAt": iso(created + dt.timedelta(days=1)),
                    "trackingInfo": [
                        {
                            "company": "Australia Post",
                            "number": f"AP{100000000 + o}AU",
                            "url": f"{_TRACKING}AP{100000000 + o}AU",
                        }
                    ],
                }
            )
        refunds = []
        if refunded:
            first_line = line_items[-1]
            refunds.append(
                {
                    "id": _gid("Refund", 900000000001 + o),
                    "createdAt": iso(created + dt.timedelta(days=4)),
                    "note": "Customer return",
                    "totalRefundedSet": _money(refunded),
                    "refundLineItems": [
                        {
                            "quantity": first_line["quantity"],
                            "restockType": "RETURN",
                            "lineItem": {
                                "id": first_line["id"],
                                "title": first_line["title"],
                                "sku": first_line["sku"],
                            },
                            "subtotalSet": _money(refunded),
                        }
                    ],
                }
            )
        orders.append(
            {
                "id": _gid("Order", 5500000000001 + o),
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
                "subtotalPriceSet": _money(subtotal),
                "totalShippingPriceSet": _money(shipping),
                "totalTaxSet": _money(total / 11),
                "currentTotalPriceSet": _money(total - refunded),
                "totalRefundedSet": _money(refunded),
                "customerIndex": c,
                "lineItems": line_items,
                "fulfillments": fulfillments,
                "refunds": refunds,
            }
        )
    shop = {
        "id": _gid("Shop", 60000000001),
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
    locations = [{"id": _gid("Location", lid), "name": name} for lid, name in _LOCATIONS]
    return {
        "shop": shop,
        "products": products,
        "levels": levels,
        "locations": locations,
        "customers": customers,
        "orders": orders,
    }
