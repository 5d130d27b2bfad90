"""The BigCommerce sandbox's store: catalog, inventory, customers, carts and marketing state
with the filters each list route emulates, and the writes that change them (orders live in
``bigcommerce_orders``).

- Product updates apply name, price, sale price, inventory level, visibility and description.
- Stock adjustments (absolute or relative) name variants by id (or SKU) at a location; a result
  below zero is refused and nothing is applied. Each variant's and product's
  ``inventory_level`` follows the locations' on-hand total.
- Coupon names and codes, and promotion codes, are unique in the store (409 on a repeat).
"""

from __future__ import annotations

import copy
import uuid
from typing import Any

from shopmcp_entrypoints.demo.sandboxes import bigcommerce_data as data
from shopmcp_entrypoints.demo.sandboxes.bigcommerce_data import JSON, v2_date
from shopmcp_entrypoints.demo.sandboxes.bigcommerce_orders import NOW, OrderBook
from shopmcp_entrypoints.demo.sandboxes.bigcommerce_query import (
    BigCommerceRefusal,
    Query,
    among,
    body_object,
    equals,
    keep,
    like,
    not_found,
    v2_page,
    v3_page,
)

PRODUCT_FIELDS = {"name", "price", "sale_price", "inventory_level", "is_visible", "description"}
COUPON_FIELDS = {"name", "code", "type", "amount", "min_purchase", "expires", "enabled"}
COUPON_FIELDS |= {"applies_to", "max_uses", "max_uses_per_customer"}
PROMOTION_FIELDS = {"name", "display_name", "redemption_type", "rules", "status", "customer"}
PROMOTION_FIELDS |= {"start_date", "end_date", "max_uses"}
_TRANSACTIONS = uuid.UUID("8f5a3c2e-1b4d-4e6f-8a9b-0c1d2e3f4a5b")


def _conflict(what: str) -> BigCommerceRefusal:
    return BigCommerceRefusal(409, f"The {what} already exists.")


class SandboxStore:
    """One store's state, built from fresh sample data."""

    def __init__(self) -> None:
        self.store = data.store()
        self.orders = OrderBook()
        self.products = {p["id"]: p for p in data.products()}
        self.categories = data.categories()
        self.brands = {b["id"]: b for b in data.brands()}
        self.locations = {loc["id"]: loc for loc in data.locations()}
        self.stock = data.inventory()
        self.customers = data.customers()
        self.groups = {g["id"]: g for g in data.customer_groups()}
        self.coupons = data.coupons()
        self.promotions = {p["id"]: p for p in data.promotions()}
        self.codes = data.promotion_codes()
        self.carts = data.carts()
        self.abandoned = {data.ABANDONED_TOKEN: data.ABANDONED_CART}
        self._transactions = 0

    def store_information(self, query: Query) -> JSON:
        query.done()
        return self.store

    # ------------------------------------------------------------------------- catalog

    def product_list(self, query: Query) -> JSON:
        keyword = query.text("keyword")
        rows = keep(
            self.products.values(),
            (keyword, lambda p, v: v.lower() in (p["name"] + " " + p["sku"]).lower()),
            (query.text("sku"), equals("sku")),
            (query.integers("categories:in"), lambda p, v: bool(v & set(p["categories"]))),
            (query.integer("brand_id"), equals("brand_id")),
            (query.boolean("is_visible"), equals("is_visible")),
        )
        return v3_page([_without(p, "variants") for p in rows], query)

    def product(self, product_id: int, query: Query) -> JSON:
        include = query.texts("include") or set()
        query.done()
        if not include <= {"variants"}:
            raise BigCommerceRefusal(400, "The sandbox includes only variants")
        found = self.products.get(product_id)
        if found is None:
            raise not_found("product")
        return {"data": found if include else _without(found, "variants"), "meta": {}}

    def update_product(self, product_id: int, body: Any) -> JSON:
        found = self.products.get(product_id)
        if found is None:
            raise not_found("product")
        changes = body_object(body)
        unknown = set(changes) - PRODUCT_FIELDS
        if unknown:
            raise BigCommerceRefusal(
                422, "The sandbox does not update these fields", dict.fromkeys(unknown, "")
            )
        for field in ("price", "sale_price"):
            value = changes.get(field)
            if value is not None and (not isinstance(value, int | float) or value < 0):
                raise BigCommerceRefusal(422, "JSON data is missing or invalid", {field: "≥ 0"})
        found.update(changes, date_modified=f"{NOW}+00:00")
        return {"data": _without(found, "variants"), "meta": {}}

    def category_list(self, query: Query) -> JSON:
        rows = keep(
            self.categories,
            (query.integers("category_id:in"), among("category_id")),
            (query.integers("parent_id:in"), among("parent_id")),
            (query.integers("tree_id:in"), among("tree_id")),
            (query.text("name:like"), like("name")),
            (query.boolean("is_visible"), equals("is_visible")),
        )
        return v3_page(rows, query)

    def brand_list(self, query: Query) -> JSON:
        rows = keep(self.brands.values(), (query.text("name:like"), like("name")))
        return v3_page(rows, query)

    def brand(self, brand_id: int, query: Query) -> JSON:
        query.done()
        if brand_id not in self.brands:
            raise not_found("brand")
        return {"data": self.brands[brand_id], "meta": {}}

    # ------------------------------------------------------------------------- inventory

    def _variants(self) -> list[JSON]:
        return [v for p in self.products.values() for v in p["variants"]]

    def _item(self, variant: JSON, location_id: int) -> JSON:
        stock = self.stock[(variant["id"], location_id)]
        available = max(0, stock["total_inventory_onhand"] - stock["safety_stock"])
        return {
            "available_to_sell": available,
            "total_inventory_onhand": stock["total_inventory_onhand"],
            "settings": {
                "safety_stock": stock["safety_stock"],
                "is_in_stock": available > 0,
                "warning_level": stock["warning_level"],
                "bin_picking_number": stock["bin_picking_number"],
            },
        }

    def _identity(self, variant: JSON) -> JSON:
        return {
            "sku": variant["sku"],
            "variant_id": variant["id"],
            "product_id": variant["product_id"],
            "sku_id": variant["sku_id"],
        }

    def _selected(self, query: Query) -> list[JSON]:
        return keep(
            self._variants(),
            (query.texts("sku:in"), among("sku")),
            (query.integers("variant_id:in"), lambda v, ids: v["id"] in ids),
            (query.integers("product_id:in"), among("product_id")),
        )

    def inventory_items(self, query: Query) -> JSON:
        rows = [
            {
                "identity": self._identity(variant),
                "locations": [
                    {
                        "location_id": loc["id"],
                        "location_code": loc["code"],
                        "location_name": loc["label"],
                        "location_enabled": loc["enabled"],
                        **self._item(variant, loc["id"]),
                    }
                    for loc in self.locations.values()
                ],
            }
            for variant in self._selected(query)
        ]
        return v3_page(rows, query)

    def location_list(self, query: Query) -> JSON:
        rows = keep(self.locations.values(), (query.boolean("is_active"), equals("enabled")))
        return v3_page(rows, query)

    def location_items(self, location_id: int, query: Query) -> JSON:
        if location_id not in self.locations:
            raise not_found("location")
        rows = [
            {"identity": self._identity(v), **self._item(v, location_id)}
            for v in self._selected(query)
        ]
        return v3_page(rows, query)

    def adjust(self, body: Any, *, relative: bool) -> JSON:
        fields = body_object(body)
        if set(fields) - {"items", "reason"} or not isinstance(fields.get("items"), list):
            raise BigCommerceRefusal(422, "items is required", {"items": "a list"})
        variants = {v["id"]: v for v in self._variants()}
        by_sku = {v["sku"]: v for v in variants.values()}
        changes: dict[tuple[int, int], int] = {}
        for item in fields["items"]:
            item = item if isinstance(item, dict) else {}
            variant = variants.get(item.get("variant_id")) or by_sku.get(item.get("sku"))
            location = item.get("location_id")
            quantity = item.get("quantity")
            if variant is None or not isinstance(location, int) or location not in self.locations:
                raise BigCommerceRefusal(422, "Unknown variant or location", {"items": ""})
            if not isinstance(quantity, int) or isinstance(quantity, bool):
                raise BigCommerceRefusal(422, "quantity must be an integer", {"items": ""})
            key = (variant["id"], location)
            current = changes[key] if key in changes else self.stock[key]["total_inventory_onhand"]
            changes[key] = current + quantity if relative else quantity
            if changes[key] < 0:
                raise BigCommerceRefusal(422, "Stock cannot go below zero", {"items": ""})
        for key, onhand in changes.items():
            self.stock[key]["total_inventory_onhand"] = onhand
        for variant in variants.values():
            variant["inventory_level"] = sum(
                self.stock[(variant["id"], lid)]["total_inventory_onhand"] for lid in self.locations
            )
        for product in self.products.values():
            product["inventory_level"] = sum(v["inventory_level"] for v in product["variants"])
        self._transactions += 1
        return {"transaction_id": str(uuid.uuid5(_TRANSACTIONS, str(self._transactions)))}

    # ------------------------------------------------------------------------- customers

    def customer_list(self, query: Query) -> JSON:
        include = query.texts("include") or set()
        if not include <= {"addresses", "storecredit"}:
            raise BigCommerceRefusal(422, "Invalid include", {"include": ",".join(include)})
        name = query.text("name:like")
        groups = query.texts("customer_group_id:in")
        rows = keep(
            self.customers,
            (query.integers("id:in"), among("id")),
            (query.texts("email:in"), lambda c, v: c["email"] in v),
            (name, lambda c, v: v.lower() in f"{c['first_name']} {c['last_name']}".lower()),
            (groups, lambda c, v: str(c["customer_group_id"]) in v),
        )
        hidden = {"addresses", "store_credit_amounts"} - {
            {"addresses": "addresses", "storecredit": "store_credit_amounts"}[i] for i in include
        }
        return v3_page([_without(c, *hidden) for c in rows], query)

    def group_list(self, query: Query) -> list[JSON]:
        rows = keep(self.groups.values(), (query.text("name:like"), like("name")))
        return v2_page(rows, query)

    def group(self, group_id: int, query: Query) -> JSON:
        query.done()
        if group_id not in self.groups:
            raise not_found("resource")
        return self.groups[group_id]

    def abandoned_cart(self, token: str, query: Query) -> JSON:
        query.done()
        if token not in self.abandoned:
            raise not_found("abandoned cart")
        return {"data": {"cart_id": self.abandoned[token]}, "meta": {}}

    def cart(self, cart_id: str, query: Query) -> JSON:
        query.done()
        if cart_id not in self.carts:
            raise not_found("cart")
        return {"data": self.carts[cart_id], "meta": {}}

    # ------------------------------------------------------------------------- marketing

    def coupon_list(self, query: Query) -> list[JSON]:
        wanted = query.text("id")
        rows = keep(
            self.coupons,
            (wanted, lambda c, v: str(c["id"]) == v),
            (query.text("code"), equals("code")),
            (query.text("type"), equals("type")),
        )
        return v2_page(rows, query)

    def create_coupon(self, body: Any) -> JSON:
        fields = body_object(body)
        missing = {"name", "code", "type", "amount", "applies_to"} - set(fields)
        unknown = set(fields) - COUPON_FIELDS
        if missing or unknown:
            problem = "missing " + ", ".join(sorted(missing)) if missing else "unknown fields"
            raise BigCommerceRefusal(400, f"The coupon is invalid: {problem}")
        if any(c["code"].lower() == str(fields["code"]).lower() for c in self.coupons):
            raise _conflict("coupon code")
        if any(c["name"] == fields["name"] for c in self.coupons):
            raise _conflict("coupon name")
        coupon = {
            "id": 1 + max(c["id"] for c in self.coupons),
            "date_created": v2_date(NOW),
            "num_uses": 0,
            "min_purchase": "0.0000",
            "expires": "",
            "enabled": True,
            "max_uses": 0,
            "max_uses_per_customer": 0,
            "restricted_to": {},
            "shipping_methods": [],
            **copy.deepcopy(fields),
        }
        coupon["amount"] = f"{float(coupon['amount']):.4f}"
        coupon["min_purchase"] = f"{float(coupon['min_purchase']):.4f}"
        self.coupons.append(coupon)
        return coupon

    def promotion_list(self, query: Query) -> JSON:
        status = query.text("status")
        rows = keep(
            self.promotions.values(),
            (query.text("query"), like("name")),
            (query.text("redemption_type"), lambda p, v: p["redemption_type"] == v.upper()),
            (status, equals("status")),
        )
        return v3_page(rows, query)

    def promotion(self, promotion_id: int, query: Query) -> JSON:
        query.done()
        if promotion_id not in self.promotions:
            raise not_found("promotion")
        return {"data": self.promotions[promotion_id], "meta": {}}

    def create_promotion(self, body: Any) -> JSON:
        fields = body_object(body)
        unknown = set(fields) - PROMOTION_FIELDS
        rules = fields.get("rules")
        if unknown or not fields.get("name") or not isinstance(rules, list) or not rules:
            raise BigCommerceRefusal(422, "The promotion is invalid", {"rules": "required"})
        if fields.get("redemption_type") not in ("AUTOMATIC", "COUPON"):
            raise BigCommerceRefusal(422, "The promotion is invalid", {"redemption_type": ""})
        discount = None
        for rule in rules:
            action = rule.get("action") if isinstance(rule, dict) else None
            discount = (action or {}).get("cart_value", {}).get("discount")
            if not isinstance(discount, dict):
                raise BigCommerceRefusal(422, "The sandbox emulates cart value discounts only")
        customer = fields.get("customer") or {}
        created = data.promotion(
            1 + max(self.promotions),
            fields["name"],
            fields["redemption_type"],
            discount or {},
            groups=list(customer.get("group_ids") or []),
            minimum_spend=((rules[0].get("condition") or {}).get("cart") or {}).get(
                "minimum_spend"
            ),
            max_uses=fields.get("max_uses"),
            end=fields.get("end_date"),
            status=fields.get("status", "ENABLED"),
            start=fields.get("start_date", f"{NOW}+00:00"),
            display_name=fields.get("display_name"),
        )
        self.promotions[created["id"]] = created
        if created["redemption_type"] == "COUPON":
            self.codes[created["id"]] = []
        return {"data": created, "meta": {}}

    def promotion_codes(self, promotion_id: int, query: Query) -> JSON:
        if promotion_id not in self.promotions:
            raise not_found("promotion")
        after = query.text("after")
        limit = query.integer("limit", low=1, high=250) or 50
        query.done()
        codes = self.codes.get(promotion_id, [])
        start = 0
        if after is not None:
            start = next((i + 1 for i, c in enumerate(codes) if _cursor(c) == after), len(codes))
        chunk = codes[start : start + limit]
        links = (
            {"next": f"?limit={limit}&after={_cursor(chunk[-1])}"}
            if (chunk and start + limit < len(codes))
            else {}
        )
        cursor: JSON = {"count": len(chunk), "per_page": limit, "links": links}
        if chunk:
            cursor |= {"start_cursor": _cursor(chunk[0]), "end_cursor": _cursor(chunk[-1])}
        return {"data": chunk, "meta": {"cursor_pagination": cursor}}

    def create_promotion_code(self, promotion_id: int, body: Any) -> JSON:
        promotion = self.promotions.get(promotion_id)
        if promotion is None:
            raise not_found("promotion")
        if promotion["redemption_type"] != "COUPON":
            raise BigCommerceRefusal(422, "Only coupon promotions have codes")
        fields = body_object(body)
        code = fields.get("code")
        if not isinstance(code, str) or set(fields) - {"code", "max_uses", "max_uses_per_customer"}:
            raise BigCommerceRefusal(422, "The code is invalid", {"code": "required"})
        taken = {c["code"].lower() for codes in self.codes.values() for c in codes}
        taken |= {c["code"].lower() for c in self.coupons}
        if code.lower() in taken:
            raise _conflict("coupon code")
        created = {
            "id": 1 + max((c["id"] for codes in self.codes.values() for c in codes), default=20),
            "code": code,
            "current_uses": 0,
            "max_uses": fields.get("max_uses", 0),
            "max_uses_per_customer": fields.get("max_uses_per_customer", 0),
            "created": f"{NOW}+00:00",
        }
        self.codes.setdefault(promotion_id, []).append(created)
        return {"data": created, "meta": {}}


def _cursor(code: JSON) -> str:
    return f"c{code['id']}"


def _without(record: JSON, *fields: str) -> JSON:
    return {k: v for k, v in record.items() if k not in fields}
