"""The Shopify sandbox's store: in-memory state and one resolver per document the Shopify module
sends, answering in the Admin GraphQL API's shapes (only the fields those documents select, and a
few more that tests ignore). The three mutations change the state; reads see the changes.

Search queries follow Shopify's syntax (``field:value``, ``field:>=value``, quoted values, bare
words) for the fields the module filters on; paging uses opaque base64 cursors.
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import re
from collections.abc import Callable, Mapping
from typing import Any

from shopmcp_adapters.upstreams.shopify import documents as docs
from shopmcp_entrypoints.demo.sandboxes.shopify_data import CURRENCY, iso, sample_data

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
                for k in (
                    "id",
                    "displayName",
                    "defaultEmailAddress",
                    "defaultPhoneNumber",
                    "state",
                    "tags",
                    "createdAt",
                )
            },
            "numberOfOrders": str(len(orders)),
            "amountSpent": {"amount": f"{spent:.2f}", "currencyCode": CURRENCY},
        }

    def list_customers(self, v: Mapping[str, Any]) -> dict[str, Any]:
        def matches(customer: Mapping[str, Any]) -> bool:
            email = customer["defaultEmailAddress"]["emailAddress"]
            for field, _, value in _terms(v.get("query")):
                if field is None:
                    ok = _contains(customer["displayName"], value) or _contains(email, value)
                elif field == "email":
                    ok = email.lower() == value.lower()
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
        return iso(dt.datetime.now(dt.UTC))

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
            return _user_error(
                "inventorySetQuantities", ["input", "name"], "Invalid name", "INVALID_NAME"
            )
        # Compare-and-set as in 2026-07: each quantity names the stock it replaces
        # (changeFromQuantity, null to skip the check). Every quantity is checked before any
        # changes, so one stale quantity changes nothing.
        targets = []
        for index, entry in enumerate(spec["quantities"]):
            where = ["input", "quantities", str(index)]
            key = (entry["inventoryItemId"], entry["locationId"])
            level = self.data["levels"].get(key)
            if level is None:
                return _user_error(
                    "inventorySetQuantities",
                    [*where, "inventoryItemId"],
                    "The specified inventory item is not stocked at the location.",
                    "ITEM_NOT_STOCKED_AT_LOCATION",
                )
            if "changeFromQuantity" not in entry:
                return _user_error(
                    "inventorySetQuantities",
                    [*where, "changeFromQuantity"],
                    "changeFromQuantity must be given for each quantity (null skips the check).",
                    "COMPARE_QUANTITY_REQUIRED",
                )
            expected = entry["changeFromQuantity"]
            if expected is not None and expected != level["available"]:
                return _user_error(
                    "inventorySetQuantities",
                    [*where, "changeFromQuantity"],
                    "The changeFromQuantity value does not match persisted value.",
                    "CHANGE_FROM_QUANTITY_STALE",
                )
            targets.append((key, level, int(entry["quantity"])))
        changes = []
        for key, level, quantity in targets:
            delta = quantity - level["available"]
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


# What each mutation returns besides its userErrors: null when it refuses.
_RESULT = {
    "productUpdate": "product",
    "inventorySetQuantities": "inventoryAdjustmentGroup",
    "orderUpdate": "order",
}


def _user_error(
    field: str, path: list[str], message: str, code: str | None = None
) -> dict[str, Any]:
    # Only SetInventory selects a code; the other mutations' errors carry field and message.
    error = {"field": path, "message": message} | ({"code": code} if code else {})
    return {field: {_RESULT[field]: None, "userErrors": [error]}}
