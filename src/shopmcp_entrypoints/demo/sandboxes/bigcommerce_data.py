"""The BigCommerce sandbox's sample store, in the shapes of BigCommerce's management API (v2
orders, coupons and customer groups; v3 catalog, inventory, customers, promotions, refunds and
carts): a tea shop with variants stocked at two locations, customers in three groups, orders in
most statuses (two currencies, shipments and a refund among them), legacy coupons, promotions
with codes, and an abandoned cart. Built afresh, identically, for each store.
"""

from __future__ import annotations

import datetime as dt
import email.utils
from decimal import Decimal
from typing import Any

JSON = dict[str, Any]

STORE_HASH = "demo7x2k"
ORIGIN = "https://demo-tea.example"

STATUSES: dict[int, tuple[str, str]] = {
    0: ("Incomplete", "The shopper reached the payment page but did not complete the order."),
    1: ("Pending", "The shopper started the checkout but did not complete it."),
    2: ("Shipped", "The order has been shipped."),
    3: ("Partially Shipped", "Only some items of the order have been shipped."),
    4: ("Refunded", "The seller has refunded the order."),
    5: ("Cancelled", "The seller has cancelled the order."),
    6: ("Declined", "The seller has declined the order."),
    7: ("Awaiting Payment", "Checkout is complete; payment is not yet confirmed."),
    8: ("Awaiting Pickup", "The order is waiting to be picked up."),
    9: ("Awaiting Shipment", "The order is packed and waiting for the carrier."),
    10: ("Completed", "The order is complete."),
    11: ("Awaiting Fulfillment", "Checkout is complete and payment confirmed."),
    12: ("Manual Verification Required", "The order is on hold for a manual check."),
    13: ("Disputed", "The customer has disputed the payment."),
    14: ("Partially Refunded", "The seller has refunded part of the order."),
}
CUSTOM_LABELS = {11: "Ready to pack", 9: "Packed"}


def v2_date(iso: str) -> str:
    """An ISO time (UTC) as v2 writes dates (RFC 2822)."""
    return email.utils.format_datetime(dt.datetime.fromisoformat(iso).replace(tzinfo=dt.UTC))


def v3_date(iso: str) -> str:
    return dt.datetime.fromisoformat(iso).replace(tzinfo=dt.UTC).isoformat()


def money4(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.0001'))}"


def order_statuses() -> list[JSON]:
    return [
        {
            "id": status_id,
            "name": name,
            "system_label": name,
            "custom_label": CUSTOM_LABELS.get(status_id, name),
            "system_description": description,
        }
        for status_id, (name, description) in STATUSES.items()
    ]


def store() -> JSON:
    return {
        "id": STORE_HASH,
        "domain": "demo-tea.example",
        "secure_url": ORIGIN,
        "status": "live",
        "name": "Harbour Tea Sandbox",
        "first_name": "Mia",
        "last_name": "Okafor",
        "address": "12 Wharf Lane, Hobart",
        "country": "Australia",
        "country_code": "AU",
        "phone": "03 6200 0000",
        "admin_email": "owner@demo-tea.example",
        "order_email": "orders@demo-tea.example",
        "timezone": {"name": "Australia/Hobart", "raw_offset": 36000, "dst_offset": 39600},
        "language": "en",
        "currency": "AUD",
        "currency_symbol": "$",
        "decimal_places": 2,
        "weight_units": "kg",
        "dimension_units": "Centimeters",
        "plan_name": "Plus",
        "plan_level": "Plus",
        "plan_is_trial": False,
        "features": {"multi_storefront_enabled": False},
    }


# --------------------------------------------------------------------------- catalog

# (category_id, parent_id, name, sort_order, is_visible)
CATEGORIES = [
    (20, 0, "Tea", 0, True),
    (21, 20, "Green Tea", 1, True),
    (22, 20, "Black Tea", 2, True),
    (30, 0, "Teaware", 1, True),
    (31, 30, "Clearance", 9, False),
]
BRANDS = [(4, "Harbour"), (5, "Kiln & Co"), (6, "Leaf Line")]


def categories() -> list[JSON]:
    return [
        {
            "category_id": cid,
            "category_uuid": f"5d1c0e2a-0000-4000-8000-{cid:012d}",
            "tree_id": 1,
            "parent_id": parent,
            "name": name,
            "description": f"<p>{name} from the harbour.</p>",
            "views": 100 + cid,
            "sort_order": sort,
            "page_title": name,
            "meta_keywords": [],
            "meta_description": "",
            "layout_file": "category.html",
            "image_url": "",
            "is_visible": visible,
            "search_keywords": name.lower(),
            "default_product_sort": "use_store_settings",
            "url": {"path": "/" + name.lower().replace(" ", "-") + "/", "is_customized": False},
        }
        for cid, parent, name, sort, visible in CATEGORIES
    ]


def brands() -> list[JSON]:
    return [
        {
            "id": bid,
            "name": name,
            "page_title": name,
            "meta_keywords": [],
            "meta_description": "",
            "search_keywords": name.lower(),
            "image_url": "",
            "custom_url": {"url": f"/brands/{name.replace(' ', '-')}.html", "is_customized": False},
        }
        for bid, name in BRANDS
    ]


# (product_id, name, sku, price, sale_price, categories, brand_id, visible,
#  [(variant_id, sku, option label or None, price)])
PRODUCTS: list[tuple[Any, ...]] = [
    (101, "Sencha Loose Leaf 100g", "SEN-100", "24.00", None, [20, 21], 4, True,
     [(201, "SEN-100-TIN", "Tin", "24.00"), (202, "SEN-100-REFILL", "Refill pouch", "19.50")]),
    (102, "Genmaicha Loose Leaf 100g", "GEN-100", "21.50", "18.95", [20, 21], 4, True,
     [(203, "GEN-100", None, "21.50")]),
    (103, "Earl Grey 100g", "EG-100", "18.00", None, [20, 22], 6, True,
     [(204, "EG-100", None, "18.00")]),
    (104, "Cast Iron Teapot", "POT-CI", "36.50", None, [30], 5, True,
     [(205, "POT-CI-BLK", "Black", "36.50"), (206, "POT-CI-RED", "Red", "39.00")]),
    (105, "Bamboo Whisk", "WHISK-BAM", "14.00", None, [30], 5, True,
     [(207, "WHISK-BAM", None, "14.00")]),
    (106, "Harbour Blend (retired)", "BLEND-OLD", "16.00", None, [31], 4, False,
     [(208, "BLEND-OLD", None, "16.00")]),
]  # fmt: skip

LOCATIONS = [(1, "HOBART", "Hobart warehouse", "Hobart"), (2, "SYD-SHOP", "Sydney shop", "Sydney")]
# variant_id -> on hand at (location 1, location 2); safety stock at location 1
STOCK: dict[int, tuple[int, int, int]] = {
    201: (90, 6, 6),
    202: (40, 0, 2),
    203: (0, 3, 0),
    204: (55, 12, 5),
    205: (8, 2, 1),
    206: (0, 0, 0),
    207: (31, 4, 2),
    208: (3, 0, 0),
}


def variant(product_id: int, vid: int, sku: str, label: str | None, price: str) -> JSON:
    return {
        "id": vid,
        "product_id": product_id,
        "sku": sku,
        "sku_id": vid + 100,
        "price": float(price),
        "calculated_price": float(price),
        "sale_price": None,
        "inventory_level": sum(STOCK[vid][:2]),
        "purchasing_disabled": False,
        "option_values": (
            [{"id": vid + 1000, "label": label, "option_id": 12, "option_display_name": "Style"}]
            if label
            else []
        ),
    }


def products() -> list[JSON]:
    out = []
    for pid, name, sku, price, sale, cats, brand, visible, variants in PRODUCTS:
        built = [variant(pid, *v) for v in variants]
        out.append(
            {
                "id": pid,
                "name": name,
                "type": "physical",
                "sku": sku,
                "description": f"<p>{name}.</p>",
                "weight": 0.25,
                "price": float(price),
                "sale_price": float(sale) if sale else 0,
                "categories": cats,
                "brand_id": brand,
                "inventory_level": sum(v["inventory_level"] for v in built),
                "inventory_tracking": "variant" if len(built) > 1 else "product",
                "is_visible": visible,
                "availability": "available",
                "date_created": "2025-11-01T00:00:00+00:00",
                "date_modified": f"2026-02-{10 + pid - 100:02d}T08:00:00+00:00",
                "custom_url": {
                    "url": "/" + name.lower().replace(" ", "-") + "/",
                    "is_customized": False,
                },
                "base_variant_id": built[0]["id"],
                "variants": built,
            }
        )
    return out


def locations() -> list[JSON]:
    return [
        {
            "id": lid,
            "code": code,
            "label": label,
            "description": f"{label}.",
            "managed_by_external_source": False,
            "type_id": "PHYSICAL",
            "enabled": True,
            "time_zone": "Australia/Hobart" if city == "Hobart" else "Australia/Sydney",
            "created_at": "2025-02-01T00:00:00Z",
            "updated_at": "2026-01-15T00:00:00Z",
            "address": {"city": city, "country_code": "AU", "zip": "7000", "address1": label},
            "storefront_visibility": True,
        }
        for lid, code, label, city in LOCATIONS
    ]


def inventory() -> dict[tuple[int, int], JSON]:
    """(variant id, location id) -> that variant's stock there."""
    out: dict[tuple[int, int], JSON] = {}
    for vid, (hobart, sydney, safety) in STOCK.items():
        for lid, onhand, reserve in ((1, hobart, safety), (2, sydney, 0)):
            out[(vid, lid)] = {
                "total_inventory_onhand": onhand,
                "safety_stock": reserve,
                "warning_level": 5,
                "bin_picking_number": f"A-{vid - 200}" if lid == 1 else "",
            }
    return out


# --------------------------------------------------------------------------- customers


GROUPS = [
    (1, "Retail", True, []),
    (2, "VIP", False, [{"type": "all", "method": "percent", "amount": "10.0000"}]),
    (3, "Wholesale", False, [
        {"type": "category", "method": "percent", "amount": "25.0000", "category_id": 20},
    ]),
]  # fmt: skip
# (id, first, last, email, group, created)
CUSTOMERS = [
    (57, "Noor", "Haddad", "noor@example.com", 2, "2025-04-02T10:00:00"),
    (58, "Liam", "Chen", "liam.chen@example.com", 1, "2025-06-11T03:20:00"),
    (59, "Ava", "Wright", "ava.wright@example.com", 0, "2026-01-05T22:45:00"),
    (60, "Mia", "Okafor", "buying@okafor-cafe.example", 3, "2025-09-30T01:00:00"),
]


def customer_groups() -> list[JSON]:
    return [
        {
            "id": gid,
            "name": name,
            "is_default": default,
            "category_access": {"type": "all"},
            "discount_rules": rules,
            "date_created": v2_date("2025-02-04T00:00:00"),
            "date_modified": v2_date("2025-02-04T00:00:00"),
            "is_group_for_guests": False,
        }
        for gid, name, default, rules in GROUPS
    ]


def customers() -> list[JSON]:
    return [
        {
            "id": cid,
            "email": email_address,
            "first_name": first,
            "last_name": last,
            "company": "Okafor Cafe" if cid == 60 else "",
            "phone": f"0400 000 0{cid}",
            "notes": "Prefers tins" if cid == 57 else "",
            "customer_group_id": group,
            "date_created": v3_date(created),
            "date_modified": v3_date(created),
            "address_count": 1,
            "accepts_product_review_abandoned_cart_emails": cid != 59,
            "channel_ids": [1],
            "addresses": [
                {
                    "id": cid + 100,
                    "customer_id": cid,
                    "first_name": first,
                    "last_name": last,
                    "company": "",
                    "address1": f"{cid} Harbour Street",
                    "address2": "",
                    "city": "Hobart",
                    "state_or_province": "Tasmania",
                    "postal_code": "7000",
                    "country_code": "AU",
                    "phone": f"0400 000 0{cid}",
                    "address_type": "residential",
                }
            ],
            "store_credit_amounts": [{"amount": 5.0 if cid == 57 else 0.0}],
        }
        for cid, first, last, email_address, group, created in CUSTOMERS
    ]


# --------------------------------------------------------------------------- marketing


def coupons() -> list[JSON]:
    def coupon(cid: int, name: str, code: str, kind: str, amount: str, **extra: Any) -> JSON:
        return {
            "id": cid,
            "date_created": v2_date("2026-02-01T00:00:00"),
            "num_uses": extra.get("num_uses", 0),
            "name": name,
            "type": kind,
            "amount": amount,
            "min_purchase": extra.get("min_purchase", "0.0000"),
            "expires": extra.get("expires", ""),
            "enabled": extra.get("enabled", True),
            "code": code,
            "applies_to": extra.get("applies_to", {"entity": "categories", "ids": [0]}),
            "max_uses": extra.get("max_uses", 0),
            "max_uses_per_customer": 0,
            "restricted_to": {},
            "shipping_methods": [],
        }

    return [
        coupon(3, "Spring ten", "SPRING10", "percentage_discount", "10.0000", num_uses=14,
               max_uses=100, expires=v2_date("2026-11-30T23:59:59")),
        coupon(4, "Teaware five off", "POT5", "per_total_discount", "5.0000",
               min_purchase="40.0000", applies_to={"entity": "categories", "ids": [30]}),
        coupon(5, "Free post", "FREEPOST", "free_shipping", "0.0000", enabled=False),
    ]  # fmt: skip


def promotion(
    pid: int,
    name: str,
    redemption: str,
    discount: JSON,
    *,
    groups: list[int] | None = None,
    minimum_spend: str | None = None,
    uses: int = 0,
    max_uses: int | None = None,
    end: str | None = None,
    status: str = "ENABLED",
    start: str = "2026-02-01T00:00:00+00:00",
    display_name: str | None = None,
) -> JSON:
    rule: JSON = {"action": {"cart_value": {"discount": discount}}, "apply_once": True}
    rule["stop"] = False
    if minimum_spend is not None:
        rule["condition"] = {"cart": {"minimum_spend": minimum_spend}}
    out: JSON = {
        "id": pid,
        "redemption_type": redemption,
        "name": name,
        "display_name": display_name or name,
        "created_from": "api",
        "channels": [],
        "customer": {
            "group_ids": groups or [],
            "minimum_order_count": 0,
            "excluded_group_ids": [],
            "segments": None,
        },
        "rules": [rule],
        "notifications": [],
        "stop": False,
        "can_be_used_with_other_promotions": True,
        "currency_code": "AUD",
        "shipping_address": None,
        "current_uses": uses,
        "max_uses": max_uses,
        "start_date": start,
        "end_date": end,
        "status": status,
        "schedule": None,
    }
    if redemption == "COUPON":
        out["coupon_overrides_other_promotions"] = False
        out["coupon_type"] = "SINGLE"
        out["multiple_codes"] = {"has_multiple_codes": False}
    return out


def promotions() -> list[JSON]:
    return [
        promotion(11, "10% off for VIPs", "AUTOMATIC", {"percentage_amount": "10"}, groups=[2],
                  uses=31),
        promotion(12, "5 off orders over 60", "COUPON", {"fixed_amount": "5"}, minimum_spend="60",
                  uses=3, max_uses=500, end="2026-12-31T23:59:59+00:00"),
    ]  # fmt: skip


def promotion_codes() -> dict[int, list[JSON]]:
    return {
        12: [
            {"id": 21, "code": "OVER60", "current_uses": 3, "max_uses": 500,
             "max_uses_per_customer": 1, "created": "2026-02-01T00:05:00+00:00"},
            {"id": 22, "code": "OVER60-STAFF", "current_uses": 0, "max_uses": 0,
             "max_uses_per_customer": 0, "created": "2026-02-02T00:05:00+00:00"},
        ]
    }  # fmt: skip


# --------------------------------------------------------------------------- carts

ABANDONED_TOKEN = "5f2b8c0d9e1a4b7c8d3e6f0a1b2c4d5e"  # noqa: S105 - sample data
ABANDONED_CART = "0c9e7d2a-6b1f-4c3e-9a8d-2f4b6d8e0a1c"
GUEST_CART = "7e3a1b9c-2d4f-4a6b-8c0e-1f3a5b7c9d2e"


def _cart_line(index: int, product_id: int, variant_id: int, quantity: int) -> JSON:
    row = next(p for p in PRODUCTS if p[0] == product_id)
    _, name, _, _, _, _, _, _, variants = row
    _, sku, _, price = next(v for v in variants if v[0] == variant_id)
    amount = float(price)
    return {
        "id": f"b7c1d2e3-0000-4000-8000-{index:012d}",
        "variant_id": variant_id,
        "product_id": product_id,
        "sku": sku,
        "name": name,
        "url": f"{ORIGIN}/{name.lower().replace(' ', '-')}/",
        "quantity": quantity,
        "taxable": True,
        "discounts": [],
        "coupons": [],
        "discount_amount": 0,
        "coupon_amount": 0,
        "original_price": amount,
        "list_price": amount,
        "sale_price": amount,
        "extended_list_price": amount * quantity,
        "extended_sale_price": amount * quantity,
        "is_require_shipping": True,
        "is_mutable": True,
        "added_by_promotion": False,
    }


def carts() -> dict[str, JSON]:
    def cart(cart_id: str, customer_id: int, email_address: str, lines: list[JSON]) -> JSON:
        total = sum(line["extended_sale_price"] for line in lines)
        return {
            "id": cart_id,
            "customer_id": customer_id,
            "channel_id": 1,
            "email": email_address,
            "currency": {"code": "AUD"},
            "tax_included": True,
            "base_amount": total,
            "discount_amount": 0,
            "manual_discount_amount": 0,
            "cart_amount": total,
            "coupons": [],
            "discounts": [],
            "line_items": {
                "physical_items": lines,
                "digital_items": [],
                "gift_certificates": [],
                "custom_items": [],
            },
            "created_time": "2026-03-08T07:40:00+00:00",
            "updated_time": "2026-03-08T07:52:00+00:00",
            "locale": "en",
        }

    return {
        ABANDONED_CART: cart(
            ABANDONED_CART,
            57,
            "noor@example.com",
            [_cart_line(1, 101, 201, 2), _cart_line(2, 104, 206, 1)],
        ),
        GUEST_CART: cart(GUEST_CART, 0, "", [_cart_line(3, 105, 207, 1)]),
    }
