"""The Magento sandbox's sample store in the admin REST API's shapes (2.4.9): two store views,
simple, configurable and virtual products with stock at two sources, customers, guest and
customer orders in every state, and two credit memos. Built afresh, identically, for each store.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

JSON = dict[str, Any]


def _store_configs() -> list[JSON]:
    def config(store_id: int, code: str, locale: str, currency: str, tz: str, unit: str) -> JSON:
        base = "https://demo-store.example/" + ("" if code == "default" else f"{code}/")
        return {
            "id": store_id,
            "code": code,
            "website_id": 1,
            "locale": locale,
            "base_currency_code": "USD",
            "default_display_currency_code": currency,
            "timezone": tz,
            "weight_unit": unit,
            "base_url": base,
            "base_link_url": base,
            "base_static_url": "https://demo-store.example/static/",
            "base_media_url": "https://demo-store.example/media/",
            "secure_base_url": base,
            "secure_base_link_url": base,
            "secure_base_static_url": "https://demo-store.example/static/",
            "secure_base_media_url": "https://demo-store.example/media/",
        }

    return [
        config(1, "default", "en_US", "USD", "America/Chicago", "lbs"),
        config(2, "fr", "fr_FR", "EUR", "Europe/Paris", "kgs"),
    ]


def _stock(product_id: int, qty: float) -> JSON:
    return {
        "item_id": product_id,
        "product_id": product_id,
        "stock_id": 1,
        "qty": qty,
        "is_in_stock": qty > 0,
        "manage_stock": True,
        "min_sale_qty": 1,
        "max_sale_qty": 10000,
    }


def _product(
    pid: int,
    sku: str,
    name: str,
    price: float,
    *,
    type_id: str = "simple",
    status: int = 1,
    visibility: int = 4,
    weight: float | None = 1.0,
    qty: float | None = None,
    description: str = "",
    special_price: str | None = None,
    extra: Mapping[str, str] | None = None,
    extension: JSON | None = None,
) -> JSON:
    custom = [
        {"attribute_code": "description", "value": description or f"<p>{name}.</p>"},
        {"attribute_code": "short_description", "value": name},
        {"attribute_code": "url_key", "value": sku.lower().replace(" ", "-")},
    ]
    if special_price is not None:
        custom.append({"attribute_code": "special_price", "value": special_price})
    custom += [{"attribute_code": k, "value": v} for k, v in (extra or {}).items()]
    ext: JSON = {"website_ids": [1], **(extension or {})}
    if qty is not None:
        ext["stock_item"] = _stock(pid, qty)
    product: JSON = {
        "id": pid,
        "sku": sku,
        "name": name,
        "attribute_set_id": 4,
        "price": price,
        "status": status,
        "visibility": visibility,
        "type_id": type_id,
        "created_at": "2025-11-20 10:00:00",
        "updated_at": "2026-02-28 16:42:03",
        "extension_attributes": ext,
        "product_links": [],
        "options": [],
        "media_gallery_entries": [],
        "tier_prices": [],
        "custom_attributes": custom,
    }
    if weight is not None:
        product["weight"] = weight
    return product


def _products() -> list[JSON]:
    hoodie_options = [
        {
            "id": 3,
            "attribute_id": "93",
            "label": "Color",
            "position": 0,
            "values": [{"value_index": 49}, {"value_index": 52}],
            "product_id": 67,
        },
        {
            "id": 4,
            "attribute_id": "144",
            "label": "Size",
            "position": 1,
            "values": [{"value_index": 167}, {"value_index": 168}],
            "product_id": 67,
        },
    ]
    return [
        _product(1, "24-MB01", "Joust Duffle Bag", 34.0, qty=100, weight=2.0),
        _product(2, "24-MB04", "Strive Shoulder Pack", 32.0, qty=12, special_price="27.000000"),
        _product(3, "24-WB04", "Overnight Duffle", 45.0, qty=0),
        _product(4, "24-UG06", "Affirm Water Bottle", 7.0, qty=250, weight=0.5),
        _product(5, "24-MG03", "Summit Watch", 54.0, status=2, qty=8),
        _product(
            67,
            "MH01",
            "Chaz Kangeroo Hoodie",
            52.0,
            type_id="configurable",
            weight=None,
            special_price="45.000000",
            extension={
                "configurable_product_options": hoodie_options,
                "configurable_product_links": [54, 55, 56],
            },
        ),
        _product(
            54,
            "MH01-M-Black",
            "Chaz Kangeroo Hoodie-M-Black",
            52.0,
            visibility=1,
            qty=20,
            extra={"color": "49", "size": "167"},
        ),
        _product(
            55,
            "MH01-L-Black",
            "Chaz Kangeroo Hoodie-L-Black",
            52.0,
            visibility=1,
            qty=6,
            extra={"color": "49", "size": "168"},
        ),
        _product(
            56,
            "MH01-M-Gray",
            "Chaz Kangeroo Hoodie-M-Gray",
            52.0,
            visibility=1,
            qty=0,
            extra={"color": "52", "size": "167"},
        ),
        _product(90, "GC-25", "Gift Card $25", 25.0, type_id="virtual", weight=None, qty=999),
    ]


def _source_items(products: list[JSON]) -> list[JSON]:
    items = []
    for p in products:
        stock = p["extension_attributes"].get("stock_item")
        if stock is None or p["type_id"] == "virtual":
            continue
        east = p["id"] % 3 * 5  # a few units at the second source for some SKUs
        items.append(
            {
                "sku": p["sku"],
                "source_code": "default",
                "quantity": stock["qty"],
                "status": 1 if stock["qty"] > 0 else 0,
            }
        )
        items.append(
            {
                "sku": p["sku"],
                "source_code": "warehouse_east",
                "quantity": east,
                "status": 1 if east > 0 else 0,
            }
        )
    return items


_CUSTOMERS = [
    (1, "Veronica", "Costello", "roni_cost@example.com", "Calder", "Michigan", "MI", "US"),
    (2, "John", "Smith", "john.smith@example.com", "Austin", "Texas", "TX", "US"),
    (3, "Amira", "Haddad", "amira.haddad@example.com", "Toronto", "Ontario", "ON", "CA"),
    (4, "Lena", "Fischer", "lena.fischer@example.com", "Berlin", "Berlin", "BE", "DE"),
    (5, "Tomás", "Rivera", "tomas.rivera@example.com", "Denver", "Colorado", "CO", "US"),
    (6, "Grace", "Okafor", "grace.okafor@example.com", "Seattle", "Washington", "WA", "US"),
]


def _customers() -> list[JSON]:
    out = []
    for cid, first, last, email, city, region, code, country in _CUSTOMERS:
        out.append(
            {
                "id": cid,
                "group_id": 1,
                "default_billing": str(cid),
                "default_shipping": str(cid),
                "created_at": f"2025-{6 + cid:02d}-0{cid} 09:30:00",
                "updated_at": "2026-01-15 10:00:00",
                "created_in": "Default Store View",
                "email": email,
                "firstname": first,
                "lastname": last,
                "store_id": 1,
                "website_id": 1,
                "addresses": [
                    {
                        "id": cid,
                        "customer_id": cid,
                        "region": {"region_code": code, "region": region, "region_id": cid},
                        "region_id": cid,
                        "country_id": country,
                        "street": [f"{100 + cid} Market Street"],
                        "telephone": f"(555) 010-00{cid:02d}",
                        "postcode": f"{10000 + cid * 111}",
                        "city": city,
                        "firstname": first,
                        "lastname": last,
                        "default_shipping": True,
                        "default_billing": True,
                    }
                ],
                "disable_auto_group_change": 0,
            }
        )
    return out


def _orders(products: list[JSON], customers: list[JSON]) -> list[JSON]:
    by_sku = {p["sku"]: p for p in products}
    people = {c["id"]: c for c in customers}
    # (entity_id, customer id or None for a guest, status, state, day, [(sku, qty, shipped)])
    plan: list[tuple[int, int | None, str, str, str, list[tuple[str, int, int]]]] = [
        (1, 1, "complete", "complete", "2026-01-05", [("24-MB01", 1, 1), ("24-UG06", 2, 2)]),
        (2, 2, "complete", "complete", "2026-01-12", [("MH01-M-Black", 1, 1)]),
        (3, 1, "closed", "closed", "2026-01-20", [("24-WB04", 1, 1)]),
        (4, 3, "processing", "processing", "2026-02-02", [("24-MB04", 1, 0), ("24-UG06", 1, 0)]),
        (5, None, "pending", "new", "2026-02-10", [("24-MB01", 2, 0)]),
        (6, 4, "processing", "processing", "2026-02-14", [("MH01-L-Black", 2, 1)]),
        (7, 1, "complete", "complete", "2026-02-21", [("MH01-M-Black", 1, 1), ("24-MB04", 1, 1)]),
        (8, 5, "canceled", "canceled", "2026-03-01", [("24-MG03", 1, 0)]),
        (9, 6, "pending", "new", "2026-03-03", [("24-UG06", 4, 0), ("GC-25", 1, 0)]),
        (10, 2, "processing", "processing", "2026-03-06", [("24-MB01", 1, 1), ("24-WB04", 1, 0)]),
    ]
    orders = []
    item_id = 100
    for entity_id, cid, status, state, day, lines in plan:
        customer = people.get(cid) if cid else None
        first, last = (
            (customer["firstname"], customer["lastname"]) if customer else ("Sam", "Guest")
        )
        email = customer["email"] if customer else "guest.buyer@example.com"
        items: list[JSON] = []
        for sku, qty, shipped in lines:
            product = by_sku[sku]
            parent_sku = sku.split("-")[0] if sku.startswith("MH01-") else None
            item_id += 1
            virtual = product["type_id"] == "virtual"
            if parent_sku:
                parent = by_sku[parent_sku]
                items.append(
                    {
                        "item_id": item_id,
                        "order_id": entity_id,
                        "sku": sku,
                        "name": parent["name"],
                        "product_type": "configurable",
                        "product_id": parent["id"],
                        "qty_ordered": qty,
                        "qty_shipped": shipped,
                        "qty_refunded": 0,
                        "qty_canceled": 0,
                        "price": product["price"],
                        "row_total": product["price"] * qty,
                        "is_virtual": 0,
                    }
                )
                item_id += 1
                items.append(
                    {
                        "item_id": item_id,
                        "order_id": entity_id,
                        "parent_item_id": item_id - 1,
                        "sku": sku,
                        "name": product["name"],
                        "product_type": "simple",
                        "product_id": product["id"],
                        "qty_ordered": qty,
                        "qty_shipped": 0,
                        "qty_refunded": 0,
                        "qty_canceled": 0,
                        "price": 0,
                        "row_total": 0,
                        "is_virtual": 0,
                    }
                )
            else:
                items.append(
                    {
                        "item_id": item_id,
                        "order_id": entity_id,
                        "sku": sku,
                        "name": product["name"],
                        "product_type": product["type_id"],
                        "product_id": product["id"],
                        "qty_ordered": qty,
                        "qty_shipped": 0 if virtual else shipped,
                        "qty_refunded": 0,
                        "qty_canceled": qty if status == "canceled" else 0,
                        "price": product["price"],
                        "row_total": product["price"] * qty,
                        "is_virtual": 1 if virtual else 0,
                    }
                )
        subtotal = sum(i["row_total"] for i in items)
        shipping = 5.0 * sum(
            1 for i in items if not i.get("parent_item_id") and not i["is_virtual"]
        )
        grand = round(subtotal + shipping, 2)
        paid = status in {"processing", "complete", "closed"}
        address: JSON = (
            copy.deepcopy(customer["addresses"][0])
            if customer
            else {
                "street": ["1 Guest Lane"],
                "city": "Portland",
                "region": {"region": "Oregon"},
                "postcode": "97201",
                "country_id": "US",
                "telephone": "(555) 010-0999",
            }
        )
        order_address = {
            "address_type": "shipping",
            "firstname": first,
            "lastname": last,
            "email": email,
            "street": address["street"],
            "city": address["city"],
            "region": address["region"]["region"],
            "postcode": address["postcode"],
            "country_id": address["country_id"],
            "telephone": address["telephone"],
            "parent_id": entity_id,
        }
        order: JSON = {
            "entity_id": entity_id,
            "increment_id": f"{entity_id:09d}",
            "status": status,
            "state": state,
            "created_at": f"{day} 1{entity_id % 10}:15:00",
            "updated_at": f"{day} 18:00:00",
            "store_id": 1,
            "customer_email": email,
            "customer_firstname": first,
            "customer_lastname": last,
            "customer_is_guest": 0 if customer else 1,
            "order_currency_code": "USD",
            "base_currency_code": "USD",
            "subtotal": subtotal,
            "shipping_amount": shipping,
            "tax_amount": 0,
            "discount_amount": 0,
            "grand_total": grand,
            "base_grand_total": grand,
            "total_paid": grand if paid else 0,
            "total_refunded": 0,
            "shipping_description": "Flat Rate - Fixed",
            "items": items,
            "billing_address": {**order_address, "address_type": "billing"},
            "payment": {
                "method": "checkmo",
                "account_status": None,
                "cc_last4": None,
                "additional_information": ["Check / Money order"],
            },
            "extension_attributes": {
                "shipping_assignments": [
                    {
                        "shipping": {"address": order_address, "method": "flatrate_flatrate"},
                        "items": items,
                    }
                ]
            },
        }
        if customer:
            order["customer_id"] = customer["id"]
        orders.append(order)
    return orders


def _credit_memos(orders: list[JSON]) -> list[JSON]:
    by_id = {o["entity_id"]: o for o in orders}
    memos = []
    # Order 3 refunded in full (closed); order 7 refunded one hoodie.
    for memo_id, order_id, skus, shipping in ((1, 3, None, 5.0), (2, 7, {"MH01-M-Black"}, 0.0)):
        order = by_id[order_id]
        lines = [
            i
            for i in order["items"]
            if not i.get("parent_item_id") and (skus is None or i["sku"] in skus)
        ]
        subtotal = sum(i["row_total"] for i in lines)
        for line in lines:
            line["qty_refunded"] = line["qty_ordered"]
        grand = subtotal + shipping
        order["total_refunded"] = grand
        memos.append(
            {
                "entity_id": memo_id,
                "increment_id": f"{memo_id:09d}",
                "order_id": order_id,
                "invoice_id": order_id,
                "created_at": f"{order['created_at'][:10]} 20:00:00",
                "state": 2,
                "order_currency_code": "USD",
                "subtotal": subtotal,
                "shipping_amount": shipping,
                "adjustment": 0,
                "grand_total": grand,
                "items": [
                    {
                        "entity_id": memo_id * 10 + n,
                        "parent_id": memo_id,
                        "order_item_id": i["item_id"],
                        "sku": i["sku"],
                        "name": i["name"],
                        "qty": i["qty_ordered"],
                        "price": i["price"],
                        "row_total": i["row_total"],
                    }
                    for n, i in enumerate(lines)
                ],
                "comments": [],
            }
        )
    return memos


def sample_data() -> dict[str, list[JSON]]:
    """Fresh, deterministic sample state (each store gets its own copy)."""
    products = _products()
    customers = _customers()
    orders = _orders(products, customers)
    return {
        "store_configs": _store_configs(),
        "products": products,
        "source_items": _source_items(products),
        "customers": customers,
        "orders": orders,
        # Credit memos mark their orders' lines as refunded, so they come after the orders.
        "credit_memos": _credit_memos(orders),
    }
