"""A local Shopify sandbox: an ASGI app that answers exactly the documents the Shopify module
sends, from realistic in-memory sample data, and applies its three mutations to that data.

It is a stand-in for a development store (``shopmcp demo`` serves it over HTTPS on loopback),
not a GraphQL server: a request is matched by its exact document text, and anything else is
refused. It checks ``X-Shopify-Access-Token`` against the configured token.
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import hmac
import re
from collections.abc import Callable, Mapping
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from shopmcp_adapters.upstreams.shopify import documents as docs
from shopmcp_adapters.upstreams.shopify.client import TOKEN_HEADER

DEFAULT_TOKEN = "shpat_sandbox_demo_token"  # noqa: S105 - the sandbox's public demo token
CURRENCY = "AUD"
_TRACKING = "https://auspost.com.au/mypost/track/details/"
_UNAUTHORIZED = "[API] Invalid API key or access token (unrecognized login or wrong password)"
_T0 = dt.datetime(2026, 9, 1, 9, 0, tzinfo=dt.UTC)


def _iso(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _gid(kind: str, number: int) -> str:
    return f"gid://shopify/{kind}/{number}"


def _money(amount: float) -> dict[str, Any]:
    return {"shopMoney": {"amount": f"{amount:.2f}", "currencyCode": CURRENCY}}


# --------------------------------------------------------------------------- sample data

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
                "createdAt": _iso(_T0 - dt.timedelta(days=200 - p)),
                "updatedAt": _iso(_T0 - dt.timedelta(days=10 - p)),
                "variants": variants,
            }
        )
    customers = [
        {
            "id": _gid("Customer", 7100000000001 + c),
            "firstName": first,
            "lastName": last,
            "displayName": f"{first} {last}",
            "email": email,
            "phone": f"+6140000000{c}",
            "state": "ENABLED",
            "tags": list(tags),
            "note": None,
            "createdAt": _iso(_T0 - dt.timedelta(days=300 - 20 * c)),
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
                    "createdAt": _iso(created + dt.timedelta(days=1)),
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
                    "createdAt": _iso(created + dt.timedelta(days=4)),
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
                "createdAt": _iso(created),
                "processedAt": _iso(created),
                "updatedAt": _iso(created + dt.timedelta(days=1)),
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
        "plan": {"displayName": "Development", "partnerDevelopment": True, "shopifyPlus": False},
        "billingAddress": {
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


# --------------------------------------------------------------------------- search syntax

_TERM_RE = re.compile(
    r"""(?:(?P<field>[a-z_]+):)?(?P<op>>=|<=|<|>)?(?P<value>"(?:[^"\\]|\\.)*"|'[^']*'|\S+)"""
)


def _terms(query: str | None) -> list[tuple[str | None, str, str]]:
    out = []
    for match in _TERM_RE.finditer(query or ""):
        value = match.group("value")
        if value[:1] in "\"'" and value[-1:] == value[:1]:
            value = value[1:-1].replace('\\"', '"').replace("\\\\", "\\")
        out.append((match.group("field"), match.group("op") or "", value))
    return out


def _numeric(gid: str) -> str:
    return gid.rsplit("/", 1)[-1]


def _contains(haystack: Any, needle: str) -> bool:
    return needle.lower() in str(haystack or "").lower()


def _page(items: list[Any], first: int, after: str | None) -> tuple[list[Any], dict[str, Any]]:
    start = 0
    if after:
        try:
            start = int(base64.b64decode(after).decode().split(":", 1)[1])
        except (ValueError, IndexError, UnicodeDecodeError):
            start = len(items)
    end = start + max(0, min(first, 250))
    chunk = items[start:end]
    cursor = base64.b64encode(f"idx:{end}".encode()).decode() if chunk else None
    return chunk, {"hasNextPage": end < len(items), "endCursor": cursor}


# --------------------------------------------------------------------------- the store


class SandboxShop:
    """In-memory state plus one resolver per document."""

    def __init__(self, data: Mapping[str, Any] | None = None) -> None:
        self.data = copy.deepcopy(dict(data)) if data is not None else sample_data()
        self.resolvers: dict[str, Callable[[Mapping[str, Any]], dict[str, Any]]] = {
            docs.GET_SHOP: self.get_shop,
            docs.LIST_ORDERS: self.list_orders,
            docs.GET_ORDER: self.get_order,
            docs.LIST_ORDER_REFUNDS: self.list_order_refunds,
            docs.LIST_PRODUCTS: self.list_products,
            docs.GET_PRODUCT: self.get_product,
            docs.GET_INVENTORY: self.get_inventory,
            docs.LIST_CUSTOMERS: self.list_customers,
            docs.GET_CUSTOMER: self.get_customer,
            docs.UPDATE_PRODUCT: self.update_product,
            docs.SET_INVENTORY: self.set_inventory,
            docs.UPDATE_ORDER: self.update_order,
        }

    # ----- lookups

    def _find(self, kind: str, gid: Any) -> dict[str, Any] | None:
        return next((x for x in self.data[kind] if x["id"] == gid), None)

    def _customer_of(self, order: Mapping[str, Any]) -> dict[str, Any]:
        customer: dict[str, Any] = self.data["customers"][order["customerIndex"]]
        return customer

    def _orders_of(self, customer: Mapping[str, Any]) -> list[dict[str, Any]]:
        return [o for o in self.data["orders"] if self._customer_of(o)["id"] == customer["id"]]

    def _level(self, item: str, location: Mapping[str, Any]) -> dict[str, Any]:
        quantities = self.data["levels"][(item, location["id"])]
        return {
            "location": {"id": location["id"], "name": location["name"]},
            "quantities": [
                {"name": name, "quantity": quantities[name]}
                for name in ("available", "on_hand", "committed", "incoming")
            ],
        }

    def _total_inventory(self, product: Mapping[str, Any]) -> int:
        return sum(
            self.data["levels"][(v["inventoryItem"]["id"], loc["id"])]["available"]
            for v in product["variants"]
            for loc in self.data["locations"]
        )

    def _variant_quantity(self, variant: Mapping[str, Any]) -> int:
        return sum(
            self.data["levels"][(variant["inventoryItem"]["id"], loc["id"])]["available"]
            for loc in self.data["locations"]
        )

    # ----- reads

    def get_shop(self, _: Mapping[str, Any]) -> dict[str, Any]:
        return {"shop": self.data["shop"]}

    def _order_summary(self, order: Mapping[str, Any]) -> dict[str, Any]:
        customer = self._customer_of(order)
        return {
            "id": order["id"],
            "name": order["name"],
            "createdAt": order["createdAt"],
            "cancelledAt": order["cancelledAt"],
            "closed": order["closed"],
            "displayFinancialStatus": order["displayFinancialStatus"],
            "displayFulfillmentStatus": order["displayFulfillmentStatus"],
            "currentTotalPriceSet": order["currentTotalPriceSet"],
            "customer": {"id": customer["id"], "displayName": customer["displayName"]},
            "subtotalLineItemsQuantity": sum(li["quantity"] for li in order["lineItems"]),
        }

    def _order_matches(self, order: Mapping[str, Any], query: str | None) -> bool:
        for field, op, value in _terms(query):
            if field == "status":
                closed, cancelled = order["closed"], order["cancelledAt"] is not None
                ok = {
                    "open": not closed and not cancelled,
                    "closed": closed,
                    "cancelled": cancelled,
                    "not_closed": not closed,
                }.get(value, False)
            elif field == "financial_status":
                ok = order["displayFinancialStatus"].lower() == value
            elif field == "fulfillment_status":
                status = order["displayFulfillmentStatus"]
                ok = {
                    "fulfilled": status == "FULFILLED",
                    "shipped": status == "FULFILLED",
                    "unfulfilled": status == "UNFULFILLED",
                    "unshipped": status == "UNFULFILLED",
                    "partial": status == "PARTIALLY_FULFILLED",
                }.get(value, False)
            elif field == "created_at":
                ok = (order["createdAt"] >= value) if op == ">=" else (order["createdAt"] < value)
            elif field == "customer_id":
                ok = _numeric(self._customer_of(order)["id"]) == value
            else:
                ok = False
            if not ok:
                return False
        return True

    def list_orders(self, v: Mapping[str, Any]) -> dict[str, Any]:
        matched = [o for o in self.data["orders"] if self._order_matches(o, v.get("query"))]
        matched.sort(key=lambda o: o["createdAt"], reverse=True)
        chunk, info = _page(matched, v["first"], v.get("after"))
        return {"orders": {"pageInfo": info, "nodes": [self._order_summary(o) for o in chunk]}}

    def get_order(self, v: Mapping[str, Any]) -> dict[str, Any]:
        order = self._find("orders", v["id"])
        if order is None:
            return {"order": None}
        return {
            "order": {
                **self._order_summary(order),
                **{
                    k: order[k]
                    for k in (
                        "processedAt",
                        "cancelReason",
                        "note",
                        "tags",
                        "subtotalPriceSet",
                        "totalShippingPriceSet",
                        "totalTaxSet",
                        "totalRefundedSet",
                        "fulfillments",
                    )
                },
                "lineItems": {"nodes": order["lineItems"]},
                "refunds": [
                    {k: r[k] for k in ("id", "createdAt", "note", "totalRefundedSet")}
                    for r in order["refunds"]
                ],
            }
        }

    def list_order_refunds(self, v: Mapping[str, Any]) -> dict[str, Any]:
        order = self._find("orders", v["id"])
        if order is None:
            return {"order": None}
        return {
            "order": {
                "id": order["id"],
                "name": order["name"],
                "totalRefundedSet": order["totalRefundedSet"],
                "refunds": [
                    {**r, "refundLineItems": {"nodes": r["refundLineItems"]}}
                    for r in order["refunds"]
                ],
            }
        }

    def _product_matches(self, product: Mapping[str, Any], query: str | None) -> bool:
        for field, _, value in _terms(query):
            if field is None:
                ok = any(
                    _contains(product[k], value) for k in ("title", "vendor", "productType")
                ) or any(_contains(t, value) for t in product["tags"])
            elif field == "status":
                ok = product["status"] in value.split(",")
            elif field == "vendor":
                ok = product["vendor"].lower() == value.lower()
            elif field == "product_type":
                ok = product["productType"].lower() == value.lower()
            elif field == "tag":
                ok = value.lower() in (t.lower() for t in product["tags"])
            elif field == "sku":
                ok = any(var["sku"] == value for var in product["variants"])
            else:
                ok = False
            if not ok:
                return False
        return True

    def list_products(self, v: Mapping[str, Any]) -> dict[str, Any]:
        matched = [p for p in self.data["products"] if self._product_matches(p, v.get("query"))]
        matched.sort(key=lambda p: p["title"])
        chunk, info = _page(matched, v["first"], v.get("after"))
        nodes = [
            {
                **{
                    k: p[k]
                    for k in (
                        "id",
                        "title",
                        "handle",
                        "status",
                        "vendor",
                        "productType",
                        "tags",
                        "updatedAt",
                    )
                },
                "totalInventory": self._total_inventory(p),
                "variantsCount": {"count": len(p["variants"])},
            }
            for p in chunk
        ]
        return {"products": {"pageInfo": info, "nodes": nodes}}

    def get_product(self, v: Mapping[str, Any]) -> dict[str, Any]:
        product = self._find("products", v["id"])
        if product is None:
            return {"product": None}
        return {
            "product": {
                **product,
                "totalInventory": self._total_inventory(product),
                "variants": {
                    "nodes": [
                        {**var, "inventoryQuantity": self._variant_quantity(var)}
                        for var in product["variants"]
                    ]
                },
            }
        }

    def get_inventory(self, v: Mapping[str, Any]) -> dict[str, Any]:
        terms = _terms(v.get("query"))
        nodes = []
        for product in self.data["products"]:
            for var in product["variants"]:
                wanted = all(
                    (field == "sku" and var["sku"] == value)
                    or (field == "product_id" and _numeric(product["id"]) == value)
                    or (field == "id" and _numeric(var["id"]) == value)
                    for field, _, value in terms
                )
                if not terms or not wanted:
                    continue
                item = var["inventoryItem"]["id"]
                nodes.append(
                    {
                        "id": var["id"],
                        "title": var["title"],
                        "sku": var["sku"],
                        "product": {"id": product["id"], "title": product["title"]},
                        "inventoryItem": {
                            "id": item,
                            "tracked": var["inventoryItem"]["tracked"],
                            "inventoryLevels": {
                                "nodes": [self._level(item, loc) for loc in self.data["locations"]]
                            },
                        },
                    }
                )
        return {"productVariants": {"nodes": nodes[: v["first"]]}}

    def _customer_summary(self, customer: Mapping[str, Any]) -> dict[str, Any]:
        orders = self._orders_of(customer)
        spent = sum(float(o["currentTotalPriceSet"]["shopMoney"]["amount"]) for o in orders)
        return {
            **{
                k: customer[k]
                for k in ("id", "displayName", "email", "phone", "state", "tags", "createdAt")
            },
            "numberOfOrders": str(len(orders)),
            "amountSpent": {"amount": f"{spent:.2f}", "currencyCode": CURRENCY},
        }

    def list_customers(self, v: Mapping[str, Any]) -> dict[str, Any]:
        def matches(customer: Mapping[str, Any]) -> bool:
            for field, _, value in _terms(v.get("query")):
                if field is None:
                    ok = _contains(customer["displayName"], value) or _contains(
                        customer["email"], value
                    )
                elif field == "email":
                    ok = customer["email"].lower() == value.lower()
                else:
                    ok = False
                if not ok:
                    return False
            return True

        matched = [c for c in self.data["customers"] if matches(c)]
        chunk, info = _page(matched, v["first"], v.get("after"))
        return {
            "customers": {"pageInfo": info, "nodes": [self._customer_summary(c) for c in chunk]}
        }

    def get_customer(self, v: Mapping[str, Any]) -> dict[str, Any]:
        customer = self._find("customers", v["id"])
        if customer is None:
            return {"customer": None}
        orders = sorted(self._orders_of(customer), key=lambda o: o["createdAt"], reverse=True)
        last = orders[0] if orders else None
        return {
            "customer": {
                **self._customer_summary(customer),
                **{k: customer[k] for k in ("firstName", "lastName", "note", "defaultAddress")},
                "lastOrder": {k: last[k] for k in ("id", "name", "createdAt")} if last else None,
                "orders": {
                    "nodes": [
                        {
                            k: o[k]
                            for k in (
                                "id",
                                "name",
                                "createdAt",
                                "displayFinancialStatus",
                                "displayFulfillmentStatus",
                                "currentTotalPriceSet",
                            )
                        }
                        for o in orders[:10]
                    ]
                },
            }
        }

    # ----- writes

    def _now(self) -> str:
        return _iso(dt.datetime.now(dt.UTC))

    def update_product(self, v: Mapping[str, Any]) -> dict[str, Any]:
        changes = dict(v["product"])
        product = self._find("products", changes.pop("id", None))
        if product is None:
            return _user_error("productUpdate", ["product", "id"], "Product does not exist")
        if "title" in changes and not str(changes["title"]).strip():
            return _user_error("productUpdate", ["product", "title"], "Title can't be blank")
        allowed = {"title", "descriptionHtml", "status", "tags", "vendor", "productType"}
        product.update({k: val for k, val in changes.items() if k in allowed})
        product["updatedAt"] = self._now()
        fields = ("id", "title", "handle", "status", "vendor", "productType", "tags")
        selected = {k: product[k] for k in (*fields, "descriptionHtml", "updatedAt")}
        return {"productUpdate": {"product": selected, "userErrors": []}}

    def set_inventory(self, v: Mapping[str, Any]) -> dict[str, Any]:
        spec = v["input"]
        if spec.get("name") != "available":
            return _user_error("inventorySetQuantities", ["input", "name"], "Invalid name")
        changes = []
        for entry in spec["quantities"]:
            key = (entry["inventoryItemId"], entry["locationId"])
            level = self.data["levels"].get(key)
            if level is None:
                return _user_error(
                    "inventorySetQuantities",
                    ["input", "quantities", "0", "inventoryItemId"],
                    "The specified inventory item is not stocked at the location.",
                )
            delta = int(entry["quantity"]) - level["available"]
            if not delta:
                continue
            level["available"] += delta
            level["on_hand"] += delta
            location = next(loc for loc in self.data["locations"] if loc["id"] == key[1])
            sku = next(
                var["sku"]
                for p in self.data["products"]
                for var in p["variants"]
                if var["inventoryItem"]["id"] == key[0]
            )
            for name in ("available", "on_hand"):
                changes.append(
                    {
                        "name": name,
                        "delta": delta,
                        "quantityAfterChange": None,
                        "location": location,
                        "item": {"id": key[0], "sku": sku},
                    }
                )
        group = {"reason": spec["reason"], "changes": changes} if changes else None
        return {"inventorySetQuantities": {"inventoryAdjustmentGroup": group, "userErrors": []}}

    def update_order(self, v: Mapping[str, Any]) -> dict[str, Any]:
        changes = dict(v["input"])
        order = self._find("orders", changes.pop("id", None))
        if order is None:
            return _user_error("orderUpdate", ["id"], "Order does not exist")
        order.update({k: val for k, val in changes.items() if k in {"note", "tags"}})
        order["updatedAt"] = self._now()
        selected = {k: order[k] for k in ("id", "name", "note", "tags", "updatedAt")}
        return {"orderUpdate": {"order": selected, "userErrors": []}}


def _user_error(field: str, path: list[str], message: str) -> dict[str, Any]:
    return {field: {"userErrors": [{"field": path, "message": message}]}}


_COST = {
    "requestedQueryCost": 10,
    "actualQueryCost": 4,
    "throttleStatus": {
        "maximumAvailable": 2000.0,
        "currentlyAvailable": 1996.0,
        "restoreRate": 100.0,
    },
}


def create_sandbox_app(
    access_token: str = DEFAULT_TOKEN, shop: SandboxShop | None = None
) -> Starlette:
    """The sandbox ASGI app. ``shop`` holds its state (a fresh sample store by default)."""
    state = shop if shop is not None else SandboxShop()
    expected = access_token.encode()

    async def graphql(request: Request) -> JSONResponse:
        token = request.headers.get(TOKEN_HEADER, "").encode()
        if not hmac.compare_digest(token, expected):
            return JSONResponse(
                {"errors": _UNAUTHORIZED},
                status_code=401,
            )
        try:
            body = await request.json()
        except ValueError:
            return JSONResponse({"errors": "Bad Request"}, status_code=400)
        document = body.get("query") if isinstance(body, dict) else None
        variables = body.get("variables") if isinstance(body, dict) else None
        resolver = state.resolvers.get(document) if isinstance(document, str) else None
        if resolver is None or not isinstance(variables, dict):
            message = "this sandbox answers only ShopMCP's fixed documents"
            return JSONResponse({"errors": [{"message": message}]}, status_code=400)
        return JSONResponse({"data": resolver(variables), "extensions": {"cost": _COST}})

    app = Starlette(routes=[Route(docs.GRAPHQL_PATH, graphql, methods=["POST"])])
    app.state.shop = state
    return app
